/**
 * The `etcdlab` command: a table of subcommands, each in `commands/<name>.ts`.
 *
 * Exit codes, shared by every subcommand: 0 success, 1 a check failed (a violation, an unmet
 * expectation, a non-linearizable history), 2 bad input (an unknown flag, a missing or malformed
 * file), 3 unknown (a checker ran out of budget). Bad input is one line on stderr, never a trace.
 */
import { closest, UsageError } from "./args.js";
import type { CommandIo } from "./io.js";
import { InputError } from "../sim/errors.js";
import { PACKAGE_VERSION } from "../version.js";

export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  run(argv: readonly string[], io: CommandIo): Promise<number>;
}

type CommandLoader = () => Promise<Command>;

const COMMANDS: ReadonlyArray<readonly [string, CommandLoader]> = [
  ["run", async () => (await import("./commands/run.js")).command],
  ["fuzz", async () => (await import("./commands/fuzz.js")).command],
  ["check-history", async () => (await import("./commands/check-history.js")).command],
  ["replay", async () => (await import("./commands/replay.js")).command],
  ["shell", async () => (await import("./commands/shell.js")).command],
  ["lesson", async () => (await import("./commands/lesson.js")).command],
];

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_UNKNOWN = 3;

export async function runCli(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) return await (await import("./commands/lesson.js")).noArguments(io, await usage());
    if (name === "help" || name === "--help" || name === "-h") {
      const [topic, ...extra] = rest;
      if (extra.length > 0) throw new UsageError(`help takes one command, got ${rest.length}`);
      io.write(topic === undefined ? await usage() : commandHelp(await findCommand(topic)));
      return EXIT_OK;
    }
    if (name === "version" || name === "--version") {
      if (rest.length > 0) throw new UsageError(`version takes no arguments (got '${rest[0]}')`);
      io.write(`etcdlab ${PACKAGE_VERSION}\n`);
      return EXIT_OK;
    }
    const command = await findCommand(name);
    // `--help` anywhere before a `--`: the command's usage instead of a run.
    const flags = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
    if (flags.includes("--help") || flags.includes("-h")) {
      io.write(commandHelp(command));
      return EXIT_OK;
    }
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof InputError) {
      io.error(`etcdlab: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
}

async function findCommand(name: string): Promise<Command> {
  const loader = COMMANDS.find(([commandName]) => commandName === name)?.[1];
  if (loader === undefined) {
    const hint = closest(name, COMMANDS.map(([commandName]) => commandName));
    throw new UsageError(`unknown command '${name}'${hint ? `: did you mean '${hint}'?` : ""} (see 'etcdlab help')`);
  }
  return loader();
}

function commandHelp(command: Command): string {
  return `Usage: etcdlab ${command.usage}\n  ${command.summary}\n`;
}

async function usage(): Promise<string> {
  const lines = [`etcdlab ${PACKAGE_VERSION}: a deterministic laboratory for etcd`, "", "Usage:"];
  for (const [, loader] of COMMANDS) {
    const command = await loader();
    lines.push(`  etcdlab ${command.usage}`, `      ${command.summary}`);
  }
  lines.push("  etcdlab help [COMMAND]", "      print this, or one command's usage (also: etcdlab COMMAND --help)");
  lines.push("  etcdlab version", "      print the version", "");
  lines.push(
    "Start here:",
    "  etcdlab run first-election       the main job: run a scenario (a name from scenarios/, or a file) and check it",
    "  etcdlab lesson --list            the lessons in order; 'etcdlab lesson NAME' opens one ('etcdlab' alone on a terminal: a picker)",
    "  echo 'put k v' | etcdlab shell   etcdctl, kubectl and lab lines (:crash n1) against a simulated cluster",
    "",
  );
  return lines.join("\n");
}
