/**
 * Leader election (§5.2), pre-vote (thesis §9.6), check-quorum and leader stickiness, restarts.
 */
import { describe, expect, it } from "vitest";
import { RawNode, type RaftEvent, type RaftRandom } from "../../src/raft/index.js";
import { describeMessage, fixedRandom, Network, TestRandom } from "./harness.js";

const ELECTION_TICKS = 10;

function eventsOf<Type extends RaftEvent["type"]>(events: readonly RaftEvent[], type: Type): Extract<RaftEvent, { type: Type }>[] {
  return events.filter((event): event is Extract<RaftEvent, { type: Type }> => event.type === type);
}

describe("a three-node election", () => {
  it("elects the campaigner and commits its empty entry at index 1 on every node", () => {
    const network = new Network(["n1", "n2", "n3"]);
    network.elect("n1");
    expect(network.delivered.map(describeMessage)).toEqual([
      "n1->n2 MsgVote Term:1 Log:0/0",
      "n1->n3 MsgVote Term:1 Log:0/0",
      "n2->n1 MsgVoteResp Term:1",
      "n3->n1 MsgVoteResp Term:1",
      "n1->n2 MsgApp Term:1 Log:0/0 Commit:0 Entries:[1/1]",
      "n1->n3 MsgApp Term:1 Log:0/0 Commit:0 Entries:[1/1]",
      "n2->n1 MsgAppResp Term:1 Log:0/1",
      "n3->n1 MsgAppResp Term:1 Log:0/1",
      "n1->n2 MsgApp Term:1 Log:1/1 Commit:1",
      "n1->n3 MsgApp Term:1 Log:1/1 Commit:1",
      "n2->n1 MsgAppResp Term:1 Log:0/1",
      "n3->n1 MsgAppResp Term:1 Log:0/1",
    ]);
    for (const id of network.ids()) {
      const node = network.node(id);
      expect(node.disk.hardState).toEqual({ term: 1, vote: "n1", commit: 1 });
      expect(node.disk.entries).toEqual([{ index: 1, term: 1, type: "normal", data: null }]);
      expect(node.appliedIndex).toBe(1);
      expect(node.status.lead).toBe("n1");
    }
    expect(network.raw("n1").status().role).toBe("leader");
    expect(network.leaders()).toEqual(["n1"]);
  });

  it("narrates the election in events when observed", () => {
    const network = new Network(["n1", "n2", "n3"], { observe: true });
    network.elect("n1");
    const leader = network.node("n1").events.map((event) => event.type);
    expect(leader).toEqual([
      "became-follower",
      "became-candidate",
      "vote-counted",
      "vote-counted",
      "became-leader",
      "entries-appended",
      "progress-changed",
      "commit-advanced",
      "progress-changed",
    ]);
    expect(eventsOf(network.node("n1").events, "vote-counted")[1]).toEqual({
      type: "vote-counted",
      kind: "vote",
      voter: "n2",
      granted: true,
      grantedCount: 2,
      rejectedCount: 0,
      result: "won",
    });
    expect(eventsOf(network.node("n2").events, "vote-granted")).toEqual([{ type: "vote-granted", kind: "vote", candidate: "n1", term: 1 }]);
    expect(eventsOf(network.node("n1").events, "commit-advanced")).toEqual([{ type: "commit-advanced", from: 0, to: 1 }]);
  });

  it("leaves out the routine append and commit events when the host asks (observeLog: false)", () => {
    const network = new Network(["n1", "n2", "n3"], { observe: true, observeLog: false });
    network.elect("n1");
    expect(network.node("n1").events.map((event) => event.type)).toEqual(["became-follower", "became-candidate", "vote-counted", "vote-counted", "became-leader", "progress-changed", "progress-changed"]);
    expect(network.node("n2").events.map((event) => event.type)).toEqual(["became-follower", "became-follower", "vote-granted"]);
    expect(network.node("n2").status.commit).toBe(1);
  });

  it("a single voter elects itself through its own durable vote", () => {
    const network = new Network(["n1"]);
    network.elect("n1");
    expect(network.raw("n1").status()).toMatchObject({ role: "leader", term: 1, commit: 1 });
  });

  it("of two candidates in one term the first to win the third voter leads; the other gives way", () => {
    const network = new Network(["n1", "n2", "n3"]);
    network.raw("n1").campaign();
    network.raw("n2").campaign();
    network.stabilize();
    // n3 voted for the request it saw first (n1's): n1 wins 2 of 3; n2 follows on n1's first MsgApp.
    expect(network.leaders()).toEqual(["n1"]);
    expect(network.raw("n2").status()).toMatchObject({ role: "follower", term: 1, vote: "n2", lead: "n1" });
  });
});

describe("the randomized election timeout", () => {
  it("fires after electionTicks + random.int(electionTicks) ticks, a value in [ET, 2·ET−1]", () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 400; seed++) {
      const draws: number[] = [];
      const inner = new TestRandom(seed);
      const random: RaftRandom = { int: (n) => { const value = inner.int(n); draws.push(value); return value; } };
      const node = new RawNode({ id: "n1", voters: ["n1", "n2", "n3"], electionTicks: ELECTION_TICKS, random });
      let ticks = 0;
      while (node.status().role === "follower") {
        node.tick();
        ticks++;
      }
      expect(ticks).toBe(ELECTION_TICKS + (draws[0] as number));
      seen.add(ticks);
    }
    expect(Math.min(...seen)).toBe(ELECTION_TICKS);
    expect(Math.max(...seen)).toBe(2 * ELECTION_TICKS - 1);
    expect(seen.size).toBe(ELECTION_TICKS);
  });

  it("rejects a random source that leaves [0, n)", () => {
    expect(() => new RawNode({ id: "n1", voters: ["n1"], random: { int: (n) => n } })).toThrow("assertion failed: random.int(n) is an integer in [0, n)");
  });

  it("asserts heartbeatTicks < electionTicks and lease reads with check-quorum", () => {
    expect(() => new RawNode({ id: "n1", voters: ["n1"], random: fixedRandom(), electionTicks: 3, heartbeatTicks: 3 })).toThrow(
      "assertion failed: heartbeatTicks (3) < electionTicks (3)",
    );
    expect(() => new RawNode({ id: "n1", voters: ["n1"], random: fixedRandom(), readOnly: "lease-based" })).toThrow(
      "assertion failed: lease-based reads require checkQuorum",
    );
  });
});

describe("pre-vote", () => {
  function partitionedRejoin(preVote: boolean): Network {
    // n3 campaigns every election timeout; the others draw their timeouts.
    const network = new Network(["n1", "n2", "n3"], { preVote }, { n3: { random: fixedRandom(0) } });
    network.elect("n1");
    network.isolate("n3");
    for (let round = 0; round < 5; round++) {
      network.raw("n1").propose(`x${round}`);
      network.tick("n3", ELECTION_TICKS);
      network.stabilize();
    }
    network.heal();
    for (let tick = 0; tick < 4 * ELECTION_TICKS; tick++) {
      network.tickAll();
      network.stabilize();
    }
    for (let tick = 0; tick < 10 * ELECTION_TICKS && network.leaders().length === 0; tick++) {
      network.tickAll();
      network.stabilize();
    }
    return network;
  }

  it("keeps a partitioned node from raising its term, so it cannot disrupt the leader when it rejoins", () => {
    const network = partitionedRejoin(true);
    expect(network.raw("n1").status()).toMatchObject({ role: "leader", term: 1 });
    expect(network.raw("n3").status()).toMatchObject({ role: "follower", term: 1, lead: "n1", commit: 6 });
  });

  it("without pre-vote the rejoining node's inflated term deposes the leader", () => {
    const network = partitionedRejoin(false);
    expect(network.raw("n3").status().term).toBeGreaterThan(5);
    expect(network.raw("n1").status().term).toBe(network.raw("n3").status().term);
    expect(network.leaders()).toHaveLength(1);
    expect(network.leaders()[0]).not.toBe("n3");
  });

  it("a pre-candidate asks for term + 1 without changing its term or vote", () => {
    const network = new Network(["n1", "n2", "n3"], { preVote: true, observe: true });
    network.raw("n1").campaign();
    network.processReadies();
    expect(network.inFlight.map(describeMessage)).toEqual(["n1->n2 MsgPreVote Term:1 Log:0/0", "n1->n3 MsgPreVote Term:1 Log:0/0"]);
    expect(network.raw("n1").status()).toMatchObject({ role: "pre-candidate", term: 0, vote: null });
    network.stabilize();
    expect(network.raw("n1").status()).toMatchObject({ role: "leader", term: 1 });
  });
});

describe("check-quorum", () => {
  it("a leader cut off from the quorum steps down after two election timeouts at most", () => {
    const network = new Network(["n1", "n2", "n3"], { checkQuorum: true, observe: true });
    network.elect("n1");
    network.isolate("n1");
    network.tick("n1", 2 * ELECTION_TICKS - 1);
    expect(network.raw("n1").status().role).toBe("leader");
    network.tick("n1");
    network.processReadies(["n1"]);
    expect(network.raw("n1").status()).toMatchObject({ role: "follower", term: 1, lead: null });
    const stepDown = eventsOf(network.node("n1").events, "became-follower").at(-1);
    expect(stepDown).toEqual({ type: "became-follower", term: 1, lead: null, reason: "check-quorum: quorum not active", from: null });
  });

  it("followers that heard from their leader within the election timeout ignore votes (leader stickiness)", () => {
    const network = new Network(["n1", "n2", "n3"], { checkQuorum: true, observe: true });
    network.elect("n1");
    network.raw("n3").campaign();
    network.processReadies();
    network.deliver((message) => message.type === "MsgVote");
    network.processReadies();
    expect(network.raw("n2").status()).toMatchObject({ term: 1, vote: "n1", lead: "n1" });
    expect(network.raw("n1").status()).toMatchObject({ role: "leader", term: 1 });
    expect(network.inFlight.filter((message) => message.type === "MsgVoteResp")).toEqual([]);
    expect(eventsOf(network.node("n2").events, "vote-rejected")).toEqual([
      { type: "vote-rejected", kind: "vote", candidate: "n3", term: 2, reason: "lease not expired", votedFor: "n1" },
    ]);
  });

  it("a voter restarted from persisted state ignores votes for an election timeout: it may have granted a lease", () => {
    const network = new Network(["n1", "n2", "n3"], { checkQuorum: true, random: fixedRandom(5), observe: true });
    network.elect("n1");
    network.crash("n1");
    network.crash("n2");
    network.restart("n2");
    network.tick("n3", ELECTION_TICKS);
    network.raw("n3").campaign();
    network.stabilize(["n2", "n3"]);
    expect(network.raw("n3").status()).toMatchObject({ role: "candidate", term: 2 });
    expect(eventsOf(network.node("n2").events, "vote-rejected").at(-1)).toMatchObject({ candidate: "n3", reason: "lease not expired" });
    network.tick("n2", ELECTION_TICKS);
    network.raw("n3").campaign();
    network.stabilize(["n2", "n3"]);
    expect(network.raw("n3").status()).toMatchObject({ role: "leader", term: 3 });
  });

  it("a leader stuck in an old term learns the new one from the answer to its stale heartbeat", () => {
    const network = new Network(["n1", "n2", "n3"], { checkQuorum: true, observe: true }, { n2: { random: fixedRandom(0) } });
    network.elect("n1");
    network.isolate("n1");
    network.tick("n2", ELECTION_TICKS);
    network.tick("n3", ELECTION_TICKS);
    network.stabilize(["n2", "n3"]);
    expect(network.raw("n2").status()).toMatchObject({ role: "leader", term: 2 });
    network.heal();
    network.tick("n1");
    network.processReadies(["n1"]);
    network.deliver((message) => message.to === "n3");
    network.processReadies(["n3"]);
    expect(network.inFlight.filter((message) => message.from === "n3").map(describeMessage)).toEqual(["n3->n1 MsgAppResp Term:2 Log:0/0"]);
    network.stabilize();
    expect(network.raw("n1").status()).toMatchObject({ role: "follower", term: 2, lead: null });
    expect(eventsOf(network.node("n1").events, "became-follower").at(-1)).toMatchObject({ term: 2, reason: "higher term", from: "n3" });
    network.tick("n2");
    network.stabilize();
    expect(network.raw("n1").status().lead).toBe("n2");
  });

  it("once the lease has expired the same vote is granted", () => {
    // n2 would not campaign before 15 ticks.
    const network = new Network(["n1", "n2", "n3"], { checkQuorum: true, random: fixedRandom(5) });
    network.elect("n1");
    network.crash("n1");
    network.tick("n2", ELECTION_TICKS);
    network.raw("n3").campaign();
    network.stabilize(["n2", "n3"]);
    expect(network.raw("n3").status()).toMatchObject({ role: "leader", term: 2 });
  });
});

describe("restart", () => {
  it("recovers term, vote, log and commit from the persisted state and rejoins", () => {
    const network = new Network(["n1", "n2", "n3"]);
    network.elect("n1");
    network.raw("n1").propose("a");
    network.raw("n1").propose("b");
    network.stabilize();
    const before = network.raw("n2").status();
    network.crash("n2");
    network.restart("n2");
    const after = network.raw("n2").status();
    expect({ term: after.term, vote: after.vote, lastIndex: after.lastIndex, commit: after.commit, role: after.role }).toEqual({
      term: before.term,
      vote: "n1",
      lastIndex: 3,
      commit: 3,
      role: "follower",
    });
    network.stabilize();
    expect(network.node("n2").appliedIndex).toBe(3);
    network.raw("n1").propose("c");
    network.stabilize();
    expect(network.node("n2").disk.entries.map((entry) => entry.data)).toEqual([null, "a", "b", "c"]);
  });

  it("a restarted voter remembers its vote and refuses a second candidate in the same term", () => {
    const network = new Network(["n1", "n2", "n3"], { observe: true });
    network.raw("n1").campaign();
    network.raw("n3").campaign();
    network.processReadies();
    network.deliver((message) => message.from === "n1" && message.to === "n2");
    network.processReadies(["n2"]);
    // n2 crashes and restarts while n3's request is still on the wire.
    network.node("n2").restartFromDisk();
    expect(network.raw("n2").status()).toMatchObject({ term: 1, vote: "n1" });
    network.deliver((message) => message.from === "n3" && message.to === "n2");
    network.processReadies(["n2"]);
    expect(network.inFlight.filter((message) => message.from === "n2" && message.to === "n3").map(describeMessage)).toEqual(["n2->n3 MsgVoteResp Term:1 Rejected (Hint: 0)"]);
    expect(eventsOf(network.node("n2").events, "vote-rejected").at(-1)).toMatchObject({ reason: "already voted", votedFor: "n1" });
  });
});
