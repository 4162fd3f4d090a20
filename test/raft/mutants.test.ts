/**
 * The planted bugs that break replication and elections, each shown next to the correct
 * behaviour. (commit-old-term-by-count is shown in figure8.test.ts, the read mutants in
 * read-index.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { RAFT_MUTANTS, RawNode } from "../../src/raft/index.js";
import { entriesOfTerms, fixedRandom, Network } from "./harness.js";

describe("vote-without-log-check", () => {
  /** n1 commits "a" at index 2 with n2; n3 never saw it; n2 has not yet heard of the commit. Then n1 crashes. */
  function committedOnlyOnN1AndN2(mutants: ReadonlySet<string>): Network {
    const network = new Network(["n1", "n2", "n3"], { random: fixedRandom(5) }, { n2: { mutants } });
    network.elect("n1");
    network.isolate("n3");
    network.raw("n1").propose("a");
    network.processReadies();
    network.deliver((message) => message.to === "n2");
    network.processReadies();
    network.deliver((message) => message.to === "n1");
    network.processReadies(["n1"]);
    expect(network.node("n1").applied.get(2)?.data).toBe("a");
    expect(network.raw("n2").status().commit).toBe(1);
    network.drop();
    network.crash("n1");
    network.heal();
    return network;
  }

  it("correct: n2 refuses n3, whose log lacks the committed entry", () => {
    const network = committedOnlyOnN1AndN2(new Set());
    network.raw("n3").campaign();
    network.stabilize();
    expect(network.raw("n3").status().role).toBe("candidate");
    expect(network.safetyViolations).toEqual([]);
  });

  it("mutant: n2 votes for n3, whose empty entry then overwrites the committed one", () => {
    const network = committedOnlyOnN1AndN2(new Set(["vote-without-log-check"]));
    network.raw("n3").campaign();
    network.stabilize();
    expect(network.raw("n3").status()).toMatchObject({ role: "leader", term: 2 });
    expect(network.node("n2").disk.entries.map((entry) => entry.term)).toEqual([1, 2]);
    expect(network.safetyViolations).toEqual(["index 2: n1 applied term 1, n3 applied term 2", "index 2: n1 applied term 1, n2 applied term 2"]);
  });
});

describe("no-truncate-on-conflict", () => {
  /** n3 holds an uncommitted entry 2@1 of an old leader; n2 becomes leader of term 2 without it. */
  function divergentFollower(mutants: ReadonlySet<string>): Network {
    const network = new Network(["n1", "n2", "n3"], {}, { n3: { mutants } });
    for (const id of network.ids()) {
      const node = network.node(id);
      node.disk.entries = entriesOfTerms(id === "n3" ? [1, 1] : [1]);
      node.disk.hardState = { term: 1, vote: null, commit: 1 };
      node.restartFromDisk();
    }
    network.elect("n2");
    return network;
  }

  it("correct: n3 drops its conflicting entry and takes the leader's", () => {
    const network = divergentFollower(new Set());
    expect(network.node("n3").disk.entries.map((entry) => entry.term)).toEqual([1, 2]);
    expect(network.safetyViolations).toEqual([]);
  });

  it("mutant: n3 keeps its own entry, acknowledges the leader's and applies a different entry at index 2", () => {
    const network = divergentFollower(new Set(["no-truncate-on-conflict"]));
    expect(network.node("n3").disk.entries.map((entry) => entry.term)).toEqual([1, 1]);
    expect(network.raw("n2").status().progress?.find((peer) => peer.id === "n3")?.match).toBe(2);
    // The next heartbeat tells n3 that index 2 is committed: it applies its own entry there.
    network.tick("n2");
    network.stabilize();
    expect(network.node("n3").applied.get(2)).toEqual({ index: 2, term: 1, data: "2@1" });
    expect(network.safetyViolations).toEqual(["index 2: n2 applied term 2, n3 applied term 1"]);
  });
});

describe("mutant switches", () => {
  it("names the five raft-level mutants; unknown names are ignored and the resolved config lists them", () => {
    expect([...RAFT_MUTANTS]).toEqual([
      "commit-old-term-by-count",
      "vote-without-log-check",
      "no-truncate-on-conflict",
      "stale-leader-read",
      "lease-read-under-drift",
    ]);
    const node = new RawNode({ id: "n1", voters: ["n1"], random: fixedRandom(), mutants: new Set(["ack-before-fsync", "stale-leader-read"]) });
    expect(node.settings.mutants).toEqual(["ack-before-fsync", "stale-leader-read"]);
  });
});
