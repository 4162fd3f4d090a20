/**
 * A sweep: which seeds to run, and the jobs a sweep is made of (run one seed; reproduce one failing
 * seed), as plain data that crosses a worker thread's message channel.
 *
 * Shards: `--shard i/n` (1 <= i <= n) takes every n-th seed of the sweep, starting with its i-th,
 * so that n machines (a Kubernetes Indexed Job, a CI matrix) share one sweep and their JSON results
 * merge by concatenation. A job's result depends only on the job and the sweep's configuration, so
 * a sweep gives the same results on any number of workers and shards.
 */
import { fuzzTraceText, historyEdn, historyJsonl, reproduceCommand, scenarioYaml } from "./artifacts.js";
import { fuzzSeed, type FuzzOptions } from "./run-seed.js";
import { faultCount, shrinkPlan } from "./shrink.js";

export interface Shard {
  /** From 1 to `count`. */
  readonly index: number;
  readonly count: number;
}

/** The seeds of `from .. from + count - 1` that a shard runs (every seed without one). */
export function shardSeeds(from: number, count: number, shard: Shard | undefined): number[] {
  const seeds: number[] = [];
  const step = shard?.count ?? 1;
  for (let seed = from + (shard === undefined ? 0 : shard.index - 1); seed < from + count; seed += step) seeds.push(seed);
  return seeds;
}

/** What every job of a sweep shares. */
export interface SweepConfig {
  readonly members: number;
  readonly bugs: readonly string[];
  /** Wall-clock budget of each history check, in milliseconds. */
  readonly historyBudgetMs: number;
}

export type FuzzJob = { readonly type: "seed"; readonly seed: number } | { readonly type: "reproduce"; readonly seed: number };

/** A seed's verdict: its first violation, if any. */
export interface SeedOutcome {
  readonly seed: number;
  readonly failure: { readonly kind: string; readonly detail: string } | null;
  /** The linearizability verdict: null when the check ran out of its budget (or did not run). */
  readonly linearizable: boolean | null;
}

/** Everything that reproduces a failing seed: the files' contents and the shrink's figures. */
export interface Reproduction {
  readonly seed: number;
  readonly kind: string;
  readonly detail: string;
  readonly command: string;
  readonly faults: number;
  readonly shrunkFaults: number;
  readonly shrinkRuns: number;
  readonly trace: string;
  readonly history: string;
  readonly edn: string;
  readonly scenario: string;
}

export type FuzzJobResult = { readonly type: "seed"; readonly outcome: SeedOutcome } | { readonly type: "reproduce"; readonly reproduction: Reproduction | null };

/**
 * Runs one job; `now` is the wall clock (milliseconds) that bounds each history check. A seed that
 * makes the simulator throw (a failed assertion: a bug) fails with the kind `exception`; it is not
 * reproduced (its repro command shows the stack).
 */
export function runJob(job: FuzzJob, config: SweepConfig, now: () => number): FuzzJobResult {
  const options: FuzzOptions = { members: config.members, bugs: config.bugs, checkLinearizability: true, historyBudgetMs: config.historyBudgetMs, now };
  try {
    if (job.type === "reproduce") return { type: "reproduce", reproduction: reproduce(job.seed, config, options) };
    const result = fuzzSeed(job.seed, options);
    const first = result.violations[0];
    return { type: "seed", outcome: { seed: job.seed, failure: first === undefined ? null : { kind: first.kind, detail: first.detail }, linearizable: result.linearizable } };
  } catch (error) {
    if (job.type === "reproduce") return { type: "reproduce", reproduction: null };
    const detail = `the simulator threw: ${error instanceof Error ? error.message : String(error)}`;
    return { type: "seed", outcome: { seed: job.seed, failure: { kind: EXCEPTION, detail }, linearizable: null } };
  }
}

/** The failure kind of a seed that made the simulator throw. */
export const EXCEPTION = "exception";

/**
 * Runs a failing seed again with its trace recorded, and shrinks its fault plan. Null when the
 * seed does not fail this time (only a history check that ran out of its budget can do that), or
 * when it throws.
 */
function reproduce(seed: number, config: SweepConfig, options: FuzzOptions): Reproduction | null {
  const result = fuzzSeed(seed, { ...options, recordTrace: true });
  const first = result.violations[0];
  if (first === undefined) return null;
  const shrunk = shrinkPlan(seed, options, result, first.kind);
  const source = { seed, members: config.members, bugs: config.bugs, settings: result.settings, kind: first.kind, detail: first.detail, originalFaults: faultCount(result) };
  return {
    seed,
    kind: first.kind,
    detail: first.detail,
    command: reproduceCommand(seed, config),
    faults: faultCount(result),
    shrunkFaults: faultCount(shrunk),
    shrinkRuns: shrunk.runs,
    trace: fuzzTraceText(result, config),
    history: historyJsonl(result),
    edn: historyEdn(result),
    scenario: scenarioYaml({ ...source, plan: shrunk.plan, leaderFaults: shrunk.leaderFaults }),
  };
}
