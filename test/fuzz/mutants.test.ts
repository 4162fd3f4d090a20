/**
 * Every planted bug is caught by the checkers, and the same seed passes without it: for each bug,
 * the fuzzer is run from seed 1 until a seed breaks a property (it must within the budget), and
 * that seed is run again with the bug taken out.
 */
import { describe, expect, it } from "vitest";
import { fuzzSeed } from "../../src/fuzz/run-seed.js";

const BUDGET = 600;

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
    it(`${bug}: caught by the checkers, and the same seed passes without it`, () => {
      let caught: { seed: number; kind: string } | undefined;
      for (let seed = 1; seed <= BUDGET && caught === undefined; seed++) {
        const result = fuzzSeed(seed, { members: 3, bugs: [bug], checkLinearizability: false });
        const first = result.violations[0];
        if (first !== undefined) caught = { seed, kind: first.kind };
      }
      expect(caught, `${bug} was not caught in seeds 1..${BUDGET}`).toBeDefined();
      expect(kinds).toContain(caught?.kind);
      const clean = fuzzSeed(caught?.seed ?? 0, { members: 3, bugs: [], checkLinearizability: true });
      expect(clean.violations).toEqual([]);
      expect(clean.linearizable).toBe(true);
    });
  }
});
