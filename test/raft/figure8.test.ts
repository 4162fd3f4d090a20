/**
 * Figure 8 (§5.4.2): why a leader may not commit an entry of an earlier term by counting replicas.
 * The paper's script, with etcd's empty leader entries in place of client entries: the term-2
 * entry Y at index 2 is the empty entry of s1's first leadership, Z at index 2 that of s5's.
 */
import { describe, expect, it } from "vitest";
import type { Message } from "../../src/raft/index.js";
import { entriesOfTerms, Network } from "./harness.js";

const SERVERS = ["s1", "s2", "s3", "s4", "s5"];

function isVote(message: Message): boolean {
  return message.type === "MsgVote" || message.type === "MsgVoteResp";
}

/** Delivers only votes and their answers until the election settles. */
function campaign(network: Network, id: string): void {
  expect(network.raw(id).campaign()).toEqual({ ok: true });
  for (let round = 0; round < 4; round++) {
    network.processReadies();
    network.deliver(isVote);
  }
  network.processReadies();
}

function terms(network: Network, id: string): number[] {
  return network.node(id).logTerms();
}

/** Panels (a)–(c); returns the network at the end of (c), with s1 leader of term 4. */
function panelsAToC(mutants: ReadonlySet<string>): Network {
  const network = new Network(SERVERS, { maxEntriesPerMessage: 1, mutants });
  for (const id of SERVERS) {
    const node = network.node(id);
    node.disk.entries = entriesOfTerms([1]);
    node.disk.hardState = { term: 1, vote: null, commit: 1 };
    node.restartFromDisk();
  }
  // (a) s1 leads term 2; its entry at index 2 reaches s2 only.
  campaign(network, "s1");
  expect(network.raw("s1").status()).toMatchObject({ role: "leader", term: 2 });
  network.deliver((message) => message.type === "MsgApp" && message.to === "s2");
  network.drop((message) => message.from === "s1");
  network.processReadies();
  network.deliver((message) => message.to === "s1");
  network.processReadies();
  network.drop();
  expect(SERVERS.map((id) => terms(network, id))).toEqual([[1, 2], [1, 2], [1], [1], [1]]);
  expect(network.raw("s1").status().commit).toBe(1);

  // (b) s1 crashes; s5 leads term 3 with the votes of s3, s4 (s2's log is more up to date); its entry reaches no one.
  network.crash("s1");
  campaign(network, "s5");
  expect(network.raw("s5").status()).toMatchObject({ role: "leader", term: 3 });
  network.drop();
  network.processReadies();
  expect(terms(network, "s5")).toEqual([1, 3]);

  // (c) s5 crashes, s1 restarts; its term-3 campaign fails (s3, s4 voted for s5), its term-4 campaign wins.
  network.crash("s5");
  network.restart("s1");
  campaign(network, "s1");
  expect(network.raw("s1").status()).toMatchObject({ role: "candidate", term: 3 });
  campaign(network, "s1");
  expect(network.raw("s1").status()).toMatchObject({ role: "leader", term: 4 });
  // s1 appended its term-4 entry at index 3; s2 takes it, s3 is caught up to index 2 only, s4 gets nothing.
  network.deliver((message) => message.type === "MsgApp" && (message.to === "s2" || message.to === "s3"));
  network.drop((message) => message.from === "s1");
  network.processReadies();
  network.deliver((message) => message.to === "s1");
  network.processReadies();
  network.deliver((message) => message.type === "MsgApp" && message.to === "s3" && message.index === 1);
  network.drop((message) => message.from === "s1");
  network.processReadies();
  network.deliver((message) => message.to === "s1");
  network.processReadies();
  expect(SERVERS.map((id) => terms(network, id))).toEqual([[1, 2, 4], [1, 2, 4], [1, 2], [1], [1, 3]]);
  return network;
}

/** Panel (d): s1 crashes before its term-4 entry is on a majority; s5 returns and leads term 5. */
function panelD(network: Network): void {
  network.drop();
  network.crash("s1");
  network.restart("s5");
  campaign(network, "s5");
  expect(network.raw("s5").status()).toMatchObject({ role: "follower", term: 4 });
  campaign(network, "s5");
  expect(network.raw("s5").status()).toMatchObject({ role: "leader", term: 5 });
  network.stabilize(["s2", "s3", "s4", "s5"]);
}

describe("Figure 8", () => {
  it("(c) the term-2 entry is on a majority but not committed: the commit index stays at 1", () => {
    const network = panelsAToC(new Set());
    const progress = network.raw("s1").status().progress ?? [];
    expect(progress.map((peer) => [peer.id, peer.match])).toEqual([["s1", 3], ["s2", 3], ["s3", 2], ["s4", 0], ["s5", 0]]);
    expect(network.raw("s1").status().commit).toBe(1);
    expect(network.node("s1").appliedIndex).toBe(1);
  });

  it("(d) without the mutant, s5 overwrites the uncommitted entry and State Machine Safety holds", () => {
    const network = panelsAToC(new Set());
    panelD(network);
    for (const id of ["s2", "s3", "s4", "s5"]) expect(terms(network, id), id).toEqual([1, 3, 5]);
    expect(network.node("s3").appliedIndex).toBe(3);
    expect(network.safetyViolations).toEqual([]);
  });

  it("(d) with commit-old-term-by-count, s1 commits and applies the term-2 entry, which s5 then overwrites", () => {
    const network = panelsAToC(new Set(["commit-old-term-by-count"]));
    expect(network.raw("s1").status().commit).toBe(2);
    expect(network.node("s1").applied.get(2)).toMatchObject({ index: 2, term: 2 });
    panelD(network);
    expect(terms(network, "s3")).toEqual([1, 3, 5]);
    expect([...network.safetyViolations].sort()).toEqual(
      ["s2", "s3", "s4", "s5"].map((id) => `index 2: s1 applied term 2, ${id} applied term 3`),
    );
  });

  it("(e) once s1's term-4 entry is on a majority, both entries commit and s5 can no longer win", () => {
    const network = panelsAToC(new Set());
    network.processReadies();
    network.deliver((message) => message.type === "MsgApp" && message.to === "s3");
    network.drop((message) => message.from === "s1" && message.to !== "s3");
    network.processReadies();
    network.deliver((message) => message.to === "s1");
    network.processReadies();
    expect(network.raw("s1").status().commit).toBe(3);
    network.drop();
    network.crash("s1");
    network.restart("s5");
    campaign(network, "s5");
    campaign(network, "s5");
    expect(network.raw("s5").status()).toMatchObject({ role: "candidate", term: 5 });
    campaign(network, "s2");
    expect(network.raw("s2").status()).toMatchObject({ role: "leader", term: 6 });
    network.stabilize(["s2", "s3", "s4", "s5"]);
    for (const id of ["s2", "s3", "s4", "s5"]) expect(terms(network, id), id).toEqual([1, 2, 4, 6]);
    expect(network.safetyViolations).toEqual([]);
  });
});
