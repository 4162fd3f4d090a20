import { describe, expect, test } from "vitest";
import { etcdErrors, initialDatabaseBytes, MvccStore, putCost, quotaCost, recordBytes, txnCost } from "../../src/mvcc/index.js";
import { expectFailure, get, kv, put, unwrap } from "./helpers.js";

describe("byte accounting: dbSize vs dbSizeInUse", () => {
  test("a fresh database is 20,480 bytes; a record costs header + revision key + marshaled KeyValue", () => {
    const store = new MvccStore();
    expect(store.status()).toEqual({ revision: 1, compactRevision: -1, dbSize: 20_480, dbSizeInUse: 20_480, quotaBytes: 2 * 1024 ** 3 });
    put(store, "a", "v1");
    expect(recordBytes(kv("a", "v1", 2, 2, 1), false)).toBe(16 + 17 + 13);
    expect(store.status()).toMatchObject({ dbSize: 24_576, dbSizeInUse: 20_480 + 46 });
    unwrap(store.deleteRange({ key: "a" }));
    expect(store.status().dbSizeInUse).toBe(20_480 + 46 + (16 + 18 + 3));
  });

  test("compaction frees bytes in use and keeps the file; defragment shrinks the file", () => {
    const store = new MvccStore();
    for (let index = 0; index < 200; index++) put(store, "key", "x".repeat(100));
    const before = store.status();
    unwrap(store.compact({ revision: store.currentRevision }));
    const compacted = store.status();
    expect(compacted.dbSize).toBe(before.dbSize);
    expect(compacted.dbSizeInUse).toBe(initialDatabaseBytes + recordBytes(kv("key", "x".repeat(100), 2, 201, 200), false));
    store.defragment();
    expect(store.status().dbSize).toBe(24_576);
    expect(store.status().dbSizeInUse).toBe(compacted.dbSizeInUse);
    expect(get(store, "key")?.version).toBe(200);
  });

  test("freed bytes are reused before the file grows", () => {
    const store = new MvccStore();
    for (let index = 0; index < 50; index++) put(store, `k${index}`, "x".repeat(100));
    unwrap(store.deleteRange({ key: "k", rangeEnd: "l" }));
    unwrap(store.compact({ revision: store.currentRevision }));
    const size = store.status().dbSize;
    for (let index = 0; index < 40; index++) put(store, `k${index}`, "x".repeat(100));
    expect(store.status().dbSize).toBe(size);
  });
});

describe("quota costs (etcd storage/quota.go)", () => {
  test("put = 256 + key + value; txn = the larger branch of direct puts; lease grant = 64", () => {
    expect(putCost({ key: "abc", value: "12345" })).toBe(264);
    const txn = {
      success: [
        { type: "put" as const, request: { key: "a", value: "1" } },
        { type: "put" as const, request: { key: "b", value: "1" } },
      ],
      failure: [
        { type: "put" as const, request: { key: "c", value: "123456" } },
        { type: "txn" as const, request: { success: [{ type: "put" as const, request: { key: "d", value: "x".repeat(1000) } }] } },
      ],
    };
    expect(txnCost(txn)).toBe(516);
    expect(quotaCost({ type: "leaseGrant", request: { id: 1, ttl: 10 } })).toBe(64);
    expect(txnCost({ success: [{ type: "deleteRange", request: { key: "a" } }] })).toBe(0);
  });

  test("a request fits when dbSize + cost < quota, strictly", () => {
    const store = new MvccStore({ quotaBackendBytes: 20_480 + 300 });
    expect(store.quotaAvailable({ type: "put", request: { key: "a", value: "x".repeat(42) } })).toBe(true);
    expect(store.quotaAvailable({ type: "put", request: { key: "a", value: "x".repeat(43) } })).toBe(false);
    expect(store.quotaAvailable({ type: "txn", request: { success: [{ type: "range", request: { key: "a" } }] } })).toBe(true);
    expect(new MvccStore({ quotaBackendBytes: -1 }).status().quotaBytes).toBe(Infinity);
  });
});

describe("NOSPACE alarm lifecycle (§7)", () => {
  const quota = 64 * 1024;

  function filledStore(): MvccStore {
    const store = new MvccStore({ quotaBackendBytes: quota });
    unwrap(store.leaseGrant({ id: 1, ttl: 100 }, 0));
    for (let index = 0; ; index++) {
      const result = store.put({ key: "key", value: "x".repeat(1000) });
      if (!result.ok) {
        expectFailure(result, etcdErrors.noSpace);
        break;
      }
    }
    return store;
  }

  test("the put that does not fit is applied and answered with no space; the member then raises the alarm", () => {
    const store = filledStore();
    const revision = store.currentRevision;
    expect(get(store, "key")?.modRevision).toBe(revision);
    expect(store.status().dbSize + 256 + 3 + 1000).toBeGreaterThanOrEqual(quota);
    expect(store.alarm({ action: "ACTIVATE", memberId: 1n, alarm: "NOSPACE" })).toEqual({ header: { revision }, alarms: [{ memberId: 1n, alarm: "NOSPACE" }] });
    expect(store.alarm({ action: "ACTIVATE", memberId: 1n, alarm: "NOSPACE" }).alarms).toEqual([]);
    expect(store.alarm({ action: "GET", memberId: 0n, alarm: "NONE" }).alarms).toEqual([{ memberId: 1n, alarm: "NOSPACE" }]);
    expect(etcdErrors.noSpace.code).toBe(8);
    expect(etcdErrors.noSpace.message).toBe("etcdserver: mvcc: database space exceeded");
  });

  test("while NOSPACE is active: puts, txns with puts and lease grants fail; reads, deletes, compaction, revoke work", () => {
    const store = filledStore();
    store.alarm({ action: "ACTIVATE", memberId: 1n, alarm: "NOSPACE" });
    const revision = store.currentRevision;
    expectFailure(store.put({ key: "small", value: "v" }), etcdErrors.noSpace);
    expectFailure(store.txn({ failure: [{ type: "put", request: { key: "small" } }] }), etcdErrors.noSpace);
    expectFailure(store.leaseGrant({ id: 2, ttl: 10 }, 0), etcdErrors.noSpace);
    expect(store.currentRevision).toBe(revision);
    expect(store.range({ key: "key" }).ok).toBe(true);
    expect(unwrap(store.txn({ success: [{ type: "deleteRange", request: { key: "nothing" } }] })).header.revision).toBe(revision);
    expect(unwrap(store.compact({ revision })).header.revision).toBe(revision);
    expect(unwrap(store.leaseRevoke({ id: 1 })).header.revision).toBe(revision);
    expect(unwrap(store.deleteRange({ key: "key" })).deleted).toBe(1);
  });

  test("recovery: compact, defragment, then disarm; the alarm stays until disarmed", () => {
    const store = filledStore();
    store.alarm({ action: "ACTIVATE", memberId: 1n, alarm: "NOSPACE" });
    unwrap(store.compact({ revision: store.currentRevision }));
    const compacted = store.status();
    expect(compacted.dbSizeInUse).toBeLessThan(compacted.dbSize);
    store.defragment();
    expect(store.status().dbSize).toBe(24_576);
    expectFailure(store.put({ key: "small", value: "v" }), etcdErrors.noSpace);
    expect(store.alarm({ action: "DEACTIVATE", memberId: 1n, alarm: "NOSPACE" }).alarms).toEqual([{ memberId: 1n, alarm: "NOSPACE" }]);
    expect(store.alarm({ action: "DEACTIVATE", memberId: 1n, alarm: "NOSPACE" }).alarms).toEqual([]);
    expect(store.put({ key: "small", value: "v" }).ok).toBe(true);
    expect(store.leaseGrant({ id: 2, ttl: 10 }, 0).ok).toBe(true);
  });

  test("alarms are per member and cluster-wide: writes stay refused until every member's alarm is disarmed", () => {
    const store = new MvccStore();
    store.alarm({ action: "ACTIVATE", memberId: 2n, alarm: "NOSPACE" });
    store.alarm({ action: "ACTIVATE", memberId: 1n, alarm: "NOSPACE" });
    expect(store.alarm({ action: "GET", memberId: 0n, alarm: "NOSPACE" }).alarms).toEqual([
      { memberId: 1n, alarm: "NOSPACE" },
      { memberId: 2n, alarm: "NOSPACE" },
    ]);
    store.alarm({ action: "DEACTIVATE", memberId: 1n, alarm: "NOSPACE" });
    expectFailure(store.put({ key: "a" }), etcdErrors.noSpace);
    store.alarm({ action: "DEACTIVATE", memberId: 2n, alarm: "NOSPACE" });
    expect(store.put({ key: "a" }).ok).toBe(true);
    expect(store.alarm({ action: "ACTIVATE", memberId: 1n, alarm: "NONE" }).alarms).toEqual([]);
  });

  test("CORRUPT refuses every write, not reads", () => {
    const store = new MvccStore();
    put(store, "a", "v");
    store.alarm({ action: "ACTIVATE", memberId: 3n, alarm: "CORRUPT" });
    expectFailure(store.put({ key: "a" }), etcdErrors.corrupt);
    expectFailure(store.deleteRange({ key: "a" }), etcdErrors.corrupt);
    expectFailure(store.compact({ revision: 2 }), etcdErrors.corrupt);
    expectFailure(store.txn({ success: [{ type: "deleteRange", request: { key: "a" } }] }), etcdErrors.corrupt);
    expect(store.txn({ success: [{ type: "range", request: { key: "a" } }] }).ok).toBe(true);
    expect(get(store, "a")?.value).toBe("v");
    expect([etcdErrors.corrupt.code, etcdErrors.corrupt.message]).toEqual([15, "etcdserver: corrupt cluster"]);
  });
});
