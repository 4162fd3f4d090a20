/**
 * `etcdlab run <scenario> [--seed N] [--trace FILE] [--json] [--bug NAME]`: the headless runner.
 * Exit 0 when every expectation and checker holds, 1 when one fails (with the seed and the exact
 * command that reproduces it), 2 on bad input.
 */
import { writeFileSync } from "node:fs";
import { flagBoolean, flagInteger, flagList, flagString, parseArgs, UsageError } from "../args.js";
import { type Command, EXIT_FAILED, EXIT_OK } from "../cli.js";
import type { CommandIo } from "../io.js";
import { displayPath, resolveScenarioPath } from "../paths.js";
import { loadScenarioFile, runScenario, type RunResult } from "../../scenario/index.js";
import { formatDuration } from "../../sim/time.js";
import { InputError } from "../../sim/errors.js";

export const command: Command = {
  name: "run",
  usage: "run <scenario> [--seed N] [--trace FILE] [--json] [--bug NAME]",
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
  const bugs = flagList(args, "bug").map(String);
  const result = runScenario(scenario, { ...(seed !== undefined ? { seed } : {}), bugs });
  const tracePath = flagString(args, "trace");
  if (tracePath !== undefined) {
    try {
      writeFileSync(tracePath, result.traceText);
    } catch (error) {
      throw new InputError(`cannot write trace file '${tracePath}' (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  const repro = reproduceCommand(argument, { seed: result.seed, bugs });
  if (flagBoolean(args, "json")) {
    io.write(`${JSON.stringify(jsonSummary(result, repro))}\n`);
  } else {
    io.write(textSummary(result, repro));
  }
  return result.ok ? EXIT_OK : EXIT_FAILED;
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
  const { passed, failed } = result.expectations;
  const tally = `${passed} expectation${passed === 1 ? "" : "s"} passed, ${failed} failed, ${result.violations.length} violation${result.violations.length === 1 ? "" : "s"}`;
  lines.push(`${result.ok ? "ok" : "FAILED"}: ${tally}; ${result.events} events in ${formatDuration(result.virtualTimeUs)} virtual time; trace sha256 ${result.traceSha256}`);
  if (!result.ok) lines.push(`seed ${result.seed}; reproduce with: ${repro}`);
  return `${lines.join("\n")}\n`;
}
