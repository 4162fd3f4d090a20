/**
 * `etcdlab run <scenario> [--seed N] [--trace FILE] [--edn FILE] [--json] [--bug NAME]`: the
 * headless runner. The client history of a scenario with clients (the etcd cluster kind) is checked
 * for linearizability after the last step, within a wall-clock budget; a history that is not
 * linearizable is a violation like any other (kind `linearizability`). With `--trace FILE` the
 * history is written beside the trace (`FILE` without `.jsonl`, plus `.history.jsonl`), in
 * etcdlab's history JSON Lines; `--edn FILE` exports it as a Jepsen EDN history.
 *
 * Exit 0 when every expectation and checker holds, 1 when one fails (with the seed and the exact
 * command that reproduces it), 2 on bad input, 3 when everything else held but the history check
 * ran out of its budget.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { flagBoolean, flagInteger, flagList, flagString, parseArgs, UsageError } from "../args.js";
import { type Command, EXIT_FAILED, EXIT_OK, EXIT_UNKNOWN } from "../cli.js";
import type { CommandIo } from "../io.js";
import { displayPath, resolveScenarioPath } from "../paths.js";
import { formatHistoryJsonl, historyToEdn } from "../../check/history/index.js";
import { loadScenarioFile, runScenario, type RunResult, type Scenario } from "../../scenario/index.js";
import { clusterKinds } from "../../scenario/registry.js";
import { unknownWord } from "../../scenario/scenario.js";
import { formatDuration } from "../../sim/time.js";
import { InputError } from "../../sim/errors.js";

export const command: Command = {
  name: "run",
  usage: "run <scenario> [--seed N] [--trace FILE] [--edn FILE] [--json] [--bug NAME]",
  summary: "run a scenario headless and check its expectations and invariants",
  run: async (argv, io) => runCommand(argv, io),
};

export function parseSeed(value: number | undefined): number | undefined {
  if (value !== undefined && (value < 0 || value > 2 ** 32 - 1)) {
    throw new UsageError(`flag '--seed' must be between 0 and 4294967295 (got ${value})`);
  }
  return value;
}

async function runCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, {
    seed: { kind: "integer" },
    trace: { kind: "string" },
    edn: { kind: "string" },
    json: { kind: "boolean" },
    bug: { kind: "string", repeatable: true },
  });
  if (args.positionals.length !== 1) {
    throw new UsageError(args.positionals.length === 0 ? "run needs a scenario (a file or a name from scenarios/)" : `run takes one scenario, got ${args.positionals.length}`);
  }
  const argument = args.positionals[0] as string;
  const path = resolveScenarioPath(argument, io.cwd);
  const scenario = loadScenarioFile(path, displayPath(path, io.cwd));
  const seed = parseSeed(flagInteger(args, "seed"));
  const bugs = plantableBugs(flagList(args, "bug").map(String), scenario);
  const historyCheck = { timeoutMs: HISTORY_BUDGET_MS, now: () => performance.now() };
  const result = runScenario(scenario, { ...(seed !== undefined ? { seed } : {}), bugs, historyCheck });
  const tracePath = outputPath(flagString(args, "trace"), io.cwd);
  const ednPath = outputPath(flagString(args, "edn"), io.cwd);
  if (ednPath !== undefined && result.history === null) {
    throw new UsageError(`flag '--edn' needs a scenario with clients (an etcd cluster); this one's cluster is '${scenario.cluster.kind}'`);
  }
  if (tracePath !== undefined) {
    writeOutput(tracePath, "trace", result.traceText);
    if (result.history !== null) writeOutput(historyPathFor(tracePath), "history", formatHistoryJsonl(result.history));
  }
  if (ednPath !== undefined && result.history !== null) writeOutput(ednPath, "EDN history", historyToEdn(result.history));
  const repro = reproduceCommand(argument, { seed: result.seed, bugs });
  if (flagBoolean(args, "json")) {
    io.write(`${JSON.stringify(jsonSummary(result, repro))}\n`);
  } else {
    io.write(textSummary(result, repro));
  }
  if (!result.ok) return EXIT_FAILED;
  return result.historyVerdict === "unknown" ? EXIT_UNKNOWN : EXIT_OK;
}

/** `--bug` names, each one the scenario's kind of cluster can plant (else a usage error). */
function plantableBugs(bugs: readonly string[], scenario: Scenario): string[] {
  const known = clusterKinds().get(scenario.cluster.kind)?.bugs ?? [];
  for (const bug of bugs) {
    if (known.length === 0) throw new UsageError(`flag '--bug': a '${scenario.cluster.kind}' cluster has no planted bugs (got '${bug}')`);
    if (!known.includes(bug)) throw new UsageError(`flag '--bug': ${unknownWord("bug", bug, known)}`);
  }
  return [...bugs];
}

/** How long `run` may spend checking a scenario's client history (a few milliseconds, usually). */
const HISTORY_BUDGET_MS = 10_000;

/** Where the client history goes beside a trace file: `run.jsonl` gives `run.history.jsonl`. */
export function historyPathFor(tracePath: string): string {
  return `${tracePath.replace(/\.jsonl$/, "")}.history.jsonl`;
}

function outputPath(path: string | undefined, cwd: string): string | undefined {
  return path === undefined ? undefined : resolve(cwd, path);
}

function writeOutput(path: string, what: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new InputError(`cannot write ${what} file '${path}' (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

export function reproduceCommand(argument: string, result: Pick<RunResult, "seed" | "bugs">): string {
  return ["etcdlab run", argument, `--seed ${result.seed}`, ...result.bugs.map((bug) => `--bug ${bug}`)].join(" ");
}

function jsonSummary(result: RunResult, repro: string): unknown {
  return {
    scenario: result.scenario,
    seed: result.seed,
    version: result.version,
    bugs: result.bugs,
    ok: result.ok,
    virtualTimeUs: result.virtualTimeUs,
    events: result.events,
    traceSha256: result.traceSha256,
    violations: result.violations,
    ...(result.history !== null ? { history: { operations: result.history.operations.length, verdict: result.historyVerdict } } : {}),
    expectations: {
      passed: result.expectations.passed,
      failed: result.expectations.failed,
      results: result.expectations.results,
    },
    ...(result.ok ? {} : { reproduce: repro }),
  };
}

function textSummary(result: RunResult, repro: string): string {
  const lines = [`scenario ${result.scenario}, seed ${result.seed}, etcdlab ${result.version}${result.bugs.length > 0 ? `, planted bugs: ${result.bugs.join(", ")}` : ""}`];
  for (const expectation of result.expectations.results) {
    lines.push(`  ${expectation.passed ? "ok  " : "FAIL"} ${formatDuration(expectation.timeUs).padStart(10)}  ${expectation.kind}: ${expectation.detail}  (${expectation.where})`);
  }
  for (const violation of result.violations) {
    lines.push(`  VIOLATION ${formatDuration(violation.timeUs).padStart(10)}  ${violation.kind}: ${violation.detail}`);
  }
  if (result.history !== null) lines.push(`  history: ${historyLine(result)}`);
  const { passed, failed } = result.expectations;
  const tally = `${passed} expectation${passed === 1 ? "" : "s"} passed, ${failed} failed, ${result.violations.length} violation${result.violations.length === 1 ? "" : "s"}`;
  lines.push(`${result.ok ? "ok" : "FAILED"}: ${tally}; ${result.events} events in ${formatDuration(result.virtualTimeUs)} virtual time; trace sha256 ${result.traceSha256}`);
  if (!result.ok) lines.push(`seed ${result.seed}; reproduce with: ${repro}`);
  return `${lines.join("\n")}\n`;
}

function historyLine(result: RunResult): string {
  const count = result.history?.operations.length ?? 0;
  const operations = `${count} client operation${count === 1 ? "" : "s"}`;
  switch (result.historyVerdict) {
    case "linearizable":
      return `${operations}, linearizable`;
    case "not-linearizable":
      return `${operations}, NOT linearizable (see the linearizability violation)`;
    case "unknown":
      return `${operations}, linearizability unknown: the check ran out of its ${HISTORY_BUDGET_MS / 1000}s budget`;
    case null:
      return `${operations}, not checked`;
  }
}
