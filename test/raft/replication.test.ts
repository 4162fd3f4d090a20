/**
 * Log replication (§5.3): Figure 7's follower logs repaired by a new leader with fast
 * backtracking, flow control, catch-up by snapshot after compaction, proposal forwarding and
 * dropping.
 */
import { describe, expect, it } from "vitest";
import type { RaftEvent } from "../../src/raft/index.js";
import { entriesOfTerms, fixedRandom, Network } from "./harness.js";

/** Figure 7: the leader's log and followers (a)–(f), terms per index from 1. */
const FIGURE_7: Readonly<Record<string, readonly number[]>> = {
  leader: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6],
  a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
  b: [1, 1, 1, 4],
  c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
  d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
  e: [1, 1, 1, 4, 4, 4, 4],
  f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
};

/** Rejections a leader probing one index at a time (the paper's nextIndex − 1) would receive. */
function naiveRejections(leader: readonly number[], follower: readonly number[]): number {
  let next = leader.length + 1;
  let rejections = 0;
  for (;;) {
    const previous = next - 1;
    if (previous === 0 || (previous <= follower.length && follower[previous - 1] === leader[previous - 1])) return rejections;
    rejections++;
    next--;
  }
}

function figure7Network(): Network {
  const ids = Object.keys(FIGURE_7);
  const network = new Network(ids, { observe: true });
  for (const id of ids) {
    const terms = FIGURE_7[id] as readonly number[];
    const node = network.node(id);
    // Every entry below carries the same data on every node that has it: "index@term".
    node.disk.entries = entriesOfTerms(terms);
    node.disk.hardState = { term: id === "leader" ? 7 : (terms.at(-1) as number), vote: null, commit: 3 };
    node.restartFromDisk();
  }
  return network;
}

describe("Figure 7: a term-8 leader repairs every follower log", () => {
  it("wins with the votes of (a), (b), (e), (f) and leaves every log identical to its own", () => {
    const network = figure7Network();
    const leader = network.elect("leader");
    expect(leader.status).toMatchObject({ role: "leader", term: 8, commit: 11 });
    const leaderLog = leader.disk.entries;
    expect(leaderLog.map((entry) => entry.term)).toEqual([1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 8]);
    for (const id of ["a", "b", "c", "d", "e", "f"]) {
      expect(network.node(id).disk.entries, id).toEqual(leaderLog);
      expect(network.node(id).appliedIndex, id).toBe(11);
    }
    expect(network.safetyViolations).toEqual([]);
    const answers = Object.fromEntries(
      ["a", "b", "c", "d", "e", "f"].map((id) => {
        const answer = network.node(id).events.find((event) => event.type === "vote-granted" || event.type === "vote-rejected");
        return [id, answer?.type === "vote-rejected" ? answer.reason : answer?.type];
      }),
    );
    expect(answers).toEqual({
      a: "vote-granted",
      b: "vote-granted",
      c: "candidate log not up to date",
      d: "candidate log not up to date",
      e: "vote-granted",
      f: "vote-granted",
    });
  });

  it("probes once per follower with a divergent tail: 4 rejections where one-index-at-a-time probing takes 19", () => {
    const network = figure7Network();
    network.elect("leader");
    const rejections = new Map<string, number>();
    for (const message of network.delivered) {
      if (message.type === "MsgAppResp" && message.reject) rejections.set(message.from, (rejections.get(message.from) ?? 0) + 1);
    }
    const leader = FIGURE_7["leader"] as readonly number[];
    const naive = Object.fromEntries(["a", "b", "c", "d", "e", "f"].map((id) => [id, naiveRejections(leader, FIGURE_7[id] as number[])]));
    expect(naive).toEqual({ a: 1, b: 6, c: 0, d: 0, e: 5, f: 7 });
    expect(Object.fromEntries(rejections)).toEqual({ a: 1, b: 1, e: 1, f: 1 });
    const fast = [...rejections.values()].reduce((sum, count) => sum + count, 0);
    const slow = Object.values(naive).reduce((sum, count) => sum + count, 0);
    expect([fast, slow]).toEqual([4, 19]);
  });

  it("(f) hints its last entry of a term <= 6 and the leader jumps to index 3, the last index of its own log with a term <= 3", () => {
    const network = figure7Network();
    network.elect("leader");
    const rejection = network.delivered.find((message) => message.type === "MsgAppResp" && message.from === "f" && message.reject);
    expect(rejection).toMatchObject({ index: 10, rejectHint: 10, logTerm: 3 });
    const probe = network.delivered.filter((message) => message.type === "MsgApp" && message.to === "f")[1];
    expect(probe).toMatchObject({ index: 3, logTerm: 1 });
    const truncated = network.node("f").events.filter((event) => event.type === "entries-truncated");
    expect(truncated).toEqual([{ type: "entries-truncated", conflictIndex: 4, removedLastIndex: 11, existingTerm: 2, incomingTerm: 4 }]);
  });
});

describe("flow control", () => {
  it("stops at maxInflightMessages unacknowledged appends and resumes as acknowledgements arrive", () => {
    const network = new Network(["n1", "n2", "n3"], { maxInflightMessages: 2, maxEntriesPerMessage: 1 });
    network.elect("n1");
    for (let count = 0; count < 5; count++) expect(network.raw("n1").propose(`x${count}`)).toEqual({ ok: true });
    network.processReadies(["n1"]);
    const appendsTo = (id: string) => network.inFlight.filter((message) => message.type === "MsgApp" && message.to === id);
    expect(appendsTo("n2").map((message) => message.entries.map((entry) => entry.index))).toEqual([[2], [3]]);
    expect(network.raw("n1").status().progress?.find((peer) => peer.id === "n2")).toMatchObject({
      state: "replicate",
      match: 1,
      next: 4,
      inflight: 2,
      paused: true,
    });
    network.stabilize();
    for (const id of ["n2", "n3"]) expect(network.node(id).disk.entries.length).toBe(6);
    expect(network.raw("n1").status().progress?.find((peer) => peer.id === "n2")).toMatchObject({ match: 6, inflight: 0, paused: false });
  });

  it("a full window whose appends were all lost recovers through the empty MsgApp a heartbeat response triggers", () => {
    const network = new Network(["n1", "n2", "n3"], { maxInflightMessages: 1, heartbeatTicks: 1, random: fixedRandom(5) });
    network.elect("n1");
    network.raw("n1").propose("lost");
    network.processReadies(["n1"]);
    network.drop((message) => message.to === "n2");
    network.stabilize();
    expect(network.node("n2").disk.entries.length).toBe(1);
    network.tick("n1");
    network.stabilize();
    expect(network.node("n2").disk.entries.map((entry) => entry.data)).toEqual([null, "lost"]);
  });

  it("reportUnreachable drops a replicating follower back to probe", () => {
    const network = new Network(["n1", "n2", "n3"], { observe: true });
    network.elect("n1");
    network.raw("n1").reportUnreachable("n2");
    network.processReadies(["n1"]);
    const change = network.node("n1").events.filter((event) => event.type === "progress-changed").at(-1);
    expect(change).toEqual({ type: "progress-changed", peer: "n2", from: "replicate", to: "probe", match: 1, next: 2 });
  });
});

describe("snapshots", () => {
  it("a follower behind a compacted log catches up from a snapshot, then from the log", () => {
    const network = new Network(["n1", "n2", "n3"], { observe: true, random: fixedRandom(5) });
    network.elect("n1");
    network.isolate("n3");
    for (let count = 0; count < 10; count++) network.raw("n1").propose(`x${count}`);
    network.stabilize();
    const leader = network.node("n1");
    expect(leader.appliedIndex).toBe(11);
    const snapshot = leader.snapshotAndCompact(11);
    expect(snapshot.metadata).toEqual({
      index: 11,
      term: 1,
      confState: { voters: ["n1", "n2", "n3"], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false },
    });
    expect(leader.status.firstIndex).toBe(12);
    network.heal();
    network.tick("n1");
    network.stabilize();
    const follower = network.node("n3");
    expect(follower.status).toMatchObject({ commit: 11, firstIndex: 12, lastIndex: 11 });
    expect(follower.disk.snapshot?.metadata.index).toBe(11);
    expect(follower.applied.get(7)).toEqual(leader.applied.get(7));
    const sent = leader.events.filter((event) => event.type === "snapshot-sent");
    expect(sent).toEqual([{ type: "snapshot-sent", to: "n3", index: 11, term: 1 }]);
    const restored = follower.events.filter((event) => event.type === "snapshot-restored");
    expect(restored).toEqual([{ type: "snapshot-restored", from: "n1", index: 11, term: 1 }]);
    const states = leader.events.flatMap((event: RaftEvent) => (event.type === "progress-changed" && event.peer === "n3" ? [event.to] : []));
    // Rejected probe, snapshot sent, reported delivered (back to probe), acknowledged (replicate).
    expect(states.slice(-4)).toEqual(["probe", "snapshot", "probe", "replicate"]);
    network.raw("n1").propose("after");
    network.stabilize();
    expect(follower.disk.entries.map((entry) => entry.data)).toEqual(["after"]);
    expect(network.safetyViolations).toEqual([]);
  });

  it("a restarted node rebuilds from its snapshot and the entries after it", () => {
    const network = new Network(["n1", "n2", "n3"]);
    network.elect("n1");
    for (let count = 0; count < 2; count++) network.raw("n1").propose(`x${count}`);
    network.stabilize();
    expect(network.node("n2").snapshotAndCompact(3).metadata.index).toBe(3);
    for (let count = 2; count < 4; count++) network.raw("n1").propose(`x${count}`);
    network.stabilize();
    network.crash("n2");
    const restarted = network.restart("n2");
    expect(restarted.status).toMatchObject({ firstIndex: 4, lastIndex: 5, commit: 5, applied: 3 });
    network.stabilize();
    expect(restarted.appliedIndex).toBe(5);
    expect(network.safetyViolations).toEqual([]);
  });

  it("refuses out-of-date snapshots and repeated compactions as values", () => {
    const network = new Network(["n1"]);
    network.elect("n1");
    network.node("n1").snapshotAndCompact(1);
    expect(network.raw("n1").createSnapshot(1, null)).toEqual({ ok: false, reason: "snapshot out of date" });
    expect(network.raw("n1").compact(1)).toEqual({ ok: false, reason: "already compacted" });
    expect(() => network.raw("n1").createSnapshot(5, null)).toThrow("assertion failed: a snapshot is taken at an applied index (5 > 1)");
  });
});

describe("proposals", () => {
  it("a follower forwards a proposal to its leader, which commits it everywhere", () => {
    const network = new Network(["n1", "n2", "n3"]);
    network.elect("n1");
    expect(network.raw("n2").propose("from n2")).toEqual({ ok: true });
    network.processReadies(["n2"]);
    expect(network.inFlight.map((message) => [message.type, message.from, message.to, message.term])).toEqual([["MsgProp", "n2", "n1", 0]]);
    network.stabilize();
    for (const id of network.ids()) expect(network.node(id).applied.get(2)?.data).toBe("from n2");
  });

  it("drops proposals without a leader, with forwarding disabled, or beyond the uncommitted limit", () => {
    const lonely = new Network(["n1", "n2", "n3"]);
    expect(lonely.raw("n1").propose("x")).toEqual({ ok: false, reason: "no leader" });
    lonely.raw("n1").campaign();
    expect(lonely.raw("n1").propose("x")).toEqual({ ok: false, reason: "no leader" });

    const strict = new Network(["n1", "n2", "n3"], { disableProposalForwarding: true });
    strict.elect("n1");
    expect(strict.raw("n2").propose("x")).toEqual({ ok: false, reason: "proposal forwarding disabled" });

    const bounded = new Network(["n1", "n2", "n3"], { maxUncommittedEntries: 2, observe: true });
    bounded.elect("n1");
    bounded.isolate("n1");
    expect(bounded.raw("n1").propose("a")).toEqual({ ok: true });
    expect(bounded.raw("n1").propose("b")).toEqual({ ok: true });
    expect(bounded.raw("n1").propose("c")).toEqual({ ok: false, reason: "uncommitted entries limit reached" });
    bounded.processReadies();
    const dropped = bounded.node("n1").events.filter((event) => event.type === "proposal-dropped");
    expect(dropped).toEqual([{ type: "proposal-dropped", proposer: "n1", reason: "uncommitted entries limit reached" }]);
  });

  it("the uncommitted limit frees as entries are applied", () => {
    const network = new Network(["n1", "n2", "n3"], { maxUncommittedEntries: 2 });
    network.elect("n1");
    for (let count = 0; count < 6; count++) {
      expect(network.raw("n1").propose(`x${count}`)).toEqual({ ok: true });
      network.stabilize();
    }
    expect(network.node("n3").appliedIndex).toBe(7);
  });
});
