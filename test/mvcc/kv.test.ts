import { describe, expect, test } from "vitest";
import { etcdErrors, type KeyValue, MvccStore, type RangeRequest } from "../../src/mvcc/index.js";
import { del, expectFailure, get, keys, kv, put, unwrap } from "./helpers.js";

/** etcd's put3TestKVs fixture: foo, foo1, foo2 with leases 1, 2, 3 at revisions 2, 3, 4. */
function put3(): MvccStore {
  const store = new MvccStore();
  for (const id of [1, 2, 3]) unwrap(store.leaseGrant({ id, ttl: 100 }, 0));
  put(store, "foo", "bar", 1);
  put(store, "foo1", "bar1", 2);
  put(store, "foo2", "bar2", 3);
  return store;
}

const put3KeyValues: KeyValue[] = [kv("foo", "bar", 2, 2, 1, 1), kv("foo1", "bar1", 3, 3, 1, 2), kv("foo2", "bar2", 4, 4, 1, 3)];

describe("§9.2 etcd kv tests", () => {
  test("#1 TestStoreRev: an empty store is at revision 1, puts go 2, 3, 4", () => {
    const store = new MvccStore();
    expect(store.currentRevision).toBe(1);
    expect([put(store, "foo", "bar"), put(store, "foo", "bar"), put(store, "foo", "bar")]).toEqual([2, 3, 4]);
    expect(store.currentRevision).toBe(4);
  });

  test("#2 TestKVRange", () => {
    const store = put3();
    const cases: Array<[RangeRequest, KeyValue[]]> = [
      [{ key: "doo", rangeEnd: "foo" }, []],
      [{ key: "foo", rangeEnd: "foo" }, []],
      [{ key: "doo" }, []],
      [{ key: "foo", rangeEnd: "foo3" }, put3KeyValues],
      [{ key: "foo", rangeEnd: "foo1" }, put3KeyValues.slice(0, 1)],
      [{ key: "foo" }, put3KeyValues.slice(0, 1)],
      [{ key: "\x00", rangeEnd: "\x00" }, put3KeyValues],
    ];
    for (const [request, want] of cases) {
      const response = unwrap(store.range(request));
      expect(response).toEqual({ header: { revision: 4 }, kvs: want, more: false, count: want.length });
    }
  });

  test("#3 TestKVRangeRev: historical reads report the current revision", () => {
    const store = put3();
    const cases: Array<[number, KeyValue[]]> = [
      [-1, put3KeyValues],
      [0, put3KeyValues],
      [2, put3KeyValues.slice(0, 1)],
      [3, put3KeyValues.slice(0, 2)],
      [4, put3KeyValues],
    ];
    for (const [revision, want] of cases) {
      const response = unwrap(store.range({ key: "foo", rangeEnd: "foo3", revision }));
      expect({ revision, kvs: response.kvs, header: response.header.revision }).toEqual({ revision, kvs: want, header: 4 });
    }
  });

  test("#4 TestKVRangeBadRev after Compact(4)", () => {
    const store = put3();
    unwrap(store.compact({ revision: 4 }));
    for (const revision of [-1, 0, 4]) expect(store.range({ key: "foo", rangeEnd: "foo3", revision }).ok).toBe(true);
    for (const revision of [1, 2, 3]) expectFailure(store.range({ key: "foo", rangeEnd: "foo3", revision }), etcdErrors.compacted);
    for (const revision of [5, 100]) expectFailure(store.range({ key: "foo", rangeEnd: "foo3", revision }), etcdErrors.futureRevision);
  });

  test("#5 TestKVRangeLimit: count ignores the limit, more tells what was cut", () => {
    const store = put3();
    const cases: Array<[number, KeyValue[], boolean]> = [
      [-1, put3KeyValues, false],
      [0, put3KeyValues, false],
      [1, put3KeyValues.slice(0, 1), true],
      [2, put3KeyValues.slice(0, 2), true],
      [3, put3KeyValues, false],
      [100, put3KeyValues, false],
    ];
    for (const [limit, want, more] of cases) {
      const response = unwrap(store.range({ key: "foo", rangeEnd: "foo3", limit }));
      expect({ limit, response }).toEqual({ limit, response: { header: { revision: 4 }, kvs: want, more, count: 3 } });
    }
  });

  test("#6 TestKVPutMultipleTimes: each put is a revision, version counts up", () => {
    const store = new MvccStore();
    for (let id = 1; id <= 10; id++) unwrap(store.leaseGrant({ id, ttl: 100 }, 0));
    for (let index = 0; index < 10; index++) {
      expect(put(store, "foo", "bar", index + 1)).toBe(index + 2);
      expect(get(store, "foo")).toEqual(kv("foo", "bar", 2, index + 2, index + 1, index + 1));
    }
  });

  test("#7 TestKVDeleteRange: deleting nothing takes no revision", () => {
    const cases: Array<[string, string | undefined, number, number]> = [
      ["foo", undefined, 1, 5],
      ["foo", "foo1", 1, 5],
      ["foo", "foo2", 2, 5],
      ["foo", "foo3", 3, 5],
      ["foo3", "foo8", 0, 4],
      ["foo3", undefined, 0, 4],
    ];
    for (const [key, rangeEnd, deleted, revision] of cases) {
      const store = new MvccStore();
      put(store, "foo", "bar");
      put(store, "foo1", "bar1");
      put(store, "foo2", "bar2");
      expect({ key, rangeEnd, result: del(store, key, rangeEnd) }).toEqual({ key, rangeEnd, result: [deleted, revision] });
    }
  });

  test("#8 TestKVDeleteMultipleTimes", () => {
    const store = new MvccStore();
    put(store, "foo", "bar");
    expect(del(store, "foo")).toEqual([1, 3]);
    for (let index = 0; index < 10; index++) expect(del(store, "foo")).toEqual([0, 3]);
  });

  test("#9 TestKVOperationInSequence: re-creation starts a new generation", () => {
    const store = new MvccStore();
    for (let index = 0; index < 10; index++) {
      const base = 2 * index + 1;
      expect(put(store, "foo", "bar")).toBe(base + 1);
      expect(unwrap(store.range({ key: "foo", revision: base + 1 })).kvs).toEqual([kv("foo", "bar", base + 1, base + 1, 1)]);
      expect(del(store, "foo")).toEqual([1, base + 2]);
      const after = unwrap(store.range({ key: "foo", revision: base + 2 }));
      expect({ kvs: after.kvs, revision: after.header.revision }).toEqual({ kvs: [], revision: base + 2 });
    }
  });

  test("#10 TestKVTxnOperationInSequence: one txn, one revision, reads see earlier writes", () => {
    const store = new MvccStore();
    for (let index = 0; index < 10; index++) {
      const revision = index + 2;
      const response = unwrap(
        store.txn({
          success: [
            { type: "put", request: { key: "foo", value: "bar" } },
            { type: "range", request: { key: "foo" } },
            { type: "deleteRange", request: { key: "foo" } },
            { type: "range", request: { key: "foo" } },
          ],
        }),
      );
      expect(response.header.revision).toBe(revision);
      expect(response.responses).toEqual([
        { type: "put", response: { header: { revision } } },
        { type: "range", response: { header: { revision }, kvs: [kv("foo", "bar", revision, revision, 1)], more: false, count: 1 } },
        { type: "deleteRange", response: { header: { revision }, deleted: 1, prevKvs: [] } },
        { type: "range", response: { header: { revision }, kvs: [], more: false, count: 0 } },
      ]);
    }
    expect(store.currentRevision).toBe(11);
  });

  test("#11 TestKVCompactReserveLastValue", () => {
    const store = new MvccStore();
    for (const id of [1, 2, 3]) unwrap(store.leaseGrant({ id, ttl: 100 }, 0));
    put(store, "foo", "bar0", 1);
    put(store, "foo", "bar1", 2);
    del(store, "foo");
    put(store, "foo", "bar2", 3);
    const cases: Array<[number, KeyValue[]]> = [
      [1, [kv("foo", "bar0", 2, 2, 1, 1)]],
      [2, [kv("foo", "bar1", 2, 3, 2, 2)]],
      [3, []],
      [4, [kv("foo", "bar2", 5, 5, 1, 3)]],
    ];
    for (const [revision, want] of cases) {
      unwrap(store.compact({ revision }));
      expect({ revision, kvs: unwrap(store.range({ key: "foo", revision: revision + 1 })).kvs }).toEqual({ revision, kvs: want });
    }
  });

  test("#12 TestKVCompactBad: a fresh store compacts at 0 and 1 once each", () => {
    const store = new MvccStore();
    put(store, "foo", "bar0");
    put(store, "foo", "bar1");
    put(store, "foo", "bar2");
    expect(unwrap(store.compact({ revision: 0 }))).toEqual({ header: { revision: 4 } });
    expect(store.compact({ revision: 1 }).ok).toBe(true);
    expectFailure(store.compact({ revision: 1 }), etcdErrors.compacted);
    expect(store.compact({ revision: 4 }).ok).toBe(true);
    expectFailure(store.compact({ revision: 5 }), etcdErrors.futureRevision);
    expectFailure(store.compact({ revision: 100 }), etcdErrors.futureRevision);
  });

  test("#13 TestKVPutWithSameLease", () => {
    const store = new MvccStore();
    unwrap(store.leaseGrant({ id: 1, ttl: 100 }, 0));
    expect(put(store, "foo", "bar", 1)).toBe(2);
    expect(put(store, "foo", "bar", 1)).toBe(3);
    expect(get(store, "foo")).toEqual(kv("foo", "bar", 2, 3, 2, 1));
  });

  const restoreHistories: Array<[string, (store: MvccStore) => void]> = [
    [
      "plain puts",
      (store) => {
        for (const id of [1, 2, 3]) unwrap(store.leaseGrant({ id, ttl: 100 }, 0));
        put(store, "foo", "bar", 1);
        put(store, "foo1", "bar1", 2);
        put(store, "foo2", "bar2", 3);
      },
    ],
    [
      "put, delete, put",
      (store) => {
        unwrap(store.leaseGrant({ id: 1, ttl: 100 }, 0));
        put(store, "foo", "bar", 1);
        del(store, "foo");
        put(store, "foo", "bar1", 1);
      },
    ],
    [
      "puts and compact(1)",
      (store) => {
        put(store, "foo", "bar");
        put(store, "foo", "bar1");
        put(store, "foo", "bar2");
        unwrap(store.compact({ revision: 1 }));
      },
    ],
    [
      "five puts, delete foo1, compact(7)",
      (store) => {
        for (let index = 0; index < 5; index++) put(store, `foo${index}`, "bar");
        del(store, "foo1");
        unwrap(store.compact({ revision: 7 }));
      },
    ],
  ];

  test.each(restoreHistories)("#14 TestKVRestore: %s", (_name, history) => {
    const store = new MvccStore();
    history(store);
    const readAll = (target: MvccStore): unknown[] => {
      const results: unknown[] = [];
      for (let revision = 0; revision < 10; revision++) {
        const result = target.range({ key: "a", rangeEnd: "z", revision });
        results.push(result.ok ? result.value : result.error.message);
      }
      return results;
    };
    const restored = MvccStore.fromSnapshot(JSON.parse(JSON.stringify(store.snapshot())));
    expect(readAll(restored)).toEqual(readAll(store));
    expect(restored.hash()).toBe(store.hash());
  });
});

describe("§1.4 worked example: put a=v1; put a=v2; del a; put a=v3; compact", () => {
  function afterStep4(): MvccStore {
    const store = new MvccStore();
    expect(unwrap(store.put({ key: "a", value: "v1" }))).toEqual({ header: { revision: 2 } });
    expect(unwrap(store.put({ key: "a", value: "v2", prevKv: true }))).toEqual({ header: { revision: 3 }, prevKv: kv("a", "v1", 2, 2, 1) });
    expect(unwrap(store.deleteRange({ key: "a", prevKv: true }))).toEqual({ header: { revision: 4 }, deleted: 1, prevKvs: [kv("a", "v2", 2, 3, 2)] });
    expect(unwrap(store.deleteRange({ key: "a" }))).toEqual({ header: { revision: 4 }, deleted: 0, prevKvs: [] });
    expect(unwrap(store.put({ key: "a", value: "v3" }))).toEqual({ header: { revision: 5 } });
    return store;
  }

  test("steps 0 to 4: responses, header revisions and the latest value", () => {
    const store = new MvccStore();
    expect(unwrap(store.range({ key: "a" }))).toEqual({ header: { revision: 1 }, kvs: [], more: false, count: 0 });
    put(store, "a", "v1");
    expect(get(store, "a")).toEqual(kv("a", "v1", 2, 2, 1));
    put(store, "a", "v2");
    expect(get(store, "a")).toEqual(kv("a", "v2", 2, 3, 2));
    del(store, "a");
    expect(unwrap(store.range({ key: "a" }))).toEqual({ header: { revision: 4 }, kvs: [], more: false, count: 0 });
    const full = afterStep4();
    expect(get(full, "a")).toEqual(kv("a", "v3", 5, 5, 1));
    expect(full.status().revision).toBe(5);
  });

  test("historical reads after step 4 (no compaction)", () => {
    const store = afterStep4();
    const cases: Array<[number, KeyValue[] | "future"]> = [
      [0, [kv("a", "v3", 5, 5, 1)]],
      [-3, [kv("a", "v3", 5, 5, 1)]],
      [1, []],
      [2, [kv("a", "v1", 2, 2, 1)]],
      [3, [kv("a", "v2", 2, 3, 2)]],
      [4, []],
      [5, [kv("a", "v3", 5, 5, 1)]],
      [6, "future"],
    ];
    for (const [revision, want] of cases) {
      const result = store.range({ key: "a", revision });
      if (want === "future") expectFailure(result, etcdErrors.futureRevision);
      else expect({ revision, response: unwrap(result) }).toEqual({ revision, response: { header: { revision: 5 }, kvs: want, more: false, count: want.length } });
    }
  });

  test("steps 5 to 8: Compact(4), Compact(4) again, Compact(6), Put(a, v4)", () => {
    const store = afterStep4();
    const sizeBefore = store.status().dbSizeInUse;
    expect(unwrap(store.compact({ revision: 4 }))).toEqual({ header: { revision: 5 } });
    expect(store.status().dbSizeInUse).toBeLessThan(sizeBefore);
    for (const revision of [1, 2, 3]) expectFailure(store.range({ key: "a", revision }), etcdErrors.compacted);
    expect(unwrap(store.range({ key: "a", revision: 4 }))).toEqual({ header: { revision: 5 }, kvs: [], more: false, count: 0 });
    expect(get(store, "a", 5)).toEqual(kv("a", "v3", 5, 5, 1));
    expectFailure(store.range({ key: "a", revision: 6 }), etcdErrors.futureRevision);
    const again = store.compact({ revision: 4 });
    expectFailure(again, etcdErrors.compacted);
    if (!again.ok) expect(again.error.toGrpcString()).toBe("rpc error: code = 11 desc = etcdserver: mvcc: required revision has been compacted");
    expectFailure(store.compact({ revision: 6 }), etcdErrors.futureRevision);
    expect(put(store, "a", "v4")).toBe(6);
    expect(get(store, "a")).toEqual(kv("a", "v4", 5, 6, 2));
    const snapshot = store.snapshot();
    expect(snapshot.records).toEqual([
      [4, 0, "a", "", 0, 0, 0, 0],
      [5, 0, "a", "v3", 5, 5, 1, 0],
      [6, 0, "a", "v4", 5, 6, 2, 0],
    ]);
  });

  test("compaction variant Compact(3): the backend drops (2,0) only; version stays 2 at revision 3", () => {
    const store = afterStep4();
    unwrap(store.compact({ revision: 3 }));
    expect(store.snapshot().records.map((record) => [record[0], record[1]])).toEqual([[3, 0], [4, 0], [5, 0]]);
    expect(get(store, "a", 3)).toEqual(kv("a", "v2", 2, 3, 2));
  });

  test("compaction variant Compact(5): the old generation disappears with its tombstone", () => {
    const store = afterStep4();
    unwrap(store.compact({ revision: 5 }));
    expect(store.snapshot().records.map((record) => [record[0], record[1]])).toEqual([[5, 0]]);
    expect(get(store, "a", 5)).toEqual(kv("a", "v3", 5, 5, 1));
  });

  test("compaction at the tombstone (4) keeps it: a watch from 4 sees DELETE then PUT; from 3 is canceled", () => {
    const store = afterStep4();
    unwrap(store.compact({ revision: 4 }));
    const stream = store.newWatchStream(0);
    const fromFour = stream.watch({ key: "a", startRevision: 4, prevKv: true });
    const fromThree = stream.watch({ key: "a", startRevision: 3 });
    store.syncWatchers();
    const responses = stream.takeResponses();
    expect(responses.map((response) => response.watchId)).toEqual([fromFour, fromThree, fromThree, fromFour]);
    expect(responses[3]?.events).toEqual([{ type: "DELETE", kv: kv("a", "", 0, 4, 0) }, { type: "PUT", kv: kv("a", "v3", 5, 5, 1) }]);
    expect(responses[3]?.header.revision).toBe(5);
    expect(responses[2]).toEqual({ header: { revision: 0 }, watchId: fromThree, created: false, canceled: true, compactRevision: 4, cancelReason: "", fragment: false, events: [] });
    store.syncWatchers();
    expect(stream.takeResponses()).toEqual([]);
  });
});

describe("range options (TestV3RangeRequest and etcd range.go rules)", () => {
  function store5(putKeys: string[]): MvccStore {
    const store = new MvccStore();
    for (const key of putKeys) put(store, key, "bar");
    return store;
  }

  test("single key and multi-key ranges; empty and inverted ranges are empty, not errors", () => {
    const store = store5(["a", "b", "c", "d", "e"]);
    const keysOf = (request: RangeRequest): string[] => keys(unwrap(store.range(request)).kvs);
    expect(keysOf({ key: "a", rangeEnd: "z" })).toEqual(["a", "b", "c", "d", "e"]);
    expect(keysOf({ key: "b", rangeEnd: "d" })).toEqual(["b", "c"]);
    expect(keysOf({ key: "f", rangeEnd: "z" })).toEqual([]);
    expect(keysOf({ key: "c", rangeEnd: "c" })).toEqual([]);
    expect(keysOf({ key: "d", rangeEnd: "b" })).toEqual([]);
    expect(keysOf({ key: "c", rangeEnd: "\x00" })).toEqual(["c", "d", "e"]);
    expect(keysOf({ key: "a", rangeEnd: "z", revision: 1 })).toEqual([]);
    expect(keysOf({ key: "a", rangeEnd: "z", revision: 3 })).toEqual(["a", "b"]);
  });

  test("limit with more; sorting with limit", () => {
    const limited = store5(["foo", "bar"]);
    expect(unwrap(limited.range({ key: "a", rangeEnd: "z", limit: 1 }))).toMatchObject({ more: true, count: 2 });
    expect(keys(unwrap(limited.range({ key: "a", rangeEnd: "z", limit: 1 })).kvs)).toEqual(["bar"]);
    expect(unwrap(limited.range({ key: "a", rangeEnd: "z", limit: 2 })).more).toBe(false);
    const store = store5(["b", "a", "c", "d", "c"]);
    const first = (request: RangeRequest): [string[], boolean] => {
      const response = unwrap(store.range({ rangeEnd: "z", limit: 1, ...request }));
      return [keys(response.kvs), response.more];
    };
    expect(first({ key: "a", sortOrder: "ASCEND", sortTarget: "KEY" })).toEqual([["a"], true]);
    expect(first({ key: "a", sortOrder: "DESCEND", sortTarget: "KEY" })).toEqual([["d"], true]);
    expect(first({ key: "a", sortOrder: "ASCEND", sortTarget: "CREATE" })).toEqual([["b"], true]);
    expect(first({ key: "a", sortOrder: "DESCEND", sortTarget: "MOD" })).toEqual([["c"], true]);
    expect(first({ key: "z", rangeEnd: "z", sortOrder: "DESCEND", sortTarget: "CREATE" })).toEqual([[], false]);
  });

  test("target other than KEY with order NONE sorts ascending; the sort is stable", () => {
    const store = new MvccStore();
    put(store, "a", "2");
    put(store, "b", "1");
    put(store, "c", "1");
    put(store, "a", "3");
    const keysOf = (request: Partial<RangeRequest>): string[] => keys(unwrap(store.range({ key: "a", rangeEnd: "z", ...request })).kvs);
    expect(keysOf({ sortTarget: "VALUE" })).toEqual(["b", "c", "a"]);
    expect(keysOf({ sortTarget: "VALUE", sortOrder: "DESCEND" })).toEqual(["a", "b", "c"]);
    expect(keysOf({ sortTarget: "VERSION", sortOrder: "ASCEND" })).toEqual(["b", "c", "a"]);
    expect(keysOf({ sortTarget: "VERSION", sortOrder: "DESCEND" })).toEqual(["a", "b", "c"]);
    expect(keysOf({ sortTarget: "MOD", sortOrder: "DESCEND" })).toEqual(["a", "c", "b"]);
    expect(keysOf({ sortTarget: "CREATE", sortOrder: "DESCEND" })).toEqual(["c", "b", "a"]);
    expect(keysOf({ sortTarget: "KEY", sortOrder: "DESCEND" })).toEqual(["c", "b", "a"]);
  });

  test("keys_only strips values; count_only returns the count ignoring the limit", () => {
    const store = store5(["a", "b", "c"]);
    expect(unwrap(store.range({ key: "a", rangeEnd: "z", keysOnly: true })).kvs).toEqual([kv("a", "", 2, 2, 1), kv("b", "", 3, 3, 1), kv("c", "", 4, 4, 1)]);
    expect(get(store, "a")?.value).toBe("bar");
    expect(unwrap(store.range({ key: "a", rangeEnd: "z", limit: 1, countOnly: true }))).toEqual({ header: { revision: 4 }, kvs: [], more: false, count: 3 });
  });

  test("min/max mod and create revision filters do not change the count", () => {
    const store = store5(["a", "b", "c", "d"]);
    put(store, "a", "again");
    const filtered = (request: Partial<RangeRequest>): [string[], number] => {
      const response = unwrap(store.range({ key: "a", rangeEnd: "z", ...request }));
      return [keys(response.kvs), response.count];
    };
    expect(filtered({ minModRevision: 4 })).toEqual([["a", "c", "d"], 4]);
    expect(filtered({ maxModRevision: 4 })).toEqual([["b", "c"], 4]);
    expect(filtered({ minCreateRevision: 3 })).toEqual([["b", "c", "d"], 4]);
    expect(filtered({ maxCreateRevision: 3 })).toEqual([["a", "b"], 4]);
    expect(filtered({ minModRevision: 4, limit: 1 })).toEqual([["a"], 4]);
  });
});

describe("put options", () => {
  test("ignore_value and ignore_lease keep the previous value and lease, still bump the version", () => {
    const store = new MvccStore();
    unwrap(store.leaseGrant({ id: 7, ttl: 100 }, 0));
    put(store, "k", "v1", 7);
    expect(unwrap(store.put({ key: "k", ignoreValue: true }))).toEqual({ header: { revision: 3 } });
    expect(get(store, "k")).toEqual(kv("k", "v1", 2, 3, 2, 0));
    put(store, "k", "v2", 7);
    expect(unwrap(store.put({ key: "k", value: "v3", ignoreLease: true, prevKv: true }))).toEqual({ header: { revision: 5 }, prevKv: kv("k", "v2", 2, 4, 3, 7) });
    expect(get(store, "k")).toEqual(kv("k", "v3", 2, 5, 4, 7));
  });

  test("ignore_value on a missing key is key not found and takes no revision", () => {
    const store = new MvccStore();
    expectFailure(store.put({ key: "k", ignoreValue: true }), etcdErrors.keyNotFound);
    expectFailure(store.put({ key: "k", ignoreLease: true }), etcdErrors.keyNotFound);
    expect(store.currentRevision).toBe(1);
  });

  test("a put with an unknown lease is lease not found and takes no revision", () => {
    const store = new MvccStore();
    expectFailure(store.put({ key: "k", value: "v", lease: 42 }), etcdErrors.leaseNotFound);
    expect(store.currentRevision).toBe(1);
  });

  test("a put without lease detaches the key; another lease moves it", () => {
    const store = new MvccStore();
    unwrap(store.leaseGrant({ id: 1, ttl: 100 }, 0));
    unwrap(store.leaseGrant({ id: 2, ttl: 100 }, 0));
    put(store, "k", "v", 1);
    expect(store.lessor.timeToLive(1, true, 0).keys).toEqual(["k"]);
    put(store, "k", "v", 2);
    expect(store.lessor.timeToLive(1, true, 0).keys).toEqual([]);
    expect(store.lessor.timeToLive(2, true, 0).keys).toEqual(["k"]);
    put(store, "k", "v");
    expect(store.lessor.timeToLive(2, true, 0).keys).toEqual([]);
    expect(store.lessor.leaseOf("k")).toBe(0);
  });
});

describe("multi-key delete (TestV3DeleteRange)", () => {
  test("one revision for all keys, tombstones in key order", () => {
    const cases: Array<[string, string | undefined, number]> = [
      ["foo/", "fop", 1],
      ["foo/", "foo/", 0],
      ["fo", "fop", 2],
      ["foo/", "fos", 2],
      ["foo/abc", undefined, 1],
    ];
    for (const [key, rangeEnd, deleted] of cases) {
      const store = new MvccStore();
      put(store, "foo");
      put(store, "foo/abc");
      put(store, "fop");
      const [count, revision] = del(store, key, rangeEnd);
      expect({ key, rangeEnd, count }).toEqual({ key, rangeEnd, count: deleted });
      expect(revision).toBe(unwrap(store.range({ key: "foo" })).header.revision);
    }
    const store = new MvccStore();
    for (const key of ["c", "a", "b"]) put(store, key);
    expect(del(store, "a", "z")).toEqual([3, 5]);
    expect(store.snapshot().records.slice(3).map((record) => [record[0], record[1], record[2]])).toEqual([
      [5, 0, "a"],
      [5, 1, "b"],
      [5, 2, "c"],
    ]);
  });
});

describe("what stores share (the members of a cluster apply the same writes)", () => {
  test("a put's answer is always its own store's revision, whichever stores wrote before", () => {
    const stores = [new MvccStore(), new MvccStore(), new MvccStore()];
    // Store 2 runs 256 and 512 revisions ahead: its revisions fall in the same slots of any cache by revision.
    for (let index = 0; index < 256; index++) unwrap(stores[1]!.put({ key: "pad", value: `${index}` }));
    for (let index = 0; index < 512; index++) unwrap(stores[2]!.put({ key: "pad", value: `${index}` }));
    for (let round = 0; round < 3; round++) {
      for (const store of stores) {
        const expected = store.currentRevision + 1;
        expect(unwrap(store.put({ key: "k", value: `v${round}` }))).toEqual({ header: { revision: expected } });
        expect(store.range({ key: "k" })).toEqual({ ok: true, value: { header: { revision: expected }, kvs: [kv("k", `v${round}`, expected - round, expected, round + 1, 0)], more: false, count: 1 } });
      }
    }
  });

  test("a transaction after a put starts at the put's revision, and a txn's answer reports the revision it wrote", () => {
    const store = new MvccStore();
    expect(put(store, "a", "1")).toBe(2);
    const txn = unwrap(store.txn({ compare: [{ key: "a", target: "VALUE", result: "EQUAL", value: "1" }], success: [{ type: "put", request: { key: "b", value: "2" } }], failure: [] }));
    expect(txn.header.revision).toBe(3);
    const readOnly = unwrap(store.txn({ compare: [], success: [{ type: "range", request: { key: "b" } }], failure: [] }));
    expect(readOnly.header.revision).toBe(3);
    expect(put(store, "a", "3")).toBe(4);
    expect(del(store, "b")).toEqual([1, 5]);
  });
});
