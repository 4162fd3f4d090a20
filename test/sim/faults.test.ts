import { describe, expect, it } from "vitest";
import { DEFAULT_NEMESIS, drawFaultPlan, describeFault } from "../../src/sim/faults.js";
import { Prng } from "../../src/sim/prng.js";

const NODES = ["n1", "n2", "n3", "n4", "n5"];

describe("nemesis", () => {
  it("draws the same plan from the same seed, and a different one from another", () => {
    const plan = drawFaultPlan(new Prng(11), NODES, DEFAULT_NEMESIS);
    expect(drawFaultPlan(new Prng(11), NODES, DEFAULT_NEMESIS)).toEqual(plan);
    expect(drawFaultPlan(new Prng(12), NODES, DEFAULT_NEMESIS)).not.toEqual(plan);
  });

  it("keeps faults inside the window, in time order, and undoes every one of them by the end", () => {
    for (let seed = 0; seed < 50; seed++) {
      const plan = drawFaultPlan(new Prng(seed), NODES, DEFAULT_NEMESIS);
      const times = plan.map((record) => record.at);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(Math.min(...times)).toBeGreaterThanOrEqual(DEFAULT_NEMESIS.startUs);
      expect(Math.max(...times)).toBe(DEFAULT_NEMESIS.endUs);
      const crashed = new Set<string>();
      const paused = new Set<string>();
      for (const { fault } of plan) {
        if (fault.kind === "crash") crashed.add(fault.node);
        if (fault.kind === "restart") crashed.delete(fault.node);
        if (fault.kind === "pause") paused.add(fault.node);
        if (fault.kind === "resume") paused.delete(fault.node);
      }
      expect(crashed.size + paused.size).toBe(0);
      expect(plan[plan.length - 1]?.fault).toEqual({ kind: "heal" });
    }
  });

  it("draws only the kinds whose weight is not zero (swarm testing)", () => {
    const onlyCrashes = { ...DEFAULT_NEMESIS, weights: { crash: 1, bounce: 0, pause: 0, partition: 0, "slow-disk": 0, drift: 0, network: 0 } };
    const kinds = new Set(drawFaultPlan(new Prng(3), NODES, onlyCrashes).map((record) => record.fault.kind));
    expect([...kinds].sort()).toEqual(["crash", "heal", "restart"]);
  });

  it("describes faults in words", () => {
    expect(describeFault({ kind: "partition", partition: { kind: "isolate", node: "n2" } }, NODES)).toBe("partition n2 | n1 n3 n4 n5");
    expect(describeFault({ kind: "slow-disk", node: "n1", factor: 10 }, NODES)).toBe("n1's disk 10x slower");
    expect(describeFault({ kind: "drift", node: "n1", rate: 1.05 }, NODES)).toBe("n1's clock runs at 1.05x");
  });
});
