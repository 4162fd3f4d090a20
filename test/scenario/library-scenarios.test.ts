/**
 * The scenario library beyond the Raft stories of raft-scenarios.test.ts: every other file in
 * scenarios/ must hold at its pinned seed and at seeds 1..20, with no violation except those it
 * declares (a planted bug caught, or a drift beyond the bound shown to break lease reads), and with
 * its client history checked for linearizability as `etcdlab run` checks it.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScenario, runScenario } from "../../src/scenario/index.js";
import { declaredViolations, load, outcome, SCENARIOS, SEEDS } from "./library.js";

/** The stories raft-scenarios.test.ts runs (with extra checks of its own). */
const RAFT_STORIES = new Set([
  "first-election",
  "leader-crash",
  "leader-isolated",
  "quorum-loss",
  "figure7",
  "figure8",
  "figure8-commit",
  "figure8-bug",
  "prevote-rejoin",
  "no-prevote-rejoin",
  "leader-transfer",
  "membership",
  "snapshot-catch-up",
  "four-members",
  "slow-disk-election",
]);

/**
 * Seeds for scenarios too heavy for twenty: network-faults traces some 140,000 ball throws per run
 * (0.7 s each), so it runs at its pinned seed and five others.
 */
const FEWER_SEEDS: Readonly<Record<string, readonly number[]>> = { "network-faults": SEEDS.slice(0, 5) };

/** The violations a scenario of the library declares, where it declares any. */
const DECLARED: Readonly<Record<string, readonly string[]>> = {
  "lease-read-drift-bug": ["linearizability", "stale-read"],
  "lease-read-beyond-bound": ["linearizability", "stale-read"],
};

const LIBRARY = readdirSync(SCENARIOS)
  .filter((file) => file.endsWith(".yaml"))
  .map((file) => file.slice(0, -".yaml".length))
  .filter((name) => !RAFT_STORIES.has(name))
  .sort();

/** The history check `etcdlab run` makes, with a budget no test run comes near. */
const historyCheck = { timeoutMs: 60_000, now: () => performance.now() };

describe("the scenario library", () => {
  it("holds every shipped scenario that raft-scenarios.test.ts does not run", () => {
    expect(LIBRARY).toEqual(expect.arrayContaining(["check-quorum", "lease-read-drift", "lease-read-drift-bug", "lease-read-beyond-bound", "nospace-alarm", "backup-restore"]));
    for (const name of RAFT_STORIES) expect(readdirSync(SCENARIOS)).toContain(`${name}.yaml`);
  });

  for (const name of LIBRARY) {
    const seeds = FEWER_SEEDS[name] ?? SEEDS;
    it(`${name} holds at its pinned seed and at seeds 1..${seeds.length}`, () => {
      const scenario = load(name);
      expect(scenario.title.length).toBeGreaterThan(0);
      expect(declaredViolations(scenario)).toEqual([...(DECLARED[name] ?? [])].sort());
      for (const seed of [scenario.seed, ...seeds]) {
        const result = runScenario(scenario, { seed, historyCheck });
        expect(outcome(result)).toEqual({ seed, ok: true, failed: [], violations: [] });
        expect(result.expectations.passed).toBeGreaterThan(0);
      }
    });
  }
});

describe("the violation expectation for linearizability", () => {
  const header = "title: t\ndescription: d\nseed: 3\ncluster: {members: 3}\nsteps:\n  - campaign: n1\n  - wait: 200ms\n  - put: {key: k, value: v1}\n  - get: {key: k}\n";

  it("checks the client history so far, and fails when it is linearizable", () => {
    const result = runScenario(parseScenario(`${header}  - expect: {violation: linearizability}\n`, "t.yaml"), { historyCheck });
    expect(result.expectations.results.map((record) => `${record.kind} ${record.passed}: ${record.detail}`)).toEqual([
      "violation false: linearizability expected, but the client history so far is linearizable",
    ]);
    expect(result.ok).toBe(false);
  });

  it("passes on a stale read, and the history check after the run then does not fail it", () => {
    const scenario = load("lease-read-drift-bug");
    const result = runScenario(scenario, { historyCheck });
    const records = result.expectations.results.filter((record) => record.kind === "violation").map((record) => record.detail);
    expect(records).toEqual([expect.stringMatching(/^stale-read caught: c1's read of k \(invoked at [\d.]+s on n1\) was served at revision 2, but revision 3 had been acknowledged/), expect.stringMatching(/^linearizability caught: /)]);
    expect(result.historyVerdict).toBe("not-linearizable");
    expect(result.ok).toBe(true);
  });
});
