/**
 * A fuzz run written as a scenario (src/fuzz/artifacts.ts, with the steps of
 * src/scenario/fuzz-steps.ts) runs exactly as it ran in the fuzzer: the same events in the same
 * order at the same virtual times, the same client history, the same violations. And every fault
 * the nemesis draws survives the trip through YAML unchanged.
 */
import { describe, expect, it } from "vitest";
import { formatHistoryJsonl } from "../../src/check/history/index.js";
import { fuzzTraceText, historyJsonl, scenarioYaml } from "../../src/fuzz/artifacts.js";
import { fuzzSeed } from "../../src/fuzz/run-seed.js";
import type { LeaderFault } from "../../src/fuzz/schedule.js";
import { parseScenario, runScenario } from "../../src/scenario/index.js";
import type { Fault, TimedFault } from "../../src/sim/faults.js";
import type { PartitionSpec } from "../../src/sim/network.js";

/** The event lines of a serialized trace (without its header and footer). */
function eventLines(text: string): string[] {
  return text.trimEnd().split("\n").slice(1, -1);
}

function scenarioOf(seed: number, members: number, bugs: string[], run: { settings: ReturnType<typeof fuzzSeed>["settings"]; plan: readonly TimedFault[]; leaderFaults: readonly LeaderFault[] }) {
  const yaml = scenarioYaml({ seed, members, bugs, settings: run.settings, plan: run.plan, leaderFaults: run.leaderFaults, kind: "election-safety", detail: "two leaders in term 3", originalFaults: 40 });
  return parseScenario(yaml, `seed-${seed}.scenario.yaml`);
}

describe("a fuzz run written as a scenario", () => {
  for (const [seed, members] of [
    [1, 3],
    [2, 3],
    [3, 5],
  ] as const) {
    it(`runs exactly as in the fuzzer: seed ${seed}, ${members} members`, () => {
      const fuzzed = fuzzSeed(seed, { members, bugs: [], checkLinearizability: true, recordTrace: true });
      expect(fuzzed.plan.length + fuzzed.leaderFaults.length).toBeGreaterThan(5);
      const replayed = runScenario(scenarioOf(seed, members, [], fuzzed), { historyCheck: { timeoutMs: 60_000, now: () => performance.now() } });
      expect(replayed.virtualTimeUs).toBe(fuzzed.virtualUs);
      expect(eventLines(replayed.traceText)).toEqual(eventLines(fuzzTraceText(fuzzed, { members, bugs: [] })));
      expect(formatHistoryJsonl(replayed.history ?? { model: "etcd", operations: [], source: "" })).toBe(historyJsonl(fuzzed));
      expect(replayed.violations).toEqual([]);
      expect(replayed.historyVerdict).toBe("linearizable");
      expect(replayed.ok).toBe(true);
    });
  }

  it("fails with the fuzz run's first violation, at the same time, when a planted bug breaks a property", () => {
    const bugs = ["commit-old-term-by-count"];
    const fuzzed = fuzzSeed(2, { members: 3, bugs, checkLinearizability: false });
    const first = fuzzed.violations[0];
    expect(first?.kind).toBe("commit-rule");
    const replayed = runScenario(scenarioOf(2, 3, bugs, fuzzed));
    expect(replayed.violations[0]).toEqual(first);
    expect(replayed.ok).toBe(false);
  });
});

describe("fault steps", () => {
  const partitions: PartitionSpec[] = [
    { kind: "isolate", node: "n3" },
    { kind: "split", minority: ["n1"] },
    { kind: "bridge", left: ["n1"], bridge: "n2", right: ["n3"] },
    { kind: "ring", order: ["n2", "n1", "n3"] },
    { kind: "one-way", from: ["n1"], to: ["n2", "n3"] },
    { kind: "groups", groups: [["n1"], ["n2", "n3"]] },
  ];
  const faults: Fault[] = [
    { kind: "crash", node: "n1" },
    { kind: "restart", node: "n1" },
    { kind: "pause", node: "n2" },
    { kind: "resume", node: "n2" },
    ...partitions.map((partition): Fault => ({ kind: "partition", partition })),
    { kind: "heal" },
    { kind: "slow-disk", node: "n1", factor: 17 },
    { kind: "slow-disk", node: "n1", factor: 1 },
    { kind: "drift", node: "n2", rate: 1 + -37 / 1000 },
    { kind: "drift", node: "n2", rate: 1 + 41 / 1000 },
    { kind: "drift", node: "n2", rate: 1 },
    { kind: "network", lossPpm: 12_345, duplicatePpm: 1, reorderPpm: 49_999 },
    { kind: "network", lossPpm: 0, duplicatePpm: 0, reorderPpm: 0 },
  ];
  const plan: TimedFault[] = faults.map((fault, index) => ({ at: 1_000_001 + index * 123_457, fault }));
  const leaderFaults: LeaderFault[] = [
    { at: 1_000_001, kind: "bounce", downUs: 1_661 },
    { at: 2_500_000, kind: "isolate", downUs: 227_724 },
  ];

  /** A loaded kernel step as the fault it applies. */
  function faultOf(kind: string, value: unknown): Fault {
    switch (kind) {
      case "crash":
      case "restart":
      case "pause":
      case "resume":
        return { kind, node: value as string };
      case "partition":
        return { kind, partition: value as PartitionSpec };
      case "heal":
        return { kind };
      case "slow-disk":
        return { kind, ...(value as { node: string; factor: number }) };
      case "drift":
        return { kind, ...(value as { node: string; rate: number }) };
      case "network": {
        const { loss, duplicate, reorder } = value as { loss: number; duplicate: number; reorder: number };
        return { kind, lossPpm: loss, duplicatePpm: duplicate, reorderPpm: reorder };
      }
      default:
        throw new Error(`not a fault step: ${kind}`);
    }
  }

  it("hold every fault the nemesis draws, exactly, at its exact time, with the leader-aimed faults in schedule order", () => {
    const scenario = scenarioOf(9, 3, [], { settings: fuzzSeed(9, { members: 3, bugs: [], checkLinearizability: false }).settings, plan, leaderFaults });
    const steps = scenario.steps.slice(1, -1);
    const leaderSteps = steps.filter((step) => step.kind === "crash-leader" || step.kind === "isolate-leader");
    const faultSteps = steps.filter((step) => !leaderSteps.includes(step));
    expect(faultSteps.map((step) => ({ at: step.at, fault: faultOf(step.kind, step.value) }))).toEqual(plan);
    expect(leaderSteps.map((step) => ({ at: step.at, kind: step.kind, downUs: step.value }))).toEqual([
      { at: 1_000_001, kind: "crash-leader", downUs: 1_661 },
      { at: 2_500_000, kind: "isolate-leader", downUs: 227_724 },
    ]);
    expect(steps.map((step) => step.kind).slice(0, 2)).toEqual(["crash", "crash-leader"]);
    expect(scenario.steps[0]?.kind).toBe("workload");
    expect(scenario.steps.at(-1)).toMatchObject({ kind: "liveness", at: 6_000_000, value: { "election-timeouts": 10 } });
  });

  it("write a partition into one group, which cuts nothing, as a heal", () => {
    const oneGroup: TimedFault[] = [{ at: 2_000_000, fault: { kind: "partition", partition: { kind: "groups", groups: [["n1", "n2", "n3"]] } } }];
    const scenario = scenarioOf(9, 3, [], { settings: fuzzSeed(9, { members: 3, bugs: [], checkLinearizability: false }).settings, plan: oneGroup, leaderFaults: [] });
    expect(scenario.steps.map((step) => [step.kind, step.at])).toEqual([
      ["workload", undefined],
      ["heal", 2_000_000],
      ["liveness", 6_000_000],
    ]);
  });
});
