/**
 * The stale-read checker, fed operations as they return: a linearizable read must see every write
 * acknowledged before it began, both in its header revision and in the version of its key.
 */
import { describe, expect, it } from "vitest";
import { StaleReadChecker } from "../../src/check/stale-read.js";
import type { HistoryOperation } from "../../src/etcd/history.js";
import type { KvRequest, KvResponse } from "../../src/etcd/protocol.js";

let nextIndex = 0;

function operation(process: string, request: KvRequest, response: KvResponse, invokeUs: number, returnUs: number): HistoryOperation {
  return { index: nextIndex++, process, endpoint: "n1", request, invokeUs, returnUs, outcome: "ok", response, error: null };
}

function put(process: string, key: string, revision: number, invokeUs: number, returnUs: number): HistoryOperation {
  return operation(process, { kind: "put", request: { key, value: "v" } }, { kind: "put", response: { header: { revision } } }, invokeUs, returnUs);
}

function get(key: string, headerRevision: number, modRevision: number, invokeUs: number, serializable = false): HistoryOperation {
  const kvs = [{ key, value: "v", createRevision: 2, modRevision, version: 1, lease: 0 }];
  return operation("reader", { kind: "range", request: { key, serializable } }, { kind: "range", response: { header: { revision: headerRevision }, kvs, more: false, count: 1 } }, invokeUs, invokeUs + 10);
}

describe("StaleReadChecker", () => {
  it("accepts reads that see every write acknowledged before they began", () => {
    const checker = new StaleReadChecker();
    for (const done of [put("c1", "a", 5, 0, 100), put("c2", "a", 4, 50, 150), get("a", 5, 5, 200), get("a", 3, 3, 90), get("a", 9, 5, 100)]) checker.observe(done);
    expect(checker.violations).toEqual([]);
  });

  it("reports a read served below an acknowledged revision", () => {
    const checker = new StaleReadChecker();
    for (const done of [put("c1", "a", 5, 0, 100), put("c1", "b", 6, 110, 120), get("a", 5, 5, 200)]) checker.observe(done);
    expect(checker.violations.map((violation) => violation.detail)).toEqual([
      "reader's read of a (invoked at 200us on n1) was served at revision 5, but revision 6 had been acknowledged to a client before the read began",
    ]);
  });

  it("reports a key older than its highest acknowledged write, naming the first writer of that revision", () => {
    const checker = new StaleReadChecker();
    for (const done of [put("c1", "a", 7, 0, 100), put("c2", "a", 6, 0, 110), put("c3", "b", 8, 0, 120), get("a", 8, 6, 200), get("a", 8, 6, 105, true)]) checker.observe(done);
    expect(checker.violations.map((violation) => violation.detail)).toEqual([
      "reader's read of a (invoked at 200us on n1) returned the version of a written at revision 6, but c1's write at revision 7 had been acknowledged before the read began",
    ]);
  });

  it("accepts a historical read of an older version, and reports one returning a version newer than its revision", () => {
    const checker = new StaleReadChecker();
    const at = (revision: number, headerRevision: number, modRevision: number, invokeUs: number): HistoryOperation => {
      const read = get("a", headerRevision, modRevision, invokeUs);
      return { ...read, request: { kind: "range", request: { key: "a", revision } } };
    };
    for (const done of [put("c1", "a", 2, 0, 100), put("c1", "a", 5, 110, 120), at(2, 5, 2, 200), at(4, 5, 2, 210), at(3, 5, 5, 220)]) checker.observe(done);
    expect(checker.violations.map((violation) => violation.detail)).toEqual([
      "reader's read of a (invoked at 220us on n1) asked for revision 3 but returned the version of a written at revision 5",
    ]);
  });

  it("forgets the old cluster's acknowledged writes after a restore, and ignores operations invoked before it", () => {
    const checker = new StaleReadChecker();
    checker.observe(put("c1", "a", 5, 0, 100));
    checker.newEpoch();
    const late = { ...put("c2", "a", 9, 90, 150), epoch: 0 };
    for (const done of [late, { ...get("a", 3, 3, 200), epoch: 1 }]) checker.observe(done);
    expect(checker.violations).toEqual([]);
    checker.observe({ ...get("a", 2, 2, 300), epoch: 0 });
    checker.observe({ ...put("c1", "a", 4, 310, 320), epoch: 1 });
    checker.observe({ ...get("a", 3, 3, 400), epoch: 1 });
    expect(checker.violations.map((violation) => violation.detail)).toEqual([
      "reader's read of a (invoked at 400us on n1) was served at revision 3, but revision 4 had been acknowledged to a client before the read began",
    ]);
  });
});
