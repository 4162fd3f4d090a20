import { describe, expect, test } from "vitest";
import { Crc32cHasher } from "../../src/mvcc/proto.js";
import { etcdErrors, MvccStore, snapshotProblem, type StoreSnapshot } from "../../src/mvcc/index.js";
import { expectFailure, put, unwrap } from "./helpers.js";

function history(): MvccStore {
  const store = new MvccStore();
  unwrap(store.leaseGrant({ id: 11, ttl: 30 }, 0));
  unwrap(store.leaseGrant({ id: 12, ttl: 40 }, 0));
  put(store, "a", "1", 11);
  put(store, "b", "1");
  put(store, "a", "2");
  unwrap(store.deleteRange({ key: "b" }));
  unwrap(store.txn({ success: [{ type: "put", request: { key: "c", value: "\x00\xff", lease: 12 } }, { type: "put", request: { key: "d", value: "1" } }] }));
  put(store, "b", "again", 11);
  unwrap(store.compact({ revision: 4 }));
  put(store, "a", "3");
  unwrap(store.deleteRange({ key: "d" }));
  store.alarm({ action: "ACTIVATE", memberId: 2n, alarm: "NOSPACE" });
  return store;
}

/** The same history with its alarm disarmed, so that it accepts puts. */
function writableHistory(): MvccStore {
  const store = history();
  store.alarm({ action: "DEACTIVATE", memberId: 2n, alarm: "NOSPACE" });
  return store;
}

function everyRead(store: MvccStore): unknown[] {
  const reads: unknown[] = [];
  for (let revision = -1; revision <= store.currentRevision + 1; revision++) {
    const result = store.range({ key: "\x00", rangeEnd: "\x00", revision });
    reads.push(result.ok ? result.value : result.error.message);
  }
  return reads;
}

function everyHash(store: MvccStore): unknown[] {
  const hashes: unknown[] = [];
  for (let revision = 0; revision <= store.currentRevision + 1; revision++) {
    const result = store.hashKV(revision);
    hashes.push(result.ok ? result.value : result.error.message);
  }
  return hashes;
}

describe("snapshots", () => {
  test("round trip through JSON: same reads at every revision, same hashes, leases, alarms and sizes", () => {
    const store = history();
    const restored = MvccStore.fromSnapshot(JSON.parse(JSON.stringify(store.snapshot())) as StoreSnapshot);
    expect(restored.status()).toEqual(store.status());
    expect(everyRead(restored)).toEqual(everyRead(store));
    expect(everyHash(restored)).toEqual(everyHash(store));
    expect(restored.hash()).toBe(store.hash());
    expect(restored.snapshot()).toEqual(store.snapshot());
    expect(restored.lessor.timeToLive(11, true, 0)).toEqual(store.lessor.timeToLive(11, true, 0));
    expect(restored.lessor.timeToLive(12, true, 0).keys).toEqual(["c"]);
    expect(restored.alarm({ action: "GET", memberId: 0n, alarm: "NONE" }).alarms).toEqual([{ memberId: 2n, alarm: "NOSPACE" }]);
    store.alarm({ action: "DEACTIVATE", memberId: 2n, alarm: "NOSPACE" });
    restored.alarm({ action: "DEACTIVATE", memberId: 2n, alarm: "NOSPACE" });
    expect(unwrap(restored.put({ key: "a", value: "4", prevKv: true }))).toEqual(unwrap(store.put({ key: "a", value: "4", prevKv: true })));
    unwrap(store.leaseRevoke({ id: 11 }));
    unwrap(restored.leaseRevoke({ id: 11 }));
    expect(restored.hash()).toBe(store.hash());
    expect(everyRead(restored)).toEqual(everyRead(store));
  });

  test("a snapshot with a physical size larger than in use keeps it", () => {
    const store = new MvccStore();
    for (let index = 0; index < 100; index++) put(store, "k", "x".repeat(200));
    unwrap(store.compact({ revision: store.currentRevision }));
    const restored = MvccStore.fromSnapshot(store.snapshot());
    expect(restored.status().dbSize).toBe(store.status().dbSize);
    expect(restored.status().dbSizeInUse).toBeLessThan(restored.status().dbSize);
  });

  test("a snapshot holds the records of its moment, whatever is written or compacted after it", () => {
    const writes = (store: MvccStore, from: number, to: number): void => {
      for (let index = from; index < to; index++) {
        if (index % 7 === 3) unwrap(store.deleteRange({ key: `k${index % 5}` }));
        else put(store, `k${index % 5}`, `v${index}`);
      }
    };
    const store = new MvccStore();
    writes(store, 0, 40);
    const early = store.snapshot();
    writes(store, 40, 80);
    const middle = store.snapshot();
    unwrap(store.compact({ revision: 50 }));
    writes(store, 80, 100);
    const late = store.snapshot();
    const expected = (writeCount: number, compactAt?: number): StoreSnapshot => {
      const fresh = new MvccStore();
      writes(fresh, 0, writeCount);
      if (compactAt !== undefined) unwrap(fresh.compact({ revision: compactAt }));
      return fresh.snapshot();
    };
    expect(late.records).toEqual(expected(100, 50).records);
    expect(middle.records).toEqual(expected(80).records);
    expect(JSON.parse(JSON.stringify(early))).toEqual(JSON.parse(JSON.stringify(expected(40))));
    expect(early.records).toBe(early.records);
  });

  test("malformed snapshots are described, not thrown", () => {
    const good = history().snapshot();
    expect(snapshotProblem(good)).toBeUndefined();
    expect(snapshotProblem(null)).toBe("a snapshot must be an object");
    expect(snapshotProblem({ ...good, format: "other" })).toBe('unknown snapshot format "other"');
    expect(snapshotProblem({ ...good, records: [[1, 0, "a", "v", 1, 1, 1, 0], [1, 0, "b", "v", 1, 1, 1, 0]] })).toBe("record 1 is out of revision order");
    expect(snapshotProblem({ ...good, records: [[99, 0, "a", "v", 1, 1, 1, 0]] })).toBe("record 0 has a revision beyond the store");
    expect(snapshotProblem({ ...good, records: [[2, 0, "\u2713", "v", 2, 2, 1, 0]] })).toBe("record 0 has a key or value that is not a byte string");
    expect(snapshotProblem({ ...good, leases: [[1]] })).toBe("invalid lease entry");
  });
});

describe("hashes", () => {
  test("CRC-32C check value", () => {
    const hasher = new Crc32cHasher();
    hasher.writeBytes("123456789");
    expect(hasher.sum()).toBe(0xe3069283);
  });

  test("hashKV: compacted and future revisions fail; 0 means the current revision; later writes do not change a hash", () => {
    const store = writableHistory();
    expectFailure(store.hashKV(3), etcdErrors.compacted);
    expectFailure(store.hashKV(store.currentRevision + 1), etcdErrors.futureRevision);
    const current = unwrap(store.hashKV(0));
    expect(current.hashRevision).toBe(store.currentRevision);
    expect(current.compactRevision).toBe(4);
    expect(unwrap(store.hashKV(store.currentRevision)).hash).toBe(current.hash);
    const atFive = unwrap(store.hashKV(5)).hash;
    put(store, "z", "1");
    expect(unwrap(store.hashKV(5)).hash).toBe(atFive);
    expect(unwrap(store.hashKV(0)).hash).not.toBe(current.hash);
  });

  test("members with the same history agree; a different value disagrees", () => {
    const left = writableHistory();
    const right = writableHistory();
    expect(unwrap(left.hashKV(0))).toEqual(unwrap(right.hashKV(0)));
    expect(left.hash()).toBe(right.hash());
    put(left, "e", "1");
    put(right, "e", "2");
    expect(unwrap(left.hashKV(0)).hash).not.toBe(unwrap(right.hashKV(0)).hash);
    expect(left.hash()).not.toBe(right.hash());
  });
});
