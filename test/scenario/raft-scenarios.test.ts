/**
 * The Raft teaching scenarios (scenarios/*.yaml) as golden tests: each story must hold at its
 * pinned seed and at seeds 1..20, with no violation except the ones a scenario declares (a planted
 * bug being caught). Plus the control experiment of figure8-bug: the same steps without the bug.
 */
import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../src/etcd/events.js";
import { parseScenario, runScenario, type RunResult } from "../../src/scenario/index.js";
import { declaredViolations, load, outcome, SCENARIOS, SEEDS } from "./library.js";
import { parseTrace } from "../../src/sim/trace.js";

/** Every Raft scenario, with the violations it declares (and so expects the checkers to report). */
const STORIES: ReadonlyArray<{ readonly name: string; readonly violations: readonly string[] }> = [
  { name: "first-election", violations: [] },
  { name: "leader-crash", violations: [] },
  { name: "leader-isolated", violations: [] },
  { name: "quorum-loss", violations: [] },
  { name: "figure7", violations: [] },
  { name: "figure8", violations: [] },
  { name: "figure8-commit", violations: [] },
  { name: "figure8-bug", violations: ["commit-rule", "leader-completeness", "state-machine-safety"] },
  { name: "prevote-rejoin", violations: [] },
  { name: "no-prevote-rejoin", violations: [] },
  { name: "leader-transfer", violations: [] },
  { name: "membership", violations: [] },
  { name: "snapshot-catch-up", violations: [] },
  { name: "four-members", violations: [] },
  { name: "slow-disk-election", violations: [] },
];

/** The run's trace events of one type. */
function eventsOf<Type extends TraceEvent["type"]>(result: RunResult, type: Type): Array<Extract<TraceEvent, { type: Type }>> {
  const events = parseTrace(result.traceText, result.scenario).events as TraceEvent[];
  return events.filter((event): event is Extract<TraceEvent, { type: Type }> => event.type === type);
}

/** Who applied index 2, and the term of the entry they applied there: "n3@3". */
function appliedAtIndex2(result: RunResult): string[] {
  return eventsOf(result, "raft.apply")
    .filter((event) => event.index === 2)
    .map((event) => `${event.node}@${event.term}`)
    .sort();
}

describe("Raft scenarios", () => {
  for (const story of STORIES) {
    it(`${story.name} holds at its pinned seed and at seeds 1..20`, () => {
      const scenario = load(story.name);
      expect(declaredViolations(scenario)).toEqual([...story.violations].sort());
      for (const seed of [scenario.seed, ...SEEDS]) {
        const result = runScenario(scenario, { seed });
        expect(outcome(result)).toEqual({ seed, ok: true, failed: [], violations: [] });
        expect(result.expectations.passed).toBeGreaterThan(0);
      }
    });
  }

  it("figure8-bug without its bug: no violation, and no member commits or applies the term-2 entry", () => {
    const scenario = load("figure8-bug");
    expect(scenario.bugs).toEqual(["commit-old-term-by-count"]);
    const result = runScenario({ ...scenario, bugs: [] });
    expect(result.bugs).toEqual([]);
    expect(result.violations).toEqual([]);
    // n1 leads term 4 with index 2 (term 2) on a majority; no member commits index 2 before term 5.
    expect(eventsOf(result, "raft.role").filter((event) => event.role === "leader" && event.term === 4).map((event) => event.node)).toEqual(["n1"]);
    expect(eventsOf(result, "raft.commit").filter((event) => event.term < 5 && event.commit >= 2)).toEqual([]);
    // Index 2 is first committed by n5 in term 5, holding n5's entry of term 3; nobody applies the term-2 entry.
    expect(appliedAtIndex2(result)).toEqual(["n2@3", "n3@3", "n4@3", "n5@3"]);
    // Exactly the expectations that describe the bug's damage fail: n1 and n2 never commit or apply index 2 in term 4, n2 keeps following, no violation is caught.
    expect(result.expectations.results.filter((record) => !record.passed).map((record) => record.kind)).toEqual(["commit", "applied", "violation", "log", "violation", "violation"]);
  });

  it("figure8-bug with its bug: n1 commits the term-2 entry by counting replicas, and n1 and n2 apply it", () => {
    const result = runScenario(load("figure8-bug"));
    expect(eventsOf(result, "raft.commit").filter((event) => event.node === "n1" && event.term === 4).map((event) => event.commit)).toEqual([2]);
    expect(appliedAtIndex2(result)).toEqual(["n1@2", "n2@2", "n3@3", "n4@3", "n5@3"]);
    expect(result.violations).toEqual([]);
    expect(result.ok).toBe(true);
  });
});

describe("the Raft steps' file format", () => {
  const header = "title: t\ndescription: d\ncluster: {members: 3}\nsteps:\n";

  it("refuses a trigger running a step other than partition, heal or note, at its position", () => {
    const text = `${header}  - when:\n      leader: n1\n      then:\n        - crash: n2\n`;
    expect(() => parseScenario(text, "t.yaml")).toThrow("t.yaml:8:11: a trigger may only run partition, heal, note (got 'crash')");
  });

  it("refuses a trigger with no condition or two", () => {
    expect(() => parseScenario(`${header}  - when: {then: [heal]}\n`, "t.yaml")).toThrow(/'when' needs exactly one condition/);
    expect(() => parseScenario(`${header}  - when: {leader: n1, appended: {node: n2, index: 2}, then: [heal]}\n`, "t.yaml")).toThrow(/'when' needs exactly one condition/);
  });

  it("checks a triggered step with that step's own schema", () => {
    const text = `${header}  - when: {leader: n1, then: [{partition: {isolate: N1}}]}\n`;
    expect(() => parseScenario(text, "t.yaml")).toThrow(/^t\.yaml:5:\d+: /);
  });

  it("refuses a misspelt Raft event kind with the nearest known one", () => {
    const text = `${header}  - expect:\n      raft-events-where: {kind: entries-truncted, where: {term: 2}}\n`;
    expect(() => parseScenario(text, "t.yaml")).toThrow("t.yaml:6:33: unknown Raft event kind 'entries-truncted': did you mean 'entries-truncated'?");
  });

  it("reads logs written as lists, as the paper prints them, or as one term", () => {
    const text = `${header}  - expect:\n      log: {n1: [1, 1, 4], n2: 1 1 4, n3: 1}\n`;
    const step = parseScenario(text, "t.yaml").steps[0];
    expect(step?.value).toEqual([{ kind: "log", value: { n1: [1, 1, 4], n2: [1, 1, 4], n3: [1] } }]);
    expect(() => parseScenario(`${header}  - expect:\n      log: {n1: 1 x 4}\n`, "t.yaml")).toThrow(/expected the terms of the log's entries/);
  });
});
