/**
 * Watches streamed to clients through a simulated cluster: the events a client watcher delivers
 * across member crashes, partitions, leader changes and compaction are exactly the store's history
 * (ordered, no duplicates, no gaps), or a prefix of it ended by a compacted cancel.
 *
 * The oracle replays the leader's committed log into a fresh server state with an in-process
 * watcher (src/mvcc/watch.ts, which has its own tests) opened before the first entry.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ClientWatchListener } from "../../src/etcd/client.js";
import { DEFAULT_SETTINGS, EtcdCluster } from "../../src/etcd/cluster.js";
import { type ProposalData, WAL_FILE } from "../../src/etcd/member.js";
import { EtcdServerState } from "../../src/etcd/server/index.js";
import { bytesFromText, textFromBytes } from "../../src/mvcc/bytes.js";
import type { Event, WatchCreateRequest, WatchResponse } from "../../src/mvcc/types.js";
import type { Entry } from "../../src/raft/types.js";
import { World } from "../../src/sim/world.js";

const WATCH_REQUEST: WatchCreateRequest = { key: bytesFromText("k"), rangeEnd: bytesFromText("l"), startRevision: 1, prevKv: true };

function describeEvent(event: Event): string {
  const prev = event.prevKv === undefined ? "" : ` (was ${textFromBytes(event.prevKv.value)})`;
  return `${event.kv.modRevision} ${event.type} ${textFromBytes(event.kv.key)}=${textFromBytes(event.kv.value)}${prev}`;
}

function newCluster(seed: number) {
  const world = new World({ seed });
  const etcd = new EtcdCluster(world, { members: 3, bugs: [], observe: false, settings: { ...DEFAULT_SETTINGS } });
  world.runFor(3_000_000, () => etcd.leader() !== undefined);
  return { world, etcd };
}

/** Everything a watcher with `request` sees when the committed log of `member` is applied from the start. */
function historyOf(etcd: EtcdCluster, member: string, request: WatchCreateRequest): string[] {
  const state = new EtcdServerState();
  const stream = state.store.newWatchStream(0);
  stream.watch(request);
  const events: string[] = [];
  const commit = etcd.member(member)?.raft.status().commit ?? 0;
  for (const entry of etcd.world.disk(member).readList(WAL_FILE) as Entry[]) {
    if (entry.index > commit) break;
    if (entry.type === "normal" && entry.data !== null) state.apply((entry.data as ProposalData).request, entry.index, 0);
    while (state.store.syncWatchers() > 0);
    for (const response of stream.takeResponses()) for (const event of response.events) events.push(describeEvent(event));
  }
  return events;
}

interface Seen {
  readonly events: string[];
  readonly revisions: number[];
  canceled: WatchResponse | undefined | null;
}

function recorder(): Seen & ClientWatchListener {
  const seen: Seen & ClientWatchListener = {
    events: [],
    revisions: [],
    canceled: null,
    onResponse(response) {
      for (const event of response.events) {
        seen.events.push(describeEvent(event));
        seen.revisions.push(event.kv.modRevision);
      }
    },
    onCanceled(response) {
      seen.canceled = response;
    },
  };
  return seen;
}

type Step =
  | { readonly kind: "put"; readonly key: number; readonly value: number }
  | { readonly kind: "del"; readonly key: number }
  | { readonly kind: "compact"; readonly back: number }
  | { readonly kind: "crash"; readonly member: number }
  | { readonly kind: "crash-leader" }
  | { readonly kind: "isolate"; readonly member: number }
  | { readonly kind: "heal" }
  | { readonly kind: "wait"; readonly ms: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("put" as const), key: fc.integer({ min: 0, max: 3 }), value: fc.integer({ min: 0, max: 99 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("del" as const), key: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("compact" as const), back: fc.integer({ min: 0, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("crash" as const), member: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "crash-leader" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("isolate" as const), member: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "heal" as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 50, max: 4_000 }) }) },
);

/** Runs a plan: the writer writes through whichever member leads; faults come and go. */
function runPlan(seed: number, steps: readonly Step[]): { seen: Seen; history: string[]; leader: string } {
  const { world, etcd } = newCluster(seed);
  const seen = recorder();
  etcd.client("watcher").watch(["n1", "n2", "n3"], WATCH_REQUEST, seen);
  const writer = etcd.client("writer");
  const members = etcd.members;
  for (const step of steps) {
    const leader = etcd.leader() ?? "n1";
    switch (step.kind) {
      case "put":
        writer.call(leader, { kind: "put", request: { key: bytesFromText(`k${step.key}`), value: bytesFromText(`v${step.value}`) } }, 1_000_000, () => undefined);
        world.runFor(30_000);
        break;
      case "del":
        writer.call(leader, { kind: "deleteRange", request: { key: bytesFromText(`k${step.key}`) } }, 1_000_000, () => undefined);
        world.runFor(30_000);
        break;
      case "compact": {
        const revision = (etcd.member(leader)?.stateMachine.store.currentRevision ?? 1) - step.back;
        if (revision > 1) writer.call(leader, { kind: "compact", request: { revision } }, 1_000_000, () => undefined);
        world.runFor(30_000);
        break;
      }
      case "crash":
      case "crash-leader": {
        const name = step.kind === "crash" ? (members[step.member] as string) : leader;
        if (world.status(name) === "up") world.applyFault({ kind: "crash", node: name });
        world.runFor(500_000);
        if (world.status(name) === "crashed") world.applyFault({ kind: "restart", node: name });
        break;
      }
      case "isolate":
        world.applyFault({ kind: "partition", partition: { kind: "isolate", node: members[step.member] as string } });
        world.runFor(100_000);
        break;
      case "heal":
        world.applyFault({ kind: "heal" });
        break;
      case "wait":
        world.runFor(step.ms * 1000);
        break;
    }
  }
  etcd.healAll();
  world.runFor(10_000_000);
  const leader = etcd.leader();
  if (leader === undefined) throw new Error("no leader after healing");
  return { seen, history: historyOf(etcd, leader, WATCH_REQUEST), leader };
}

describe("client watches through the cluster", () => {
  it("deliver the history in order across a leader crash, then the live events", () => {
    const { world, etcd } = newCluster(3);
    const seen = recorder();
    etcd.client("watcher").watch(["n1", "n2", "n3"], { key: bytesFromText("a"), prevKv: true }, seen);
    const writer = etcd.client("writer");
    writer.call(etcd.leader() as string, { kind: "put", request: { key: bytesFromText("a"), value: bytesFromText("1") } }, 1_000_000, () => undefined);
    world.runFor(200_000);
    world.applyFault({ kind: "crash", node: "n1" });
    world.runFor(3_000_000, () => etcd.leader() !== undefined && etcd.leader() !== "n1");
    writer.call(etcd.leader() as string, { kind: "put", request: { key: bytesFromText("a"), value: bytesFromText("2") } }, 2_000_000, () => undefined);
    world.runFor(5_000_000);
    expect(seen.events).toEqual(["2 PUT a=1", "3 PUT a=2 (was 1)"]);
    expect(seen.canceled).toBeNull();
  });

  it("cancels a watch from a compacted revision with the compact revision", () => {
    const { world, etcd } = newCluster(5);
    const writer = etcd.client("writer");
    for (const value of ["1", "2", "3"]) {
      writer.call(etcd.leader() as string, { kind: "put", request: { key: bytesFromText("a"), value: bytesFromText(value) } }, 1_000_000, () => undefined);
      world.runFor(100_000);
    }
    writer.call(etcd.leader() as string, { kind: "compact", request: { revision: 3 } }, 1_000_000, () => undefined);
    world.runFor(100_000);
    const seen = recorder();
    etcd.client("watcher").watch(["n2"], { key: bytesFromText("a"), startRevision: 2 }, seen);
    world.runFor(500_000);
    expect(seen.events).toEqual([]);
    expect(seen.canceled).toMatchObject({ canceled: true, compactRevision: 3, cancelReason: "etcdserver: mvcc: required revision has been compacted" });
  });

  it("cancels a moved watch whose missed history was compacted meanwhile, after delivering what came before", () => {
    const { world, etcd } = newCluster(7);
    const seen = recorder();
    const leader = etcd.leader() as string;
    const follower = etcd.members.find((name) => name !== leader) as string;
    etcd.client("watcher").watch([follower, ...etcd.members.filter((name) => name !== follower)], { key: bytesFromText("a") }, seen);
    const writer = etcd.client("writer");
    const put = (value: string): void => {
      writer.call(etcd.leader() as string, { kind: "put", request: { key: bytesFromText("a"), value: bytesFromText(value) } }, 1_000_000, () => undefined);
      world.runFor(100_000);
    };
    put("1");
    world.applyFault({ kind: "partition", partition: { kind: "isolate", node: follower } });
    put("2");
    put("3");
    writer.call(etcd.leader() as string, { kind: "compact", request: { revision: 4 } }, 1_000_000, () => undefined);
    world.runFor(5_000_000);
    expect(seen.events).toEqual(["2 PUT a=1"]);
    expect(seen.canceled).toMatchObject({ canceled: true, compactRevision: 4 });
  });

  it("ends a watch the client cancels, and the member forgets it", () => {
    const { world, etcd } = newCluster(6);
    const seen = recorder();
    const watch = etcd.client("watcher").watch(["n2"], { key: bytesFromText("a") }, seen);
    world.runFor(100_000);
    watch.cancel();
    expect(seen.canceled).toBeUndefined();
    etcd.client("writer").call(etcd.leader() as string, { kind: "put", request: { key: bytesFromText("a"), value: bytesFromText("1") } }, 1_000_000, () => undefined);
    world.runFor(1_000_000);
    expect(seen.events).toEqual([]);
    expect(etcd.member("n2")?.stateMachine.store.watchStatus().watchers).toBe(0);
  });

  it("see exactly the store's history across crashes, partitions, leader changes and compaction (fixed seeds)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), fc.array(stepArbitrary, { minLength: 5, maxLength: 40 }), (seed, steps) => {
        const { seen, history } = runPlan(seed, steps);
        const sorted = [...seen.revisions].every((revision, index) => index === 0 || revision >= (seen.revisions[index - 1] as number));
        expect(sorted).toBe(true);
        if (seen.canceled === null) {
          expect(seen.events).toEqual(history);
        } else {
          expect(seen.canceled?.compactRevision ?? 0).toBeGreaterThan(0);
          expect(seen.events).toEqual(history.slice(0, seen.events.length));
          const last = seen.revisions[seen.revisions.length - 1] ?? 0;
          expect(seen.canceled?.compactRevision ?? 0).toBeGreaterThan(last + 1);
        }
      }),
      { seed: 20261121, numRuns: 60 },
    );
  });
});
