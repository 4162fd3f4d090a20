/**
 * What a command's builder gets and gives: its positional arguments and flags, the stdin it may read
 * (txn requests, a value for `put`, passwords), and either the `EtcdctlCommand` or the failure
 * etcdctl would exit with (`Error: ...` on stderr and its exit code).
 */
import type { ByteString } from "../mvcc/bytes.js";
import type { FlagSpec, FlagValues } from "./flags.js";
import { type CommandOutput, type EtcdctlCommand, exitCodes } from "./types.js";

/** The input etcdctl reads, consumed front to back. */
export class StdinReader {
  private position = 0;

  constructor(private readonly text: string) {}

  get used(): number {
    return this.position;
  }

  /** Go `bufio.Reader.ReadString('\n')`: a line without its "\n"; undefined (Go's EOF error) when no full line is left. */
  readLine(): string | undefined {
    const end = this.text.indexOf("\n", this.position);
    if (end < 0) {
      this.position = this.text.length;
      return undefined;
    }
    const line = this.text.slice(this.position, end);
    this.position = end + 1;
    return line;
  }

  /** Go `io.ReadAll(os.Stdin)`. */
  readAll(): string {
    const rest = this.text.slice(this.position);
    this.position = this.text.length;
    return rest;
  }
}

/** Output written while the command line was being read (prompts, notices). */
export class EarlyOutput {
  stdout = "";
  stderr = "";
}

export interface BuildContext {
  /** The words after the command's name, flags included, as typed. */
  readonly words: readonly string[];
  /** The positional arguments (flags parsed out). */
  readonly args: readonly string[];
  readonly flags: FlagValues;
  readonly stdin: StdinReader;
  readonly early: EarlyOutput;
  /** A command-line word as bytes (UTF-8). */
  readonly bytes: (word: string) => ByteString;
}

/** What the command needs before it runs: a client (global flags checked, -w chosen), only a printer, or nothing. */
export type CommandNeeds = "client" | "printer" | "none";

export interface BuildFailure {
  readonly ok: false;
  readonly stderr: string;
  readonly exitCode: number;
  /** The input ended where the command expected more (the txn sections, a password). */
  readonly inputEnded: boolean;
}

export type BuildOutcome = { readonly ok: true; readonly command: EtcdctlCommand } | BuildFailure;

export interface LeafSpec {
  readonly type: "leaf";
  readonly name: string;
  /** cobra `Use`. */
  readonly use: string;
  /** cobra `Short`. */
  readonly short: string;
  readonly flags: readonly FlagSpec[];
  readonly needs: CommandNeeds;
  /** etcdctl creates the client before it checks the arguments (txn reads stdin only once connected). */
  readonly clientFirst?: boolean;
  readonly build: (context: BuildContext) => BuildOutcome;
}

/** A leaf command. */
export function leaf(name: string, use: string, short: string, flags: readonly FlagSpec[], build: (context: BuildContext) => BuildOutcome, needs: CommandNeeds = "client"): LeafSpec {
  return { type: "leaf", name, use, short, flags, needs, build };
}

export interface GroupSpec {
  readonly type: "group";
  readonly name: string;
  readonly use: string;
  readonly short: string;
  /** Flags the group gives all its subcommands (cobra persistent flags). */
  readonly persistentFlags: readonly FlagSpec[];
  readonly subcommands: readonly (LeafSpec | UnsupportedSpec)[];
}

/** A command etcdctl v3.5 has but the simulator does not model. */
export interface UnsupportedSpec {
  readonly type: "unsupported";
  readonly name: string;
  readonly use: string;
  readonly short: string;
  readonly reason: string;
}

export type CommandSpec = LeafSpec | GroupSpec | UnsupportedSpec;

/** `cobrautl.ExitWithError(code, err)`: "Error: <message>" on stderr. */
export function fail(exitCode: number, message: string, inputEnded = false): BuildFailure {
  return { ok: false, stderr: `Error: ${message}\n`, exitCode, inputEnded };
}

/** `ExitWithError(ExitBadArgs, ...)`, exit code 128. */
export function badArgs(message: string): BuildFailure {
  return fail(exitCodes.badArgs, message);
}

/** A command or form the simulator does not model: one clear line, exit code 4 (etcdctl's ExitBadFeature). */
export function unsupported(message: string): BuildFailure {
  return fail(exitCodes.badFeature, message);
}

export function built(command: EtcdctlCommand): BuildOutcome {
  return { ok: true, command };
}

export function boolFlag(name: string, shorthand?: string, defaultValue = false): FlagSpec {
  return shorthand === undefined ? { name, kind: "bool", defaultValue: String(defaultValue) } : { name, shorthand, kind: "bool", defaultValue: String(defaultValue) };
}

export function stringFlag(name: string, defaultValue = "", shorthand?: string): FlagSpec {
  return shorthand === undefined ? { name, kind: "string", defaultValue } : { name, shorthand, kind: "string", defaultValue };
}

export function int64Flag(name: string, defaultValue = "0"): FlagSpec {
  return { name, kind: "int64", defaultValue };
}

export function durationFlag(name: string, defaultValue: string): FlagSpec {
  return { name, kind: "duration", defaultValue };
}

/** A failed build as the output etcdctl leaves. */
export function failureOutput(failure: BuildFailure, early: EarlyOutput): CommandOutput {
  return { stdout: early.stdout, stderr: early.stderr + failure.stderr, exitCode: failure.exitCode };
}
