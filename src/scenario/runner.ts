/**
 * Runs a scenario: builds the world from the scenario's resolved configuration and the seed, applies
 * its steps in virtual time, checks its expectations, collects the checkers' violations, and
 * serializes the trace (whose SHA-256 identifies the run: same scenario + seed + version, same hash).
 */
import { assertNever } from "../sim/errors.js";
import { drawFaultPlan, type TimedFault } from "../sim/faults.js";
import type { Micros } from "../sim/time.js";
import { serializeTrace, Trace, TRACE_FORMAT, TRACE_FORMAT_VERSION, type TraceHeader, type TypedEvent } from "../sim/trace.js";
import { World } from "../sim/world.js";
import { PACKAGE_VERSION } from "../version.js";
import type { History } from "../check/history/index.js";
import type { Verdict } from "../check/linearizability/index.js";
import { clusterKinds, type ExpectationResult, expectationKinds, type FinishOptions, type Lab, type ScenarioRun, stepKinds, type Violation } from "./registry.js";
import type { LoadedExpectation, LoadedStep, Scenario } from "./scenario.js";

export interface ExpectationRecord {
  readonly where: string;
  readonly timeUs: Micros;
  readonly kind: string;
  readonly passed: boolean;
  readonly detail: string;
}

export interface RunResult {
  readonly scenario: string;
  readonly seed: number;
  readonly version: string;
  readonly bugs: readonly string[];
  readonly virtualTimeUs: Micros;
  readonly events: number;
  readonly traceSha256: string;
  readonly traceText: string;
  readonly violations: readonly Violation[];
  /** The client history (labs with clients), and the linearizability verdict (null: not checked). */
  readonly history: History | null;
  readonly historyVerdict: Verdict | null;
  readonly expectations: { readonly passed: number; readonly failed: number; readonly results: readonly ExpectationRecord[] };
  readonly ok: boolean;
}

export interface RunOptions {
  readonly seed?: number;
  /** Bugs to plant in addition to the scenario's own. */
  readonly bugs?: readonly string[];
  /** Check the client history for linearizability (within a budget of a wall clock the caller owns). */
  readonly historyCheck?: FinishOptions["historyCheck"];
}

/** The header of a scenario run's trace: everything needed to reproduce it. */
export function traceHeader(scenario: Scenario, seed: number, bugs: readonly string[], faultPlan: readonly TimedFault[]): TraceHeader {
  return {
    format: TRACE_FORMAT,
    formatVersion: TRACE_FORMAT_VERSION,
    packageVersion: PACKAGE_VERSION,
    seed,
    scenario: scenario.name,
    config: {
      title: scenario.title,
      cluster: scenario.cluster,
      network: scenario.network,
      fsync: scenario.fsync,
      bugs,
      nemesis: scenario.nemesis ?? null,
      faultPlan,
      runUntilUs: scenario.runUntil ?? null,
      steps: scenario.steps.map(({ where: _where, ...step }) => step),
    },
  };
}

export function runScenario(scenario: Scenario, options: RunOptions = {}): RunResult {
  const seed = options.seed ?? scenario.seed;
  const bugs = [...new Set([...scenario.bugs, ...(options.bugs ?? [])])];
  const cluster = clusterKinds().get(scenario.cluster.kind);
  if (cluster === undefined) throw new Error(`assertion failed: cluster kind ${scenario.cluster.kind} was validated`);
  const trace = new Trace<TypedEvent>(true);
  const world = new World({ seed, trace, defaultLink: scenario.network, fsyncLatency: scenario.fsync });
  const lab = cluster.create(world, scenario.cluster.options, bugs);
  const faultPlan = scenario.nemesis ? drawFaultPlan(world.random("nemesis"), lab.members, scenario.nemesis) : [];
  world.scheduleFaults(faultPlan);
  const results: ExpectationRecord[] = [];
  for (const step of scenario.steps) {
    if (step.at !== undefined) world.runUntil(step.at);
    const run = scenarioRun(world, lab, seed, step.where);
    if (step.kind === "expect") {
      for (const expectation of step.value as LoadedExpectation[]) results.push(evaluate(run, step, expectation));
    } else {
      const definition = stepKinds().get(step.kind);
      if (definition === undefined) return assertNever(step.kind as never, "step kind");
      const checks = definition.execute(run, step.value);
      if (checks !== undefined) for (const check of checks) results.push(record(run, step, check.kind, check));
    }
  }
  if (scenario.runUntil !== undefined) world.runUntil(scenario.runUntil);
  const lastFault = faultPlan[faultPlan.length - 1];
  if (lastFault !== undefined) world.runUntil(lastFault.at);
  const labHistory = lab.finish(options.historyCheck === undefined ? {} : { historyCheck: options.historyCheck });
  const { text, sha256 } = serializeTrace(traceHeader(scenario, seed, bugs, faultPlan), trace);
  const passed = results.filter((result) => result.passed).length;
  const violations = lab.violations();
  return {
    scenario: scenario.name,
    seed,
    version: PACKAGE_VERSION,
    bugs,
    virtualTimeUs: world.now,
    events: trace.length,
    traceSha256: sha256,
    traceText: text,
    violations,
    history: labHistory?.history ?? null,
    historyVerdict: labHistory?.verdict ?? null,
    expectations: { passed, failed: results.length - passed, results },
    ok: violations.length === 0 && passed === results.length,
  };
}

function scenarioRun(world: World, lab: Lab, seed: number, where: string): ScenarioRun {
  return { world, lab, seed, where, emit: (event) => world.emit(event) };
}

function evaluate(run: ScenarioRun, step: LoadedStep, expectation: LoadedExpectation): ExpectationRecord {
  const definition = expectationKinds().get(expectation.kind);
  if (definition === undefined) throw new Error(`assertion failed: expectation ${expectation.kind} was validated`);
  return record(run, step, expectation.kind, definition.evaluate(run, expectation.value));
}

function record(run: ScenarioRun, step: LoadedStep, kind: string, outcome: ExpectationResult): ExpectationRecord {
  run.emit({ type: "expectation", kind, passed: outcome.passed, detail: outcome.detail, position: step.position });
  return { where: step.where, timeUs: run.world.now, kind, passed: outcome.passed, detail: outcome.detail };
}
