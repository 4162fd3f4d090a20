/**
 * The client history kept in columns (src/etcd/history.ts): what it hands back (`operations`,
 * `operation(i)`, the accessors, the operations its `onReturn` listeners see) is exactly what a
 * history of plain operation objects held: the same fields, values and key order, for every shape
 * of request and response, whether stored decomposed (a plain put and its plain answer) or kept as
 * it came.
 */
import { describe, expect, it } from "vitest";
import { History, type HistoryOperation } from "../../src/etcd/history.js";
import type { KvRequest, KvResponse } from "../../src/etcd/protocol.js";
import { EtcdError, etcdErrors } from "../../src/mvcc/errors.js";

const timedOut = new EtcdError("Unavailable", "etcdserver: request timed out");

/** A history with one operation of every kind, and what its listener saw, in return order. */
function recordMix(): { readonly history: History; readonly seen: HistoryOperation[]; readonly seenJson: string[] } {
  const history = new History();
  const seen: HistoryOperation[] = [];
  const seenJson: string[] = [];
  history.onReturn((operation) => {
    seen.push(operation);
    seenJson.push(JSON.stringify(operation));
  });
  const put = history.invoke("c1", "n1", { kind: "put", request: { key: "a", value: "1" } }, 10);
  const leased = history.invoke("c2", "n2", { kind: "put", request: { key: "b", value: "2", lease: 7, prevKv: true } }, 11);
  history.complete(put, { ok: true, value: { kind: "put", response: { header: { revision: 2 } } } }, 15);
  history.complete(leased, { ok: true, value: { kind: "put", response: { header: { revision: 3 }, prevKv: { key: "b", createRevision: 1, modRevision: 1, version: 1, value: "0", lease: 0 } } } }, 20);
  const remove = history.invoke("c1", "n1", { kind: "deleteRange", request: { key: "a" } }, 21);
  history.complete(remove, { ok: true, value: { kind: "deleteRange", response: { header: { revision: 4 }, deleted: 1, prevKvs: [] } } }, 22);
  const txn = history.invoke("c3", "n3", { kind: "txn", request: { compare: [], success: [{ type: "put", request: { key: "c", value: "3" } }], failure: [] } }, 23);
  history.complete(txn, { ok: true, value: { kind: "txn", response: { header: { revision: 5 }, succeeded: true, responses: [{ type: "put", response: { header: { revision: 5 } } }] } } }, 24);
  const read = history.invoke("c1", "n1", { kind: "range", request: { key: "c" } }, 25);
  history.complete(read, { ok: true, value: { kind: "range", response: { header: { revision: 5 }, kvs: [{ key: "c", createRevision: 5, modRevision: 5, version: 1, value: "3", lease: 0 }], more: false, count: 1 } } }, 26);
  const failed = history.invoke("c2", "n2", { kind: "put", request: { key: "d", value: "4", ignoreLease: true } }, 27);
  history.complete(failed, { ok: false, error: etcdErrors.keyNotFound }, 28);
  const ambiguous = history.invoke("c2/2", "n2", { kind: "put", request: { key: "e", value: "5" } }, 29);
  history.complete(ambiguous, { ok: false, error: timedOut }, 30);
  const lost = history.invoke("c1", "n1", { kind: "put", request: { key: "f", value: "6" } }, 31);
  history.timeout(lost, 35);
  // Plain puts in all but their key order, or with an extra key whose value is undefined: kept as they came.
  const reordered = history.invoke("c3", "n3", { kind: "put", request: { value: "7", key: "g" } }, 36);
  history.complete(reordered, { ok: true, value: { response: { header: { revision: 6 } }, kind: "put" } }, 37);
  const undefinedLease = history.invoke("c3", "n3", { kind: "put", request: { key: "h", value: "8", lease: undefined } }, 38);
  history.complete(undefinedLease, { ok: true, value: { kind: "put", response: { header: { revision: 7 } } } }, 39);
  history.recordLeaseDelete("n2", 8, ["b", "h"], 40);
  history.recordLeaseDelete("n3", 8, ["b", "h"], 41);
  const straddling = history.invoke("c1", "n1", { kind: "put", request: { key: "i", value: "9" } }, 45);
  const pending = history.invoke("c2", "n2", { kind: "put", request: { key: "j", value: "10" } }, 46);
  history.beginEpoch(50, 3, []);
  history.complete(straddling, { ok: true, value: { kind: "put", response: { header: { revision: 9 } } } }, 52);
  const restored = history.invoke("c1", "n1", { kind: "put", request: { key: "k", value: "11" } }, 55);
  history.complete(restored, { ok: true, value: { kind: "put", response: { header: { revision: 4 } } } }, 60);
  const restoredLost = history.invoke("c3", "n3", { kind: "range", request: { key: "k", serializable: true } }, 61);
  history.timeout(restoredLost, 70);
  expect(pending).toBe(12);
  return { history, seen, seenJson };
}

/** What the history held as operation objects before it kept columns, written out. */
const expected: HistoryOperation[] = [
  { index: 0, process: "c1", endpoint: "n1", request: { kind: "put", request: { key: "a", value: "1" } }, invokeUs: 10, returnUs: 15, outcome: "ok", response: { kind: "put", response: { header: { revision: 2 } } }, error: null },
  {
    index: 1,
    process: "c2",
    endpoint: "n2",
    request: { kind: "put", request: { key: "b", value: "2", lease: 7, prevKv: true } },
    invokeUs: 11,
    returnUs: 20,
    outcome: "ok",
    response: { kind: "put", response: { header: { revision: 3 }, prevKv: { key: "b", createRevision: 1, modRevision: 1, version: 1, value: "0", lease: 0 } } },
    error: null,
  },
  { index: 2, process: "c1", endpoint: "n1", request: { kind: "deleteRange", request: { key: "a" } }, invokeUs: 21, returnUs: 22, outcome: "ok", response: { kind: "deleteRange", response: { header: { revision: 4 }, deleted: 1, prevKvs: [] } }, error: null },
  {
    index: 3,
    process: "c3",
    endpoint: "n3",
    request: { kind: "txn", request: { compare: [], success: [{ type: "put", request: { key: "c", value: "3" } }], failure: [] } },
    invokeUs: 23,
    returnUs: 24,
    outcome: "ok",
    response: { kind: "txn", response: { header: { revision: 5 }, succeeded: true, responses: [{ type: "put", response: { header: { revision: 5 } } }] } },
    error: null,
  },
  {
    index: 4,
    process: "c1",
    endpoint: "n1",
    request: { kind: "range", request: { key: "c" } },
    invokeUs: 25,
    returnUs: 26,
    outcome: "ok",
    response: { kind: "range", response: { header: { revision: 5 }, kvs: [{ key: "c", createRevision: 5, modRevision: 5, version: 1, value: "3", lease: 0 }], more: false, count: 1 } },
    error: null,
  },
  { index: 5, process: "c2", endpoint: "n2", request: { kind: "put", request: { key: "d", value: "4", ignoreLease: true } }, invokeUs: 27, returnUs: 28, outcome: "fail", response: null, error: etcdErrors.keyNotFound },
  { index: 6, process: "c2/2", endpoint: "n2", request: { kind: "put", request: { key: "e", value: "5" } }, invokeUs: 29, returnUs: 30, outcome: "unknown", response: null, error: timedOut },
  { index: 7, process: "c1", endpoint: "n1", request: { kind: "put", request: { key: "f", value: "6" } }, invokeUs: 31, returnUs: 35, outcome: "unknown", response: null, error: null },
  { index: 8, process: "c3", endpoint: "n3", request: { kind: "put", request: { value: "7", key: "g" } }, invokeUs: 36, returnUs: 37, outcome: "ok", response: { response: { header: { revision: 6 } }, kind: "put" }, error: null },
  { index: 9, process: "c3", endpoint: "n3", request: { kind: "put", request: { key: "h", value: "8", lease: undefined } }, invokeUs: 38, returnUs: 39, outcome: "ok", response: { kind: "put", response: { header: { revision: 7 } } }, error: null },
  {
    index: 10,
    process: "lessor",
    endpoint: "n2",
    request: { kind: "txn", request: { compare: [], success: [{ type: "deleteRange", request: { key: "b" } }, { type: "deleteRange", request: { key: "h" } }], failure: [] } },
    invokeUs: 40,
    returnUs: 40,
    outcome: "ok",
    response: {
      kind: "txn",
      response: {
        header: { revision: 8 },
        succeeded: true,
        responses: [
          { type: "deleteRange", response: { header: { revision: 8 }, deleted: 1, prevKvs: [] } },
          { type: "deleteRange", response: { header: { revision: 8 }, deleted: 1, prevKvs: [] } },
        ],
      },
    },
    error: null,
  },
  { index: 11, process: "c1", endpoint: "n1", request: { kind: "put", request: { key: "i", value: "9" } }, invokeUs: 45, returnUs: 52, outcome: "ok", response: { kind: "put", response: { header: { revision: 9 } } }, error: null },
  { index: 12, process: "c2", endpoint: "n2", request: { kind: "put", request: { key: "j", value: "10" } }, invokeUs: 46, returnUs: null, outcome: "unknown", response: null, error: null },
  { index: 13, process: "c1", endpoint: "n1", request: { kind: "put", request: { key: "k", value: "11" } }, invokeUs: 55, returnUs: 60, outcome: "ok", response: { kind: "put", response: { header: { revision: 4 } } }, error: null, epoch: 1 },
  { index: 14, process: "c3", endpoint: "n3", request: { kind: "range", request: { key: "k", serializable: true } }, invokeUs: 61, returnUs: 70, outcome: "unknown", response: null, error: null, epoch: 1 },
];

/** The operations that returned (not those the client gave up on), in the order they returned. */
const returned = [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 13].map((index) => expected[index] as HistoryOperation);

describe("History", () => {
  it("hands back every operation as it was recorded: fields, values and key order", () => {
    const { history } = recordMix();
    expect(history.operations).toStrictEqual(expected);
    expect(JSON.stringify(history.operations)).toBe(JSON.stringify(expected));
    expect(history.operations[5]?.error).toBe(etcdErrors.keyNotFound);
    expect(history.epochs).toStrictEqual([{ startUs: 50, revision: 3, kvs: [] }]);
  });

  it("answers for one operation without building the others", () => {
    const { history } = recordMix();
    expect(history.size).toBe(15);
    expect(expected.map((_, index) => history.operation(index))).toStrictEqual(expected);
    expect(expected.map((_, index) => JSON.stringify(history.operation(index)))).toEqual(expected.map((operation) => JSON.stringify(operation)));
    expect(expected.map((_, index) => history.process(index))).toEqual(["c1", "c2", "c1", "c3", "c1", "c2", "c2/2", "c1", "c3", "c3", "lessor", "c1", "c2", "c1", "c3"]);
    expect(expected.map((_, index) => history.outcome(index))).toEqual(["ok", "ok", "ok", "ok", "ok", "fail", "unknown", "unknown", "ok", "ok", "ok", "ok", "unknown", "ok", "unknown"]);
  });

  it("shows its listeners each operation as it returns, not those the client gave up on", () => {
    const { seen, seenJson } = recordMix();
    expect(seen).toStrictEqual(returned);
    expect(seenJson).toEqual(returned.map((operation) => JSON.stringify(operation)));
  });

  it("keeps a returned plain put as its key, value and revision, and every other request and response as it came", () => {
    const history = new History();
    const plain: KvRequest = { kind: "put", request: { key: "a", value: "1" } };
    const plainResponse: KvResponse = { kind: "put", response: { header: { revision: 2 } } };
    const leased: KvRequest = { kind: "put", request: { key: "a", value: "1", lease: 5 } };
    const withPrevious: KvResponse = { kind: "put", response: { header: { revision: 3 }, prevKv: { key: "a", createRevision: 2, modRevision: 2, version: 1, value: "1", lease: 0 } } };
    const reordered: KvRequest = { kind: "put", request: { value: "1", key: "a" } };
    const first = history.invoke("c1", "n1", plain, 1);
    expect(history.operation(first).request).toBe(plain);
    history.complete(first, { ok: true, value: plainResponse }, 2);
    history.complete(history.invoke("c1", "n1", leased, 3), { ok: true, value: withPrevious }, 4);
    history.complete(history.invoke("c1", "n1", plain, 5), { ok: true, value: withPrevious }, 6);
    history.complete(history.invoke("c1", "n1", reordered, 7), { ok: true, value: plainResponse }, 8);
    const [rebuilt, keptLeased, rebuiltRequest, keptReordered] = [0, 1, 2, 3].map((index) => history.operation(index));
    expect([rebuilt?.request, rebuilt?.response]).toStrictEqual([plain, plainResponse]);
    expect(rebuilt?.request).not.toBe(plain);
    expect(rebuilt?.response).not.toBe(plainResponse);
    expect(keptLeased?.request).toBe(leased);
    expect(keptLeased?.response).toBe(withPrevious);
    expect(rebuiltRequest?.request).not.toBe(plain);
    expect(rebuiltRequest?.response).toBe(withPrevious);
    expect(keptReordered?.request).toBe(reordered);
    expect(keptReordered?.response).toBe(plainResponse);
  });

  it("refuses, as a bug, an operation that returns twice or was never invoked", () => {
    const history = new History();
    const first = history.invoke("c1", "n1", { kind: "range", request: { key: "a" } }, 1);
    history.timeout(first, 2);
    expect(() => history.complete(first, { ok: false, error: timedOut }, 3)).toThrow("assertion failed: operation 0 of the client history returned twice");
    expect(() => history.operation(1)).toThrow("assertion failed: no operation 1 in a client history of 1");
    expect(history.operation(first)).toStrictEqual({ index: 0, process: "c1", endpoint: "n1", request: { kind: "range", request: { key: "a" } }, invokeUs: 1, returnUs: 2, outcome: "unknown", response: null, error: null });
  });

  it("hands back a fresh snapshot after each change", () => {
    const history = new History();
    const first = history.invoke("c1", "n1", { kind: "put", request: { key: "a", value: "1" } }, 1);
    const before = history.operations;
    expect(before).toStrictEqual([{ index: 0, process: "c1", endpoint: "n1", request: { kind: "put", request: { key: "a", value: "1" } }, invokeUs: 1, returnUs: null, outcome: "unknown", response: null, error: null }]);
    expect(history.operations).toBe(before);
    history.complete(first, { ok: true, value: { kind: "put", response: { header: { revision: 2 } } } }, 2);
    expect(history.operations[0]).toStrictEqual({ index: 0, process: "c1", endpoint: "n1", request: { kind: "put", request: { key: "a", value: "1" } }, invokeUs: 1, returnUs: 2, outcome: "ok", response: { kind: "put", response: { header: { revision: 2 } } }, error: null });
    expect(before[0]?.outcome).toBe("unknown");
    history.invoke("c1", "n1", { kind: "range", request: { key: "a" } }, 3);
    expect(history.operations.map((operation) => operation.index)).toEqual([0, 1]);
    history.beginEpoch(4, 2, []);
    history.invoke("c1", "n1", { kind: "range", request: { key: "a" } }, 5);
    expect(history.operations.map((operation) => operation.epoch)).toEqual([undefined, undefined, 1]);
  });

  it("keeps thousands of operations, at times past 2^31 microseconds", () => {
    const history = new History();
    const hour = 3_600_000_000;
    for (let index = 0; index < 5000; index++) {
      const at = history.invoke(`c${index % 3}`, `n${index % 5}`, { kind: "put", request: { key: `k${index % 100}`, value: `v${index}` } }, hour + index * 20_000);
      if (index % 7 === 0) history.timeout(at, hour + index * 20_000 + 5_000_000);
      else history.complete(at, { ok: true, value: { kind: "put", response: { header: { revision: index + 2 } } } }, hour + index * 20_000 + 1_500);
    }
    const operations = history.operations;
    expect(operations).toHaveLength(5000);
    expect(operations[4999]).toStrictEqual({
      index: 4999,
      process: "c1",
      endpoint: "n4",
      request: { kind: "put", request: { key: "k99", value: "v4999" } },
      invokeUs: hour + 99_980_000,
      returnUs: hour + 99_981_500,
      outcome: "ok",
      response: { kind: "put", response: { header: { revision: 5001 } } },
      error: null,
    });
    expect(operations[4998]).toStrictEqual({
      index: 4998,
      process: "c0",
      endpoint: "n3",
      request: { kind: "put", request: { key: "k98", value: "v4998" } },
      invokeUs: hour + 99_960_000,
      returnUs: hour + 104_960_000,
      outcome: "unknown",
      response: null,
      error: null,
    });
  });
});
