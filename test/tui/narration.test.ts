import { describe, expect, it } from "vitest";
import type { Fault } from "../../src/sim/faults.js";
import type { TypedEvent } from "../../src/sim/trace.js";
import { formatTime, isNotable, narrate, summarize } from "../../src/tui/narration.js";
import { reduce } from "../../src/tui/reducer.js";
import { initialViewState, type ViewState } from "../../src/tui/view-state.js";
import { conflictTrace, electionTrace, TraceBuilder } from "./fixtures.js";

/** The narration of every event of a trace, each told with the state after it. */
function narrations(trace: TraceBuilder, members: readonly string[] = []): string[] {
  let state: ViewState = initialViewState(members);
  return trace.events.map((event, index) => {
    const time = trace.times[index] as number;
    state = reduce(state, event, time, index);
    return narrate(event, time, state);
  });
}

const FIVE = ["n1", "n2", "n3", "n4", "n5"];

function faultSentence(fault: Fault): string {
  return narrations(new TraceBuilder().add({ type: "fault", fault, text: "" }), FIVE)[0] as string;
}

describe("narration", () => {
  it("tells an election, a quorum commit and a client's request in plain words", () => {
    const trace = electionTrace();
    const told = narrations(trace);
    const at = (name: string, offset = 0): string => told[trace.index(name) + offset] as string;
    expect(told[0]).toBe("n1 starts with an empty log at term 0");
    expect(at("candidate")).toBe("n2's election timer fired: it becomes candidate for term 1 and asks n1 and n3 for votes");
    expect(at("candidate", 2)).toBe("n2 sends MsgVote (term 1) to n1, due in 2.000ms");
    expect(at("candidate", 3)).toBe("n1 receives MsgVote (term 1) from n2");
    expect(at("candidate", 4)).toBe("n1 writes its hard state: term 1, vote n2, commit 0 (batch 1, not durable yet)");
    expect(at("candidate", 5)).toBe("n1 becomes a follower in term 1, with no leader known yet (higher term)");
    expect(at("candidate", 6)).toBe("n1's disk confirms batch 1: everything it wrote up to then is durable");
    expect(at("leader", -2)).toBe("n2 counts n1's vote (granted): 2 granted, 0 rejected: a majority, it wins");
    expect(at("leader", -1)).toBe("n2 appends entry 1 (term 1, the new leader's empty entry) to its log; not durable until its disk confirms batch 2");
    expect(at("leader")).toBe("n2 won the election for term 1 with votes from a majority (2 of 3)");
    expect(at("leader", 1)).toBe("n2 probes n1's log: match 0, next 1 (one append at a time until their logs agree)");
    expect(at("first-commit", -1)).toBe("n2 replicates to n1: match 1, next 2, 0 appends in flight");
    expect(at("first-commit")).toBe("n2 (leader, term 1) commits up to index 1: a majority has stored it");
    expect(at("first-commit", 1)).toBe("n2 applies entry 1 (term 1, the new leader's empty entry) to its state machine");
    expect(at("put-appended", -1)).toBe("c1 sends request 1 to n2: put k1 v1");
    expect(at("second-commit", 2)).toBe("c1's request 1 succeeded: put k1 v1: OK");
    expect(at("crash")).toBe("n3 crashes: it loses everything not yet on its disk, and messages sent to it are dropped");
    expect(at("crash", 1)).toBe("MsgHeartbeat (term 1) from n2 to n3 is dropped: n3 has crashed");
    expect(at("violation")).toBe("SAFETY VIOLATION: election-safety: two leaders in term 1: n2 and n3");
  });

  it("says 'a majority' without a count when no vote count was traced, and tells a conflict's truncation", () => {
    const trace = conflictTrace();
    const told = narrations(trace);
    expect(told[trace.index("truncate") - 2]).toBe("n1 won the election for term 2 with votes from a majority");
    expect(told[trace.index("truncate")]).toBe("n3 drops entries 2–3 (term 1) that conflict with the leader's log");
    expect(told[0]).toBe("n1 starts and recovers from its disk: term 1, vote n3, commit 1, log up to index 1");
  });

  it("tells a follower's commit, a pre-candidate, a leadership transfer and a Raft event's own text", () => {
    const trace = new TraceBuilder()
      .add({ type: "raft.role", node: "n1", role: "follower", term: 3, lead: "n2", reason: "leader found" })
      .add({ type: "raft.commit", node: "n1", term: 3, commit: 7 })
      .add({ type: "raft.role", node: "n3", role: "pre-candidate", term: 3, lead: "", reason: "election timeout (pre-vote first)" })
      .add({ type: "raft.role", node: "n3", role: "candidate", term: 4, lead: "", reason: "leader transfer" })
      .add({ type: "raft.event", node: "n2", kind: "vote-rejected", text: "n2 rejects n3's vote for term 4: n3's log is not up to date", detail: {} });
    expect(narrations(trace)).toEqual([
      "n1 becomes a follower in term 3, following leader n2 (leader found)",
      "n1 (follower, term 3) learns that entries up to index 7 are committed",
      "n3's election timer fired: it becomes pre-candidate and asks n1 whether they would vote for it in term 4 (a pre-vote: its term stays 3)",
      "n3 is handed leadership: it becomes candidate for term 4 at once and asks n1 for votes",
      "n2 rejects n3's vote for term 4: n3's log is not up to date",
    ]);
  });

  it("explains every kind of fault", () => {
    expect(faultSentence({ kind: "pause", node: "n1" })).toBe("n1 is frozen: its timers and messages are held until it resumes");
    expect(faultSentence({ kind: "resume", node: "n1" })).toBe("n1 resumes: the timers and messages held while it was frozen run now");
    expect(faultSentence({ kind: "restart", node: "n3" })).toBe("n3 restarts and recovers its state from its disk");
    expect(faultSentence({ kind: "partition", partition: { kind: "isolate", node: "n1" } })).toBe("the network cuts n1 off from everyone (n1 | n2 n3 n4 n5)");
    expect(faultSentence({ kind: "partition", partition: { kind: "split", minority: ["n1", "n2"] } })).toBe(
      "the network is partitioned (n1 n2 | n3 n4 n5): nodes on different sides cannot talk",
    );
    expect(faultSentence({ kind: "partition", partition: { kind: "one-way", from: ["n2"], to: ["n3", "n4", "n5"] } })).toBe(
      "the network cuts one way (n2 -/-> n3 n4 n5 (one way)): messages from n2 to n3, n4 and n5 are dropped, the reverse flows",
    );
    expect(faultSentence({ kind: "partition", partition: { kind: "bridge", left: ["n1", "n2"], bridge: "n3", right: ["n4", "n5"] } })).toBe(
      "the network is partitioned (n1 n2 | n4 n5 (bridged by n3)): the two sides cannot talk, but n3 talks to both",
    );
    expect(faultSentence({ kind: "partition", partition: { kind: "ring", order: FIVE } })).toBe(
      "the network becomes a majorities ring n1 - n2 - n3 - n4 - n5: each node reaches only its nearest neighbours, yet each sees a majority",
    );
    expect(faultSentence({ kind: "heal" })).toBe("the network heals: every node can reach every other again");
    expect(faultSentence({ kind: "slow-disk", node: "n2", factor: 5 })).toBe("n2's disk becomes 5x slower: each fsync takes 5 times as long, so its writes stay pending longer");
    expect(faultSentence({ kind: "slow-disk", node: "n2", factor: 1 })).toBe("n2's disk is back to normal speed");
    expect(faultSentence({ kind: "drift", node: "n5", rate: 0.5 })).toBe("n5's clock runs at 0.5x: its timers fire late against virtual time");
    expect(faultSentence({ kind: "drift", node: "n5", rate: 1 })).toBe("n5's clock is back to the normal rate");
    expect(faultSentence({ kind: "network", lossPpm: 10_000, duplicatePpm: 0, reorderPpm: 20_000 })).toBe("the network changes: loss 1%, duplication 0%, reordering 2%");
  });

  it("gives every drop its reason", () => {
    const drop = (reason: string): TypedEvent => ({ type: "net.drop", from: "n1", to: "n2", message: { type: "ball" }, reason });
    const trace = new TraceBuilder().add(drop("loss")).add(drop("partition")).add(drop("unknown-address")).add({ type: "net.duplicate", from: "n1", to: "n2", message: { type: "ball" } });
    expect(narrations(trace)).toEqual([
      "the network loses ball from n1 to n2",
      "the partition drops ball from n1 to n2: they are cut off from each other",
      "ball from n1 to n2 is dropped: no actor has the address n2",
      "the network duplicates ball from n1 to n2: n2 will receive it twice",
    ]);
  });

  it("tells client failures, checks and events of unknown types", () => {
    const trace = new TraceBuilder()
      .add({ type: "client.return", client: "c2", op: 4, outcome: "fail", summary: "etcdserver: request timed out" })
      .add({ type: "client.return", client: "c2", op: 5, outcome: "unknown", summary: "put k v" })
      .add({ type: "expectation", kind: "status", passed: false, detail: "n3 up, expected crashed", position: "3:5" })
      .add({ type: "expectation", kind: "status", passed: true, detail: "n3 crashed", where: "s.yaml:4:5" })
      .add({ type: "mvcc.put", key: "k1", revision: 9 })
      .add({ type: "lesson.pause", text: "What will n3 do now?" });
    expect(narrations(trace)).toEqual([
      "c2's request 4 failed: etcdserver: request timed out",
      "c2 gave up waiting for request 5 (it may or may not have taken effect): put k v",
      "CHECK FAILED (status): n3 up, expected crashed [scenario 3:5]",
      "check passed (status): n3 crashed [s.yaml:4:5]",
      "mvcc.put: key=k1 revision=9",
      "What will n3 do now?",
    ]);
  });

  it("labels timeline rows compactly", () => {
    const trace = electionTrace();
    expect(summarize(trace.events[trace.index("leader")] as TypedEvent)).toBe("n2 → leader t1");
    expect(summarize(trace.events[trace.index("candidate") + 1] as TypedEvent)).toBe("send MsgVote t1 n2→n3");
    expect(summarize(trace.events[trace.index("crash") + 1] as TypedEvent)).toBe("drop MsgHeartbeat t1 n2→n3 (crashed)");
    expect(summarize({ type: "mvcc.compact", revision: 4 })).toBe("mvcc.compact revision=4");
  });

  it("marks as notable: leaders and candidates, commits, faults, violations, failed requests and checks, conflicts, compactions", () => {
    const trace = electionTrace();
    const notable = trace.events.flatMap((event, index) => (isNotable(event) ? [index] : []));
    expect(notable).toEqual([trace.index("candidate"), trace.index("leader"), trace.index("first-commit"), trace.index("second-commit"), trace.index("crash"), trace.index("violation")]);
    expect(isNotable({ type: "kube.conflict", status: 409 })).toBe(true);
    expect(isNotable({ type: "mvcc.compact", revision: 4 })).toBe(true);
    expect(isNotable({ type: "client.return", client: "c1", op: 1, outcome: "fail", summary: "x" })).toBe(true);
    expect(isNotable({ type: "raft.role", node: "n1", role: "follower", term: 1, lead: "", reason: "" })).toBe(false);
  });

  it("formats virtual time with every microsecond", () => {
    expect([formatTime(0), formatTime(1_234_567), formatTime(12_000_001)]).toEqual(["0.000000s", "1.234567s", "12.000001s"]);
  });
});
