/**
 * `etcdlab fuzz [--seeds N] [--from S] [--workers W] [--members 3|5|7] [--bug NAME] [--shard i/n]
 * [--out DIR] [--json]`: runs one random cluster, workload and fault plan per seed (swarm testing,
 * a safety phase with faults, then a liveness phase, then the linearizability check of the client
 * history: see src/fuzz/run-seed.ts) and reports every seed that broke a property, with the command
 * that reproduces it.
 *
 * Seeds run on W worker threads (by default one per core); the results are the same whatever W.
 * `--shard i/n` runs every n-th seed of the sweep, starting with its i-th, so that n machines share
 * one sweep (a Kubernetes Indexed Job passes `--shard $((JOB_COMPLETION_INDEX + 1))/N`; a CI matrix
 * its job number); the JSON reports of the shards merge by adding `failed` and concatenating
 * `violations`. On a terminal a progress bar goes to stderr (never in --json or piped output).
 *
 * The first few failing seeds are reproduced into DIR (default `.etcdlab/fuzz/`): the trace and the
 * client history (JSON Lines and Jepsen EDN) of the failing run, and its fault plan shrunk and
 * written as a scenario that `etcdlab run` fails with the same violation, checked here before it
 * is reported. Exit 0 when no seed failed, 1 when one did.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { flagBoolean, flagInteger, flagList, flagString, parseArgs, type ParsedArgs, UsageError } from "../args.js";
import { type Command, EXIT_FAILED, EXIT_OK } from "../cli.js";
import type { CommandIo } from "../io.js";
import { reproduceCommand } from "../../fuzz/artifacts.js";
import { type PoolOptions, runJobs, WORKERS_MAX } from "../../fuzz/pool.js";
import { EXCEPTION, type Reproduction, type SeedOutcome, type Shard, shardSeeds, type SweepConfig } from "../../fuzz/sweep.js";
import { ETCD_BUGS } from "../../scenario/etcd-cluster.js";
import { loadScenarioFile, runScenario } from "../../scenario/index.js";
import { InputError } from "../../sim/errors.js";
import { closest } from "../../scenario/words.js";

export const command: Command = {
  name: "fuzz",
  usage: "fuzz [--seeds N] [--from S] [--workers W] [--members 3|5|7] [--bug NAME] [--shard i/n] [--out DIR] [--json]",
  summary: "run random fault plans over many seeds and report every seed that breaks a property, with a shrunk scenario that reproduces it",
  run: async (argv, io) => fuzzCommand(argv, io),
};

export interface FuzzFailure {
  readonly seed: number;
  readonly kind: string;
  readonly detail: string;
  readonly repro: string;
}

/** How long each seed's history check may take. */
const HISTORY_BUDGET_MS = 2_000;
/** How many failing seeds (the first ones) are reproduced and shrunk. */
const REPRODUCED_SEEDS_MAX = 3;
const DEFAULT_OUT = ".etcdlab/fuzz";
/** How often the progress bar is redrawn. */
const PROGRESS_INTERVAL_MS = 100;

/** The compiled worker script, when this module runs compiled (tests run the sources: no workers). */
const WORKER_SCRIPT = import.meta.url.endsWith(".ts") ? undefined : new URL("../fuzz-worker.js", import.meta.url);

interface FuzzRequest {
  readonly count: number;
  readonly from: number;
  readonly shard: Shard | undefined;
  readonly workers: number;
  readonly config: SweepConfig;
  readonly out: string;
  readonly json: boolean;
}

async function fuzzCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const request = parseRequest(argv);
  refuseOutFile(request.out, io.cwd);
  const seeds = shardSeeds(request.from, request.count, request.shard);
  // Without a compiled worker script (the sources run under a test runner) every seed runs here.
  const workers = WORKER_SCRIPT === undefined ? 1 : Math.max(1, Math.min(request.workers, seeds.length));
  const pool: PoolOptions = { workers, workerScript: WORKER_SCRIPT, config: request.config, now: () => performance.now() };
  const progress = io.stdoutIsTty && !request.json ? new ProgressBar(io, seeds.length) : undefined;
  const printer = new FailurePrinter(request.json ? undefined : io, request.config, progress);
  const started = performance.now();
  const results = await runJobs(
    seeds.map((seed) => ({ type: "seed", seed })),
    pool,
    (index, result) => {
      if (result.type === "seed") printer.add(index, result.outcome);
    },
  );
  progress?.clear();
  const elapsedMs = Math.round(performance.now() - started);
  const outcomes = results.flatMap((result) => (result.type === "seed" ? [result.outcome] : []));
  const failures = outcomes.filter((outcome) => outcome.failure !== null);
  const reproduced = failures.filter((outcome) => outcome.failure?.kind !== EXCEPTION).slice(0, REPRODUCED_SEEDS_MAX);
  if (progress !== undefined && reproduced.length > 0) io.error(`reproducing and shrinking seed${reproduced.length === 1 ? "" : "s"} ${reproduced.map((outcome) => outcome.seed).join(", ")}...`);
  const reproductions = await runJobs(
    reproduced.map((outcome) => ({ type: "reproduce", seed: outcome.seed })),
    pool,
  );
  progress?.clear();
  const files: ReproductionFiles[] = [];
  const unreproduced: number[] = [];
  reproductions.forEach((result, index) => {
    if (result.type === "reproduce" && result.reproduction !== null) files.push(writeReproduction(result.reproduction, request, io));
    else unreproduced.push((reproduced[index] as SeedOutcome).seed);
  });
  const summary = { seeds, workers, outcomes, failures, files, unreproduced, elapsedMs };
  if (request.json) io.write(`${JSON.stringify(jsonReport(request, summary))}\n`);
  else io.write(textReport(request, summary));
  return failures.length === 0 ? EXIT_OK : EXIT_FAILED;
}

function parseRequest(argv: readonly string[]): FuzzRequest {
  const args = parseArgs(argv, {
    seeds: { kind: "integer" },
    from: { kind: "integer" },
    workers: { kind: "integer" },
    members: { kind: "integer" },
    bug: { kind: "string", repeatable: true },
    shard: { kind: "string" },
    out: { kind: "string" },
    json: { kind: "boolean" },
  });
  if (args.positionals.length > 0) throw new UsageError(`fuzz takes no arguments, got '${args.positionals[0]}'`);
  const count = flagInteger(args, "seeds") ?? 100;
  const from = flagInteger(args, "from") ?? 1;
  const members = flagInteger(args, "members") ?? 3;
  const workers = flagInteger(args, "workers") ?? Math.min(availableParallelism(), WORKERS_MAX);
  if (count < 1) throw new UsageError(`flag '--seeds' must be at least 1 (got ${count})`);
  if (from < 0 || from + count - 1 > 2 ** 32 - 1) throw new UsageError(`seeds must lie between 0 and 4294967295 (got --from ${from} --seeds ${count})`);
  if (![3, 5, 7].includes(members)) throw new UsageError(`flag '--members' must be 3, 5 or 7 (got ${members})`);
  if (workers < 1 || workers > WORKERS_MAX) throw new UsageError(`flag '--workers' must be between 1 and ${WORKERS_MAX} (got ${workers})`);
  return {
    count,
    from,
    shard: parseShard(flagString(args, "shard")),
    workers,
    config: { members, bugs: parseBugs(args), historyBudgetMs: HISTORY_BUDGET_MS },
    out: flagString(args, "out") ?? DEFAULT_OUT,
    json: flagBoolean(args, "json"),
  };
}

/** An `--out` inside or at a file is refused before the sweep rather than after it. */
function refuseOutFile(out: string, cwd: string): void {
  for (let path = resolve(cwd, out); ; path = dirname(path)) {
    if (existsSync(path)) {
      if (!statSync(path).isDirectory()) throw new UsageError(`flag '--out' must name a directory, and '${relative(cwd, path) || path}' is a file`);
      return;
    }
    if (dirname(path) === path) return;
  }
}

function parseBugs(args: ParsedArgs): string[] {
  const bugs = flagList(args, "bug").map(String);
  for (const bug of bugs) {
    if (!ETCD_BUGS.includes(bug)) {
      const hint = closest(bug, ETCD_BUGS);
      throw new UsageError(`unknown bug '${bug}'${hint ? `: did you mean '${hint}'?` : ` (known: ${ETCD_BUGS.join(", ")})`}`);
    }
  }
  return bugs;
}

export function parseShard(text: string | undefined): Shard | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || !(count >= 1 && index >= 1 && index <= count && count <= 2 ** 32)) {
    throw new UsageError(`flag '--shard' must be i/n with 1 <= i <= n, e.g. 2/4 (got '${text}')`);
  }
  return { index, count };
}

/** Prints each failing seed in seed order, as soon as every seed before it is done. */
class FailurePrinter {
  private readonly waiting = new Map<number, SeedOutcome>();
  private next = 0;

  constructor(
    private readonly io: CommandIo | undefined,
    private readonly config: SweepConfig,
    private readonly progress: ProgressBar | undefined,
  ) {}

  add(index: number, outcome: SeedOutcome): void {
    this.waiting.set(index, outcome);
    let text = "";
    for (let ready = this.waiting.get(this.next); ready !== undefined; ready = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.next++;
      if (ready.failure !== null) text += `seed ${ready.seed}: ${ready.failure.kind}: ${ready.failure.detail}\n  reproduce with: ${reproduceCommand(ready.seed, this.config)}\n`;
    }
    if (text !== "") {
      this.progress?.clear();
      this.io?.write(text);
    }
    this.progress?.seedDone(outcome.failure !== null);
  }
}

/** One line on stderr, redrawn in place: how far the sweep is, how many seeds failed, how fast. */
class ProgressBar {
  private readonly started = performance.now();
  private lastDrawMs = -Infinity;
  private done = 0;
  private failed = 0;

  constructor(
    private readonly io: CommandIo,
    private readonly total: number,
  ) {}

  seedDone(failed: boolean): void {
    this.done++;
    if (failed) this.failed++;
    const now = performance.now();
    if (now - this.lastDrawMs < PROGRESS_INTERVAL_MS && this.done < this.total) return;
    this.lastDrawMs = now;
    const width = 30;
    const filled = Math.round((width * this.done) / Math.max(1, this.total));
    const rate = this.done / Math.max(0.001, (now - this.started) / 1000);
    const left = Math.round((this.total - this.done) / rate);
    const eta = left >= 60 ? `${Math.floor(left / 60)}m${String(left % 60).padStart(2, "0")}s` : `${left}s`;
    this.io.error(`\r\x1b[K[${"#".repeat(filled)}${".".repeat(width - filled)}] ${this.done}/${this.total} seeds, ${this.failed} failed, ${rate.toFixed(1)} seeds/s, ${eta} left`);
  }

  clear(): void {
    this.io.error("\r\x1b[K");
  }
}

interface ReproductionFiles {
  readonly reproduction: Reproduction;
  readonly trace: string;
  readonly history: string;
  readonly edn: string;
  readonly scenario: string;
  /** Whether `etcdlab run` of the scenario fails with the seed's violation. */
  readonly reproduces: boolean;
}

/** Writes a failing seed's files into the output directory, and runs its scenario once. */
function writeReproduction(reproduction: Reproduction, request: FuzzRequest, io: CommandIo): ReproductionFiles {
  const base = `seed-${reproduction.seed}-${request.config.members}m${request.config.bugs.map((bug) => `-${bug}`).join("")}`;
  const shown = (suffix: string): string => join(request.out, `${base}${suffix}`);
  const files = { trace: shown(".trace.jsonl"), history: shown(".history.jsonl"), edn: shown(".history.edn"), scenario: shown(".scenario.yaml") };
  const directory = resolve(io.cwd, request.out);
  try {
    mkdirSync(directory, { recursive: true });
    writeFileSync(resolve(io.cwd, files.trace), reproduction.trace);
    writeFileSync(resolve(io.cwd, files.history), reproduction.history);
    writeFileSync(resolve(io.cwd, files.edn), reproduction.edn);
    writeFileSync(resolve(io.cwd, files.scenario), reproduction.scenario);
  } catch (error) {
    throw new InputError(`cannot write the reproduction files into '${request.out}' (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const scenario = loadScenarioFile(resolve(io.cwd, files.scenario), files.scenario);
  const run = runScenario(scenario, { historyCheck: { timeoutMs: HISTORY_BUDGET_MS, now: () => performance.now() } });
  const reproduces = run.violations.some((violation) => violation.kind === reproduction.kind);
  return { reproduction, ...files, reproduces };
}

interface SweepSummary {
  readonly seeds: readonly number[];
  /** The worker threads the seeds ran on (1: this thread). */
  readonly workers: number;
  readonly outcomes: readonly SeedOutcome[];
  readonly failures: readonly SeedOutcome[];
  readonly files: readonly ReproductionFiles[];
  /** Failing seeds picked for reproduction that did not fail again (a history check out of time, or a throw). */
  readonly unreproduced: readonly number[];
  readonly elapsedMs: number;
}

function jsonReport(request: FuzzRequest, summary: SweepSummary): unknown {
  const { members, bugs } = request.config;
  return {
    seeds: request.count,
    from: request.from,
    shard: request.shard === undefined ? null : `${request.shard.index}/${request.shard.count}`,
    ran: summary.seeds.length,
    members,
    bugs,
    workers: summary.workers,
    failed: summary.failures.length,
    historyUnknown: summary.outcomes.filter((outcome) => outcome.linearizable === null).length,
    elapsedMs: summary.elapsedMs,
    violations: summary.failures.map(
      (outcome): FuzzFailure => ({ seed: outcome.seed, kind: outcome.failure?.kind ?? "", detail: outcome.failure?.detail ?? "", repro: reproduceCommand(outcome.seed, request.config) }),
    ),
    reproductions: summary.files.map((files) => ({
      seed: files.reproduction.seed,
      kind: files.reproduction.kind,
      faults: files.reproduction.faults,
      shrunkFaults: files.reproduction.shrunkFaults,
      shrinkRuns: files.reproduction.shrinkRuns,
      trace: files.trace,
      history: files.history,
      edn: files.edn,
      scenario: files.scenario,
      reproduces: files.reproduces,
    })),
    unreproduced: summary.unreproduced,
  };
}

function textReport(request: FuzzRequest, summary: SweepSummary): string {
  const { members, bugs } = request.config;
  const last = request.from + request.count - 1;
  const shard = request.shard === undefined ? "" : `, shard ${request.shard.index}/${request.shard.count} (${summary.seeds.length} seed${summary.seeds.length === 1 ? "" : "s"})`;
  const planted = bugs.length > 0 ? ` with planted bug${bugs.length > 1 ? "s" : ""} ${bugs.join(", ")}` : "";
  const verdict = summary.failures.length === 0 ? "no seed failed" : `${summary.failures.length} failed`;
  const rate = (summary.seeds.length * 1000) / Math.max(1, summary.elapsedMs);
  const lines = [
    `${request.count} seed${request.count === 1 ? "" : "s"} (${request.from}..${last})${shard}, ${members} members${planted}: ${verdict} in ${(summary.elapsedMs / 1000).toFixed(1)}s (${rate.toFixed(1)} seeds/s, ${summary.workers} worker${summary.workers === 1 ? "" : "s"})`,
  ];
  const unknown = summary.outcomes.filter((outcome) => outcome.linearizable === null).length;
  if (unknown > 0) lines.push(`${unknown} client histor${unknown === 1 ? "y was" : "ies were"} not checked for linearizability within ${HISTORY_BUDGET_MS / 1000}s`);
  const picked = summary.files.length + summary.unreproduced.length;
  if (summary.failures.length > picked && picked > 0) lines.push(`the first ${picked} failing seeds are reproduced:`);
  for (const files of summary.files) lines.push(...reproductionLines(files));
  for (const seed of summary.unreproduced) lines.push(`seed ${seed}: not reproduced (run again with its trace recorded, it did not fail): no files written`);
  return `${lines.join("\n")}\n`;
}

function reproductionLines(files: ReproductionFiles): string[] {
  const { reproduction } = files;
  const check = files.reproduces ? `fails with ${reproduction.kind}` : `does NOT fail with ${reproduction.kind}: run the seed itself`;
  return [
    `seed ${reproduction.seed} (${reproduction.kind}):`,
    `  trace     ${files.trace}`,
    `  history   ${files.history} (Jepsen EDN: ${files.edn})`,
    `  scenario  ${files.scenario}: the fault plan shrunk from ${reproduction.faults} to ${reproduction.shrunkFaults} fault${reproduction.shrunkFaults === 1 ? "" : "s"} in ${reproduction.shrinkRuns} runs`,
    `  etcdlab run ${files.scenario}  ${check}`,
  ];
}
