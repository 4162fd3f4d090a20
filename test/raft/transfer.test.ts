/**
 * Leader transfer (thesis §3.10): MsgTimeoutNow at once to a caught-up transferee, after an append
 * to a lagging one; abort after an election timeout; proposals dropped meanwhile.
 */
import { describe, expect, it } from "vitest";
import { describeMessage, fixedRandom, Network } from "./harness.js";

describe("leader transfer", () => {
  it("sends MsgTimeoutNow at once to a caught-up transferee, which wins without pre-vote and despite leases", () => {
    const network = new Network(["n1", "n2", "n3"], { preVote: true, checkQuorum: true, observe: true });
    network.elect("n1");
    expect(network.raw("n1").transferLeader("n2")).toEqual({ ok: true });
    network.processReadies(["n1"]);
    expect(network.inFlight.map(describeMessage)).toEqual(["n1->n2 MsgTimeoutNow Term:1"]);
    expect(network.node("n1").events.at(-1)).toEqual({ type: "leader-transfer-started", to: "n2", immediate: true });
    network.stabilize();
    expect(network.leaders()).toEqual(["n2"]);
    expect(network.raw("n2").status().term).toBe(2);
    expect(network.node("n2").events.filter((event) => event.type === "became-candidate")).toEqual([
      { type: "became-candidate", term: 2, transfer: true },
    ]);
  });

  it("catches a lagging transferee up first, dropping proposals until the transfer is done", () => {
    const network = new Network(["n1", "n2", "n3"], { observe: true });
    network.elect("n1");
    network.isolate("n3");
    network.raw("n1").propose("a");
    network.raw("n1").propose("b");
    network.stabilize();
    network.heal();
    expect(network.raw("n1").transferLeader("n3")).toEqual({ ok: true });
    expect(network.raw("n1").propose("c")).toEqual({ ok: false, reason: "leader transfer in progress" });
    network.processReadies(["n1"]);
    expect(network.inFlight.map((message) => message.type)).toEqual(["MsgApp"]);
    network.stabilize();
    expect(network.leaders()).toEqual(["n3"]);
    expect(network.node("n3").disk.entries.map((entry) => entry.data)).toEqual([null, "a", "b", null]);
  });

  it("is aborted after an election timeout when the transferee does not take over", () => {
    const network = new Network(["n1", "n2", "n3"], { observe: true });
    network.elect("n1");
    network.isolate("n3");
    network.raw("n1").transferLeader("n3");
    network.tick("n1", 9);
    expect(network.raw("n1").status().leadTransferee).toBe("n3");
    network.tick("n1");
    network.processReadies(["n1"]);
    expect(network.raw("n1").status()).toMatchObject({ role: "leader", leadTransferee: null });
    expect(network.node("n1").events.filter((event) => event.type === "leader-transfer-aborted")).toEqual([
      { type: "leader-transfer-aborted", to: "n3", reason: "timeout" },
    ]);
    expect(network.raw("n1").propose("again")).toEqual({ ok: true });
  });

  it("a follower forwards the request to its leader", () => {
    const network = new Network(["n1", "n2", "n3"]);
    network.elect("n1");
    expect(network.raw("n2").transferLeader("n3")).toEqual({ ok: true });
    network.processReadies(["n2"]);
    expect(network.inFlight.map((message) => [message.type, message.from, message.to, message.context])).toEqual([
      ["MsgTransferLeader", "n2", "n1", "n3"],
    ]);
    network.stabilize();
    expect(network.leaders()).toEqual(["n3"]);
  });

  it("refuses transfers to itself, to a learner, to an unknown node, twice to the same node, and without a leader", () => {
    const network = new Network(["n1", "n2", "n3", "n4"], { voters: ["n1", "n2", "n3"], learners: ["n4"], random: fixedRandom(5) });
    network.elect("n1");
    const leader = network.raw("n1");
    expect(leader.transferLeader("n1")).toEqual({ ok: false, reason: "already leader" });
    expect(leader.transferLeader("n4")).toEqual({ ok: false, reason: "transferee is a learner" });
    expect(leader.transferLeader("n9")).toEqual({ ok: false, reason: "unknown node" });
    network.isolate("n2");
    expect(leader.transferLeader("n2")).toEqual({ ok: true });
    expect(leader.transferLeader("n2")).toEqual({ ok: false, reason: "transfer already in progress" });
    expect(new Network(["n1", "n2"]).raw("n2").transferLeader("n1")).toEqual({ ok: false, reason: "no leader" });
  });

  it("a new request to another node supersedes the one in progress", () => {
    const network = new Network(["n1", "n2", "n3"], { observe: true });
    network.elect("n1");
    network.isolate("n2");
    network.raw("n1").transferLeader("n2");
    network.processReadies(["n1"]);
    network.heal();
    network.raw("n1").transferLeader("n3");
    network.stabilize();
    expect(network.leaders()).toEqual(["n3"]);
    expect(network.node("n1").events.filter((event) => event.type === "leader-transfer-aborted")).toEqual([
      { type: "leader-transfer-aborted", to: "n2", reason: "superseded" },
    ]);
  });
});
