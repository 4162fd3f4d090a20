import { describe, expect, test } from "vitest";
import { etcdErrors, initialDatabaseBytes } from "../../../src/mvcc/index.js";
import { anonymousHeader, EtcdServerState } from "../../../src/etcd/server/index.js";
import { expectError, TestServer, unwrap } from "./helpers.js";

describe("today's KvRequest still applies and reads", () => {
  test("put, range, delete, txn and compact through apply; ranges through read", () => {
    const state = new EtcdServerState();
    expect(unwrap(state.apply({ kind: "put", request: { key: "a", value: "1" } }, 1))).toEqual({ kind: "put", response: { header: { revision: 2 } } });
    const txn = unwrap(state.apply({ kind: "txn", request: { compare: [{ target: "VALUE", result: "EQUAL", key: "a", value: "1" }], success: [{ type: "put", request: { key: "b", value: "2" } }] } }, 2));
    expect(txn.kind === "txn" && txn.response.succeeded).toBe(true);
    const range = unwrap(state.read({ kind: "range", request: { key: "a", rangeEnd: "c" } }));
    expect(range.kind === "range" && range.response.kvs.map((kv) => kv.key)).toEqual(["a", "b"]);
    expect(unwrap(state.apply({ kind: "deleteRange", request: { key: "a" } }, 3))).toEqual({ kind: "deleteRange", response: { header: { revision: 4 }, deleted: 1, prevKvs: [] } });
    expect(unwrap(state.apply({ kind: "compact", request: { revision: 4 } }, 4))).toEqual({ kind: "compact", response: { header: { revision: 4 } } });
    expectError(state.apply({ kind: "compact", request: { revision: 4 } }, 5), etcdErrors.compacted);
    expect(state.consistentIndex).toBe(5);
  });

  test("a Raft request answers with the response of its own type", () => {
    const state = new EtcdServerState();
    const put = unwrap(state.apply({ header: anonymousHeader(1), type: "put", request: { key: "k", value: "v", prevKv: true } }, 7, 0));
    expect(put.type).toBe("put");
    expect(put.response.prevKv).toBeUndefined();
    expect(put.response.header.revision).toBe(2);
    const status = unwrap(state.apply({ header: anonymousHeader(2), type: "authStatus", request: {} }, 8, 0));
    expect(status.response).toEqual({ header: { revision: 2 }, enabled: false, authRevision: 1 });
    expect(state.consistentIndex).toBe(8);
  });

  test("reading a write is a bug, not an answer", () => {
    const state = new EtcdServerState();
    expect(() => state.read({ kind: "put", request: { key: "a" } })).toThrow(/assertion failed/);
  });
});

describe("quota and the NOSPACE alarm through apply", () => {
  // Two pages above the empty database: two puts of 3,000 bytes fit, the third does not.
  const quotaBackendBytes = initialDatabaseBytes + 2 * 4096;
  const value = "x".repeat(3000);

  test("a put over quota is applied, answered with no space, and tells the member to raise the alarm", () => {
    const server = new TestServer({ quotaBackendBytes });
    expect(server.must("put", { key: "a", value }).header.revision).toBe(2);
    expect(server.must("put", { key: "b", value }).header.revision).toBe(3);
    expect(server.state.store.status().dbSize).toBe(quotaBackendBytes);
    const over = server.apply("put", { key: "c", value });
    expectError(over, etcdErrors.noSpace);
    expect(server.state.shouldRaiseNoSpaceAlarm(over)).toBe(true);
    // the write happened anyway (etcd docs: "still have the write request succeed in the backend")
    expect(server.state.store.currentRevision).toBe(4);
    expect(server.state.read({ kind: "range", request: { key: "c" } })).toMatchObject({ ok: true, value: { response: { count: 1 } } });
  });

  test("capped mode: puts, txns with puts and lease grants fail; reads, deletes, compaction, revokes work; disarm restores writes", () => {
    const server = new TestServer({ quotaBackendBytes });
    server.must("leaseGrant", { id: 5, ttl: 10 });
    server.must("put", { key: "a", value, lease: 5 });
    server.must("put", { key: "c", value });
    const over = server.apply("put", { key: "d", value: "small" });
    expect(server.state.shouldRaiseNoSpaceAlarm(over)).toBe(true);
    const alarm = server.must("alarm", { action: "ACTIVATE", memberId: 1n, alarm: "NOSPACE" });
    expect(alarm.alarms).toEqual([{ memberId: 1n, alarm: "NOSPACE" }]);
    const revision = server.state.store.currentRevision;
    expect(revision).toBe(4);

    expectError(server.apply("put", { key: "b", value: "tiny" }), etcdErrors.noSpace);
    expectError(server.apply("txn", { failure: [{ type: "put", request: { key: "b" } }] }), etcdErrors.noSpace);
    expectError(server.apply("leaseGrant", { id: 6, ttl: 10 }), etcdErrors.noSpace);
    expect(server.state.store.currentRevision).toBe(revision);
    expect(server.state.shouldRaiseNoSpaceAlarm(server.apply("put", { key: "b" }))).toBe(false);

    expect(server.must("txn", { success: [{ type: "deleteRange", request: { key: "c" } }] }).header.revision).toBe(5);
    expect(server.must("deleteRange", { key: "d" }).deleted).toBe(1);
    expect(server.must("leaseRevoke", { id: 5 }).header.revision).toBe(7);
    expect(server.must("compaction", { revision: 7 }).header.revision).toBe(7);
    expect(unwrap(server.state.read({ kind: "range", request: { key: "a", rangeEnd: "z" } }))).toMatchObject({ response: { count: 0 } });

    // the alarm stays after space is freed, until it is disarmed
    server.state.store.defragment();
    expect(server.state.store.status().dbSize).toBe(initialDatabaseBytes + 4096);
    expectError(server.apply("put", { key: "b" }), etcdErrors.noSpace);
    server.must("alarm", { action: "DEACTIVATE", memberId: 1n, alarm: "NOSPACE" });
    expect(server.must("put", { key: "b", value: "back" }).header.revision).toBe(8);
  });

  test("a CORRUPT alarm refuses every write and compaction, not alarms", () => {
    const server = new TestServer();
    server.must("leaseGrant", { id: 5, ttl: 10 });
    server.must("alarm", { action: "ACTIVATE", memberId: 2n, alarm: "CORRUPT" });
    expectError(server.apply("put", { key: "a" }), etcdErrors.corrupt);
    expectError(server.apply("deleteRange", { key: "a" }), etcdErrors.corrupt);
    expectError(server.apply("txn", {}), etcdErrors.corrupt);
    expectError(server.apply("compaction", { revision: 1 }), etcdErrors.corrupt);
    expectError(server.apply("leaseGrant", { id: 6, ttl: 10 }), etcdErrors.corrupt);
    expectError(server.apply("leaseRevoke", { id: 5 }), etcdErrors.corrupt);
    expect(server.must("alarm", { action: "GET", memberId: 0n, alarm: "NONE" }).alarms).toEqual([{ memberId: 2n, alarm: "CORRUPT" }]);
  });
});

describe("leases through apply", () => {
  test("grant, attach, revoke in one revision, and the errors", () => {
    const server = new TestServer();
    expect(server.must("leaseGrant", { id: 7, ttl: 1 })).toEqual({ header: { revision: 1 }, id: 7, ttl: 2, error: "" });
    expectError(server.apply("leaseGrant", { id: 7, ttl: 30 }), etcdErrors.leaseExists);
    expectError(server.apply("leaseGrant", { id: 8, ttl: 9_000_000_001 }), etcdErrors.leaseTtlTooLarge);
    expectError(server.apply("put", { key: "k", lease: 99 }), etcdErrors.leaseNotFound);
    expectError(server.apply("txn", { success: [{ type: "put", request: { key: "k", lease: 99 } }] }), etcdErrors.leaseNotFound);
    server.must("put", { key: "b", lease: 7 });
    server.must("put", { key: "a", lease: 7 });
    expect(server.state.store.currentRevision).toBe(3);
    expect(server.must("leaseRevoke", { id: 7 })).toEqual({ header: { revision: 4 } });
    expect(unwrap(server.state.read({ kind: "range", request: { key: "a", rangeEnd: "z" } }))).toMatchObject({ response: { count: 0 } });
    expectError(server.apply("leaseRevoke", { id: 7 }), etcdErrors.leaseNotFound);
  });

  test("a lease granted on a primary lessor expires by virtual time; the member revokes it as root", () => {
    const server = new TestServer();
    server.state.store.lessor.promote(0, 0);
    server.nowMs = 1_000;
    server.must("leaseGrant", { id: 3, ttl: 5 });
    expect(server.state.store.lessor.expiredLeases(5_999)).toEqual([]);
    expect(server.state.store.lessor.expiredLeases(6_000)).toEqual([3]);
    server.must("leaseRevoke", { id: 3 }, server.state.rootAuthInfo());
    expect(server.state.store.lessor.has(3)).toBe(false);
  });

  test("each revoke that deleted keys is reported once, with its revision and the keys in key order", () => {
    const reported: Array<[number, readonly string[]]> = [];
    const server = new TestServer({}, (revision, keys) => reported.push([revision, keys]));
    server.must("leaseGrant", { id: 1, ttl: 60 });
    server.must("leaseGrant", { id: 2, ttl: 60 });
    server.must("put", { key: "b", lease: 1 });
    server.must("put", { key: "a", lease: 1 });
    server.must("put", { key: "c" });
    server.must("leaseRevoke", { id: 2 });
    expectError(server.apply("leaseRevoke", { id: 9 }), etcdErrors.leaseNotFound);
    expect(reported).toEqual([]);
    server.must("leaseRevoke", { id: 1 });
    expect(reported).toEqual([[5, ["a", "b"]]]);
    expectError(server.apply("leaseRevoke", { id: 1 }), etcdErrors.leaseNotFound);
    expect(reported).toEqual([[5, ["a", "b"]]]);
  });
});

describe("compaction through apply", () => {
  test("compacts once per revision, refuses future revisions, and historical reads follow", () => {
    const server = new TestServer();
    server.must("put", { key: "a", value: "1" });
    server.must("put", { key: "a", value: "2" });
    expect(server.must("compaction", { revision: 3 })).toEqual({ header: { revision: 3 } });
    expectError(server.apply("compaction", { revision: 3 }), etcdErrors.compacted);
    expectError(server.apply("compaction", { revision: 4 }), etcdErrors.futureRevision);
    expectError(server.state.read({ kind: "range", request: { key: "a", revision: 2 } }), etcdErrors.compacted);
    expect(unwrap(server.state.read({ kind: "range", request: { key: "a", revision: 3 } }))).toMatchObject({ response: { kvs: [{ value: "2", modRevision: 3 }] } });
  });
});

describe("snapshot and restore of the state machine", () => {
  test("a Raft snapshot carries store, auth and consistent index; a bare store snapshot still restores", () => {
    const server = new TestServer();
    server.must("put", { key: "a", value: "1" });
    server.enableAuthWithRoot();
    const copy = new EtcdServerState();
    copy.restore(server.state.snapshot());
    expect(copy.auth.snapshot()).toEqual(server.state.auth.snapshot());
    expect(copy.store.hash()).toBe(server.state.store.hash());
    expect(copy.consistentIndex).toBe(server.index);
    const legacy = new EtcdServerState();
    legacy.restore(server.state.store.snapshot());
    expect(legacy.store.hash()).toBe(server.state.store.hash());
    expect(legacy.auth.isEnabled).toBe(false);
    expect(() => legacy.restore({ format: "something else" })).toThrow(/assertion failed/);
  });
});
