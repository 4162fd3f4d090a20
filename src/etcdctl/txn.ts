/**
 * `etcdctl txn`: the transaction read from stdin (`txn_command.go`).
 *
 * Three sections, each ended by an empty line: compares, then the requests to run when every
 * compare holds, then the requests to run otherwise. With `-i` etcdctl first prints a prompt for each
 * section ("compares:", "success requests (get, put, del):", "failure requests (get, put, del):").
 * Input that ends before the third empty line is Go's `EOF` error.
 *
 * A compare is `target("key") op "value"`, scanned with Go's `%q) %s %q`: targets `ver`/`version`,
 * `c`/`create`, `m`/`mod` (decimal), `val`/`value` (bytes), `lease` (hexadecimal); ops `=`, `!=`, `>`,
 * `<`. Any other op makes etcdctl panic ("Unknown result op", clientv3 `Compare`), which is reported
 * the way the Go runtime reports a panic: "panic: ..." on stderr, exit code 2.
 *
 * A request is a `put`, `get` or `del` command line (split by etcdctl's `Argify`) with that
 * command's own flags.
 */
import type { ByteString } from "../mvcc/bytes.js";
import type { Compare, CompareResult, CompareTarget, RequestOp } from "../mvcc/types.js";
import { type BuildContext, type BuildFailure, type BuildOutcome, badArgs, built, fail } from "./builder.js";
import { type FlagSpec, parseFlags } from "./flags.js";
import { parseGoInt, quoteBytes, scanQuoted } from "./go-format.js";
import { buildDeleteRange, buildPut, buildRange, deleteFlags, getFlags, putFlags } from "./commands-kv.js";
import { exitCodes } from "./types.js";
import { argify } from "./words.js";

/** Go exits with status 2 after an unrecovered panic. */
const goPanicExitCode = 2;

const compareResults: ReadonlyMap<string, CompareResult> = new Map([
  ["=", "EQUAL"],
  ["!=", "NOT_EQUAL"],
  [">", "GREATER"],
  ["<", "LESS"],
]);

const integerTargets: ReadonlyMap<string, { readonly target: CompareTarget; readonly base: number }> = new Map([
  ["ver", { target: "VERSION", base: 10 }],
  ["version", { target: "VERSION", base: 10 }],
  ["c", { target: "CREATE", base: 10 }],
  ["create", { target: "CREATE", base: 10 }],
  ["m", { target: "MOD", base: 10 }],
  ["mod", { target: "MOD", base: 10 }],
  ["lease", { target: "LEASE", base: 16 }],
]);

const spaces = /^[ \t\v\f\r\u0085\u00a0]*/;

interface ScannedCompare {
  readonly count: number;
  readonly key: ByteString;
  readonly op: string;
  readonly value: ByteString;
}

/** Go `fmt.Sscanf(text, "%q) %s %q", &key, &op, &val)`: how many values it stored, and them. */
function scanCompare(text: string): ScannedCompare {
  const key = scanQuoted(text.replace(spaces, ""));
  if (key === undefined) return { count: 0, key: "", op: "", value: "" };
  if (!key.rest.startsWith(")")) return { count: 1, key: key.value, op: "", value: "" };
  const afterParen = key.rest.slice(1).replace(spaces, "");
  const op = /^[^\s]*/.exec(afterParen)?.[0] ?? "";
  if (op === "") return { count: 1, key: key.value, op: "", value: "" };
  const value = scanQuoted(afterParen.slice(op.length).replace(spaces, ""));
  if (value === undefined) return { count: 2, key: key.value, op, value: "" };
  return { count: 3, key: key.value, op, value: value.value };
}

function operand(target: CompareTarget, integer: number, value: ByteString): Partial<Compare> {
  switch (target) {
    case "VERSION":
      return { version: integer };
    case "CREATE":
      return { createRevision: integer };
    case "MOD":
      return { modRevision: integer };
    case "LEASE":
      return { lease: integer };
    case "VALUE":
      return { value };
  }
}

export type CompareOutcome = { readonly ok: true; readonly compare: Compare } | BuildFailure;

/** etcdctl `ParseCompare` (v3.5) for one line of the compares section. */
export function parseCompare(line: string): CompareOutcome {
  const paren = line.indexOf("(");
  if (paren < 0) return fail(exitCodes.invalidInput, `malformed comparison: ${line}`);
  const target = line.slice(0, paren);
  const scanned = scanCompare(line.slice(paren + 1));
  if (scanned.count !== 3) {
    return fail(exitCodes.invalidInput, `malformed comparison: ${line}; got ${target}(${quoteBytes(scanned.key)}) ${scanned.op} ${quoteBytes(scanned.value)}`);
  }
  const isValue = target === "val" || target === "value";
  const integerTarget = integerTargets.get(target);
  if (!isValue && integerTarget === undefined) return fail(exitCodes.invalidInput, `malformed comparison: ${line} (unknown target ${target})`);
  let integer = 0;
  if (integerTarget !== undefined) {
    const parsed = parseGoInt(scanned.value, integerTarget.base);
    if (!parsed.ok) return fail(exitCodes.invalidInput, `invalid txn compare request: ${line}`);
    integer = Number(parsed.value);
  }
  const result = compareResults.get(scanned.op);
  if (result === undefined) return { ok: false, stderr: "panic: Unknown result op\n", exitCode: goPanicExitCode, inputEnded: false };
  const compareTarget = integerTarget?.target ?? "VALUE";
  return { ok: true, compare: { target: compareTarget, result, key: scanned.key, ...operand(compareTarget, integer, scanned.value) } };
}

const requestCommands: readonly { readonly name: "put" | "get" | "del"; readonly flags: readonly FlagSpec[] }[] = [
  { name: "put", flags: putFlags },
  { name: "get", flags: getFlags },
  { name: "del", flags: deleteFlags },
];

/** The request command a word names: exactly, or as the prefix of only one (cobra.EnablePrefixMatching: "p k v" is a put). */
function findRequestCommand(word: string): (typeof requestCommands)[number] | undefined {
  const exact = requestCommands.find((candidate) => candidate.name === word);
  if (exact !== undefined) return exact;
  const matches = requestCommands.filter((candidate) => candidate.name.startsWith(word));
  return matches.length === 1 ? matches[0] : undefined;
}

type OperationOutcome = { readonly ok: true; readonly operation: RequestOp } | BuildFailure;

/** etcdctl `parseRequestUnion`: one line of a requests section. */
export function parseRequestOp(line: string, context: BuildContext): OperationOutcome {
  const split = argify(line);
  if (!split.ok) return fail(exitCodes.invalidInput, split.error);
  const [name, ...rest] = split.words;
  if (split.words.length < 2) return fail(exitCodes.invalidInput, `invalid txn compare request: ${line}`);
  const invalid = fail(exitCodes.invalidInput, `invalid txn request: ${line}`);
  const chosen = findRequestCommand(name ?? "");
  if (chosen === undefined) return invalid;
  const parsed = parseFlags(rest, chosen.flags);
  if (!parsed.ok) return invalid;
  const opContext: BuildContext = { ...context, words: rest, args: parsed.positional, flags: parsed.values, bytes: (word) => word };
  if (chosen.name === "put") {
    const put = buildPut(opContext);
    return put.ok ? { ok: true, operation: { type: "put", request: put.request } } : put;
  }
  if (chosen.name === "get") {
    const range = buildRange(opContext);
    return range.ok ? { ok: true, operation: { type: "range", request: range.request } } : range;
  }
  const deleteRange = buildDeleteRange(opContext);
  return deleteRange.ok ? { ok: true, operation: { type: "deleteRange", request: deleteRange.request } } : deleteRange;
}

const eof = (): BuildFailure => fail(exitCodes.invalidInput, "EOF", true);

function readCompares(context: BuildContext): { readonly ok: true; readonly compares: Compare[] } | BuildFailure {
  const compares: Compare[] = [];
  for (;;) {
    const line = context.stdin.readLine();
    if (line === undefined) return eof();
    const trimmed = line.trim();
    if (trimmed === "") return { ok: true, compares };
    const parsed = parseCompare(trimmed);
    if (!parsed.ok) return parsed;
    compares.push(parsed.compare);
  }
}

function readOps(context: BuildContext): { readonly ok: true; readonly operations: RequestOp[] } | BuildFailure {
  const operations: RequestOp[] = [];
  for (;;) {
    const line = context.stdin.readLine();
    if (line === undefined) return eof();
    const trimmed = line.trim();
    if (trimmed === "") return { ok: true, operations };
    const parsed = parseRequestOp(trimmed, context);
    if (!parsed.ok) return parsed;
    operations.push(parsed.operation);
  }
}

/** `etcdctl txn [-i]`. */
export function buildTxn(context: BuildContext): BuildOutcome {
  if (context.args.length !== 0) return badArgs("txn command does not accept argument");
  const interactive = context.flags.bool("interactive");
  const prompt = (text: string): void => {
    if (interactive) context.early.stdout += `${text}\n`;
  };
  prompt("compares:");
  const compares = readCompares(context);
  if (!compares.ok) return compares;
  prompt("success requests (get, put, del):");
  const success = readOps(context);
  if (!success.ok) return success;
  prompt("failure requests (get, put, del):");
  const failure = readOps(context);
  if (!failure.ok) return failure;
  return built({ kind: "txn", interactive, request: { compare: compares.compares, success: success.operations, failure: failure.operations } });
}
