import { describe, expect, it } from "vitest";
import type { TypedEvent } from "../../src/sim/trace.js";
import { reduce, reduceRange } from "../../src/tui/reducer.js";
import {
  clusterLeader,
  findMember,
  IN_FLIGHT_LIMIT,
  initialViewState,
  isDurable,
  type MemberView,
  membersFromHeader,
  partitionPeers,
  TRUNCATION_VISIBLE_EVENTS,
  type ViewState,
  visibleTruncation,
} from "../../src/tui/view-state.js";
import { conflictTrace, electionTrace, HEADER, TraceBuilder } from "./fixtures.js";

function fold(trace: TraceBuilder, through: number, members: readonly string[] = []): ViewState {
  let state = initialViewState(members);
  for (let index = 0; index <= through; index++) state = reduce(state, trace.events[index] as TypedEvent, trace.times[index] as number, index);
  return state;
}

function member(state: ViewState, name: string): MemberView {
  const found = findMember(state, name);
  if (found === undefined) throw new Error(`no member ${name}`);
  return found;
}

describe("the view-state reducer", () => {
  it("learns the members from node.start events and starts them as followers", () => {
    const state = fold(electionTrace(), 2);
    expect(state.members).toEqual(["n1", "n2", "n3"]);
    expect(state.nodes.map((node) => [node.name, node.role, node.term, node.process])).toEqual([
      ["n1", "follower", 0, "up"],
      ["n2", "follower", 0, "up"],
      ["n3", "follower", 0, "up"],
    ]);
  });

  it("follows an election: candidate, votes, leader, its empty entry pending then durable", () => {
    const trace = electionTrace();
    const candidate = fold(trace, trace.index("candidate"));
    expect(member(candidate, "n2")).toMatchObject({ role: "candidate", term: 1, vote: "n2", votes: { term: 1, granted: 1 } });
    expect(clusterLeader(candidate)).toBeUndefined();

    const leader = fold(trace, trace.index("leader"));
    const n2 = member(leader, "n2");
    expect(n2).toMatchObject({ role: "leader", term: 1, lead: "n2", lastIndex: 1, votes: { term: 1, granted: 2 } });
    expect(n2.log).toEqual([{ index: 1, term: 1, id: "noop", batch: 2 }]);
    expect(isDurable(n2, n2.log[0] as MemberView["log"][number])).toBe(false);
    expect(clusterLeader(leader)?.name).toBe("n2");

    const persisted = fold(trace, trace.index("leader") + 4);
    const n2After = member(persisted, "n2");
    expect(n2After.persistedBatch).toBe(2);
    expect(isDurable(n2After, n2After.log[0] as MemberView["log"][number])).toBe(true);
  });

  it("tracks the leader's progress per follower and the commit and apply indexes", () => {
    const trace = electionTrace();
    const committed = fold(trace, trace.index("first-commit") + 1);
    const n2 = member(committed, "n2");
    expect(n2.progress).toEqual([
      { peer: "n1", state: "replicate", match: 1, next: 2, inflight: 0 },
      { peer: "n3", state: "probe", match: 0, next: 1, inflight: 0 },
    ]);
    expect([n2.commit, n2.applied]).toEqual([1, 1]);
    const second = fold(trace, trace.index("second-commit") + 2);
    expect(member(second, "n2")).toMatchObject({ commit: 2, applied: 2, lastIndex: 2 });
    expect(member(second, "n1").log.map((entry) => entry.id)).toEqual(["noop", "c1#1"]);
    expect(second.clients).toMatchObject({ pending: [], ok: 1, failed: 0, unknown: 0 });
    expect(second.clients.recent).toEqual([{ client: "c1", op: 1, outcome: "ok", summary: "put k1 v1: OK", event: trace.index("second-commit") + 2 }]);
  });

  it("keeps messages in flight from send to delivery, and drops with their reasons", () => {
    const trace = electionTrace();
    const voting = fold(trace, trace.index("candidate") + 2);
    expect(voting.network.inFlight.map((message) => [message.message, message.from, message.to, message.term, message.deliverAt])).toEqual([
      ["MsgVote", "n2", "n3", 1, 153_000],
      ["MsgVote", "n2", "n1", 1, 152_000],
    ]);
    const delivered = fold(trace, trace.index("candidate") + 3);
    expect(delivered.network.inFlight.map((message) => message.to)).toEqual(["n3"]);
    const crashed = fold(trace, trace.index("crash") + 1);
    expect(crashed.network.inFlight).toEqual([]);
    expect(crashed.network.drops).toEqual([{ from: "n2", to: "n3", message: "MsgHeartbeat", term: 1, reason: "crashed", event: trace.index("crash") + 1, time: 300_000 }]);
    expect([crashed.network.sent, crashed.network.delivered, crashed.network.dropped]).toEqual([5, 5, 1]);
  });

  it("bounds the messages in flight and counts the ones it no longer lists", () => {
    const trace = new TraceBuilder();
    for (let count = 0; count < IN_FLIGHT_LIMIT + 5; count++) trace.add({ type: "net.send", from: "a", to: "b", message: { type: "ball", n: count }, deliverAt: 1_000 + count });
    trace.at(1_000).add({ type: "net.deliver", from: "a", to: "b", message: { type: "ball", n: 0 } });
    trace.at(1_006).add({ type: "net.deliver", from: "a", to: "b", message: { type: "ball", n: 6 } });
    const state = fold(trace, trace.events.length - 1);
    expect(state.network.inFlight.length).toBe(IN_FLIGHT_LIMIT - 1);
    expect(state.network.inFlightHidden).toBe(4);
    expect(state.network.inFlight.some((message) => message.key === "ball|n=6")).toBe(false);
  });

  it("shows a crash as crashed, losing the member's role and its writes not yet durable", () => {
    const trace = electionTrace();
    const before = fold(trace, trace.index("crash") - 1);
    expect(member(before, "n3").process).toBe("up");
    const state = fold(trace, trace.index("crash"));
    expect(member(state, "n3")).toMatchObject({ process: "crashed", role: "unknown", progress: [], votes: null });

    const pending = new TraceBuilder()
      .add({ type: "node.start", node: "n1", term: 1, vote: "", commit: 0, snapshotIndex: 0, lastIndex: 0 })
      .add({ type: "raft.append", node: "n1", batch: 1, entries: [{ index: 1, term: 1, id: "a" }] })
      .add({ type: "raft.persist", node: "n1", batch: 1 })
      .add({ type: "raft.append", node: "n1", batch: 2, entries: [{ index: 2, term: 1, id: "b" }] })
      .add({ type: "fault", fault: { kind: "crash", node: "n1" }, text: "crash n1" });
    const lost = fold(pending, 4);
    expect(member(lost, "n1").log.map((entry) => entry.id)).toEqual(["a"]);
    expect(member(lost, "n1").lastIndex).toBe(1);
  });

  it("records a violation", () => {
    const trace = electionTrace();
    const state = fold(trace, trace.index("violation"));
    expect(state.violationCount).toBe(1);
    expect(state.violations).toEqual([{ kind: "election-safety", detail: "two leaders in term 1: n2 and n3", event: trace.index("violation"), time: 310_000 }]);
  });

  it("keeps truncated entries visible, struck, for a few events after the conflict", () => {
    const trace = conflictTrace();
    const state = fold(trace, trace.events.length - 1);
    const n3 = member(state, "n3");
    expect(n3.log.map((entry) => [entry.index, entry.term, entry.id])).toEqual([[2, 2, "noop"]]);
    expect(n3.lastIndex).toBe(2);
    expect(visibleTruncation(n3, state.index)?.entries).toEqual([
      { index: 2, term: 1, id: "c1#1" },
      { index: 3, term: 1, id: "c1#2" },
    ]);
    expect(visibleTruncation(n3, trace.index("truncate") + TRUNCATION_VISIBLE_EVENTS)).toBeNull();
  });

  it("shows faults as health: paused, partitioned, slow disk, clock drift, and heals", () => {
    const trace = new TraceBuilder()
      .add({ type: "fault", fault: { kind: "pause", node: "n1" }, text: "pause n1" })
      .add({ type: "fault", fault: { kind: "partition", partition: { kind: "split", minority: ["n1", "n2"] } }, text: "partition n1 n2 | n3 n4 n5" })
      .add({ type: "fault", fault: { kind: "slow-disk", node: "n4", factor: 5 }, text: "n4's disk 5x slower" })
      .add({ type: "fault", fault: { kind: "drift", node: "n5", rate: 0.5 }, text: "n5's clock runs at 0.5x" })
      .add({ type: "fault", fault: { kind: "resume", node: "n1" }, text: "resume n1" })
      .add({ type: "fault", fault: { kind: "heal" }, text: "heal the network" });
    const members = membersFromHeader({ ...HEADER, config: { cluster: { kind: "pingpong", options: { members: 5 } } } });
    expect(members).toEqual(["n1", "n2", "n3", "n4", "n5"]);
    const partitioned = fold(trace, 3, members);
    expect(member(partitioned, "n1").process).toBe("paused");
    expect(partitioned.network.partition?.text).toBe("n1 n2 | n3 n4 n5");
    expect(partitionPeers(partitioned, "n1")).toEqual({ cannotReach: ["n3", "n4", "n5"], unheardFrom: ["n3", "n4", "n5"] });
    expect(member(partitioned, "n4").diskFactor).toBe(5);
    expect(member(partitioned, "n5").clockRate).toBe(0.5);
    const healed = fold(trace, 5, members);
    expect(member(healed, "n1").process).toBe("up");
    expect(healed.network.partition).toBeNull();
  });

  it("shows events of unknown types generically: mvcc keys and revisions, conflicts, compactions", () => {
    const trace = new TraceBuilder()
      .add({ type: "mvcc.put", key: "/registry/pods/default/web", revision: 5, lease: 0 })
      .add({ type: "mvcc.delete", key: "k2", revision: 6 })
      .add({ type: "kube.conflict", resource: "pods/web", status: 409, message: "the object has been modified" })
      .add({ type: "mvcc.compact", revision: 4 })
      .add({ type: "from.the.future", anything: [1, 2, 3] });
    const state = fold(trace, 4);
    expect(state.keyspace.revision).toBe(6);
    expect(state.keyspace.keys).toEqual([
      { key: "/registry/pods/default/web", text: "mvcc.put revision=5 lease=0", revision: 5, deleted: false, event: 0 },
      { key: "k2", text: "mvcc.delete revision=6", revision: 6, deleted: true, event: 1 },
    ]);
    expect(state.keyspace.conflicts).toEqual([{ event: 2, time: 0, text: "kube.conflict resource=pods/web status=409 message=the object has been modified" }]);
    expect(state.keyspace.compactions).toEqual([{ event: 3, time: 0, text: "mvcc.compact revision=4" }]);
    expect(state.index).toBe(4);
  });

  it("never throws on a known type with unexpected fields: it is shown as an unknown event", () => {
    const trace = new TraceBuilder()
      .add({ type: "raft.append", node: "n1", batch: 1, entries: "not a list" })
      .add({ type: "fault", fault: { kind: "meteor", node: "n1" }, text: "a meteor hits n1" })
      .add({ type: "raft.role", node: "n1", role: "emperor", term: 1, lead: "", reason: "" });
    const state = fold(trace, 2);
    expect(state.members).toEqual([]);
    expect(state.index).toBe(2);
  });

  it("folds a run of events in one step to the same state as one event at a time", () => {
    const trace = electionTrace();
    const last = trace.events.length - 1;
    expect(reduceRange(initialViewState(), trace.events, trace.times, 0, last + 1)).toEqual(fold(trace, last));
  });
});
