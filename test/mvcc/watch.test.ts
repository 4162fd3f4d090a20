import { describe, expect, test } from "vitest";
import { type Event, fragmentWatchResponse, MvccStore, type WatchResponse, watchCancelReasons } from "../../src/mvcc/index.js";
import { del, kv, put, unwrap } from "./helpers.js";

function eventsOf(responses: readonly WatchResponse[]): Event[] {
  return responses.flatMap((response) => response.events);
}

function created(revision: number, watchId: number): WatchResponse {
  return { header: { revision }, watchId, created: true, canceled: false, compactRevision: 0, cancelReason: "", fragment: false, events: [] };
}

function eventsResponse(revision: number, watchId: number, events: Event[]): WatchResponse {
  return { header: { revision }, watchId, created: false, canceled: false, compactRevision: 0, cancelReason: "", fragment: false, events };
}

const putEvent = (key: string, value: string, createRevision: number, modRevision: number, version: number, lease = 0): Event => ({
  type: "PUT",
  kv: kv(key, value, createRevision, modRevision, version, lease),
});
const deleteEvent = (key: string, modRevision: number): Event => ({ type: "DELETE", kv: kv(key, "", 0, modRevision, 0) });

describe("§9.2 etcd watch tests", () => {
  test("#15 TestWatchableKVWatch", () => {
    const store = new MvccStore();
    for (const id of [1, 2, 3]) unwrap(store.leaseGrant({ id, ttl: 100 }, 0));
    const stream = store.newWatchStream(0);
    const first = stream.watch({ key: "foo", rangeEnd: "fop" });
    expect(stream.takeResponses()).toEqual([created(1, first)]);
    put(store, "foo", "bar", 1);
    expect(stream.takeResponses()).toEqual([eventsResponse(2, first, [putEvent("foo", "bar", 2, 2, 1, 1)])]);
    put(store, "foo1", "bar1", 2);
    expect(stream.takeResponses()).toEqual([eventsResponse(3, first, [putEvent("foo1", "bar1", 3, 3, 1, 2)])]);
    const second = stream.watch({ key: "foo1", rangeEnd: "foo2", startRevision: 3 });
    store.syncWatchers();
    expect(stream.takeResponses()).toEqual([created(3, second), eventsResponse(3, second, [putEvent("foo1", "bar1", 3, 3, 1, 2)])]);
    put(store, "foo1", "bar11", 3);
    expect(stream.takeResponses()).toEqual([
      eventsResponse(4, first, [putEvent("foo1", "bar11", 3, 4, 2, 3)]),
      eventsResponse(4, second, [putEvent("foo1", "bar11", 3, 4, 2, 3)]),
    ]);
  });

  test("#16 TestRangeEvents: history replay from different revisions", () => {
    const store = new MvccStore();
    put(store, "foo1", "bar1");
    put(store, "foo2", "bar2");
    put(store, "foo3", "bar3");
    expect(del(store, "foo1", "foo3")).toEqual([2, 5]);
    const replay = (startRevision: number): Event[] => {
      const stream = store.newWatchStream(0);
      stream.watch({ key: "foo1", rangeEnd: "foo4", startRevision });
      store.syncWatchers();
      return eventsOf(stream.takeResponses());
    };
    expect(replay(1)).toEqual([putEvent("foo1", "bar1", 2, 2, 1), putEvent("foo2", "bar2", 3, 3, 1), putEvent("foo3", "bar3", 4, 4, 1), deleteEvent("foo1", 5), deleteEvent("foo2", 5)]);
    expect(replay(5)).toEqual([deleteEvent("foo1", 5), deleteEvent("foo2", 5)]);
    expect(replay(6)).toEqual([]);
  });

  test("#17 TestWatchCompacted: a watcher below the compaction is canceled with compact_revision", () => {
    const store = new MvccStore();
    for (let index = 0; index < 10; index++) put(store, "foo", "bar");
    unwrap(store.compact({ revision: 5 }));
    const stream = store.newWatchStream(0);
    const id = stream.watch({ key: "foo", startRevision: 4 });
    store.syncWatchers();
    expect(stream.takeResponses()).toEqual([
      created(11, id),
      { header: { revision: 0 }, watchId: id, created: false, canceled: true, compactRevision: 5, cancelReason: "", fragment: false, events: [] },
    ]);
    put(store, "foo", "bar");
    store.syncWatchers();
    expect(stream.takeResponses()).toEqual([]);
  });

  test("#18 TestWatchNoEventLossOnCompact", () => {
    const store = new MvccStore();
    for (let index = 0; index < 10; index++) put(store, "foo", `bar${index}`);
    unwrap(store.compact({ revision: 5 }));
    const stream = store.newWatchStream(0);
    const ids = [stream.watch({ key: "foo", startRevision: 1 }), stream.watch({ key: "foo", startRevision: 1 }), stream.watch({ key: "foo", startRevision: 6 })];
    stream.takeResponses();
    expect(store.syncWatchers()).toBe(0);
    const responses = stream.takeResponses();
    expect(responses.filter((response) => response.canceled).map((response) => [response.watchId, response.compactRevision])).toEqual([
      [ids[0], 5],
      [ids[1], 5],
    ]);
    const events = responses.filter((response) => response.watchId === ids[2]).flatMap((response) => response.events);
    expect(events.map((event) => event.kv.modRevision)).toEqual([6, 7, 8, 9, 10, 11]);
  });

  test("#19 TestWatchFutureRev: a watcher from a future revision waits for it", () => {
    const store = new MvccStore();
    const stream = store.newWatchStream(0);
    const id = stream.watch({ key: "foo", startRevision: 10 });
    stream.takeResponses();
    for (let revision = 2; revision < 10; revision++) {
      put(store, "foo", "bar");
      expect(stream.takeResponses()).toEqual([]);
    }
    put(store, "foo", "bar");
    expect(stream.takeResponses()).toEqual([eventsResponse(10, id, [putEvent("foo", "bar", 2, 10, 9)])]);
  });

  test("#20 TestWatchBatchUnsynced: catch-up batches hold whole revisions, at most the batch limit", () => {
    const store = new MvccStore({ watchBatchMaxRevisions: 4 });
    for (let revision = 0; revision < 12; revision++) {
      unwrap(store.txn({ success: [0, 1, 2].map(() => ({ type: "put" as const, request: { key: "foo", value: "bar" } })) }));
    }
    const stream = store.newWatchStream(0);
    stream.watch({ key: "foo", startRevision: 1 });
    stream.takeResponses();
    const batches: number[][] = [];
    for (let step = 0; step < 3; step++) {
      expect(store.syncWatchers()).toBe(step < 2 ? 1 : 0);
      for (const response of stream.takeResponses()) {
        expect(response.events).toHaveLength(12);
        expect(response.header.revision).toBe(13);
        batches.push([...new Set(response.events.map((event) => event.kv.modRevision))]);
      }
    }
    expect(batches).toEqual([
      [2, 3, 4, 5],
      [6, 7, 8, 9],
      [10, 11, 12, 13],
    ]);
  });

  test.each([
    [0, true, true],
    [1, false, true],
    [2, false, true],
    [3, false, false],
    [4, false, false],
  ])("#21 TestWatcherRequestProgress: start revision %i, before sync %s, after sync %s", (startRevision, before, after) => {
    const store = new MvccStore();
    put(store, "foo", "bar");
    const stream = store.newWatchStream(0);
    stream.requestProgress(1000);
    const id = stream.watch({ key: "bad", startRevision });
    stream.takeResponses();
    const progress = { header: { revision: 2 }, watchId: id, created: false, canceled: false, compactRevision: 0, cancelReason: "", fragment: false, events: [] };
    stream.requestProgress(id);
    expect(stream.takeResponses()).toEqual(before ? [progress] : []);
    store.syncWatchers();
    stream.requestProgress(id);
    expect(stream.takeResponses()).toEqual(after ? [progress] : []);
  });

  test("TestWatcherRequestProgressAll: one response with watch ID -1 once all are synced", () => {
    const store = new MvccStore();
    put(store, "foo", "bar");
    const stream = store.newWatchStream(0);
    stream.watch({ key: "bad", startRevision: 1 });
    stream.takeResponses();
    expect(stream.requestProgressAll()).toBe(false);
    expect(stream.takeResponses()).toEqual([]);
    store.syncWatchers();
    expect(stream.requestProgressAll()).toBe(true);
    expect(stream.takeResponses()).toEqual([eventsResponse(2, -1, [])]);
  });

  test("#22 TestWatcherWatchWrongRange and TestWatchDeleteRange", () => {
    const store = new MvccStore();
    const stream = store.newWatchStream(0);
    const refused = { header: { revision: 1 }, watchId: -1, created: true, canceled: true, compactRevision: 0, cancelReason: "mvcc: watcher range is empty", fragment: false, events: [] };
    expect(stream.watch({ key: "foa", rangeEnd: "foa" })).toBe(-1);
    expect(stream.watch({ key: "fob", rangeEnd: "foa" })).toBe(-1);
    expect(stream.takeResponses()).toEqual([refused, refused]);
    const all = stream.watch({ key: "foo", rangeEnd: "\x00" });
    for (const key of ["foo_0", "foo_1", "foo_2"]) put(store, key, "bar");
    stream.takeResponses();
    del(store, "foo_0", "foo_3");
    expect(stream.takeResponses()).toEqual([eventsResponse(5, all, [deleteEvent("foo_0", 5), deleteEvent("foo_1", 5), deleteEvent("foo_2", 5)])]);
  });
});

describe("watch streams", () => {
  test("IDs count from 0 per stream, skip taken ones; a duplicate ID is refused", () => {
    const store = new MvccStore();
    const stream = store.newWatchStream(0);
    const other = store.newWatchStream(0);
    expect(stream.watch({ key: "a" })).toBe(0);
    expect(stream.watch({ key: "a", watchId: 1 })).toBe(1);
    expect(stream.watch({ key: "a" })).toBe(2);
    expect(other.watch({ key: "a" })).toBe(0);
    expect(stream.watch({ key: "a", watchId: 1 })).toBe(-1);
    expect(stream.takeResponses()[3]?.cancelReason).toBe(watchCancelReasons.duplicateWatchId);
    expect(watchCancelReasons.duplicateWatchId).toBe("mvcc: duplicate watch ID provided on the WatchStream");
  });

  test("a negative start revision is refused as compacted", () => {
    const store = new MvccStore();
    const stream = store.newWatchStream(0);
    expect(stream.watch({ key: "a", startRevision: -1 })).toBe(-1);
    expect(stream.takeResponses()).toEqual([
      { header: { revision: 1 }, watchId: -1, created: true, canceled: true, compactRevision: 0, cancelReason: "etcdserver: mvcc: required revision has been compacted", fragment: false, events: [] },
    ]);
  });

  test("cancel answers canceled and stops events; an unknown ID answers nothing", () => {
    const store = new MvccStore();
    const stream = store.newWatchStream(0);
    const id = stream.watch({ key: "a" });
    stream.takeResponses();
    expect(stream.cancel(id)).toBe(true);
    expect(stream.cancel(id)).toBe(false);
    expect(stream.takeResponses()).toEqual([{ header: { revision: 1 }, watchId: id, created: false, canceled: true, compactRevision: 0, cancelReason: "", fragment: false, events: [] }]);
    put(store, "a", "v");
    expect(stream.takeResponses()).toEqual([]);
  });

  test("prev_kv: from mod_revision - 1, none for create events, none when compacted", () => {
    const store = new MvccStore();
    put(store, "a", "v1");
    put(store, "a", "v2");
    const stream = store.newWatchStream(0);
    const id = stream.watch({ key: "a", startRevision: 2, prevKv: true });
    store.syncWatchers();
    expect(eventsOf(stream.takeResponses())).toEqual([putEvent("a", "v1", 2, 2, 1), { ...putEvent("a", "v2", 2, 3, 2), prevKv: kv("a", "v1", 2, 2, 1) }]);
    del(store, "a");
    expect(stream.takeResponses()).toEqual([eventsResponse(4, id, [{ ...deleteEvent("a", 4), prevKv: kv("a", "v2", 2, 3, 2) }])]);
    put(store, "a", "v3");
    unwrap(store.compact({ revision: 5 }));
    put(store, "a", "v4");
    const late = store.newWatchStream(0);
    late.watch({ key: "a", startRevision: 5, prevKv: true });
    store.syncWatchers();
    expect(eventsOf(late.takeResponses())).toEqual([putEvent("a", "v3", 5, 5, 1), { ...putEvent("a", "v4", 5, 6, 2), prevKv: kv("a", "v3", 5, 5, 1) }]);
    expect(eventsOf(stream.takeResponses())).toEqual([putEvent("a", "v3", 5, 5, 1), { ...putEvent("a", "v4", 5, 6, 2), prevKv: kv("a", "v3", 5, 5, 1) }]);
  });

  test("NOPUT and NODELETE filters; a response they empty is not sent", () => {
    const store = new MvccStore();
    const stream = store.newWatchStream(0);
    const noPut = stream.watch({ key: "a", filters: ["NOPUT"] });
    const noDelete = stream.watch({ key: "a", filters: ["NODELETE"] });
    stream.takeResponses();
    put(store, "a", "v");
    expect(stream.takeResponses()).toEqual([eventsResponse(2, noDelete, [putEvent("a", "v", 2, 2, 1)])]);
    del(store, "a");
    expect(stream.takeResponses()).toEqual([eventsResponse(3, noPut, [deleteEvent("a", 3)])]);
  });

  test("events of one txn arrive in op order in one response", () => {
    const store = new MvccStore();
    put(store, "c", "old");
    const stream = store.newWatchStream(0);
    const id = stream.watch({ key: "a", rangeEnd: "z" });
    stream.takeResponses();
    unwrap(store.txn({ success: [{ type: "put", request: { key: "d", value: "1" } }, { type: "deleteRange", request: { key: "c" } }, { type: "put", request: { key: "b", value: "2" } }] }));
    expect(stream.takeResponses()).toEqual([eventsResponse(3, id, [putEvent("d", "1", 3, 3, 1), deleteEvent("c", 3), putEvent("b", "2", 3, 3, 1)])]);
  });

  test("lease revoke deletions appear as DELETE events of one revision, in key order", () => {
    const store = new MvccStore();
    unwrap(store.leaseGrant({ id: 5, ttl: 10 }, 0));
    for (const key of ["k3", "k1", "k2"]) put(store, key, "v", 5);
    const stream = store.newWatchStream(0);
    const id = stream.watch({ key: "k", rangeEnd: "l" });
    stream.takeResponses();
    unwrap(store.leaseRevoke({ id: 5 }));
    expect(stream.takeResponses()).toEqual([eventsResponse(5, id, [deleteEvent("k1", 5), deleteEvent("k2", 5), deleteEvent("k3", 5)])]);
  });

  test("§10 #2: a watch from exactly the compact revision works", () => {
    const store = new MvccStore();
    put(store, "a", "1");
    put(store, "a", "2");
    unwrap(store.compact({ revision: 3 }));
    const stream = store.newWatchStream(0);
    stream.watch({ key: "a", startRevision: 3 });
    store.syncWatchers();
    expect(eventsOf(stream.takeResponses())).toEqual([putEvent("a", "2", 2, 3, 2)]);
  });

  test("progress_notify: a progress response each interval without events, elided after events", () => {
    const store = new MvccStore({ progressNotifyIntervalMs: 1000 });
    const stream = store.newWatchStream(0);
    const id = stream.watch({ key: "a", progressNotify: true });
    stream.watch({ key: "b" });
    stream.takeResponses();
    store.tickWatchProgress(999);
    expect(stream.takeResponses()).toEqual([]);
    store.tickWatchProgress(1000);
    expect(stream.takeResponses()).toEqual([eventsResponse(1, id, [])]);
    put(store, "a", "v");
    stream.takeResponses();
    store.tickWatchProgress(2000);
    expect(stream.takeResponses()).toEqual([]);
    store.tickWatchProgress(3500);
    expect(stream.takeResponses()).toEqual([eventsResponse(2, id, [])]);
  });

  test("watch status counts watchers and unsynced ones; a stream lists its watch IDs", () => {
    const store = new MvccStore();
    put(store, "a", "1");
    const stream = store.newWatchStream(0);
    stream.watch({ key: "a" });
    stream.watch({ key: "a", startRevision: 1 });
    expect(stream.watchIds()).toEqual([0, 1]);
    expect(store.watchStatus()).toEqual({ watchers: 2, unsyncedWatchers: 1 });
    store.syncWatchers();
    expect(store.watchStatus()).toEqual({ watchers: 2, unsyncedWatchers: 0 });
    stream.close();
    expect(store.watchStatus()).toEqual({ watchers: 0, unsyncedWatchers: 0 });
  });

  test("takeWatchResponses drains every stream; a closed stream gets nothing", () => {
    const store = new MvccStore();
    const first = store.newWatchStream(0);
    const second = store.newWatchStream(0);
    first.watch({ key: "a" });
    second.watch({ key: "a" });
    put(store, "a", "v");
    expect(store.takeWatchResponses().map((entry) => [entry.streamId, entry.responses.length])).toEqual([
      [first.id, 2],
      [second.id, 2],
    ]);
    second.close();
    put(store, "a", "w");
    expect(store.takeWatchResponses().map((entry) => entry.streamId)).toEqual([first.id]);
  });

  test("fragment: a large response is split, all fragments but the last marked", () => {
    const value = "x".repeat(100);
    const events = [1, 2, 3, 4].map((index) => putEvent(`k${index}`, value, 2, 2, 1));
    const fragments = fragmentWatchResponse(eventsResponse(2, 0, events), 300);
    expect(fragments.map((fragment) => [fragment.events.length, fragment.fragment])).toEqual([
      [2, true],
      [2, false],
    ]);
    expect(fragmentWatchResponse(eventsResponse(2, 0, events.slice(0, 1)), 10)).toHaveLength(1);
    const store = new MvccStore({ watchFragmentLimitBytes: 300 });
    const stream = store.newWatchStream(0);
    stream.watch({ key: "k", rangeEnd: "l", fragment: true });
    stream.takeResponses();
    unwrap(store.txn({ success: [1, 2, 3].map((index) => ({ type: "put" as const, request: { key: `k${index}`, value } })) }));
    expect(stream.takeResponses().map((response) => [response.events.length, response.fragment])).toEqual([
      [2, true],
      [1, false],
    ]);
  });

  test("a snapshot restore makes watchers catch up from their next revision", () => {
    const source = new MvccStore();
    put(source, "a", "1");
    put(source, "a", "2");
    put(source, "a", "3");
    const store = new MvccStore();
    put(store, "a", "1");
    const stream = store.newWatchStream(0);
    const id = stream.watch({ key: "a" });
    stream.takeResponses();
    store.restoreSnapshot(source.snapshot());
    expect(stream.takeResponses()).toEqual([]);
    store.syncWatchers();
    expect(stream.takeResponses()).toEqual([eventsResponse(4, id, [putEvent("a", "2", 2, 3, 2), putEvent("a", "3", 2, 4, 3)])]);
  });
});
