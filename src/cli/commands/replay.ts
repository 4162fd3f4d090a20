/**
 * `etcdlab replay <trace.jsonl | scenario> [--seed N] [--from EVENT]`: step through a run.
 *
 * The argument is a trace file (its name ends in .jsonl, or its first line is a trace header), read
 * and verified with `parseTrace`; or else a scenario (a path or a shipped name), run here with the
 * seed to make its trace. On a terminal it opens the terminal UI at event EVENT; otherwise it prints
 * the transcript, one line per event from EVENT on (`#<index> <time> <narration>`, no colour), so it
 * can be piped. Exit 0, or 2 on bad input (a corrupt or foreign trace, an unknown scenario, a bad flag).
 */
import { readFileSync, statSync } from "node:fs";
import { basename, isAbsolute, join } from "node:path";
import { flagInteger, parseArgs, UsageError } from "../args.js";
import { type Command, EXIT_OK } from "../cli.js";
import type { CommandIo } from "../io.js";
import { displayPath, resolveScenarioPath } from "../paths.js";
import { InputError } from "../../sim/errors.js";
import { type ParsedTrace, parseTrace, TRACE_FORMAT } from "../../sim/trace.js";
import { writeTranscript } from "../../tui/transcript.js";

export const command: Command = {
  name: "replay",
  usage: "replay <trace.jsonl | scenario> [--seed N] [--from EVENT]",
  summary: "step through a trace (or a scenario's run) in the terminal UI; prints a transcript when piped",
  run: async (argv, io) => replayCommand(argv, io),
};

async function replayCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, { seed: { kind: "integer" }, from: { kind: "integer" } });
  if (args.positionals.length !== 1) {
    throw new UsageError(args.positionals.length === 0 ? "replay needs a trace file (.jsonl) or a scenario" : `replay takes one trace or scenario, got ${args.positionals.length}`);
  }
  const { trace, title } = await loadTrace(args.positionals[0] as string, flagInteger(args, "seed"), io);
  const from = flagInteger(args, "from") ?? 0;
  if (from < 0 || (from > 0 && from >= trace.events.length)) {
    throw new UsageError(`flag '--from' must name an event between 0 and ${Math.max(0, trace.events.length - 1)} (got ${from})`);
  }
  if (io.stdoutIsTty) {
    const { openReplay } = await import("../../tui/open.js");
    await openReplay({ trace, title, from, colors: colorsWanted(io.env), stdin: io.stdin });
    return EXIT_OK;
  }
  writeTranscript(trace, (text) => io.write(text), from);
  return EXIT_OK;
}

/** Colour unless NO_COLOR is set to a non-empty value (https://no-color.org). */
export function colorsWanted(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env.NO_COLOR;
  return value === undefined || value === "";
}

function readFileIfAny(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? readFileSync(path, "utf8") : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new InputError(`cannot read '${path}' (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

/** True when the text's first line is an etcdlab trace header. */
function startsWithTraceHeader(text: string): boolean {
  const end = text.indexOf("\n");
  try {
    const first: unknown = JSON.parse(end < 0 ? text : text.slice(0, end));
    return typeof first === "object" && first !== null && (first as { format?: unknown }).format === TRACE_FORMAT;
  } catch {
    return false;
  }
}

/**
 * The trace to replay, and a title for it. The scenario machinery (and `run`'s seed check) is
 * loaded only for a scenario, so replaying a trace file needs none of it.
 */
async function loadTrace(argument: string, seed: number | undefined, io: CommandIo): Promise<{ trace: ParsedTrace; title: string }> {
  const direct = isAbsolute(argument) ? argument : join(io.cwd, argument);
  const text = readFileIfAny(direct);
  if (argument.endsWith(".jsonl") || (text !== undefined && startsWithTraceHeader(text))) {
    if (text === undefined) throw new InputError(`trace file '${argument}' not found`);
    if (seed !== undefined) throw new UsageError("flag '--seed' applies to a scenario; a trace records its own seed");
    const trace = parseTrace(text, argument);
    return { trace, title: `${trace.header.scenario}, seed ${trace.header.seed} (${basename(argument)})` };
  }
  const { parseSeed } = await import("./run.js");
  const { loadScenarioFile, runScenario } = await import("../../scenario/index.js");
  parseSeed(seed);
  const path = resolveScenarioPath(argument, io.cwd);
  const scenario = loadScenarioFile(path, displayPath(path, io.cwd));
  const result = runScenario(scenario, seed !== undefined ? { seed } : {});
  return { trace: parseTrace(result.traceText, `${scenario.name} (seed ${result.seed})`), title: `${scenario.name}, seed ${result.seed}` };
}
