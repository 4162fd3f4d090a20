/**
 * Leases and the NOSPACE alarm through the member: the apply layer (EtcdServerState) plus what the
 * member does around it (lease IDs, the primary lessor on the leader, revokes of expired leases,
 * keepalives served by the leader, alarms raised on running out of space).
 */
import { describe, expect, it } from "vitest";
import type { CallOutcome, ServerCallOutcome } from "../../src/etcd/client.js";
import { DEFAULT_SETTINGS, EtcdCluster } from "../../src/etcd/cluster.js";
import type { KvRequest, KvResponse, ServerRequest, ServerResponse } from "../../src/etcd/protocol.js";
import type { EtcdServerConfig } from "../../src/etcd/server/index.js";
import { bytesFromText } from "../../src/mvcc/bytes.js";
import type { RangeResponse } from "../../src/mvcc/types.js";
import { World } from "../../src/sim/world.js";

function cluster(server: EtcdServerConfig = {}, seed = 7) {
  const world = new World({ seed });
  const etcd = new EtcdCluster(world, { members: 3, bugs: [], observe: false, settings: DEFAULT_SETTINGS, server });
  world.runUntil(3_000_000, () => etcd.leader() !== undefined);
  const leader = etcd.leader();
  if (leader === undefined) throw new Error("no leader");
  return { world, etcd, leader };
}

type Lab = ReturnType<typeof cluster>;

function kv(lab: Lab, request: KvRequest, endpoint = lab.etcd.leader() ?? lab.leader): CallOutcome {
  let outcome: CallOutcome | undefined;
  lab.etcd.client("c1").call(endpoint, request, 5_000_000, (result) => (outcome = result));
  lab.world.runFor(6_000_000, () => outcome !== undefined);
  if (outcome === undefined) throw new Error("no answer");
  return outcome;
}

function server(lab: Lab, request: ServerRequest, endpoint = lab.etcd.leader() ?? lab.leader): ServerCallOutcome {
  let outcome: ServerCallOutcome | undefined;
  lab.etcd.client("c1").callServer(endpoint, request, 5_000_000, (result) => (outcome = result));
  lab.world.runFor(6_000_000, () => outcome !== undefined);
  if (outcome === undefined) throw new Error("no answer");
  return outcome;
}

function ok<T>(outcome: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!outcome.ok) throw new Error(`failed: ${outcome.error.message}`);
  return outcome.value;
}

type ResponseOf<Kind extends ServerResponse["kind"]> = { [K in ServerResponse["kind"]]: Extract<ServerResponse, { kind: K }>["response"] }[Kind];

function serverOk<Kind extends ServerResponse["kind"]>(lab: Lab, request: ServerRequest & { kind: Kind }, endpoint?: string): ResponseOf<Kind> {
  const value = ok(server(lab, request, endpoint));
  expect(value.kind).toBe(request.kind);
  return (value as unknown as { response: ResponseOf<Kind> }).response;
}

function put(lab: Lab, key: string, value: string, lease = 0): CallOutcome {
  return kv(lab, { kind: "put", request: { key: bytesFromText(key), value: bytesFromText(value), lease } });
}

function range(lab: Lab, key: string, rangeEnd?: string): RangeResponse {
  const value = ok(kv(lab, { kind: "range", request: { key: bytesFromText(key), ...(rangeEnd !== undefined ? { rangeEnd: bytesFromText(rangeEnd) } : {}) } })) as KvResponse;
  if (value.kind !== "range") throw new Error("not a range");
  return value.response;
}

function grant(lab: Lab, ttl: number): number {
  const granted = serverOk(lab, { kind: "leaseGrant", request: { id: 0, ttl } });
  expect(granted.id).toBeGreaterThan(0);
  expect(granted.ttl).toBe(ttl);
  return granted.id;
}

function timeToLive(lab: Lab, id: number, endpoint?: string) {
  return serverOk(lab, { kind: "leaseTimeToLive", request: { id, keys: true } }, endpoint);
}

describe("leases through the member", () => {
  it("grants a lease with a drawn ID, and expiry on the leader's clock deletes its keys in one revision", () => {
    const lab = cluster();
    const id = grant(lab, 5);
    ok(put(lab, "a", "1", id));
    const last = ok(put(lab, "b", "2", id));
    const revision = last.kind === "put" ? last.response.header.revision : -1;
    expect(range(lab, "a", "c").count).toBe(2);
    expect(serverOk(lab, { kind: "leaseLeases", request: {} }).leases).toEqual([{ id }]);
    lab.world.runFor(3_000_000);
    expect(range(lab, "a", "c").count).toBe(2);
    lab.world.runFor(4_000_000);
    const after = range(lab, "a", "c");
    expect(after.count).toBe(0);
    expect(after.header.revision).toBe(revision + 1);
    expect(timeToLive(lab, id).ttl).toBe(-1);
    // every member applied the revoke
    for (const name of lab.etcd.members) expect(lab.etcd.member(name)?.stateMachine.store.lessor.has(id)).toBe(false);
  });

  it("keepalive renews the lease, also when sent to a follower (forwarded to the leader)", () => {
    const lab = cluster();
    const id = grant(lab, 3);
    ok(put(lab, "k", "v", id));
    const follower = lab.etcd.members.find((name) => name !== lab.leader) as string;
    for (let round = 0; round < 4; round++) {
      lab.world.runFor(2_000_000);
      const renewed = serverOk(lab, { kind: "leaseKeepAlive", request: { id } }, round % 2 === 0 ? follower : lab.leader);
      expect(renewed).toMatchObject({ id, ttl: 3 });
    }
    expect(range(lab, "k").count).toBe(1);
    const left = timeToLive(lab, id, follower);
    expect(left.ttl).toBeGreaterThanOrEqual(2);
    expect(left.ttl).toBeLessThanOrEqual(3);
    lab.world.runFor(5_000_000);
    expect(range(lab, "k").count).toBe(0);
    expect(serverOk(lab, { kind: "leaseKeepAlive", request: { id } }).ttl).toBe(0);
  });

  it("revoke deletes the attached keys at once", () => {
    const lab = cluster();
    const id = grant(lab, 60);
    ok(put(lab, "x1", "1", id));
    ok(put(lab, "x2", "2", id));
    ok(put(lab, "y", "3"));
    serverOk(lab, { kind: "leaseRevoke", request: { id } });
    expect(range(lab, "x", "z").kvs.map((entry) => entry.key)).toEqual([bytesFromText("y")]);
    expect(server(lab, { kind: "leaseRevoke", request: { id } })).toMatchObject({ ok: false, error: { message: "etcdserver: requested lease not found" } });
    expect(serverOk(lab, { kind: "leaseLeases", request: {} }).leases).toEqual([]);
  });

  it("timetolive reports the remaining and granted TTL and the keys", () => {
    const lab = cluster();
    const id = grant(lab, 30);
    ok(put(lab, "t1", "1", id));
    ok(put(lab, "t2", "2", id));
    lab.world.runFor(10_000_000);
    const left = timeToLive(lab, id);
    expect(left.grantedTtl).toBe(30);
    expect(left.ttl).toBeGreaterThanOrEqual(19);
    expect(left.ttl).toBeLessThanOrEqual(20);
    expect(left.keys).toEqual([bytesFromText("t1"), bytesFromText("t2")]);
    expect(timeToLive(lab, 12345).ttl).toBe(-1);
  });

  it("a leader change resets the remaining TTL (no checkpoints): the new leader gives full TTL plus an election timeout", () => {
    const lab = cluster();
    const id = grant(lab, 10);
    ok(put(lab, "k", "v", id));
    lab.world.runFor(6_000_000);
    expect(timeToLive(lab, id).ttl).toBeLessThanOrEqual(4);
    const next = lab.etcd.members.find((name) => name !== lab.leader) as string;
    lab.etcd.member(lab.leader)?.transferLeader(next);
    lab.world.runFor(3_000_000, () => lab.etcd.leader() === next);
    expect(lab.etcd.leader()).toBe(next);
    const left = timeToLive(lab, id);
    expect(left.ttl).toBeGreaterThanOrEqual(10);
    expect(left.ttl).toBeLessThanOrEqual(11);
    // The old leader's lessor was demoted: only the new leader expires leases.
    expect(lab.etcd.member(lab.leader)?.stateMachine.store.lessor.isPrimary).toBe(false);
    lab.world.runFor(6_000_000);
    expect(range(lab, "k").count).toBe(1);
    lab.world.runFor(6_000_000);
    expect(range(lab, "k").count).toBe(0);
  });
});

describe("the NOSPACE alarm through the member", () => {
  it("a put over quota raises the alarm; puts then fail until compaction, defrag and disarm", () => {
    const lab = cluster({ quotaBackendBytes: 64 * 1024 });
    const big = "x".repeat(8 * 1024);
    let failed: CallOutcome | undefined;
    for (let index = 0; index < 20 && failed === undefined; index++) {
      const outcome = put(lab, `big${index}`, big);
      if (!outcome.ok) failed = outcome;
    }
    expect(failed).toMatchObject({ ok: false, error: { message: "etcdserver: mvcc: database space exceeded" } });
    lab.world.runFor(1_000_000);
    expect(put(lab, "small", "v")).toMatchObject({ ok: false, error: { message: "etcdserver: mvcc: database space exceeded" } });
    const alarms = serverOk(lab, { kind: "alarm", request: { action: "GET", memberId: 0n, alarm: "NONE" } }).alarms;
    expect(alarms.length).toBeGreaterThan(0);
    expect(alarms.every((alarm) => alarm.alarm === "NOSPACE")).toBe(true);
    // Deletes still work under the alarm; then compact, defragment every member, disarm.
    const deleted = ok(kv(lab, { kind: "deleteRange", request: { key: bytesFromText("big"), rangeEnd: bytesFromText("bih") } }));
    const revision = deleted.kind === "deleteRange" ? deleted.response.header.revision : -1;
    ok(kv(lab, { kind: "compact", request: { revision } }));
    lab.world.runFor(500_000);
    for (const name of lab.etcd.members) lab.etcd.member(name)?.stateMachine.store.defragment();
    for (const alarm of alarms) serverOk(lab, { kind: "alarm", request: { action: "DEACTIVATE", memberId: alarm.memberId, alarm: "NOSPACE" } });
    expect(serverOk(lab, { kind: "alarm", request: { action: "GET", memberId: 0n, alarm: "NONE" } }).alarms).toEqual([]);
    expect(ok(put(lab, "small", "v")).kind).toBe("put");
    expect(range(lab, "small").count).toBe(1);
  });
});
