/** §10 of etcd-semantics.md: the things that are easy to get wrong, one test each. */
import { describe, expect, test } from "vitest";
import { checkTxnRequest, etcdErrors, MvccStore, type RequestOp } from "../../src/mvcc/index.js";
import { del, expectFailure, get, kv, put, unwrap } from "./helpers.js";

describe("§10 checklist", () => {
  test("1. the first write is revision 2; the empty store reports revision 1", () => {
    const store = new MvccStore();
    expect(unwrap(store.range({ key: "a" })).header.revision).toBe(1);
    expect(put(store, "a", "1")).toBe(2);
  });

  test("2. a range at compactRev succeeds, below fails; compacting at or below compactRev fails; a watch from compactRev works", () => {
    const store = new MvccStore();
    put(store, "a", "1");
    put(store, "a", "2");
    unwrap(store.compact({ revision: 2 }));
    expect(get(store, "a", 2)).toEqual(kv("a", "1", 2, 2, 1));
    expectFailure(store.range({ key: "a", revision: 1 }), etcdErrors.compacted);
    expectFailure(store.compact({ revision: 2 }), etcdErrors.compacted);
    expectFailure(store.compact({ revision: 1 }), etcdErrors.compacted);
    const stream = store.newWatchStream(0);
    stream.watch({ key: "a", startRevision: 2 });
    store.syncWatchers();
    expect(stream.takeResponses().flatMap((response) => response.events).map((event) => event.kv.modRevision)).toEqual([2, 3]);
  });

  test("3. a tombstone exactly at the compact revision survives; older tombstones go with their key", () => {
    const store = new MvccStore();
    put(store, "old", "1");
    del(store, "old");
    put(store, "new", "1");
    del(store, "new");
    unwrap(store.compact({ revision: 5 }));
    expect(store.snapshot().records).toEqual([[5, 0, "new", "", 0, 0, 0, 0]]);
  });

  test("4. no-op writes take no revision", () => {
    const store = new MvccStore();
    put(store, "a", "1");
    expect(del(store, "missing")).toEqual([0, 2]);
    expect(unwrap(store.txn({ compare: [{ target: "VERSION", result: "EQUAL", key: "a", version: 9 }], success: [{ type: "put", request: { key: "b" } }] })).header.revision).toBe(2);
    expect(store.currentRevision).toBe(2);
  });

  test("5. header revisions: historical range and compaction give the current revision, a compacted-watch cancel 0, a watch creation the current", () => {
    const store = new MvccStore();
    put(store, "a", "1");
    put(store, "a", "2");
    put(store, "a", "3");
    expect(unwrap(store.range({ key: "a", revision: 2 })).header.revision).toBe(4);
    expect(unwrap(store.compact({ revision: 3 })).header.revision).toBe(4);
    const stream = store.newWatchStream(0);
    stream.watch({ key: "a", startRevision: 1 });
    store.syncWatchers();
    expect(stream.takeResponses().map((response) => [response.created, response.canceled, response.header.revision])).toEqual([
      [true, false, 4],
      [false, true, 0],
    ]);
  });

  test("6. compares on a missing key: VALUE is false, the other targets compare against 0", () => {
    const store = new MvccStore();
    const compare = (target: "VALUE" | "CREATE", value: { value?: string; createRevision?: number }): boolean =>
      unwrap(store.txn({ compare: [{ target, result: "EQUAL", key: "k", ...value }] })).succeeded;
    expect(compare("VALUE", { value: "" })).toBe(false);
    expect(compare("CREATE", { createRevision: 0 })).toBe(true);
  });

  test("7. a write txn reads its own writes; its writes share one main revision", () => {
    const store = new MvccStore();
    const response = unwrap(
      store.txn({ success: [{ type: "put", request: { key: "a", value: "1" } }, { type: "put", request: { key: "b", value: "2" } }, { type: "range", request: { key: "a", rangeEnd: "c" } }] }),
    );
    const range = response.responses[2];
    expect(range?.type === "range" ? range.response.kvs : []).toEqual([kv("a", "1", 2, 2, 1), kv("b", "2", 2, 2, 1)]);
    expect(store.snapshot().records.map((record) => [record[0], record[1]])).toEqual([[2, 0], [2, 1]]);
  });

  test("8. version counts from 1 per generation", () => {
    const store = new MvccStore();
    put(store, "a", "1");
    put(store, "a", "2");
    del(store, "a");
    put(store, "a", "3");
    expect(get(store, "a")).toEqual(kv("a", "3", 5, 5, 1));
    expect(get(store, "a", 3)?.version).toBe(2);
  });

  test("9. DELETE events carry only key and mod_revision; prev_kv from mod_revision - 1, absent when compacted", () => {
    const store = new MvccStore();
    put(store, "a", "1");
    del(store, "a");
    unwrap(store.compact({ revision: 3 }));
    const stream = store.newWatchStream(0);
    stream.watch({ key: "a", startRevision: 3, prevKv: true });
    store.syncWatchers();
    expect(stream.takeResponses()[1]?.events).toEqual([{ type: "DELETE", kv: kv("a", "", 0, 3, 0) }]);
  });

  test("10. a lease revoke is one revision covering all attached keys, in key order", () => {
    const store = new MvccStore();
    unwrap(store.leaseGrant({ id: 1, ttl: 10 }, 0));
    put(store, "y", "1", 1);
    put(store, "x", "1", 1);
    unwrap(store.leaseRevoke({ id: 1 }));
    expect(store.snapshot().records.slice(2).map((record) => [record[0], record[1], record[2]])).toEqual([
      [4, 0, "x"],
      [4, 1, "y"],
    ]);
  });

  test("11. the txn op limit is per list; duplicate keys are checked per branch", () => {
    const puts = (count: number): RequestOp[] => Array.from({ length: count }, (_, index) => ({ type: "put", request: { key: `k${index}` } }));
    expect(checkTxnRequest({ success: puts(128), failure: puts(128) })).toBeUndefined();
    expect(checkTxnRequest({ success: puts(129) })).toBe(etcdErrors.tooManyOperations);
    expect(checkTxnRequest({ success: puts(2).concat(puts(1)) })).toBe(etcdErrors.duplicateKey);
  });

  test("12. the quota uses the physical size; the NOSPACE alarm stays, even with space again, until disarmed", () => {
    const store = new MvccStore({ quotaBackendBytes: 40_000 });
    for (let index = 0; index < 30; index++) store.put({ key: "k", value: "x".repeat(600) });
    unwrap(store.compact({ revision: store.currentRevision }));
    expect(store.status().dbSizeInUse).toBe(20_480 + 16 + 17 + (3 + 2 + 2 + 2 + 603));
    expect(store.quotaAvailable({ type: "put", request: { key: "k", value: "x".repeat(600) } })).toBe(false);
    store.defragment();
    expect(store.quotaAvailable({ type: "put", request: { key: "k", value: "x".repeat(600) } })).toBe(true);
    store.alarm({ action: "ACTIVATE", memberId: 1n, alarm: "NOSPACE" });
    expectFailure(store.put({ key: "k", value: "v" }), etcdErrors.noSpace);
    store.alarm({ action: "DEACTIVATE", memberId: 1n, alarm: "NOSPACE" });
    expect(store.put({ key: "k", value: "v" }).ok).toBe(true);
  });

  test("13. the Kubernetes create is a txn on mod_revision == 0; a stale update fails its compare and reads the fresh object", () => {
    const store = new MvccStore();
    const key = "/registry/pods/default/x";
    const create = () => unwrap(store.txn({ compare: [{ target: "MOD", result: "EQUAL", key, modRevision: 0 }], success: [{ type: "put", request: { key, value: "pod" } }] }));
    expect(create().succeeded).toBe(true);
    expect(create().succeeded).toBe(false);
    put(store, key, "pod-updated");
    const stale = unwrap(
      store.txn({ compare: [{ target: "MOD", result: "EQUAL", key, modRevision: 2 }], success: [{ type: "put", request: { key, value: "mine" } }], failure: [{ type: "range", request: { key } }] }),
    );
    expect(stale.succeeded).toBe(false);
    expect(stale.responses[0]?.type === "range" && stale.responses[0].response.kvs[0]?.modRevision).toBe(3);
  });

  test("14. the apiserver compactor: version compare on compact_rev_key, compaction to the revision seen one interval earlier", () => {
    const store = new MvccStore();
    let expectVersion = 0;
    let compactTo = 0;
    const tick = (): void => {
      const response = unwrap(
        store.txn({
          compare: [{ target: "VERSION", result: "EQUAL", key: "compact_rev_key", version: expectVersion }],
          success: [{ type: "put", request: { key: "compact_rev_key", value: String(compactTo) } }],
          failure: [{ type: "range", request: { key: "compact_rev_key" } }],
        }),
      );
      expect(response.succeeded).toBe(true);
      expectVersion++;
      if (compactTo !== 0) unwrap(store.compact({ revision: compactTo }));
      compactTo = response.header.revision;
    };
    tick();
    expect(store.compactRevision).toBe(-1);
    for (let index = 0; index < 5; index++) put(store, `k${index}`, "v");
    tick();
    expect(store.compactRevision).toBe(2);
    put(store, "k9", "v");
    tick();
    expect(store.compactRevision).toBe(8);
  });
});
