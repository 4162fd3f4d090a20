/**
 * `parseCommandLine`: an etcdctl v3 command line, as a user types it in a shell, into a
 * `ParsedCommandLine` or into the output etcdctl would leave when it refuses the line.
 *
 * The steps follow what runs before etcdctl sends a request:
 * 1. the shell splits the line (words.ts); leading `NAME=value` words are environment variables;
 *    a leading `etcdctl` (or a path ending in `/etcdctl`) is optional;
 * 2. `ETCDCTL_API` must be empty or 3; v2 commands (`set`, `ls`, `mkdir`, ...) are refused with
 *    their v3 equivalent;
 * 3. cobra finds the command (`stripFlags`, `findNext` with unique-prefix matching: etcdctl sets
 *    `cobra.EnablePrefixMatching`); an unknown command prints cobra's error, its suggestions, the
 *    "Run 'etcdctl --help' for usage." line, then etcdctl's own copy of the error (`MustStart`);
 * 4. pflag parses the flags of the command, its groups and the global ones; `ETCDCTL_<FLAG>`
 *    variables fill global flags the line did not set;
 * 5. the command's builder checks its arguments and reads stdin (txn sections, values, passwords);
 * 6. the client configuration is checked (`--cert ""`, `--user`, `-w`).
 *
 * Refusals not from etcdctl: `-w protobuf`, DNS discovery, and commands the simulator does not
 * model (lock, elect, make-mirror, check, endpoint hashkv, watch -i) get one clear line, exit 4.
 */
import { bytesFromText } from "../mvcc/bytes.js";
import { type BuildContext, type BuildFailure, type CommandNeeds, type CommandSpec, EarlyOutput, fail, failureOutput, type GroupSpec, type LeafSpec, StdinReader } from "./builder.js";
import { askPassword } from "./commands-auth.js";
import { globalFlags, helpCommandName, helpFlag, rootCommands, rootShort, rootUse } from "./command-tree.js";
import { type FlagSpec, type FlagValues, parseFlags, takesNoValue } from "./flags.js";
import { levenshtein, quoteText } from "./go-format.js";
import { type CommandOutput, type EtcdctlCommand, exitCodes, type GlobalOptions, type OutputFormat, type ParsedCommandLine } from "./types.js";
import { splitShellWords } from "./words.js";

export interface ParseOptions {
  /** What etcdctl can read from stdin (the lines after the command in a script or a shell). */
  readonly stdin?: string;
  /** Environment variables (`ETCDCTL_API`, `ETCDCTL_ENDPOINTS`, ...); assignments on the line override them. */
  readonly env?: Readonly<Record<string, string>>;
}

export type ParseOutcome =
  | { readonly ok: true; readonly parsed: ParsedCommandLine }
  | {
      readonly ok: false;
      /** What etcdctl printed and its exit code; all empty with exit code 0 for a line without a command. */
      readonly output: CommandOutput;
      /** The input ended where etcdctl wanted more (a txn section, a password): a shell may ask for more lines. */
      readonly inputEnded: boolean;
      readonly stdinUsed: number;
    };

/** etcdctl v2 commands that v3 does not have, and what to use instead. */
const v2Commands: ReadonlyMap<string, string> = new Map([
  ["set", '"etcdctl put KEY VALUE"'],
  ["mk", '"etcdctl put KEY VALUE" (or a txn with create("KEY") = "0" to create only)'],
  ["mkdir", '"etcdctl put DIR/KEY VALUE" (v3 has no directories, only keys with a common prefix)'],
  ["setdir", '"etcdctl put DIR/KEY VALUE" (v3 has no directories, only keys with a common prefix)'],
  ["update", '"etcdctl put KEY VALUE"'],
  ["updatedir", '"etcdctl put DIR/KEY VALUE" (v3 has no directories, only keys with a common prefix)'],
  ["ls", '"etcdctl get --prefix --keys-only PREFIX"'],
  ["rm", '"etcdctl del KEY"'],
  ["rmdir", '"etcdctl del --prefix PREFIX"'],
  ["cluster-health", '"etcdctl endpoint health --cluster"'],
  ["backup", '"etcdctl snapshot save FILE"'],
  ["exec-watch", '"etcdctl watch KEY"'],
]);

/** A refusal before any input was read. */
function refusal(exitCode: number, stderr: string): ParseOutcome {
  return { ok: false, output: { stdout: "", stderr, exitCode }, inputEnded: false, stdinUsed: 0 };
}

function fromFailure(failure: BuildFailure, early: EarlyOutput, stdin: StdinReader): ParseOutcome {
  return { ok: false, output: failureOutput(failure, early), inputEnded: failure.inputEnded, stdinUsed: stdin.used };
}

/** cobra `stripFlags`: the words that are not flags or flag values. */
function stripFlags(words: readonly string[], specs: readonly FlagSpec[]): string[] {
  const commands: string[] = [];
  const rest = [...words];
  while (rest.length > 0) {
    const word = rest.shift() ?? "";
    if (word === "--") break;
    const longWithValue = word.startsWith("--") && !word.includes("=") && !takesNoValue(word, specs);
    const shortWithValue = word.startsWith("-") && !word.includes("=") && word.length === 2 && !takesNoValue(word, specs);
    if (longWithValue || shortWithValue) {
      if (rest.length <= 1) break;
      rest.shift();
    } else if (word !== "" && !word.startsWith("-")) {
      commands.push(word);
    }
  }
  return commands;
}

/** cobra `findNext` with prefix matching: the exact name, else the only command the word is a prefix of. */
function findNext<T extends { readonly name: string }>(commands: readonly T[], word: string): T | undefined {
  const exact = commands.find((command) => command.name === word);
  if (exact !== undefined) return exact;
  const matches = commands.filter((command) => command.name.startsWith(word));
  return matches.length === 1 ? matches[0] : undefined;
}

/** cobra `argsMinusFirstX`. */
function withoutFirst(words: readonly string[], word: string): string[] {
  const index = words.indexOf(word);
  return index < 0 ? [...words] : [...words.slice(0, index), ...words.slice(index + 1)];
}

/** cobra's unknown-command error with its suggestions, then etcdctl's `ExitWithError` copy of it. */
function unknownCommand(word: string): ParseOutcome {
  const suggestions = rootCommands
    .map((command) => command.name)
    .filter((name) => levenshtein(word, name) <= 2 || name.toLowerCase().startsWith(word.toLowerCase()));
  const hint = suggestions.length === 0 ? "" : `\n\nDid you mean this?\n${suggestions.map((name) => `\t${name}\n`).join("")}`;
  const message = `unknown command ${quoteText(word)} for "etcdctl"${hint}`;
  return refusal(exitCodes.error, `Error: ${message}\nRun 'etcdctl --help' for usage.\nError: ${message}\n`);
}

/** The NAME and USAGE sections of etcdctl's usage template for a command. */
function helpCommand(path: readonly string[], use: string, short: string): EtcdctlCommand {
  const parent = [rootUse, ...path.slice(0, -1)].join(" ");
  const usage = path.length === 0 ? `${rootUse} [flags]` : `${parent} ${use} [flags]`;
  return { kind: "help", commandPath: path.length === 0 ? rootUse : path.join(" "), usage, short };
}

const defaultGlobals: GlobalOptions = {
  endpoints: ["127.0.0.1:2379"],
  writeOut: "simple",
  hex: false,
  dialTimeoutUs: 2_000_000,
  commandTimeoutUs: 5_000_000,
  commandTimeoutSet: false,
  keepAliveTimeUs: 2_000_000,
  keepAliveTimeoutUs: 6_000_000,
  insecureTransport: true,
  insecureSkipTlsVerify: false,
  insecureDiscovery: true,
  debug: false,
};

function helpOutcome(command: EtcdctlCommand, stdin: StdinReader): ParseOutcome {
  return { ok: true, parsed: { global: defaultGlobals, command, prompt: "", notice: "", stdinUsed: stdin.used } };
}

/** The environment variable a global flag reads (`pkg/flags.FlagToEnv`). */
function envName(flag: string): string {
  return `ETCDCTL_${flag.toUpperCase().replaceAll("-", "_")}`;
}

/** Global flags from `ETCDCTL_*` variables (etcd `flags.SetPflagsFromEnv`), as extra command-line words. */
function envFlagWords(env: Readonly<Record<string, string>>, values: FlagValues): { readonly words: string[] } | { readonly error: string } {
  const words: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("ETCDCTL_") || name === "ETCDCTL_API" || value === "") continue;
    const flag = globalFlags.find((spec) => envName(spec.name) === name);
    if (flag === undefined) return { error: `Error: ${name} is not an etcdctl environment variable that etcdlab knows\n` };
    if (values.changed(flag.name)) {
      return { error: `conflicting environment variable ${quoteText(name)} is shadowed by corresponding command-line flag (either unset environment variable or disable flag)\n` };
    }
    words.push(`--${flag.name}=${value}`);
  }
  return { words };
}

const outputFormats: readonly OutputFormat[] = ["simple", "json", "table", "fields"];

type GlobalsOutcome = { readonly ok: true; readonly global: GlobalOptions } | BuildFailure;

function microseconds(nanoseconds: bigint): number {
  return Number(nanoseconds / 1_000n);
}

function outputFormat(flags: FlagValues): { readonly ok: true; readonly format: OutputFormat } | BuildFailure {
  const format = flags.string("write-out");
  if (format === "protobuf") return fail(exitCodes.badFeature, "the protobuf output format is not simulated by etcdlab; use -w json");
  const known = outputFormats.find((candidate) => candidate === format);
  return known === undefined ? fail(exitCodes.badFeature, "unsupported output format") : { ok: true, format: known };
}

/** etcdctl `authCfgFromCmd`: `--user name:password`, `--user name --password p`, or a prompt. */
function userOption(flags: FlagValues, stdin: StdinReader, early: EarlyOutput): { readonly ok: true; readonly user?: GlobalOptions["user"] } | BuildFailure {
  const user = flags.string("user");
  if (user === "") return { ok: true };
  const password = flags.string("password");
  if (password !== "") return { ok: true, user: { name: user, password } };
  const colon = user.indexOf(":");
  if (colon >= 0) return { ok: true, user: { name: user.slice(0, colon), password: user.slice(colon + 1) } };
  const typed = askPassword(stdin, early, "Password: ");
  if (typed === undefined) return fail(exitCodes.error, "EOF", true);
  return { ok: true, user: { name: user, password: typed } };
}

/** etcdctl `clientConfigFromCmd` (or etcdutl's printer check), in etcdctl's order. */
function globalOptions(flags: FlagValues, needs: CommandNeeds, stdin: StdinReader, early: EarlyOutput): GlobalsOutcome {
  if (needs === "client") {
    for (const name of ["cert", "key", "cacert"]) {
      if (flags.changed(name) && flags.string(name) === "") return fail(exitCodes.badArgs, `empty string is passed to --${name} option`);
    }
    if (flags.string("discovery-srv") !== "") return fail(exitCodes.badFeature, "DNS discovery (--discovery-srv) is not simulated by etcdlab; give --endpoints");
  }
  const user = needs === "client" ? userOption(flags, stdin, early) : { ok: true as const };
  if (!user.ok) return user;
  const format = needs === "none" ? { ok: true as const, format: "simple" as const } : outputFormat(flags);
  if (!format.ok) return format;
  const optional = (name: string): string | undefined => (flags.string(name) === "" ? undefined : flags.string(name));
  const cacert = optional("cacert");
  const cert = optional("cert");
  const key = optional("key");
  return {
    ok: true,
    global: {
      endpoints: flags.list("endpoints"),
      writeOut: format.format,
      hex: flags.bool("hex"),
      dialTimeoutUs: microseconds(flags.integer("dial-timeout")),
      commandTimeoutUs: microseconds(flags.integer("command-timeout")),
      commandTimeoutSet: flags.changed("command-timeout"),
      keepAliveTimeUs: microseconds(flags.integer("keepalive-time")),
      keepAliveTimeoutUs: microseconds(flags.integer("keepalive-timeout")),
      insecureTransport: flags.bool("insecure-transport"),
      insecureSkipTlsVerify: flags.bool("insecure-skip-tls-verify"),
      insecureDiscovery: flags.bool("insecure-discovery"),
      ...(cacert === undefined ? {} : { cacert }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
      ...(user.user === undefined ? {} : { user: user.user }),
      debug: flags.bool("debug"),
    },
  };
}

interface Located {
  readonly leaf: LeafSpec;
  readonly path: readonly string[];
  readonly groupFlags: readonly FlagSpec[];
  readonly words: readonly string[];
}

type Location = { readonly type: "leaf"; readonly located: Located } | { readonly type: "done"; readonly outcome: ParseOutcome };

/** Parses the flags of a command that only shows help (the root, a group), for their errors. */
function helpOrFlagError(words: readonly string[], specs: readonly FlagSpec[], help: EtcdctlCommand, stdin: StdinReader): Location {
  const parsed = parseFlags(words, specs);
  if (!parsed.ok) return { type: "done", outcome: refusal(exitCodes.error, `Error: ${parsed.error}\n`) };
  return { type: "done", outcome: helpOutcome(help, stdin) };
}

function unsupportedOutcome(spec: CommandSpec & { readonly type: "unsupported" }): Location {
  return { type: "done", outcome: refusal(exitCodes.badFeature, `Error: ${spec.reason}\n`) };
}

/** `etcdctl help [command...]`. */
function helpFor(words: readonly string[], stdin: StdinReader): Location {
  const names = stripFlags(words, [...globalFlags, helpFlag]);
  let path: string[] = [];
  let spec: { readonly use: string; readonly short: string } = { use: rootUse, short: rootShort };
  let commands: readonly CommandSpec[] = rootCommands;
  for (const name of names) {
    const next = findNext(commands, name);
    if (next === undefined) break;
    path = [...path, next.name];
    spec = next;
    commands = next.type === "group" ? next.subcommands : [];
  }
  return { type: "done", outcome: helpOutcome(helpCommand(path, spec.use, spec.short), stdin) };
}

/** cobra's `help [command]`, added after etcdctl's commands. */
interface HelpCommandSpec {
  readonly type: "help";
  readonly name: string;
}

const helpCommandSpec: HelpCommandSpec = { type: "help", name: helpCommandName };

/** cobra `Find`: the command the words name, with the words left for its flags and arguments. */
function locate(words: readonly string[], stdin: StdinReader): Location {
  const rootSpecs = [...globalFlags, helpFlag];
  const [name] = stripFlags(words, rootSpecs);
  if (name === undefined) return helpOrFlagError(words, rootSpecs, helpCommand([], rootUse, rootShort), stdin);
  const v2 = v2Commands.get(name);
  if (v2 !== undefined) return { type: "done", outcome: refusal(exitCodes.error, `Error: ${quoteText(name)} is an etcdctl v2 command; in v3 use ${v2}\n`) };
  const command = findNext<CommandSpec | HelpCommandSpec>([...rootCommands, helpCommandSpec], name);
  if (command === undefined) return { type: "done", outcome: unknownCommand(name) };
  const rest = withoutFirst(words, name);
  switch (command.type) {
    case "help":
      return helpFor(rest, stdin);
    case "unsupported":
      return unsupportedOutcome(command);
    case "leaf":
      return { type: "leaf", located: { leaf: command, path: [command.name], groupFlags: [], words: rest } };
    case "group":
      return locateInGroup(command, rest, stdin);
  }
}

function locateInGroup(group: GroupSpec, words: readonly string[], stdin: StdinReader): Location {
  const specs = [...group.persistentFlags, ...globalFlags, helpFlag];
  const [name] = stripFlags(words, specs);
  const groupHelp = helpCommand([group.name], group.use, group.short);
  const command = name === undefined ? undefined : findNext(group.subcommands, name);
  // cobra shows the group's help for a missing or unknown subcommand (a group cannot run).
  if (name === undefined || command === undefined) return helpOrFlagError(words, specs, groupHelp, stdin);
  if (command.type === "unsupported") return unsupportedOutcome(command);
  return { type: "leaf", located: { leaf: command, path: [group.name, command.name], groupFlags: group.persistentFlags, words: withoutFirst(words, name) } };
}

/** Splits off `NAME=value` words and `etcdctl`; undefined when the line names no program at all. */
function commandWords(line: string, env: Readonly<Record<string, string>>): { readonly words: string[]; readonly env: Record<string, string> } | { readonly error: ParseOutcome } {
  const split = splitShellWords(line);
  if (!split.ok) return { error: refusal(2, `Error: ${split.error}\n`) };
  const variables: Record<string, string> = { ...env };
  let index = 0;
  for (const word of split.words) {
    if (!word.assignable) break;
    const equals = word.text.indexOf("=");
    variables[word.text.slice(0, equals)] = word.text.slice(equals + 1);
    index += 1;
  }
  const words = split.words.slice(index).map((word) => word.text);
  if (words.length === 0) return { error: refusal(exitCodes.success, "") };
  const [program] = words;
  if (program === "etcdctl" || program?.endsWith("/etcdctl")) words.shift();
  return { words, env: variables };
}

function checkApiVersion(env: Readonly<Record<string, string>>): ParseOutcome | undefined {
  const api = env["ETCDCTL_API"] ?? "";
  if (api === "" || api === "3") return undefined;
  if (api === "2") return refusal(exitCodes.error, "Error: ETCDCTL_API=2 selects etcdctl's v2 commands, which etcdlab does not simulate; use the v3 commands (ETCDCTL_API=3, the default)\n");
  return refusal(exitCodes.error, `unsupported API version: ${api}\n`);
}

/** Parses one etcdctl command line; `options.stdin` is what the command may read. */
export function parseCommandLine(line: string, options: ParseOptions = {}): ParseOutcome {
  const split = commandWords(line, options.env ?? {});
  if ("error" in split) return split.error;
  const apiRefusal = checkApiVersion(split.env);
  if (apiRefusal !== undefined) return apiRefusal;
  const stdin = new StdinReader(options.stdin ?? "");
  const location = locate(split.words, stdin);
  if (location.type === "done") return location.outcome;
  return parseLeaf(location.located, split.env, stdin);
}

function parseLeaf(located: Located, env: Readonly<Record<string, string>>, stdin: StdinReader): ParseOutcome {
  const { leaf, path, groupFlags, words } = located;
  const specs = [...leaf.flags, ...groupFlags, ...globalFlags, helpFlag];
  const parsed = parseFlags(words, specs);
  if (!parsed.ok) return refusal(exitCodes.error, `Error: ${parsed.error}\n`);
  if (parsed.values.bool("help")) return helpOutcome(helpCommand(path, leaf.use, leaf.short), stdin);
  const fromEnv = envFlagWords(env, parsed.values);
  if ("error" in fromEnv) return refusal(exitCodes.error, fromEnv.error);
  let { values, positional } = parsed;
  const accepted: string[] = [];
  for (const word of fromEnv.words) {
    // etcdctl ignores a variable whose value its flag does not accept (the flag keeps its default).
    const withVariable = parseFlags([...accepted, word, ...words], specs);
    if (!withVariable.ok) continue;
    accepted.push(word);
    ({ values, positional } = withVariable);
  }
  const early = new EarlyOutput();
  let global: GlobalOptions | undefined;
  if (leaf.clientFirst === true) {
    const checked = globalOptions(values, leaf.needs, stdin, early);
    if (!checked.ok) return fromFailure(checked, early, stdin);
    global = checked.global;
  }
  const context: BuildContext = { words, args: positional, flags: values, stdin, early, bytes: bytesFromText };
  const built = leaf.build(context);
  if (!built.ok) return fromFailure(built, early, stdin);
  if (global === undefined) {
    const checked = globalOptions(values, leaf.needs, stdin, early);
    if (!checked.ok) return fromFailure(checked, early, stdin);
    global = checked.global;
  }
  return { ok: true, parsed: { global, command: built.command, prompt: early.stdout, notice: early.stderr, stdinUsed: stdin.used } };
}
