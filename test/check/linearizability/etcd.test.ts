/**
 * The etcd model: revisions, mod/create revisions and versions, transactions, stale reads and
 * header revisions that go backwards, and writes with unknown outcomes.
 */
import { describe, expect, it } from "vitest";
import type { EtcdPutOp, EtcdRangeOp, EtcdRequest, EtcdResponse } from "../../../src/check/history/operations.js";
import { checkOperations } from "../../../src/check/linearizability/check.js";
import { ILLEGAL } from "../../../src/check/linearizability/model.js";
import { compareBytes, etcdModel, executeEtcd, INITIAL_ETCD_STATE, type EtcdState } from "../../../src/check/linearizability/models/etcd.js";
import { operations, type OperationSpec } from "./helpers.js";

type Spec = OperationSpec<EtcdRequest, EtcdResponse>;

const put = (key: string, value: string): EtcdPutOp => ({ type: "put", key, value });
const get = (key: string): EtcdRangeOp => ({ type: "range", key });
const putOk = (revision: number): EtcdResponse => ({ type: "put", revision });
const found = (revision: number, ...kvs: Array<[string, string, number]>): EtcdResponse => ({
  type: "range",
  revision,
  count: kvs.length,
  kvs: kvs.map(([key, value, modRevision]) => ({ key, value, modRevision })),
});

function check(specs: readonly Spec[]) {
  return checkOperations(etcdModel, operations(specs));
}

/** Runs requests in order from the empty store, returning the last response and state. */
function run(...requests: EtcdRequest[]): { response: EtcdResponse; state: EtcdState } {
  let state = INITIAL_ETCD_STATE;
  let response: EtcdResponse | undefined;
  for (const request of requests) ({ next: state, response } = executeEtcd(state, request));
  if (response === undefined) throw new Error("no request");
  return { response, state };
}

describe("the etcd store", () => {
  it("starts at revision 1; each put creates a revision; a key's version counts its writes", () => {
    expect(run(get("a")).response).toEqual({ type: "range", kvs: [], count: 0, revision: 1 });
    expect(run(put("a", "1")).response).toEqual({ type: "put", revision: 2 });
    expect(run(put("a", "1"), put("b", "2"), put("a", "3"), get("a")).response).toEqual({
      type: "range",
      kvs: [{ key: "a", value: "3", modRevision: 4, createRevision: 2, version: 2 }],
      count: 1,
      revision: 4,
    });
  });

  it("a delete of something creates a revision and a new generation; a delete of nothing does not", () => {
    expect(run(put("a", "1"), { type: "delete", key: "b" }).response).toEqual({ type: "delete", deleted: 0, revision: 2 });
    expect(run(put("a", "1"), { type: "delete", key: "a" }).response).toEqual({ type: "delete", deleted: 1, revision: 3 });
    expect(run(put("a", "1"), { type: "delete", key: "a" }, put("a", "2"), get("a")).response).toMatchObject({
      kvs: [{ key: "a", value: "2", modRevision: 4, createRevision: 4, version: 1 }],
    });
  });

  it("ranges over [key, end) in byte order, with a limit that does not change the count", () => {
    const setup = [put("b", "2"), put("a", "1"), put("c", "3"), put("bz", "4")];
    expect(run(...setup, { type: "range", key: "b", end: "c" }).response).toMatchObject({
      kvs: [{ key: "b" }, { key: "bz" }],
      count: 2,
    });
    expect(run(...setup, { type: "range", key: "a", end: "\0", limit: 2 }).response).toMatchObject({
      kvs: [{ key: "a" }, { key: "b" }],
      count: 4,
    });
    expect(run(...setup, { type: "delete", key: "a", end: "c" }).response).toEqual({ type: "delete", deleted: 3, revision: 6 });
  });

  it("compares keys by code point, as etcd compares UTF-8 bytes", () => {
    expect(compareBytes("a", "b")).toBeLessThan(0);
    expect(compareBytes("ab", "a")).toBeGreaterThan(0);
    expect(compareBytes("\u{1f600}", "\uffff")).toBeGreaterThan(0);
    expect(compareBytes("\uffff", "\u{1f600}")).toBeLessThan(0);
  });

  it("runs a transaction's success or failure branch in one revision", () => {
    const txn: EtcdRequest = {
      type: "txn",
      compare: [{ key: "a", target: "mod", operator: "=", value: 2 }],
      success: [put("a", "2"), put("b", "2"), get("a")],
      failure: [get("a")],
    };
    expect(run(put("a", "1"), txn).response).toEqual({
      type: "txn",
      succeeded: true,
      revision: 3,
      results: [{ type: "put" }, { type: "put" }, { type: "range", count: 1, kvs: [{ key: "a", value: "2", modRevision: 3, createRevision: 2, version: 2 }] }],
    });
    expect(run(put("a", "1"), put("a", "1"), txn).response).toMatchObject({ succeeded: false, revision: 3 });
  });

  it("evaluates compares as etcd: missing keys have version, create and mod 0, and no value", () => {
    const guard = (compare: Extract<EtcdRequest, { type: "txn" }>["compare"][number]): boolean => {
      const response = run({ type: "txn", compare: [compare], success: [], failure: [] }).response;
      return response.type === "txn" && response.succeeded;
    };
    expect(guard({ key: "x", target: "version", operator: "=", value: 0 })).toBe(true);
    expect(guard({ key: "x", target: "create", operator: "<", value: 1 })).toBe(true);
    expect(guard({ key: "x", target: "value", operator: "!=", value: "v" })).toBe(false);
    expect(guard({ key: "x", target: "value", operator: "=", value: "" })).toBe(false);
  });
});

describe("the etcd model", () => {
  it("checks createRevision and version only when the response carries them", () => {
    const state = run(put("a", "1")).state;
    const response = (extra: object): EtcdResponse => ({ type: "range", revision: 2, count: 1, kvs: [{ key: "a", value: "1", modRevision: 2, ...extra }] });
    expect(etcdModel.step(state, get("a"), response({}))).toBe(state);
    expect(etcdModel.step(state, get("a"), response({ createRevision: 2, version: 1 }))).toBe(state);
    expect(etcdModel.step(state, get("a"), response({ version: 2 }))).toBe(ILLEGAL);
  });

  it("orders concurrent writes by the revisions they report", () => {
    const result = check([
      { process: "c1", invoke: 0, return: 10, input: put("a", "1"), output: putOk(3) },
      { process: "c2", invoke: 0, return: 10, input: put("a", "2"), output: putOk(2) },
      { process: "c3", invoke: 20, return: 30, input: get("a"), output: found(3, ["a", "1", 3]) },
    ]);
    expect(result.linearizable).toBe(true);
  });

  it("finds a stale read: an older mod revision after a newer write completed", () => {
    const result = check([
      { process: "c1", invoke: 0, return: 10, input: put("a", "1"), output: putOk(2) },
      { process: "c1", invoke: 20, return: 30, input: put("a", "2"), output: putOk(3) },
      { process: "c2", invoke: 40, return: 50, input: get("a"), output: found(2, ["a", "1", 2]) },
    ]);
    expect(result.linearizable).toBe(false);
    expect(result.partitions).toBe(1);
    expect(result.explanation?.summary).toBe(
      'After put "a" = "1" → ok, revision 2 (c1) and put "a" = "2" → ok, revision 3 (c1), no order explains ' +
        'range "a" → "a" = "1" (mod 2), revision 2 by c2 (invoked at line 3): the store held "a" = "2" (mod 3) there (count 1) at revision 3.',
    );
  });

  it("finds header revisions that go backwards", () => {
    const result = check([
      { process: "c1", invoke: 0, return: 10, input: put("a", "1"), output: putOk(2) },
      { process: "c2", invoke: 5, return: 15, input: put("b", "1"), output: putOk(3) },
      { process: "c3", invoke: 20, return: 30, input: get("c"), output: found(3) },
      { process: "c3", invoke: 40, return: 50, input: get("c"), output: found(2) },
    ]);
    expect(result.linearizable).toBe(false);
    expect(result.explanation?.summary).toBe(
      'After put "a" = "1" → ok, revision 2 (c1), put "b" = "1" → ok, revision 3 (c2) and range "c" → nothing, revision 3 (c3), ' +
        'no order explains range "c" → nothing, revision 2 by c3 (invoked at line 4): the store was at revision 3, not 2.',
    );
  });

  it("finds a write that reports a revision its order cannot give it", () => {
    const result = check([
      { process: "c1", invoke: 0, return: 10, input: put("a", "1"), output: putOk(2) },
      { process: "c1", invoke: 20, return: 30, input: put("a", "2"), output: putOk(2) },
    ]);
    expect(result.explanation?.summary).toBe(
      'After put "a" = "1" → ok, revision 2 (c1), no order explains put "a" = "2" → ok, revision 2 by c1 (invoked at line 2): ' +
        "the store was at revision 2, so the write would create revision 3, not 2.",
    );
  });

  it("explains a transaction whose compares went the other way", () => {
    const txn: EtcdRequest = { type: "txn", compare: [{ key: "a", target: "version", operator: "=", value: 0 }], success: [put("a", "x")], failure: [] };
    const result = check([
      { process: "c1", invoke: 0, return: 10, input: put("a", "1"), output: putOk(2) },
      { process: "c2", invoke: 20, return: 30, input: txn, output: { type: "txn", succeeded: true, results: [{ type: "put" }], revision: 3 } },
    ]);
    expect(result.explanation?.summary).toBe(
      'After put "a" = "1" → ok, revision 2 (c1), no order explains txn if version("a") = 0 then put "a" = "x" else nothing → succeeded: ok, revision 3 ' +
        'by c2 (invoked at line 2): the compares would have failed: "a" = "1" (mod 2, create 2, version 1).',
    );
  });

  describe("a put with an unknown outcome", () => {
    const timedOut: Spec = { process: "c1", invoke: 0, input: put("a", "9") };

    it("that a later read observes must have happened", () => {
      expect(check([timedOut, { process: "c2", invoke: 20, return: 30, input: get("a"), output: found(2, ["a", "9", 2]) }]).linearizable).toBe(true);
    });

    it("that nobody observes may not have happened", () => {
      expect(check([timedOut, { process: "c2", invoke: 20, return: 30, input: get("a"), output: found(1) }]).linearizable).toBe(true);
    });

    it("still creates a revision when it happens", () => {
      const result = check([
        timedOut,
        { process: "c2", invoke: 20, return: 30, input: put("b", "1"), output: putOk(2) },
        { process: "c2", invoke: 40, return: 50, input: get("b"), output: found(3, ["b", "1", 2]) },
      ]);
      expect(result.linearizable).toBe(true);
    });

    it("cannot be undone once observed", () => {
      const result = check([
        timedOut,
        { process: "c2", invoke: 20, return: 30, input: get("a"), output: found(2, ["a", "9", 2]) },
        { process: "c2", invoke: 40, return: 50, input: get("a"), output: found(1) },
      ]);
      expect(result.linearizable).toBe(false);
    });

    it("is set aside when it is a read", () => {
      const result = check([{ process: "c1", invoke: 0, input: get("a") }]);
      expect(result).toMatchObject({ linearizable: true, operations: 1, checkedOperations: 0 });
    });
  });

  it("drops a failed request: it definitely did not happen", () => {
    const result = check([
      { process: "c1", invoke: 0, return: 10, input: put("a", "1"), outcome: "fail" },
      { process: "c2", invoke: 20, return: 30, input: get("a"), output: found(1) },
    ]);
    expect(result).toMatchObject({ linearizable: true, checkedOperations: 1 });
  });

  it("hashes equal states equally", () => {
    const first = run(put("a", "1"), put("b", "2")).state;
    const second = run(put("a", "1"), put("b", "2")).state;
    expect(etcdModel.equal(first, second)).toBe(true);
    expect(etcdModel.hash(first)).toBe(etcdModel.hash(second));
    expect(etcdModel.equal(first, run(put("b", "2"), put("a", "1")).state)).toBe(false);
  });
});
