/**
 * The etcd history beyond one cluster's present: restores (each starts an epoch, checked from the
 * restored keys and revision, with requests in flight across it of unknown outcome) and historical
 * reads (a range at a revision, answered from the store's past).
 */
import { describe, expect, it } from "vitest";
import type { EtcdHistory } from "../../../src/check/history/history.js";
import { formatHistoryJsonl, parseHistoryJsonl } from "../../../src/check/history/index.js";
import type { EtcdEpoch, EtcdRequest, EtcdResponse } from "../../../src/check/history/operations.js";
import { checkHistory } from "../../../src/check/linearizability/index.js";
import { operations, type OperationSpec } from "./helpers.js";

type Spec = OperationSpec<EtcdRequest, EtcdResponse>;

const put = (process: string, invoke: number, ret: number | undefined, key: string, value: string, revision: number): Spec =>
  ret === undefined ? { process, invoke, input: { type: "put", key, value } } : { process, invoke, return: ret, input: { type: "put", key, value }, output: { type: "put", revision } };
const get = (invoke: number, key: string, revision: number, kvs: Array<[string, string, number]>, at?: number): Spec => ({
  process: "reader",
  invoke,
  return: invoke + 10,
  input: at === undefined ? { type: "range", key } : { type: "range", key, revision: at },
  output: { type: "range", revision, count: kvs.length, kvs: kvs.map(([k, value, modRevision]) => ({ key: k, value, modRevision })) },
});

function history(specs: readonly Spec[], epochs?: readonly EtcdEpoch[]): EtcdHistory {
  return epochs === undefined ? { model: "etcd", operations: operations(specs), source: "test" } : { model: "etcd", operations: operations(specs), source: "test", epochs };
}

/** Two acknowledged puts, then a restore (at time 50) of the snapshot taken after the first. */
const BEFORE = [put("c1", 0, 10, "a", "1", 2), put("c1", 20, 30, "a", "2", 3)];
const RESTORE: EtcdEpoch = { time: 50, revision: 2, kvs: [{ key: "a", value: "1", modRevision: 2, createRevision: 2, version: 1 }] };

describe("restores", () => {
  it("checks the operations after a restore against the restored store", () => {
    const result = checkHistory(history([...BEFORE, get(100, "a", 2, [["a", "1", 2]]), put("c1", 120, 130, "a", "3", 3)], [RESTORE]));
    expect(result).toMatchObject({ verdict: "linearizable", operations: 4, checkedOperations: 4, partitions: 2 });
  });

  it("still finds an acknowledged write lost inside one cluster", () => {
    const result = checkHistory(history([...BEFORE, get(100, "a", 2, [["a", "1", 2]])]));
    expect(result.verdict).toBe("not-linearizable");
    expect(result.explanation?.summary).toBe(
      'After put "a" = "1" → ok, revision 2 (c1) and put "a" = "2" → ok, revision 3 (c1), no order explains range "a" → "a" = "1" (mod 2), revision 2 by reader (invoked at line 3): the store held "a" = "2" (mod 3) there (count 1) at revision 3.',
    );
  });

  it("finds a read in the new cluster that the restored store cannot explain, naming the epoch", () => {
    const result = checkHistory(history([...BEFORE, get(100, "a", 3, [["a", "2", 3]])], [RESTORE]));
    expect(result.verdict).toBe("not-linearizable");
    expect(result.explanation?.summary).toBe(
      'On the cluster restored at revision 2 (time 50): at the start, no order explains range "a" → "a" = "2" (mod 3), revision 3 by reader (invoked at line 3): the store held "a" = "1" (mod 2) there (count 1) at revision 2.',
    );
  });

  it("lets a write in flight across the restore take effect in the new cluster, or not", () => {
    const inFlight = put("c2", 40, 60, "b", "1", 3);
    expect(checkHistory(history([...BEFORE, inFlight, get(100, "b", 3, [["b", "1", 3]])], [RESTORE])).verdict).toBe("linearizable");
    expect(checkHistory(history([...BEFORE, inFlight, get(100, "b", 2, [])], [RESTORE])).verdict).toBe("linearizable");
  });

  it("writes restore lines in JSON Lines and reads them back", () => {
    const original = history([...BEFORE, get(100, "a", 2, [["a", "1", 2]])], [RESTORE]);
    const text = formatHistoryJsonl(original);
    expect(text.split("\n")[3]).toBe('{"restore":{"time":50,"revision":2,"kvs":[{"key":"a","value":"1","modRevision":2,"createRevision":2,"version":1}]}}');
    const parsed = parseHistoryJsonl(text, "h.jsonl") as EtcdHistory;
    expect(parsed.epochs).toEqual([RESTORE]);
    expect(checkHistory(parsed).verdict).toBe("linearizable");
  });
});

describe("historical reads", () => {
  const writes = [put("c1", 0, 10, "a", "1", 2), put("c1", 20, 30, "a", "2", 3), put("c1", 40, 50, "b", "1", 4)];

  it("are answered from the store as it was at their revision", () => {
    const reads = [get(60, "a", 4, [["a", "1", 2]], 2), get(80, "a", 4, [["a", "2", 3]], 3), get(100, "b", 4, [], 3), get(120, "a", 4, [], 1)];
    expect(checkHistory(history([...writes, ...reads]))).toMatchObject({ verdict: "linearizable", checkedOperations: 7 });
  });

  it("are refused when they return another version than the one at their revision", () => {
    const result = checkHistory(history([...writes, get(60, "a", 4, [["a", "2", 3]], 2)]));
    expect(result.verdict).toBe("not-linearizable");
    expect(result.explanation?.summary).toBe(
      'After put "a" = "1" → ok, revision 2 (c1), put "a" = "2" → ok, revision 3 (c1) and put "b" = "1" → ok, revision 4 (c1), no order explains range "a" at revision 2 → "a" = "2" (mod 3), revision 4 by reader (invoked at line 4): the store held "a" = "1" (mod 2) there (count 1) at revision 2.',
    );
  });

  it("are refused at a revision ahead of the store", () => {
    const result = checkHistory(history([...writes, get(60, "a", 4, [["a", "2", 3]], 5)]));
    expect(result.explanation?.summary).toMatch(/: revision 5 was ahead of the store, at revision 4: etcd refuses such a read\.$/);
  });

  it("before a restored store's revision are not judged (its past is not in the history)", () => {
    const result = checkHistory(history([...BEFORE, get(100, "a", 2, [["a", "x", 1]], 1)], [RESTORE]));
    expect(result.verdict).toBe("linearizable");
  });
});
