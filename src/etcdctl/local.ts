/**
 * A small executor of etcdctl's key-value commands over one `MvccStore`, without a cluster: what a
 * single member would answer, with the checks it runs before proposing (empty key, txn size and
 * duplicate keys, request size: `validation.ts`) and then the store's own errors (compacted and
 * future revisions, unknown leases, no space). Used by the shell's tests and by etcdctl's.
 *
 * It runs `put`, `get`, `del`, `txn`, `compaction`, `version` and help; other commands need a
 * cluster and are refused with one line (exit code 4).
 *
 * `runScript` runs a script: one command per line, `#` comments and blank lines skipped; a command
 * that reads stdin (txn, put without a value) reads the lines that follow it, which are then not
 * run as commands.
 */
import type { EtcdError } from "../mvcc/errors.js";
import { checkDeleteRangeRequest, checkPutRequest, checkRangeRequest, checkRequestSize, checkTxnRequest } from "../mvcc/validation.js";
import type { MvccStore } from "../mvcc/kv_store.js";
import { type ParseOptions, parseCommandLine } from "./parse.js";
import { isLocalCommand, printLocalCommand, printOutcome } from "./print.js";
import { type ClusterHeader, type CommandOutput, type EtcdctlCommand, type EtcdctlOutcome, type EtcdctlResponse, exitCodes, type ParsedCommandLine } from "./types.js";

/** The IDs of etcd's default single-member cluster (name "default", peer URL http://localhost:2380). */
export const defaultLocalHeader: ClusterHeader = { clusterId: 0xcdf818194e3a8c32n, memberId: 0x8e9e05c52164694dn, raftTerm: 2 };

type Answer = { readonly ok: true; readonly value: EtcdctlResponse } | { readonly ok: false; readonly error: EtcdError };

function checked<T>(error: EtcdError | undefined, run: () => { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: EtcdError }, wrap: (value: T) => EtcdctlResponse): Answer {
  if (error !== undefined) return { ok: false, error };
  const result = run();
  return result.ok ? { ok: true, value: wrap(result.value) } : result;
}

/** Executes a KV command on the store; undefined for commands that need a cluster. */
export function executeOnStore(store: MvccStore, command: EtcdctlCommand): EtcdctlOutcome | undefined {
  switch (command.kind) {
    case "put":
      return checked(
        checkPutRequest(command.request) ?? checkRequestSize({ type: "put", request: command.request }),
        () => store.put(command.request),
        (response) => ({ kind: "put", response }),
      );
    case "get":
      return checked(checkRangeRequest(command.request), () => store.range(command.request), (response) => ({ kind: "get", response }));
    case "del":
      return checked(checkDeleteRangeRequest(command.request), () => store.deleteRange(command.request), (response) => ({ kind: "del", response }));
    case "txn":
      return checked(
        checkTxnRequest(command.request) ?? checkRequestSize({ type: "txn", request: command.request }),
        () => store.txn(command.request),
        (response) => ({ kind: "txn", response }),
      );
    case "compaction":
      return checked(undefined, () => store.compact(command.request), (response) => ({ kind: "compaction", response }));
    default:
      return undefined;
  }
}

export interface LocalRun {
  readonly output: CommandOutput;
  /** Characters of the given stdin the command read. */
  readonly stdinUsed: number;
}

export interface ScriptStep {
  readonly line: string;
  readonly output: CommandOutput;
}

/** etcdctl against one store. */
export class LocalEtcdctl {
  constructor(
    readonly store: MvccStore,
    private readonly header: ClusterHeader = defaultLocalHeader,
    private readonly env: Readonly<Record<string, string>> = {},
  ) {}

  /** Runs one command line; `stdin` is what it may read. */
  run(line: string, stdin = ""): LocalRun {
    const options: ParseOptions = { stdin, env: this.env };
    const parsed = parseCommandLine(line, options);
    if (!parsed.ok) return { output: parsed.output, stdinUsed: parsed.stdinUsed };
    return { output: this.answer(parsed.parsed), stdinUsed: parsed.parsed.stdinUsed };
  }

  private answer(parsed: ParsedCommandLine): CommandOutput {
    const command = parsed.command;
    if (isLocalCommand(command)) return printLocalCommand({ ...parsed, command });
    const outcome = executeOnStore(this.store, command);
    if (outcome === undefined) {
      return { stdout: parsed.prompt, stderr: `${parsed.notice}Error: ${command.kind} needs a cluster; the local executor runs put, get, del, txn and compaction\n`, exitCode: exitCodes.badFeature };
    }
    return printOutcome(parsed, outcome, { cluster: this.header });
  }

  /** Runs a script; each command may read the lines after it as its stdin. */
  runScript(script: string): ScriptStep[] {
    const steps: ScriptStep[] = [];
    let rest = script.endsWith("\n") || script === "" ? script : `${script}\n`;
    while (rest !== "") {
      const newline = rest.indexOf("\n");
      const line = rest.slice(0, newline);
      rest = rest.slice(newline + 1);
      const trimmed = line.trim();
      if (trimmed === "" || trimmed.startsWith("#")) continue;
      const run = this.run(line, rest);
      steps.push({ line, output: run.output });
      rest = rest.slice(run.stdinUsed);
    }
    return steps;
  }
}

/** A script's steps as a transcript: `$ <line>`, then what went to stdout, then to stderr. */
export function transcript(steps: readonly ScriptStep[]): string {
  return steps.map((step) => `$ ${step.line}\n${step.output.stdout}${step.output.stderr}`).join("");
}
