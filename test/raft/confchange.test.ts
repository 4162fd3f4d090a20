/**
 * Membership: learners, single-step changes, joint consensus (auto, implicit and explicit leave),
 * refusals, removing the leader. Changes take effect when applied.
 */
import { describe, expect, it } from "vitest";
import type { ConfChange, ConfState, Message, RaftEvent } from "../../src/raft/index.js";
import { fixedRandom, Network } from "./harness.js";

const add = (node: string): ConfChange => ({ transition: "auto", changes: [{ type: "add-node", node }] });
const LEAVE: ConfChange = { transition: "auto", changes: [] };

function confState(voters: string[], extra: Partial<ConfState> = {}): ConfState {
  return { voters, learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false, ...extra };
}

function applied(events: readonly RaftEvent[]): ConfState[] {
  return events.flatMap((event) => (event.type === "conf-change-applied" ? [event.confState] : []));
}

/** Proposes `data` at `leader` and stabilizes among the live nodes; returns whether it committed at the leader. */
function commits(network: Network, leader: string, data: string): boolean {
  const before = network.raw(leader).status().commit;
  expect(network.raw(leader).propose(data)).toEqual({ ok: true });
  network.stabilize();
  return network.raw(leader).status().commit > before;
}

describe("learners", () => {
  it("receive the log but are not counted in a quorum and cannot campaign", () => {
    const network = new Network(["n1", "n2", "n3", "n4"], { voters: ["n1", "n2", "n3"], learners: ["n4"], random: fixedRandom(5) });
    network.elect("n1");
    expect(commits(network, "n1", "a")).toBe(true);
    expect(network.node("n4").appliedIndex).toBe(2);
    expect(network.raw("n4").campaign()).toEqual({ ok: false, reason: "not promotable" });
    network.crash("n2");
    network.crash("n3");
    expect(commits(network, "n1", "b")).toBe(false);
    expect(network.node("n4").disk.entries.length).toBe(3);
  });

  it("are promoted by add-node and then count", () => {
    const network = new Network(["n1", "n2", "n3", "n4"], { voters: ["n1", "n2", "n3"], learners: ["n4"], random: fixedRandom(5) });
    network.elect("n1");
    expect(network.raw("n1").proposeConfChange(add("n4"))).toEqual({ ok: true });
    network.stabilize();
    expect(network.node("n4").confState).toEqual(confState(["n1", "n2", "n3", "n4"]));
    expect(network.raw("n1").status().progress?.find((peer) => peer.id === "n4")?.isLearner).toBe(false);
    network.crash("n2");
    expect(commits(network, "n1", "with n4")).toBe(true);
  });

  it("grant a vote when asked (a promoted learner may not know it yet)", () => {
    const network = new Network(["n1", "n2", "n3", "n4"], { voters: ["n1", "n2", "n3"], learners: ["n4"], random: fixedRandom(5) });
    network.elect("n1");
    const request: Message = {
      type: "MsgVote", from: "n2", to: "n4", term: 2, logTerm: 1, index: 1, entries: [], commit: 0, reject: false, rejectHint: 0,
    };
    network.raw("n4").step(request);
    network.processReadies(["n4"]);
    expect(network.inFlight.map((message) => [message.type, message.to, message.reject])).toEqual([["MsgVoteResp", "n2", false]]);
  });
});

describe("single-step changes", () => {
  it("adding a fourth voter raises the quorum to three", () => {
    const network = new Network(["n1", "n2", "n3", "n4"], { voters: ["n1", "n2", "n3"], random: fixedRandom(5) }, {
      n4: { voters: ["n1", "n2", "n3", "n4"] },
    });
    network.elect("n1");
    network.raw("n1").proposeConfChange(add("n4"));
    network.stabilize();
    for (const id of network.ids()) expect(network.node(id).confState, id).toEqual(confState(["n1", "n2", "n3", "n4"]));
    network.crash("n2");
    expect(commits(network, "n1", "three of four")).toBe(true);
    network.crash("n3");
    expect(commits(network, "n1", "two of four")).toBe(false);
  });

  it("refuses a second change while the first is unapplied, and a double change without joint consensus", () => {
    const network = new Network(["n1", "n2", "n3"], { observe: true });
    network.elect("n1");
    const leader = network.raw("n1");
    expect(leader.proposeConfChange(add("n4"))).toEqual({ ok: true });
    expect(leader.proposeConfChange(add("n5"))).toEqual({ ok: false, reason: "conf change pending" });
    network.stabilize();
    expect(leader.proposeConfChange({ transition: "auto", changes: [{ type: "remove-node", node: "n4" }] })).toEqual({ ok: true });
    network.stabilize();
    expect(leader.proposeConfChange(LEAVE)).toEqual({ ok: false, reason: "not in joint config" });
    const both: ConfChange = { transition: "auto", changes: [{ type: "remove-node", node: "n1" }, { type: "remove-node", node: "n2" }, { type: "remove-node", node: "n3" }] };
    expect(leader.proposeConfChange(both)).toEqual({ ok: false, reason: "removed all voters" });
    network.processReadies(["n1"]);
    const drops = network.node("n1").events.filter((event) => event.type === "proposal-dropped");
    expect(drops.map((event) => event.type === "proposal-dropped" && event.reason)).toEqual(["conf change pending", "not in joint config", "removed all voters"]);
  });

  it("a node with committed but unapplied conf changes does not campaign", () => {
    const network = new Network(["n1", "n2", "n3"]);
    network.elect("n1");
    network.raw("n1").proposeConfChange({ transition: "auto", changes: [{ type: "add-learner", node: "n4" }] });
    for (let round = 0; round < 4; round++) {
      network.processReadies(["n1", "n3"]);
      network.deliver((message) => message.to !== "n2");
      network.raw("n2").tick();
    }
    network.processReadies(["n1"]);
    network.deliver((message) => message.to === "n2");
    expect(network.raw("n2").status().commit).toBe(2);
    expect(network.raw("n2").campaign()).toEqual({ ok: false, reason: "unapplied conf changes" });
    network.processReadies(["n2"]);
    expect(network.raw("n2").campaign()).toEqual({ ok: true });
  });
});

describe("joint consensus", () => {
  const five = ["n1", "n2", "n3", "n4", "n5"];

  it("two changes at once enter a joint config, which the leader leaves automatically once applied", () => {
    const network = new Network(five, { voters: ["n1", "n2", "n3"], observe: true }, { n4: { voters: five }, n5: { voters: five } });
    network.elect("n1");
    const change: ConfChange = { transition: "auto", changes: [{ type: "add-node", node: "n4" }, { type: "add-node", node: "n5" }] };
    expect(network.raw("n1").proposeConfChange(change)).toEqual({ ok: true });
    network.stabilize();
    expect(applied(network.node("n1").events)).toEqual([
      confState(five, { votersOutgoing: ["n1", "n2", "n3"], autoLeave: true }),
      confState(five),
    ]);
    expect(network.node("n5").confState).toEqual(confState(five));
  });

  it("joint-explicit stays joint until an empty change, refusing other changes meanwhile", () => {
    const network = new Network(["n1", "n2", "n3", "n4"], { voters: ["n1", "n2", "n3"] }, { n4: { voters: ["n1", "n2", "n3", "n4"] } });
    network.elect("n1");
    const leader = network.raw("n1");
    const replace: ConfChange = { transition: "joint-explicit", changes: [{ type: "add-node", node: "n4" }, { type: "remove-node", node: "n3" }] };
    expect(leader.proposeConfChange(replace)).toEqual({ ok: true });
    network.stabilize();
    const joint = confState(["n1", "n2", "n4"], { votersOutgoing: ["n1", "n2", "n3"] });
    expect(leader.status().confState).toEqual(joint);
    expect(leader.proposeConfChange(add("n5"))).toEqual({ ok: false, reason: "must transition out of joint config first" });
    expect(leader.proposeConfChange(LEAVE)).toEqual({ ok: true });
    network.stabilize();
    expect(leader.status().confState).toEqual(confState(["n1", "n2", "n4"]));
    expect(network.node("n3").confState).toEqual(confState(["n1", "n2", "n4"]));
  });

  it("commits only with a majority of both halves", () => {
    const network = new Network(["n1", "n2", "n3", "n4"], { voters: ["n1", "n2", "n3"], random: fixedRandom(5) }, {
      n4: { voters: ["n1", "n2", "n3", "n4"] },
    });
    network.elect("n1");
    const replace: ConfChange = { transition: "joint-explicit", changes: [{ type: "add-node", node: "n4" }, { type: "remove-node", node: "n3" }] };
    network.raw("n1").proposeConfChange(replace);
    network.stabilize();
    // Incoming {n1 n2 n4}, outgoing {n1 n2 n3}: with n2 down, n1+n4 and n1+n3 are majorities of each.
    network.crash("n2");
    expect(commits(network, "n1", "both halves")).toBe(true);
    // With n3 down too, n1+n4 is still a majority of the incoming half but the outgoing half has only n1.
    network.crash("n3");
    expect(commits(network, "n1", "incoming only")).toBe(false);
  });

  it("a learner added for an outgoing voter becomes a learner when the joint config is left", () => {
    const network = new Network(["n1", "n2", "n3"]);
    network.elect("n1");
    const demote: ConfChange = { transition: "joint-implicit", changes: [{ type: "add-learner", node: "n3" }] };
    network.raw("n1").proposeConfChange(demote);
    network.stabilize();
    expect(network.raw("n1").status().confState).toEqual(confState(["n1", "n2"], { learners: ["n3"] }));
    expect(network.raw("n3").campaign()).toEqual({ ok: false, reason: "not promotable" });
  });
});

describe("removing the leader", () => {
  it("with stepDownOnRemoval the leader steps down once the removal is applied, and the rest elect a leader", () => {
    const network = new Network(["n1", "n2", "n3"], { stepDownOnRemoval: true, observe: true });
    network.elect("n1");
    network.raw("n1").proposeConfChange({ transition: "auto", changes: [{ type: "remove-node", node: "n1" }] });
    network.stabilize();
    expect(network.raw("n1").status().role).toBe("follower");
    expect(network.node("n1").events.filter((event) => event.type === "became-follower").at(-1)).toMatchObject({
      reason: "removed from configuration",
    });
    expect(network.node("n2").confState).toEqual(confState(["n2", "n3"]));
    network.elect("n2");
    expect(commits(network, "n2", "after")).toBe(true);
  });

  it("without it the removed leader keeps leading but drops new proposals", () => {
    const network = new Network(["n1", "n2", "n3"]);
    network.elect("n1");
    network.raw("n1").proposeConfChange({ transition: "auto", changes: [{ type: "remove-node", node: "n1" }] });
    network.stabilize();
    expect(network.raw("n1").status().role).toBe("leader");
    expect(network.raw("n1").propose("x")).toEqual({ ok: false, reason: "not a member of the configuration" });
  });
});
