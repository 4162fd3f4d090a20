/**
 * The member host's duties: persist before acknowledging, recover exactly what the disk made
 * durable after a crash, and answer clients from the applied state.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, EtcdCluster } from "../../src/etcd/cluster.js";
import { HARD_STATE_FILE, WAL_FILE } from "../../src/etcd/member.js";
import type { LogEntryRef, TraceEvent } from "../../src/etcd/events.js";
import { bytesFromText } from "../../src/mvcc/bytes.js";
import type { HardState } from "../../src/raft/types.js";
import { Trace, type TypedEvent } from "../../src/sim/trace.js";
import { World } from "../../src/sim/world.js";

function cluster(bugs: string[] = [], seed = 4) {
  const trace = new Trace<TypedEvent>(true);
  const world = new World({ seed, trace });
  const etcd = new EtcdCluster(world, { members: 3, bugs, observe: true, settings: { ...DEFAULT_SETTINGS, tickUs: 20_000 } });
  return { world, etcd, trace };
}

function writeSome(etcd: EtcdCluster, count: number): void {
  const client = etcd.client("c1");
  for (let index = 0; index < count; index++) {
    etcd.world.schedule(etcd.world.now + index * 5_000, () =>
      client.call(etcd.leader() ?? "n1", { kind: "put", request: { key: bytesFromText(`k${index % 3}`), value: bytesFromText(`v${index}`) } }, 2_000_000, () => undefined),
    );
  }
}

/** Follower acknowledgements (MsgAppResp that accept) sent before the acknowledged entries were durable. */
function earlyAcknowledgements(trace: Trace<TypedEvent>): string[] {
  const pending = new Map<string, Array<{ batch: number; last: number }>>();
  const durable = new Map<string, number>();
  const early: string[] = [];
  for (const event of trace.events as TraceEvent[]) {
    if (event.type === "raft.append") {
      const last = (event.entries[event.entries.length - 1] as LogEntryRef).index;
      pending.set(event.node, [...(pending.get(event.node) ?? []), { batch: event.batch, last }]);
    } else if (event.type === "raft.truncate") {
      durable.set(event.node, Math.min(durable.get(event.node) ?? 0, event.lastIndex));
    } else if (event.type === "raft.persist") {
      for (const write of pending.get(event.node) ?? []) if (write.batch <= event.batch) durable.set(event.node, write.last);
      pending.set(event.node, (pending.get(event.node) ?? []).filter((write) => write.batch > event.batch));
    } else if (event.type === "node.start") {
      pending.delete(event.node);
      durable.set(event.node, event.lastIndex);
    } else if (event.type === "net.send" && event.message.type === "MsgAppResp" && event.message.reject === false) {
      const index = event.message.index as number;
      if (index > (durable.get(event.from) ?? 0)) early.push(`${event.from} acknowledged ${index} with ${durable.get(event.from) ?? 0} durable`);
    }
  }
  return early;
}

describe("the member host", () => {
  it("elects a leader, applies writes on every member, and answers the client", () => {
    const { world, etcd } = cluster();
    world.runUntil(1_000_000, () => etcd.leader() !== undefined);
    writeSome(etcd, 10);
    world.runFor(1_000_000);
    const ok = etcd.history.operations.filter((operation) => operation.outcome === "ok");
    expect(ok).toHaveLength(10);
    const applied = etcd.members.map((name) => etcd.member(name)?.raft.status().applied);
    expect(new Set(applied).size).toBe(1);
    expect(etcd.violations()).toEqual([]);
  });

  it("never acknowledges an entry before its fsync completed", () => {
    const { world, etcd, trace } = cluster();
    world.applyFault({ kind: "slow-disk", node: "n2", factor: 20 });
    world.runUntil(1_000_000, () => etcd.leader() !== undefined);
    writeSome(etcd, 20);
    world.runFor(2_000_000);
    expect(earlyAcknowledgements(trace)).toEqual([]);
  });

  it("with ack-before-fsync, acknowledges entries that are not yet durable", () => {
    const { world, etcd, trace } = cluster(["ack-before-fsync"]);
    world.applyFault({ kind: "slow-disk", node: "n2", factor: 20 });
    world.applyFault({ kind: "slow-disk", node: "n3", factor: 20 });
    world.runUntil(1_000_000, () => etcd.leader() !== undefined);
    writeSome(etcd, 20);
    world.runFor(2_000_000);
    expect(earlyAcknowledgements(trace).length).toBeGreaterThan(0);
  });

  it("recovers after a crash exactly the term, vote and log its disk made durable", () => {
    const { world, etcd, trace } = cluster();
    world.runUntil(1_000_000, () => etcd.leader() !== undefined);
    writeSome(etcd, 15);
    world.runFor(40_000);
    const follower = etcd.members.find((name) => name !== etcd.leader()) as string;
    const disk = world.disk(follower);
    world.applyFault({ kind: "crash", node: follower });
    const hardState = disk.readDurable(HARD_STATE_FILE) as HardState;
    const wal = (disk.readDurable(WAL_FILE) ?? []) as Array<{ index: number }>;
    world.applyFault({ kind: "restart", node: follower });
    const start = (trace.events as TraceEvent[]).filter((event) => event.type === "node.start" && event.node === follower).pop();
    expect(start).toMatchObject({ term: hardState.term, vote: hardState.vote ?? "", commit: hardState.commit, lastIndex: wal[wal.length - 1]?.index ?? 0 });
    const status = etcd.member(follower)?.raft.status();
    expect(status).toMatchObject({ term: hardState.term, vote: hardState.vote, lastIndex: wal[wal.length - 1]?.index ?? 0 });
    world.runFor(2_000_000);
    const applied = etcd.members.map((name) => etcd.member(name)?.raft.status().applied);
    expect(new Set(applied).size).toBe(1);
    expect(etcd.violations()).toEqual([]);
  });

  it("answers a write with 'etcdserver: request timed out' when no quorum can commit it", () => {
    const { world, etcd } = cluster();
    world.runUntil(1_000_000, () => etcd.leader() !== undefined);
    const leader = etcd.leader() as string;
    for (const name of etcd.members) if (name !== leader) world.applyFault({ kind: "crash", node: name });
    let message = "";
    etcd.client("c1").call(leader, { kind: "put", request: { key: bytesFromText("k"), value: bytesFromText("v") } }, 10_000_000, (outcome) => {
      message = outcome.ok ? "ok" : outcome.error.message;
    });
    world.runFor(10_000_000);
    expect(message).toBe("etcdserver: request timed out");
  });
});
