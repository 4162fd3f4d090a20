/**
 * The whole-cluster property and its failure report, shared by properties.test.ts and anyone who
 * wants to replay a counterexample by hand (`runPlan(plan)` with the plan printed as data).
 *
 * The report leads with what reproduces the failure (fast-check's seed and path, and the command
 * that replays exactly that counterexample), then the shrunk plan one record per line, then the
 * violations.
 */
import fc from "fast-check";
import { describePlan, planSize, propertyPlanArbitrary, type PropertyPlan } from "./arbitraries.js";
import { runPlan } from "./plan-runner.js";

/** The property failed because the run reported violations (the message lists them, one per line). */
export class PlanFailure extends Error {
  override readonly name = "PlanFailure";
}

/** Any plan for a cluster of `members`: its run reports no violation at all. */
export function clusterProperty(members: number, bugs: readonly string[] = []): fc.IPropertyWithHooks<[PropertyPlan]> {
  return fc.property(propertyPlanArbitrary(members), (plan) => {
    const run = runPlan(plan, bugs);
    if (run.failures.length > 0) throw new PlanFailure(run.failures.join("\n"));
  });
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}

/** The message of a failed property named `title` (run by test/etcd/properties.test.ts). */
export function failureReport(title: string, details: fc.RunDetails<[PropertyPlan]>): string {
  if (!details.failed || details.counterexample === null) return fc.defaultReportMessage(details) ?? `${title}: the property failed`;
  const [plan] = details.counterexample;
  const error = details.errorInstance;
  const cause = error instanceof PlanFailure ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  return [
    `${title}: failed after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s)`,
    `fast-check: { seed: ${details.seed}, path: "${details.counterexamplePath}" }`,
    `replay: ETCDLAB_PROPERTY_SEED=${details.seed} ETCDLAB_PROPERTY_PATH=${details.counterexamplePath} npx vitest run test/etcd/properties.test.ts -t "${title}"`,
    `shrunk plan (${planSize(plan)} records):`,
    indent(describePlan(plan)),
    "what went wrong:",
    indent(cause),
    `the plan as data (runPlan replays it): ${JSON.stringify(plan)}`,
  ].join("\n");
}
