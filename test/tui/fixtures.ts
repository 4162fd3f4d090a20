/**
 * Synthetic cluster traces for the terminal UI's tests, in the order a member host emits events
 * (Raft's observability events first, then the role change; a write, then its fsync).
 */
import type { ClusterEvent, LogEntryRef } from "../../src/etcd/events.js";
import type { ParsedTrace, SimEvent, TraceHeader, TypedEvent } from "../../src/sim/trace.js";
import { TRACE_FORMAT, TRACE_FORMAT_VERSION } from "../../src/sim/trace.js";

export const HEADER: TraceHeader = {
  format: TRACE_FORMAT,
  formatVersion: TRACE_FORMAT_VERSION,
  packageVersion: "0.1.0",
  seed: 11,
  scenario: "synthetic-election",
  config: { cluster: { kind: "etcd" } },
};

export class TraceBuilder {
  readonly events: TypedEvent[] = [];
  readonly times: number[] = [];
  private now = 0;
  private readonly marks = new Map<string, number>();

  at(time: number): this {
    this.now = time;
    return this;
  }

  add(event: SimEvent | ClusterEvent | TypedEvent): this {
    this.events.push(event as TypedEvent);
    this.times.push(this.now);
    return this;
  }

  /** A message sent now and delivered `latency` later (both events, at their times, in order). */
  message(from: string, to: string, type: string, term: number, latency: number): this {
    const sentAt = this.now;
    this.add({ type: "net.send", from, to, message: { type, term }, deliverAt: sentAt + latency });
    return this.at(sentAt + latency).add({ type: "net.deliver", from, to, message: { type, term } });
  }

  /** Names the last event added, for tests to refer to it by name. */
  mark(name: string): this {
    this.marks.set(name, this.events.length - 1);
    return this;
  }

  index(name: string): number {
    const index = this.marks.get(name);
    if (index === undefined) throw new Error(`no event marked ${name}`);
    return index;
  }

  build(header: TraceHeader = HEADER): ParsedTrace {
    return { header, events: [...this.events], times: [...this.times] };
  }
}

const entry = (index: number, term: number, id: string): LogEntryRef => ({ index, term, id });

/**
 * A 3-member cluster: n2 wins the election for term 1 with n1's vote, commits its empty entry and a
 * client's put, n3 crashes, and a checker reports a violation. Marked events: candidate, leader,
 * first-commit, put-appended, second-commit, crash, violation.
 */
export function electionTrace(): TraceBuilder {
  const trace = new TraceBuilder();
  for (const node of ["n1", "n2", "n3"]) trace.add({ type: "node.start", node, term: 0, vote: "", commit: 0, snapshotIndex: 0, lastIndex: 0 });
  trace.at(150_000);
  trace.add({ type: "raft.event", node: "n2", kind: "election-timeout", text: "n2's election timer fired after 12 ticks without hearing from a leader (term 0)", detail: { term: 0, timeoutTicks: 12 } });
  trace.add({ type: "raft.event", node: "n2", kind: "became-candidate", text: "n2 becomes candidate for term 1, votes for itself and asks the others for votes", detail: { term: 1, transfer: false } });
  trace.add({ type: "raft.event", node: "n2", kind: "vote-counted", text: "n2 counts n2's vote (granted): 1 granted, 0 rejected", detail: { kind: "vote", voter: "n2", granted: true, grantedCount: 1, rejectedCount: 0, result: "pending" } });
  trace.add({ type: "raft.hardstate", node: "n2", batch: 1, term: 1, vote: "n2", commit: 0 });
  trace.add({ type: "raft.role", node: "n2", role: "candidate", term: 1, lead: "", reason: "election timeout" }).mark("candidate");
  trace.add({ type: "net.send", from: "n2", to: "n3", message: { type: "MsgVote", term: 1 }, deliverAt: 153_000 });
  trace.message("n2", "n1", "MsgVote", 1, 2_000);
  trace.add({ type: "raft.hardstate", node: "n1", batch: 1, term: 1, vote: "n2", commit: 0 });
  trace.add({ type: "raft.role", node: "n1", role: "follower", term: 1, lead: "", reason: "higher term" });
  trace.add({ type: "raft.persist", node: "n1", batch: 1 });
  trace.message("n1", "n2", "MsgVoteResp", 1, 1_000);
  trace.add({ type: "net.deliver", from: "n2", to: "n3", message: { type: "MsgVote", term: 1 } });
  trace.add({ type: "raft.hardstate", node: "n3", batch: 1, term: 1, vote: "n2", commit: 0 });
  trace.add({ type: "raft.role", node: "n3", role: "follower", term: 1, lead: "", reason: "higher term" });
  trace.add({ type: "raft.event", node: "n2", kind: "vote-counted", text: "n2 counts n1's vote (granted): 2 granted, 0 rejected: a majority, it wins", detail: { kind: "vote", voter: "n1", granted: true, grantedCount: 2, rejectedCount: 0, result: "won" } });
  trace.add({ type: "raft.append", node: "n2", batch: 2, entries: [entry(1, 1, "noop")] });
  trace.add({ type: "raft.role", node: "n2", role: "leader", term: 1, lead: "n2", reason: "won the election" }).mark("leader");
  trace.add({ type: "raft.progress", node: "n2", peer: "n1", state: "probe", match: 0, next: 1, inflight: 0 });
  trace.add({ type: "raft.progress", node: "n2", peer: "n3", state: "probe", match: 0, next: 1, inflight: 0 });
  trace.add({ type: "net.send", from: "n2", to: "n1", message: { type: "MsgApp", term: 1, index: 0 }, deliverAt: 155_000 });
  trace.at(154_000).add({ type: "raft.persist", node: "n2", batch: 2 });
  trace.at(155_000).add({ type: "net.deliver", from: "n2", to: "n1", message: { type: "MsgApp", term: 1, index: 0 } });
  trace.add({ type: "raft.role", node: "n1", role: "follower", term: 1, lead: "n2", reason: "leader found" });
  trace.add({ type: "raft.append", node: "n1", batch: 2, entries: [entry(1, 1, "noop")] });
  trace.at(156_500).add({ type: "raft.persist", node: "n1", batch: 2 });
  trace.message("n1", "n2", "MsgAppResp", 1, 1_500);
  trace.add({ type: "raft.progress", node: "n2", peer: "n1", state: "replicate", match: 1, next: 2, inflight: 0 });
  trace.add({ type: "raft.commit", node: "n2", term: 1, commit: 1 }).mark("first-commit");
  trace.add({ type: "raft.apply", node: "n2", index: 1, term: 1, id: "noop" });
  trace.at(200_000).add({ type: "client.invoke", client: "c1", endpoint: "n2", op: 1, summary: "put k1 v1" });
  trace.add({ type: "raft.append", node: "n2", batch: 3, entries: [entry(2, 1, "c1#1")] }).mark("put-appended");
  trace.at(202_000).add({ type: "raft.persist", node: "n2", batch: 3 });
  trace.add({ type: "raft.progress", node: "n2", peer: "n1", state: "replicate", match: 1, next: 3, inflight: 1 });
  trace.add({ type: "raft.append", node: "n1", batch: 3, entries: [entry(2, 1, "c1#1")] });
  trace.at(204_000).add({ type: "raft.persist", node: "n1", batch: 3 });
  trace.add({ type: "raft.progress", node: "n2", peer: "n1", state: "replicate", match: 2, next: 3, inflight: 0 });
  trace.add({ type: "raft.commit", node: "n2", term: 1, commit: 2 }).mark("second-commit");
  trace.add({ type: "raft.apply", node: "n2", index: 2, term: 1, id: "c1#1" });
  trace.add({ type: "client.return", client: "c1", op: 1, outcome: "ok", summary: "put k1 v1: OK" });
  trace.at(300_000).add({ type: "fault", fault: { kind: "crash", node: "n3" }, text: "crash n3" }).mark("crash");
  trace.add({ type: "net.drop", from: "n2", to: "n3", message: { type: "MsgHeartbeat", term: 1 }, reason: "crashed" });
  trace.at(310_000).add({ type: "violation", kind: "election-safety", detail: "two leaders in term 1: n2 and n3" }).mark("violation");
  return trace;
}

/** n3 holds entries 2–3 of term 1 that the leader of term 2 (n1) does not have: it truncates them (marked "truncate"). */
export function conflictTrace(): TraceBuilder {
  const trace = new TraceBuilder();
  for (const node of ["n1", "n2", "n3"]) trace.add({ type: "node.start", node, term: 1, vote: "n3", commit: 1, snapshotIndex: 0, lastIndex: 1 });
  trace.add({ type: "raft.append", node: "n3", batch: 1, entries: [entry(2, 1, "c1#1"), entry(3, 1, "c1#2")] });
  trace.add({ type: "raft.persist", node: "n3", batch: 1 });
  trace.at(500_000).add({ type: "raft.role", node: "n1", role: "leader", term: 2, lead: "n1", reason: "won the election" });
  trace.add({ type: "raft.append", node: "n1", batch: 1, entries: [entry(2, 2, "noop")] });
  trace.add({ type: "raft.truncate", node: "n3", batch: 2, lastIndex: 1, removed: [entry(2, 1, "c1#1"), entry(3, 1, "c1#2")] }).mark("truncate");
  trace.add({ type: "raft.append", node: "n3", batch: 2, entries: [entry(2, 2, "noop")] });
  return trace;
}
