/** Shared by the scenario-library tests: loading shipped scenarios and reading run results. */
import { join } from "node:path";
import { loadScenarioFile, type RunResult, type Scenario } from "../../src/scenario/index.js";
import type { LoadedExpectation } from "../../src/scenario/scenario.js";

export const SCENARIOS = join(import.meta.dirname, "../../scenarios");
export const SEEDS = Array.from({ length: 20 }, (_, index) => index + 1);

/** A shipped scenario by name. */
export function load(name: string): Scenario {
  return loadScenarioFile(join(SCENARIOS, `${name}.yaml`), `scenarios/${name}.yaml`);
}

/** The violation kinds a scenario's `violation` expectations declare. */
export function declaredViolations(scenario: Scenario): string[] {
  const kinds = scenario.steps
    .filter((step) => step.kind === "expect")
    .flatMap((step) => step.value as LoadedExpectation[])
    .filter((expectation) => expectation.kind === "violation")
    .map((expectation) => expectation.value as string);
  return [...new Set(kinds)].sort();
}

/** What a failing run looks like, in words a reader of the test output can act on. */
export function outcome(result: RunResult) {
  return {
    seed: result.seed,
    ok: result.ok,
    failed: result.expectations.results.filter((record) => !record.passed).map((record) => `${record.where} ${record.kind}: ${record.detail}`),
    violations: result.violations.map((violation) => `${violation.kind}: ${violation.detail}`),
  };
}
