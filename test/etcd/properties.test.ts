/**
 * Property tests of whole simulated etcd clusters (fast-check): for 3-, 5- and 7-member clusters,
 * any fault plan (partitions of every shape, crash/restart, pause, clock drift, slow disks, network
 * loss/duplication/reordering) with cluster operations (leader transfers, forced campaigns,
 * membership changes) and a random client workload keeps every safety property, and once every
 * fault is undone the cluster elects a leader and applies every committed entry everywhere; the
 * client history is linearizable. Plans are data (arbitraries.ts) run by plan-runner.ts; two
 * cheap tests first check the plans themselves (lease-read plans never pause a member, undo records
 * follow what they undo) and that a plan replays to the same run, which shrinking relies on.
 *
 * CI runs 50 plans per cluster size with a fixed seed (a few seconds in all). For longer runs:
 *
 *   ETCDLAB_PROPERTY_RUNS=200 npx vitest run test/etcd/properties.test.ts
 *   ETCDLAB_PROPERTY_SEED=7 ETCDLAB_PROPERTY_RUNS=200 npx vitest run test/etcd/properties.test.ts
 *
 * A failure prints the fast-check seed and path, the shrunk plan one record per line, what went
 * wrong, and the command that replays exactly that counterexample (ETCDLAB_PROPERTY_PATH).
 *
 * The last test plants a bug and requires the same harness to find it and shrink it to a handful
 * of records: a harness that cannot fail proves nothing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Fault } from "../../src/sim/faults.js";
import { describePlan, MAX_DRIFT, memberNames, newcomerOf, PLAN_FROM_US, PLAN_LAST_US, planSize, propertyPlanArbitrary, type PropertyPlan, undoOf } from "./arbitraries.js";
import { clusterProperty, failureReport } from "./cluster-property.js";
import { runPlan } from "./plan-runner.js";
import { integerFromEnvironment } from "../property-knobs.js";

/** Plans per cluster size in CI (each takes 10–300 ms). */
const CI_RUNS = 50;
const CI_SEED = 20_260_601;
const CLUSTER_SIZES = [3, 5, 7] as const;
/** The planted bug of the sanity test: a node grants its vote without comparing logs (Raft §5.4.1). */
const PLANTED_BUG = "vote-without-log-check";
const SANITY_SEED = 1;
const SANITY_RUNS = 50;
/** The most records a shrunk counterexample of the planted bug may keep. */
const SHRUNK_RECORDS_MAX = 10;
/** Violations that only say the cluster got stuck; a planted safety bug must show as something else. */
const LIVENESS_KINDS = ["liveness", "livelock"];

const runs = integerFromEnvironment("ETCDLAB_PROPERTY_RUNS", CI_RUNS, 1);
const seed = integerFromEnvironment("ETCDLAB_PROPERTY_SEED", CI_SEED, -0x80000000);
const replayPath = process.env.ETCDLAB_PROPERTY_PATH;
/** Generous: a long run (ETCDLAB_PROPERTY_RUNS) must not be cut short by vitest. */
const timeoutMs = Math.max(60_000, runs * 3_000);

/** The member names a fault mentions. */
function namesOf(fault: Fault): string[] {
  if (fault.kind === "partition") return JSON.stringify(fault.partition).match(/n\d+/g) ?? [];
  return "node" in fault ? [fault.node] : [];
}

/**
 * Undo records with no earlier fault for them to undo (a restart before any crash of that node, a
 * heal before any partition, ...). Network records are left out: a drawn fault may be all zeros.
 */
function undoesWithoutStart(plan: PropertyPlan): string[] {
  const started = new Set<string>();
  const orphans: string[] = [];
  for (const { fault } of plan.faults) {
    const node = "node" in fault ? fault.node : "";
    const undo =
      fault.kind === "restart" || fault.kind === "resume" || fault.kind === "heal" || (fault.kind === "slow-disk" && fault.factor === 1) || (fault.kind === "drift" && fault.rate === 1);
    const key = `${undoOf(fault).kind} ${node}`;
    if (!undo) started.add(key);
    else if (!started.has(key)) orphans.push(`${fault.kind} ${node}`);
  }
  return orphans;
}

describe("fault plans as data", () => {
  it("keep lease reads safe, stay inside the window, undo only what they started and name only members", () => {
    for (const members of CLUSTER_SIZES) {
      const founders = memberNames(members);
      fc.assert(
        fc.property(propertyPlanArbitrary(members), (plan) => {
          if (plan.readOnly === "lease-based") {
            expect(plan.faults.filter(({ fault }) => fault.kind === "pause")).toEqual([]);
            expect(plan.checkQuorum).toBe(true);
          }
          for (const { fault } of plan.faults) if (fault.kind === "drift") expect(Math.abs(fault.rate - 1)).toBeLessThanOrEqual(MAX_DRIFT + Number.EPSILON);
          for (const { at } of [...plan.faults, ...plan.operations]) {
            expect(at).toBeGreaterThanOrEqual(PLAN_FROM_US);
            expect(at).toBeLessThanOrEqual(PLAN_LAST_US);
          }
          for (const { fault } of plan.faults) {
            const allowed = fault.kind === "partition" ? founders : [...founders, newcomerOf(members)];
            expect(namesOf(fault).filter((name) => !allowed.includes(name))).toEqual([]);
          }
          expect(undoesWithoutStart(plan)).toEqual([]);
        }),
        { seed, numRuns: 200 },
      );
    }
  });

  it("replay deterministically: the same plan gives the same run", () => {
    const [plan] = fc.sample(propertyPlanArbitrary(5), { seed, numRuns: 1 }) as [PropertyPlan];
    const first = runPlan(plan);
    const second = runPlan(plan);
    expect(second).toEqual(first);
    expect(first.clientOperations).toBeGreaterThan(0);
  });
});

describe("etcd cluster properties", () => {
  for (const members of CLUSTER_SIZES) {
    const title = `a ${members}-member cluster stays safe under any fault plan and recovers once healed`;
    it(
      title,
      () => {
        fc.assert(clusterProperty(members), {
          seed,
          numRuns: runs,
          ...(replayPath === undefined ? {} : { path: replayPath }),
          reporter: (details) => {
            if (details.failed) throw new Error(failureReport(title, details));
          },
        });
      },
      timeoutMs,
    );
  }

  it(
    `finds a planted bug (${PLANTED_BUG}) within ${SANITY_RUNS} plans and shrinks it to at most ${SHRUNK_RECORDS_MAX} records`,
    () => {
      const details = fc.check(clusterProperty(3, [PLANTED_BUG]), { seed: SANITY_SEED, numRuns: SANITY_RUNS });
      expect(details.failed).toBe(true);
      const plan = (details.counterexample as [PropertyPlan])[0];
      expect(planSize(plan)).toBeLessThanOrEqual(SHRUNK_RECORDS_MAX);
      const kinds = runPlan(plan, [PLANTED_BUG]).violations.map((violation) => violation.kind);
      expect(kinds.filter((kind) => !LIVENESS_KINDS.includes(kind))).not.toEqual([]);
      const report = failureReport("planted bug", details);
      expect(report).toContain(`fast-check: { seed: ${SANITY_SEED}, path: "${details.counterexamplePath}" }`);
      expect(report).toContain(`ETCDLAB_PROPERTY_SEED=${SANITY_SEED} ETCDLAB_PROPERTY_PATH=${details.counterexamplePath}`);
      expect(report).toContain(describePlan(plan).split("\n").map((line) => `  ${line}`).join("\n"));
      expect(report).toMatch(/^ {2}at \d+\.\d{3}s: /m);
    },
    timeoutMs,
  );
});
