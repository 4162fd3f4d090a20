/**
 * ReadIndex (thesis §6.4): safe reads confirmed by a quorum heartbeat round, lease reads bounded by
 * the clock-drift bound, and the two read mutants.
 */
import { describe, expect, it } from "vitest";
import type { RaftEvent } from "../../src/raft/index.js";
import { fixedRandom, Network, type NodeOptions } from "./harness.js";

function served(events: readonly RaftEvent[]): Extract<RaftEvent, { type: "read-index-served" }>[] {
  return events.filter((event): event is Extract<RaftEvent, { type: "read-index-served" }> => event.type === "read-index-served");
}

describe("safe ReadIndex", () => {
  it("a new leader holds reads until it has committed its own empty entry", () => {
    const network = new Network(["n1", "n2", "n3"], { observe: true });
    network.raw("n1").campaign();
    for (let round = 0; round < 3; round++) {
      network.processReadies();
      network.deliver((message) => message.type === "MsgVote" || message.type === "MsgVoteResp");
    }
    expect(network.raw("n1").status()).toMatchObject({ role: "leader", commit: 0 });
    expect(network.raw("n1").readIndex("r1")).toEqual({ ok: true });
    network.processReadies(["n1"]);
    expect(network.node("n1").events.at(-1)).toEqual({ type: "read-index-postponed", requester: "n1", context: "r1" });
    expect(network.node("n1").readStates).toEqual([]);
    network.stabilize();
    expect(network.node("n1").readStates).toEqual([{ index: 1, context: "r1" }]);
    expect(served(network.node("n1").events)).toEqual([
      { type: "read-index-served", requester: "n1", index: 1, context: "r1", confirmation: "quorum" },
    ]);
  });

  it("is confirmed by a heartbeat round a quorum acknowledges, not by an earlier one", () => {
    const network = new Network(["n1", "n2", "n3"]);
    network.elect("n1");
    network.tick("n1");
    network.processReadies(["n1"]);
    const earlier = network.inFlight.filter((message) => message.type === "MsgHeartbeat");
    expect(earlier.map((message) => message.index)).toEqual([1, 1]);
    network.raw("n1").readIndex("r");
    network.processReadies(["n1"]);
    const rounds = network.inFlight.filter((message) => message.type === "MsgHeartbeat").map((message) => message.index);
    expect(rounds).toEqual([1, 1, 2, 2]);
    // Acknowledgements of round 1 (sent before the request) confirm nothing.
    network.deliver((message) => message.type === "MsgHeartbeat" && message.index === 1);
    network.processReadies();
    network.deliver((message) => message.type === "MsgHeartbeatResp");
    network.processReadies();
    expect(network.node("n1").readStates).toEqual([]);
    network.stabilize();
    expect(network.node("n1").readStates).toEqual([{ index: 1, context: "r" }]);
  });

  it("a follower's read is forwarded to the leader and answered with the leader's commit index", () => {
    const network = new Network(["n1", "n2", "n3"], { observe: true });
    network.elect("n1");
    network.raw("n1").propose("w");
    network.stabilize();
    expect(network.raw("n2").readIndex("f")).toEqual({ ok: true });
    network.stabilize();
    expect(network.node("n2").readStates).toEqual([{ index: 2, context: "f" }]);
    expect(served(network.node("n1").events).at(-1)).toMatchObject({ requester: "n2", index: 2, confirmation: "quorum" });
    expect(served(network.node("n2").events).at(-1)).toMatchObject({ requester: "n2", index: 2, confirmation: "leader" });
  });

  it("a single voter answers at once; a node without a leader refuses", () => {
    const single = new Network(["n1"]);
    single.elect("n1");
    single.raw("n1").readIndex("s");
    single.processReadies();
    expect(single.node("n1").readStates).toEqual([{ index: 1, context: "s" }]);
    const leaderless = new Network(["n1", "n2", "n3"]);
    expect(leaderless.raw("n2").readIndex("x")).toEqual({ ok: false, reason: "no leader" });
  });

  it("a partitioned old leader never answers, while the majority side moves on", () => {
    const network = new Network(["n1", "n2", "n3"], { random: fixedRandom(5) });
    network.elect("n1");
    network.partition(["n1"], ["n2", "n3"]);
    network.elect("n2");
    network.raw("n2").propose("new");
    network.stabilize();
    expect(network.raw("n1").status().role).toBe("leader");
    network.raw("n1").readIndex("old");
    for (let tick = 0; tick < 5; tick++) {
      network.tick("n1");
      network.stabilize();
    }
    expect(network.node("n1").readStates).toEqual([]);
    network.heal();
    network.tick("n2");
    network.stabilize();
    expect(network.raw("n1").status()).toMatchObject({ role: "follower", term: 2, lead: "n2" });
    expect(network.node("n1").readStates).toEqual([]);
  });
});

describe("the stale-leader-read mutant", () => {
  it("lets a partitioned old leader answer at once with its stale commit index", () => {
    const network = new Network(["n1", "n2", "n3"], { random: fixedRandom(5), observe: true }, { n1: { mutants: new Set(["stale-leader-read"]) } });
    network.elect("n1");
    network.partition(["n1"], ["n2", "n3"]);
    network.elect("n2");
    network.raw("n2").propose("new");
    network.stabilize();
    network.raw("n1").readIndex("old");
    network.processReadies(["n1"]);
    expect(network.node("n1").readStates).toEqual([{ index: 1, context: "old" }]);
    expect(network.raw("n2").status().commit).toBe(3);
    expect(served(network.node("n1").events)).toEqual([
      { type: "read-index-served", requester: "n1", index: 1, context: "old", confirmation: "unconfirmed" },
    ]);
  });
});

describe("lease-based reads", () => {
  const LEASE: NodeOptions = { checkQuorum: true, readOnly: "lease-based", electionTicks: 10, heartbeatTicks: 1, clockDriftBound: 0.1 };

  /** n1 leads; its heartbeat of tick 1 is acknowledged by all, so its lease lasts to tick 1 + 9 − 1 = 9. */
  function leaseHeld(mutants: ReadonlySet<string> = new Set()): Network {
    // n2 campaigns as soon as its election timeout (10 ticks) runs out; n3 would wait 15.
    const network = new Network(["n1", "n2", "n3"], { ...LEASE, random: fixedRandom(0), observe: true }, {
      n1: { mutants },
      n3: { random: fixedRandom(5) },
    });
    network.elect("n1");
    network.tick("n1");
    network.stabilize();
    network.isolate("n1");
    return network;
  }

  it("serves reads at once while the lease holds and falls back to the safe protocol after its last tick", () => {
    const network = leaseHeld();
    network.tick("n1", 8);
    network.raw("n1").readIndex("at 9");
    network.processReadies(["n1"]);
    expect(network.node("n1").readStates).toEqual([{ index: 1, context: "at 9" }]);
    network.tick("n1");
    network.raw("n1").readIndex("at 10");
    network.processReadies(["n1"]);
    expect(network.raw("n1").status().role).toBe("leader");
    expect(network.node("n1").readStates).toEqual([{ index: 1, context: "at 9" }]);
    expect(served(network.node("n1").events).map((event) => [event.context, event.confirmation])).toEqual([["at 9", "lease"]]);
  });

  it("without a lease the first read is confirmed by a quorum round, which then grants the lease", () => {
    const network = new Network(["n1", "n2", "n3"], { ...LEASE, observe: true });
    network.elect("n1");
    network.raw("n1").readIndex("first");
    network.stabilize();
    network.raw("n1").readIndex("second");
    network.processReadies(["n1"]);
    expect(network.inFlight).toEqual([]);
    expect(served(network.node("n1").events).map((event) => [event.context, event.confirmation])).toEqual([
      ["first", "quorum"],
      ["second", "lease"],
    ]);
  });

  it("a leader transfer ends the lease for the rest of the leadership: the transferee may campaign at any time", () => {
    const network = new Network(["n1", "n2", "n3"], { ...LEASE, observe: true });
    network.elect("n1");
    network.tick("n1");
    network.stabilize();
    expect(network.raw("n1").transferLeader("n2")).toEqual({ ok: true });
    network.processReadies(["n1"]);
    network.drop((message) => message.type === "MsgTimeoutNow");
    network.raw("n1").readIndex("during transfer");
    network.stabilize();
    network.tick("n1", 10);
    network.stabilize();
    expect(network.raw("n1").status()).toMatchObject({ role: "leader", leadTransferee: null });
    network.raw("n1").readIndex("after abort");
    network.stabilize();
    expect(served(network.node("n1").events).map((event) => [event.context, event.confirmation])).toEqual([
      ["during transfer", "quorum"],
      ["after abort", "quorum"],
    ]);
  });

  it("a voter restarted during the lease forgets it heard from the leader, yet does not help elect another", () => {
    const ids = ["n1", "n2", "n3", "n4", "n5"];
    const network = new Network(ids, { ...LEASE, random: fixedRandom(0) });
    network.elect("n1");
    network.tick("n1");
    network.stabilize();
    // n4 and n5 lose n1 and wait out their election timeout; n2 crashes and restarts.
    const cut = new Set(["n4", "n5"]);
    network.addDropRule((message) => (message.from === "n1" && cut.has(message.to)) || (message.to === "n1" && cut.has(message.from)));
    network.tick("n4", 10);
    network.tick("n5", 10);
    network.crash("n2");
    network.restart("n2");
    network.raw("n4").campaign();
    network.stabilize(["n2", "n4", "n5"]);
    // n4 and n5 alone are no majority: n2 ignores n4 for its first election timeout.
    expect(network.leaders()).toEqual(["n1"]);
    network.raw("n1").readIndex("lease");
    network.processReadies(["n1"]);
    expect(network.node("n1").readStates).toEqual([{ index: 1, context: "lease" }]);
  });

  it("with drift within the bound, no new leader exists before the lease ends", () => {
    const network = leaseHeld();
    // The followers' clocks run 10% fast: 9 of their ticks in 8 of the leader's (leader at tick 9).
    network.tick("n1", 8);
    network.tick("n2", 9);
    network.tick("n3", 9);
    network.raw("n3").campaign();
    network.stabilize(["n2", "n3"]);
    expect(network.leaders()).toEqual(["n1"]);
  });

  /** Followers' clocks 11% fast: after 9 leader ticks (tick 10) they have waited their 10 ticks and elect n2. */
  function newLeaderAfterLease(network: Network): void {
    network.tick("n1", 9);
    network.tick("n2", 10);
    network.tick("n3", 10);
    network.stabilize(["n2", "n3"]);
    network.raw("n2").propose("write");
    network.stabilize(["n2", "n3"]);
    expect(network.raw("n2").status()).toMatchObject({ role: "leader", term: 2, commit: 3 });
  }

  it("the lease has ended when a new leader can exist: the old leader does not answer", () => {
    const network = leaseHeld();
    newLeaderAfterLease(network);
    network.raw("n1").readIndex("stale?");
    network.processReadies(["n1"]);
    expect(network.node("n1").readStates).toEqual([]);
  });

  it("lease-read-under-drift reads stale data even without drift: a new leader exists before check-quorum deposes the old", () => {
    for (const mutants of [new Set<string>(), new Set(["lease-read-under-drift"])]) {
      const network = leaseHeld(mutants);
      // All clocks agree: after 10 more ticks n2's election timeout has run out; n1's next
      // check-quorum is due only at its tick 20.
      for (let tick = 0; tick < 10; tick++) {
        network.tickAll();
        network.stabilize(["n2", "n3"]);
      }
      network.raw("n2").propose("write");
      network.stabilize(["n2", "n3"]);
      expect(network.raw("n2").status()).toMatchObject({ role: "leader", term: 2, commit: 3 });
      expect(network.raw("n1").status()).toMatchObject({ role: "leader", term: 1 });
      network.raw("n1").readIndex("read");
      network.processReadies(["n1"]);
      expect(network.node("n1").readStates).toEqual(mutants.size === 0 ? [] : [{ index: 1, context: "read" }]);
    }
  });

  it("lease-read-under-drift trusts the lease while the node believes it leads: a stale read", () => {
    const network = leaseHeld(new Set(["lease-read-under-drift"]));
    newLeaderAfterLease(network);
    expect(network.raw("n1").status().role).toBe("leader");
    network.raw("n1").readIndex("stale");
    network.processReadies(["n1"]);
    expect(network.node("n1").readStates).toEqual([{ index: 1, context: "stale" }]);
  });
});
