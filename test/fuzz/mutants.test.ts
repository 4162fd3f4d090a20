/**
 * Every planted bug is caught by the checkers, its failing fault plan shrinks to a handful of
 * faults that still fail, and the same seed passes without it: for each bug, the fuzzer is run from
 * seed 1 as `etcdlab fuzz --bug NAME` runs it until a seed breaks a property (it must within the
 * budget); that seed's plan is shrunk and written as a scenario, which must fail with the same
 * violation; and the seed is run again with the bug taken out.
 */
import { describe, expect, it } from "vitest";
import { scenarioYaml } from "../../src/fuzz/artifacts.js";
import { fuzzSeed, type FuzzOptions } from "../../src/fuzz/run-seed.js";
import { faultCount, shrinkPlan } from "../../src/fuzz/shrink.js";
import { parseScenario, runScenario } from "../../src/scenario/index.js";

const BUDGET = 600;
/** The most faults a shrunk plan may keep (records of the nemesis plan plus leader-aimed faults). */
const SHRUNK_FAULTS_MAX = 10;

const BUGS: ReadonlyArray<{ readonly bug: string; readonly kinds: readonly string[] }> = [
  { bug: "commit-old-term-by-count", kinds: ["commit-rule"] },
  { bug: "vote-without-log-check", kinds: ["leader-completeness", "state-machine-safety", "log-matching"] },
  { bug: "forget-vote-on-restart", kinds: ["election-safety"] },
  { bug: "no-truncate-on-conflict", kinds: ["log-matching", "state-machine-safety"] },
  { bug: "ack-before-fsync", kinds: ["durability", "state-machine-safety", "leader-completeness"] },
  { bug: "stale-leader-read", kinds: ["stale-read"] },
  { bug: "lease-read-under-drift", kinds: ["stale-read"] },
];

describe("planted bugs", () => {
  for (const { bug, kinds } of BUGS) {
    it(`${bug}: caught by the checkers, shrunk to at most ${SHRUNK_FAULTS_MAX} faults that still fail, and the same seed passes without it`, () => {
      const options: FuzzOptions = { members: 3, bugs: [bug], checkLinearizability: true };
      let caught: ReturnType<typeof fuzzSeed> | undefined;
      for (let seed = 1; seed <= BUDGET && caught === undefined; seed++) {
        const result = fuzzSeed(seed, options);
        if (result.violations.length > 0) caught = result;
      }
      if (caught === undefined) throw new Error(`${bug} was not caught in seeds 1..${BUDGET}`);
      const { seed } = caught;
      const kind = caught.violations[0]?.kind ?? "";
      expect(kinds).toContain(kind);

      const shrunk = shrinkPlan(seed, options, caught, kind);
      expect(faultCount(shrunk)).toBeLessThanOrEqual(SHRUNK_FAULTS_MAX);
      expect(faultCount(shrunk)).toBeLessThan(faultCount(caught));
      expect(fuzzSeed(seed, { ...options, ...shrunk }).violations[0]?.kind).toBe(kind);
      const source = { seed, members: 3, bugs: [bug], settings: caught.settings, kind, detail: caught.violations[0]?.detail ?? "", originalFaults: faultCount(caught) };
      const scenario = parseScenario(scenarioYaml({ ...source, ...shrunk }), `seed-${seed}.scenario.yaml`);
      const replayed = runScenario(scenario, { historyCheck: { timeoutMs: 60_000, now: () => performance.now() } });
      expect(replayed.ok).toBe(false);
      expect(replayed.violations[0]?.kind).toBe(kind);

      const clean = fuzzSeed(seed, { members: 3, bugs: [], checkLinearizability: true });
      expect(clean.violations).toEqual([]);
      expect(clean.linearizable).toBe(true);
    });
  }

  it("shrinking is deterministic: the same failure shrinks to the same plan in the same number of runs", () => {
    const options: FuzzOptions = { members: 3, bugs: ["no-truncate-on-conflict"], checkLinearizability: false };
    const failing = fuzzSeed(19, options);
    const kind = failing.violations[0]?.kind ?? "";
    expect(kind).toBe("log-matching");
    expect(shrinkPlan(19, options, failing, kind)).toEqual(shrinkPlan(19, options, failing, kind));
  });
});
