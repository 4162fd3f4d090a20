/**
 * The Raft invariant checker, fed hand-written trace events: each safety property it watches is
 * broken once, and a run that breaks none is reported clean, also after the checker has forgotten
 * the indexes every member has compacted.
 */
import { describe, expect, it } from "vitest";
import { type InvariantViolation, RaftInvariantChecker } from "../../src/check/raft-invariants.js";
import type { ClusterEvent, LogEntryRef } from "../../src/etcd/events.js";

class Feed {
  readonly violations: InvariantViolation[] = [];
  readonly checker = new RaftInvariantChecker((violation) => this.violations.push(violation));
  private time = 0;
  private batch = 0;

  event(event: ClusterEvent): this {
    this.checker.observe(++this.time, event);
    return this;
  }

  start(node: string, term = 0, commit = 0, snapshotIndex = 0): this {
    return this.event({ type: "node.start", node, term, vote: "", commit, snapshotIndex, lastIndex: snapshotIndex });
  }

  leader(node: string, term: number): this {
    return this.event({ type: "raft.role", node, role: "leader", term, lead: node, reason: "won the election" });
  }

  follower(node: string, term: number, lead: string): this {
    return this.event({ type: "raft.role", node, role: "follower", term, lead, reason: "higher term" });
  }

  /** Appends entries written as `index@term=id` and makes them durable. */
  append(node: string, ...entries: string[]): this {
    const batch = ++this.batch;
    this.event({ type: "raft.append", node, batch, entries: entries.map(ref) });
    return this.event({ type: "raft.persist", node, batch });
  }

  commit(node: string, term: number, commit: number): this {
    return this.event({ type: "raft.commit", node, term, commit });
  }

  apply(node: string, entry: string): this {
    const { index, term, id } = ref(entry);
    return this.event({ type: "raft.apply", node, index, term, id });
  }

  kinds(): string[] {
    return this.violations.map((violation) => violation.kind);
  }
}

function ref(entry: string): LogEntryRef {
  const match = /^(\d+)@(\d+)=(.+)$/.exec(entry);
  if (match === null) throw new Error(`bad entry ${entry}`);
  return { index: Number(match[1]), term: Number(match[2]), id: match[3] as string };
}

function cluster(): Feed {
  return new Feed().start("n1").start("n2").start("n3");
}

describe("RaftInvariantChecker", () => {
  it("accepts a leader replicating, committing and applying entries on every member", () => {
    const feed = cluster().leader("n1", 1).follower("n2", 1, "n1").follower("n3", 1, "n1");
    for (const node of ["n1", "n2", "n3"]) feed.append(node, "1@1=noop", "2@1=c1#1").commit(node, 1, 2).apply(node, "1@1=noop").apply(node, "2@1=c1#1");
    expect(feed.violations).toEqual([]);
  });

  it("reports two leaders of one term (election safety)", () => {
    const feed = cluster().leader("n1", 2).leader("n2", 2);
    expect(feed.violations).toEqual([{ kind: "election-safety", detail: "two leaders in term 2: n1 and n2", timeUs: 5 }]);
  });

  it("reports a leader removing entries from its log (leader append-only)", () => {
    const feed = cluster().leader("n1", 1).append("n1", "1@1=noop", "2@1=c1#1");
    feed.event({ type: "raft.truncate", node: "n1", batch: 9, lastIndex: 1, removed: [ref("2@1=c1#1")] });
    expect(feed.violations.map((violation) => violation.detail)).toEqual(["leader n1 of term 1 removed entries 2@1 from its log"]);
  });

  it("reports two commands at the same index and term (log matching)", () => {
    const feed = cluster().append("n1", "1@1=noop", "2@1=c1#1").append("n2", "1@1=noop", "2@1=c2#1");
    expect(feed.violations.map((violation) => violation.detail)).toEqual([
      "n2 has entry 2 of term 1 as c2#1 after term 1, but another log has it as c1#1 after term 1",
    ]);
  });

  it("accepts entries of different terms at one index until one of them is committed", () => {
    const feed = cluster().append("n1", "1@1=noop", "2@1=c1#1").append("n2", "1@1=noop", "2@2=c2#1").append("n3", "1@1=noop", "2@2=c2#1");
    expect(feed.violations).toEqual([]);
    feed.commit("n1", 1, 2).commit("n2", 2, 2);
    expect(feed.violations.map((violation) => violation.detail)).toEqual([
      "n2 committed c2#1 (term 2) at index 2, where c1#1 (term 1) was committed before",
    ]);
  });

  it("reports a leader of a later term without a committed entry (leader completeness)", () => {
    const feed = cluster().leader("n1", 1).append("n1", "1@1=noop", "2@1=c1#1").append("n2", "1@1=noop", "2@1=c1#1").commit("n1", 1, 2);
    feed.append("n3", "1@1=noop").leader("n3", 2);
    expect(feed.violations.map((violation) => violation.detail)).toEqual([
      "n3 became leader in term 2 without committed entry 2 (c1#1, term 1); it has no entry there",
    ]);
  });

  it("reports members applying different commands at one index (state-machine safety)", () => {
    const feed = cluster().apply("n1", "1@1=c1#1").apply("n2", "1@1=c2#1");
    expect(feed.violations.map((violation) => violation.detail)).toEqual(["n2 applied c2#1 at index 1, where n1 applied c1#1"]);
  });

  it("reports a commit index going back and an applied index skipping ahead", () => {
    const feed = cluster().append("n1", "1@1=noop", "2@1=c1#1").commit("n1", 1, 2).commit("n1", 1, 1).apply("n1", "2@1=c1#1");
    expect(feed.kinds()).toEqual(["monotonic-commit", "monotonic-apply"]);
  });

  it("forgets what a crash lost: a restarted member is compared from its durable log", () => {
    const feed = cluster().append("n2", "1@1=noop");
    feed.event({ type: "raft.append", node: "n2", batch: 50, entries: [ref("2@1=c1#1")] });
    feed.start("n2", 1, 1).append("n1", "1@1=noop", "2@1=c1#1").commit("n1", 1, 2).leader("n2", 2);
    expect(feed.violations.map((violation) => violation.detail)).toEqual([
      "n2 became leader in term 2 without committed entry 2 (c1#1, term 1); it has no entry there",
    ]);
  });

  it("rolls a crash back to the durable log: a lost truncation, its replacement entries and a lost snapshot", () => {
    const feed = cluster();
    for (const node of ["n1", "n2"]) feed.append(node, "1@1=noop", "2@1=c1#1", "3@1=c1#2");
    feed.commit("n1", 1, 3);
    feed.event({ type: "raft.truncate", node: "n2", batch: 50, lastIndex: 1, removed: [ref("2@1=c1#1"), ref("3@1=c1#2")] });
    feed.event({ type: "raft.append", node: "n2", batch: 50, entries: [ref("2@2=c2#1"), ref("3@2=c2#2")] });
    feed.event({ type: "raft.snapshot", node: "n2", batch: 51, index: 3, term: 2 });
    feed.start("n2", 1, 3).leader("n2", 3).append("n1", "4@1=c1#3").append("n2", "4@1=c1#3");
    expect(feed.violations).toEqual([]);
  });

  it("keeps what became durable before a crash", () => {
    const feed = cluster();
    feed.append("n1", "1@1=noop", "2@1=c1#1").append("n2", "1@1=noop").commit("n1", 1, 2);
    feed.event({ type: "raft.append", node: "n2", batch: 60, entries: [ref("2@2=c2#1")] }).event({ type: "raft.persist", node: "n2", batch: 60 });
    feed.start("n2", 2, 1).leader("n2", 3);
    expect(feed.violations.map((violation) => violation.detail)).toEqual([
      "n2 became leader in term 3 without committed entry 2 (c1#1, term 1); it has c2#1 (term 2)",
    ]);
  });

  it("rolls back exactly the writes not yet durable, many of them, over a long log", () => {
    const feed = cluster();
    const entries = Array.from({ length: 1140 }, (_, position) => `${position + 1}@1=c1#${position + 1}`);
    feed.append("n1", ...entries).commit("n1", 1, 1140);
    feed.append("n2", ...entries.slice(0, 1100));
    // Forty writes of one entry each, in batches 201 to 240; the first twenty become durable.
    for (let entry = 1100; entry < 1140; entry++) feed.event({ type: "raft.append", node: "n2", batch: entry - 899, entries: [ref(entries[entry] as string)] });
    feed.event({ type: "raft.persist", node: "n2", batch: 220 });
    feed.start("n2", 1, 1100).leader("n2", 2);
    expect(feed.violations.map((violation) => violation.detail)).toEqual([
      "n2 became leader in term 2 without committed entry 1121 (c1#1121, term 1); it has no entry there",
    ]);
  });

  it("keeps a durable snapshot and loses the writes after it", () => {
    const feed = cluster();
    feed.append("n1", "1@1=noop", "2@1=c1#1", "3@1=c1#2", "4@1=c1#3").commit("n1", 1, 4);
    feed.event({ type: "raft.snapshot", node: "n2", batch: 70, index: 3, term: 1 });
    feed.event({ type: "raft.append", node: "n2", batch: 71, entries: [ref("4@1=c1#3")] }).event({ type: "raft.persist", node: "n2", batch: 70 });
    feed.start("n2", 1, 3, 3).leader("n2", 2);
    expect(feed.violations.map((violation) => violation.detail)).toEqual([
      "n2 became leader in term 2 without committed entry 4 (c1#3, term 1); it has no entry there",
    ]);
  });

  it("rolls back a truncation and the entries that replaced it, keeping what was durable before", () => {
    const feed = cluster();
    feed.append("n1", "1@1=noop", "2@1=c1#1", "3@1=c1#2").commit("n1", 1, 3);
    feed.append("n2", "1@1=noop", "2@1=c1#1", "3@1=c1#2");
    feed.event({ type: "raft.truncate", node: "n2", batch: 80, lastIndex: 1, removed: [ref("2@1=c1#1"), ref("3@1=c1#2")] });
    feed.event({ type: "raft.append", node: "n2", batch: 80, entries: [ref("2@2=c2#1")] });
    feed.event({ type: "raft.append", node: "n2", batch: 81, entries: [ref("2@3=c3#1"), ref("3@3=c3#2")] }).event({ type: "raft.persist", node: "n2", batch: 80 });
    feed.start("n2", 3, 1).leader("n2", 4);
    expect(feed.violations.map((violation) => violation.detail)).toEqual([
      "n2 became leader in term 4 without committed entry 2 (c1#1, term 1); it has c2#1 (term 2)",
    ]);
  });

  it("keeps checking after forgetting the indexes every member has compacted", () => {
    const feed = cluster();
    const entries = Array.from({ length: 5000 }, (_, position) => `${position + 1}@1=c1#${position + 1}`);
    for (const node of ["n1", "n2", "n3"]) {
      feed.append(node, ...entries);
      feed.event({ type: "raft.snapshot", node, batch: 100, index: 4500, term: 1 }).event({ type: "raft.persist", node, batch: 100 });
    }
    feed.commit("n1", 1, 5000);
    feed.append("n1", "5001@1=c1#5001").append("n2", "5001@1=c9#5001");
    feed.apply("n1", "4501@1=c1#4501").apply("n2", "4501@1=c9#4501");
    expect(feed.violations.map((violation) => violation.detail)).toEqual([
      "n2 has entry 5001 of term 1 as c9#5001 after term 1, but another log has it as c1#5001 after term 1",
      "n2 applied c9#4501 at index 4501, where n1 applied c1#4501",
    ]);
  });
});

describe("a restore (a new epoch)", () => {
  /** n1 leads term 2 of the old cluster and commits and applies two writes. */
  function oldCluster(): Feed {
    return new Feed().start("n1").leader("n1", 2).append("n1", "1@2=noop", "2@2=c1#1", "3@2=c1#2").commit("n1", 2, 3).apply("n1", "1@2=noop").apply("n1", "2@2=c1#1").apply("n1", "3@2=c1#2");
  }

  /** The restored member starts from a snapshot at index 2 and leads term 2 of a new cluster, committing other entries. */
  function restored(feed: Feed): Feed {
    return feed.start("n1", 2, 2, 2).leader("n1", 2).append("n1", "3@2=noop", "4@2=c1#3").commit("n1", 2, 4).apply("n1", "3@2=noop").apply("n1", "4@2=c1#3");
  }

  it("judges the new cluster from its own log: no violation", () => {
    const feed = oldCluster();
    feed.checker.newEpoch();
    expect(restored(feed).kinds()).toEqual([]);
  });

  it("names the member that applied first in the new cluster", () => {
    const feed = oldCluster();
    feed.checker.newEpoch();
    feed.start("n3").start("n1").apply("n3", "1@1=c3#1").apply("n1", "1@1=c1#1");
    expect(feed.violations.map((violation) => violation.detail)).toEqual(["n1 applied c1#1 at index 1, where n3 applied c3#1"]);
  });

  it("still reports a committed entry replaced inside one cluster", () => {
    const feed = restored(oldCluster());
    expect(feed.violations.map((violation) => violation.detail)).toEqual([
      "n1 has entry 3 of term 2 as noop after term 2, but another log has it as c1#2 after term 2",
      "n1 committed noop (term 2) at index 3, where c1#2 (term 2) was committed before",
      "n1 applied noop at index 3, where n1 applied c1#2",
    ]);
    expect(feed.kinds()).toEqual(["log-matching", "state-machine-safety", "state-machine-safety"]);
  });
});
