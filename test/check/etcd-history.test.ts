/**
 * The conversion of the simulator's client history into the etcd model's (`toEtcdHistory`): what
 * it keeps, what it leaves out, and the shapes of requests and responses, with byte strings turned
 * into text (UTF-8).
 */
import { describe, expect, it } from "vitest";
import type { HistoryOperation } from "../../src/etcd/history.js";
import type { KvRequest, KvResponse } from "../../src/etcd/protocol.js";
import { toEtcdHistory } from "../../src/check/etcd-history.js";
import type { KeyValue } from "../../src/mvcc/types.js";

/** The UTF-8 bytes of `text` as a byte string. */
const bytes = (text: string): string => Buffer.from(text, "utf8").toString("latin1");
const kv = (key: string, value: string, modRevision: number, createRevision = modRevision, version = 1): KeyValue => ({
  key: bytes(key),
  value: bytes(value),
  modRevision,
  createRevision,
  version,
  lease: 0,
});
const header = (revision: number) => ({ revision });

function history(entries: ReadonlyArray<readonly [KvRequest, "ok" | "fail" | "unknown", KvResponse | null]>): HistoryOperation[] {
  return entries.map(([request, outcome, response], index) => ({
    index,
    process: `c${index}`,
    endpoint: "n1",
    request,
    invokeUs: 10 * index,
    returnUs: outcome === "unknown" ? null : 10 * index + 5,
    outcome,
    response,
    error: outcome === "ok" ? null : ({ message: outcome === "fail" ? "etcdserver: key not found" : "context deadline exceeded" } as HistoryOperation["error"]),
  }));
}

describe("toEtcdHistory", () => {
  it("converts ranges (historical ones too), puts (with a lease too), deletes and transactions, and leaves out what the model cannot express", () => {
    const converted = toEtcdHistory(
      history([
        [{ kind: "range", request: { key: bytes("a") } }, "ok", { kind: "range", response: { header: header(3), kvs: [kv("a", "1", 2)], more: false, count: 1 } }],
        [{ kind: "range", request: { key: bytes("a"), rangeEnd: bytes("c"), limit: 2 } }, "ok", { kind: "range", response: { header: header(3), kvs: [kv("a", "1", 2), kv("b", "2", 3)], more: true, count: 3 } }],
        [{ kind: "range", request: { key: bytes("a"), rangeEnd: "\x00", limit: 0 } }, "ok", { kind: "range", response: { header: header(3), kvs: [], more: false, count: 0 } }],
        [{ kind: "range", request: { key: bytes("a"), rangeEnd: "" } }, "ok", { kind: "range", response: { header: header(3), kvs: [], more: false, count: 0 } }],
        [{ kind: "range", request: { key: bytes("a"), serializable: true } }, "ok", { kind: "range", response: { header: header(3), kvs: [], more: false, count: 0 } }],
        [{ kind: "range", request: { key: bytes("a"), revision: 2 } }, "ok", { kind: "range", response: { header: header(3), kvs: [], more: false, count: 0 } }],
        [{ kind: "range", request: { key: bytes("a"), sortOrder: "ASCEND" } }, "ok", { kind: "range", response: { header: header(3), kvs: [], more: false, count: 0 } }],
        [{ kind: "range", request: { key: bytes("a"), countOnly: true } }, "ok", { kind: "range", response: { header: header(3), kvs: [], more: false, count: 0 } }],
        [{ kind: "range", request: { key: bytes("ключ") } }, "ok", { kind: "range", response: { header: header(4), kvs: [kv("ключ", "значение😀", 4)], more: false, count: 1 } }],
        [{ kind: "put", request: { key: bytes("a"), value: bytes("x") } }, "ok", { kind: "put", response: { header: header(5) } }],
        [{ kind: "put", request: { key: bytes("a") } }, "unknown", null],
        [{ kind: "put", request: { key: bytes("a"), value: bytes("x"), lease: 7 } }, "ok", { kind: "put", response: { header: header(6) } }],
        [{ kind: "put", request: { key: bytes("a"), value: bytes("x"), ignoreValue: true } }, "ok", { kind: "put", response: { header: header(6) } }],
        [{ kind: "put", request: { key: bytes("é"), value: bytes("ü") } }, "fail", null],
        [{ kind: "deleteRange", request: { key: bytes("a") } }, "ok", { kind: "deleteRange", response: { header: header(7), deleted: 1, prevKvs: [] } }],
        [{ kind: "deleteRange", request: { key: bytes("a"), rangeEnd: bytes("z") } }, "ok", { kind: "deleteRange", response: { header: header(7), deleted: 0, prevKvs: [] } }],
        [
          {
            kind: "txn",
            request: {
              compare: [
                { target: "VALUE", result: "EQUAL", key: bytes("a"), value: bytes("x") },
                { target: "VERSION", result: "GREATER", key: bytes("a"), version: 2 },
                { target: "CREATE", result: "LESS", key: bytes("a") },
                { target: "MOD", result: "NOT_EQUAL", key: bytes("a"), modRevision: 5 },
              ],
              success: [
                { type: "put", request: { key: bytes("a"), value: bytes("y") } },
                { type: "range", request: { key: bytes("a"), rangeEnd: bytes("b"), limit: 1 } },
                { type: "deleteRange", request: { key: bytes("b"), rangeEnd: bytes("c") } },
              ],
              failure: [{ type: "range", request: { key: bytes("a") } }],
            },
          },
          "ok",
          {
            kind: "txn",
            response: {
              header: header(8),
              succeeded: true,
              responses: [
                { type: "put", response: { header: header(0) } },
                { type: "range", response: { header: header(0), kvs: [kv("a", "y", 8, 2, 3)], more: false, count: 1 } },
                { type: "deleteRange", response: { header: header(0), deleted: 2, prevKvs: [] } },
              ],
            },
          },
        ],
        [{ kind: "txn", request: { compare: [{ target: "LEASE", result: "EQUAL", key: bytes("a"), lease: 1 }] } }, "ok", { kind: "txn", response: { header: header(8), succeeded: true, responses: [] } }],
        [{ kind: "txn", request: { compare: [{ target: "VERSION", result: "EQUAL", key: bytes("a"), rangeEnd: bytes("b") }] } }, "ok", { kind: "txn", response: { header: header(8), succeeded: true, responses: [] } }],
        [{ kind: "txn", request: { success: [{ type: "txn", request: {} }] } }, "ok", { kind: "txn", response: { header: header(8), succeeded: true, responses: [] } }],
        [{ kind: "txn", request: { success: [{ type: "range", request: { key: bytes("a"), keysOnly: true } }] } }, "ok", { kind: "txn", response: { header: header(8), succeeded: true, responses: [] } }],
        [{ kind: "compact", request: { revision: 3 } }, "ok", { kind: "compact", response: { header: header(8) } }],
      ]),
      "run",
    );
    expect(converted.model).toBe("etcd");
    expect(converted.source).toBe("run");
    expect(converted.operations.map((operation) => [operation.id, operation.line, operation.process, operation.outcome])).toEqual([
      [0, 1, "c0", "ok"],
      [1, 2, "c1", "ok"],
      [2, 3, "c2", "ok"],
      [3, 4, "c3", "ok"],
      [4, 6, "c5", "ok"],
      [5, 9, "c8", "ok"],
      [6, 10, "c9", "ok"],
      [7, 11, "c10", "unknown"],
      [8, 12, "c11", "ok"],
      [9, 14, "c13", "fail"],
      [10, 15, "c14", "ok"],
      [11, 16, "c15", "ok"],
      [12, 17, "c16", "ok"],
    ]);
    const [first, limited, fromKey, emptyEnd, historical, unicode, put, timedOut, leased, failed, deleteOne, deleteRange, txn] = converted.operations;
    expect(historical?.input).toEqual({ type: "range", key: "a", revision: 2 });
    expect(leased).toMatchObject({ input: { type: "put", key: "a", value: "x" }, output: { type: "put", revision: 6 } });
    expect(first).toMatchObject({ invokeTime: 0, returnTime: 5, error: undefined, returnLine: undefined });
    expect(first?.input).toEqual({ type: "range", key: "a" });
    expect(first?.output).toEqual({ type: "range", kvs: [{ key: "a", value: "1", modRevision: 2, createRevision: 2, version: 1 }], count: 1, revision: 3 });
    expect(limited?.input).toEqual({ type: "range", key: "a", end: "c", limit: 2 });
    expect(limited?.output).toMatchObject({ count: 3, kvs: [{ key: "a" }, { key: "b" }] });
    expect(fromKey?.input).toEqual({ type: "range", key: "a", end: "\x00" });
    expect(emptyEnd?.input).toEqual({ type: "range", key: "a" });
    expect(unicode?.input).toEqual({ type: "range", key: "ключ" });
    expect(unicode?.output).toMatchObject({ kvs: [{ key: "ключ", value: "значение😀" }] });
    expect(put).toMatchObject({ input: { type: "put", key: "a", value: "x" }, output: { type: "put", revision: 5 } });
    expect(timedOut).toMatchObject({ input: { type: "put", key: "a", value: "" }, output: undefined, returnTime: Infinity, error: "context deadline exceeded" });
    expect(failed).toMatchObject({ input: { type: "put", key: "é", value: "ü" }, output: undefined, returnTime: 135, error: "etcdserver: key not found" });
    expect(deleteOne).toMatchObject({ input: { type: "delete", key: "a" }, output: { type: "delete", deleted: 1, revision: 7 } });
    expect(deleteRange?.input).toEqual({ type: "delete", key: "a", end: "z" });
    expect(txn?.input).toEqual({
      type: "txn",
      compare: [
        { key: "a", target: "value", operator: "=", value: "x" },
        { key: "a", target: "version", operator: ">", value: 2 },
        { key: "a", target: "create", operator: "<", value: 0 },
        { key: "a", target: "mod", operator: "!=", value: 5 },
      ],
      success: [
        { type: "put", key: "a", value: "y" },
        { type: "range", key: "a", end: "b", limit: 1 },
        { type: "delete", key: "b", end: "c" },
      ],
      failure: [{ type: "range", key: "a" }],
    });
    expect(txn?.output).toEqual({
      type: "txn",
      succeeded: true,
      results: [{ type: "put" }, { type: "range", kvs: [{ key: "a", value: "y", modRevision: 8, createRevision: 2, version: 3 }], count: 1 }, { type: "delete", deleted: 2 }],
      revision: 8,
    });
  });
});
