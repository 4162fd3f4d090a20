/**
 * `etcdlab check-history FILE [--model register|kv|etcd] [--json] [--timeout-ms N]`: checks a
 * client history for linearizability. FILE is a Jepsen log, Jepsen EDN maps or an etcdlab JSON
 * Lines history (the format and the model are inferred from the content unless `--model` says).
 *
 * Prints the verdict (`linearizable`, `NOT linearizable`, `unknown (time budget of N ms spent)`),
 * the counts, and for a non-linearizable history the explanation; `--json` prints one JSON object
 * instead. Exit 0 linearizable, 1 not linearizable, 3 unknown, 2 bad input.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { flagBoolean, flagInteger, flagString, parseArgs, UsageError } from "../args.js";
import { type Command, EXIT_FAILED, EXIT_OK, EXIT_UNKNOWN } from "../cli.js";
import type { CommandIo } from "../io.js";
import { MODEL_NAMES, parseHistory, type ModelName } from "../../check/history/index.js";
import { checkHistory, type CheckResult } from "../../check/linearizability/index.js";
import { assertNever, InputError } from "../../sim/errors.js";

export const command: Command = {
  name: "check-history",
  usage: "check-history FILE [--model register|kv|etcd] [--json] [--timeout-ms N]",
  summary: "check a client history (Jepsen log or EDN, etcdlab JSON Lines) for linearizability",
  run: async (argv, io) => checkHistoryCommand(argv, io),
};

async function checkHistoryCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, { model: { kind: "string" }, json: { kind: "boolean" }, "timeout-ms": { kind: "integer" } });
  if (args.positionals.length !== 1) {
    throw new UsageError(
      args.positionals.length === 0 ? "check-history needs a history FILE" : `check-history takes one FILE, got ${args.positionals.length}`,
    );
  }
  const file = args.positionals[0] as string;
  const model = parseModel(flagString(args, "model"));
  const timeoutMs = flagInteger(args, "timeout-ms");
  if (timeoutMs !== undefined && timeoutMs <= 0) throw new UsageError(`flag '--timeout-ms' must be at least 1 (got ${timeoutMs})`);

  const text = await readHistoryFile(resolve(io.cwd, file), file);
  const start = performance.now();
  const history = parseHistory(text, { source: file, ...(model === undefined ? {} : { model }) });
  const now = (): number => performance.now();
  const result = checkHistory(history, timeoutMs === undefined ? {} : { timeoutMs, now });
  const elapsedMs = Math.round(performance.now() - start);

  if (flagBoolean(args, "json")) {
    const report = {
      linearizable: result.linearizable,
      verdict: result.verdict,
      model: history.model,
      operations: result.operations,
      checkedOperations: result.checkedOperations,
      partitions: result.partitions,
      elapsedMs,
      timeoutMs: timeoutMs ?? null,
      explanation: result.explanation,
    };
    io.write(`${JSON.stringify(report)}\n`);
  } else {
    io.write(formatPlain(result, elapsedMs, timeoutMs));
  }
  switch (result.verdict) {
    case "linearizable":
      return EXIT_OK;
    case "not-linearizable":
      return EXIT_FAILED;
    case "unknown":
      return EXIT_UNKNOWN;
    default:
      return assertNever(result.verdict, "verdict");
  }
}

function parseModel(value: string | undefined): ModelName | undefined {
  if (value === undefined) return undefined;
  if (!(MODEL_NAMES as readonly string[]).includes(value)) {
    throw new UsageError(`flag '--model' must be ${MODEL_NAMES.join(", ")} (got '${value}')`);
  }
  return value as ModelName;
}

async function readHistoryFile(path: string, shown: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`cannot read '${shown}': no such file`);
    if (code === "EISDIR") throw new InputError(`cannot read '${shown}': it is a directory`);
    if (code === "EACCES") throw new InputError(`cannot read '${shown}': permission denied`);
    throw new InputError(`cannot read '${shown}': ${(error as Error).message}`);
  }
}

function formatPlain(result: CheckResult, elapsedMs: number, timeoutMs: number | undefined): string {
  const verdict =
    result.verdict === "linearizable"
      ? "linearizable"
      : result.verdict === "not-linearizable"
        ? "NOT linearizable"
        : `unknown (time budget of ${timeoutMs ?? 0} ms spent)`;
  const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? "" : "s"}`;
  const counts = `${plural(result.operations, "operation")} (${result.checkedOperations} searched), ${plural(result.partitions, "partition")}, ${elapsedMs} ms`;
  return `${verdict}\n${counts}\n${result.explanation?.text ?? ""}`;
}
