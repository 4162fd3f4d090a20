/**
 * The key-value commands: `get`, `put`, `del`, `compaction`, `watch` (flags, argument checks and
 * messages of etcdctl v3.5 `get_command.go`, `put_command.go`, `del_command.go`,
 * `compaction_command.go`, `watch_command.go`), and the clientv3 options they turn into requests
 * (`client/v3/op.go`: WithPrefix, WithFromKey, WithRange, WithSort, ...).
 *
 * `get --min-mod-revision/--max-mod-revision/--min-create-revision/--max-create-revision` are an
 * etcdlab extension: the filters of the Range API (clientv3 `WithMinModRev`, ...), which etcdctl
 * v3.5 has no flags for.
 */
import { type ByteString, bytesFromText, fromKeyRangeEnd, prefixEnd } from "../mvcc/bytes.js";
import type { DeleteRangeRequest, PutRequest, RangeRequest, SortOrder, SortTarget } from "../mvcc/types.js";
import { type BuildContext, type BuildFailure, type BuildOutcome, badArgs, boolFlag, built, fail, int64Flag, stringFlag, unsupported } from "./builder.js";
import type { FlagSpec } from "./flags.js";
import { parseGoInt, quoteText } from "./go-format.js";
import { exitCodes, type LeaseId } from "./types.js";

export const getFlags: readonly FlagSpec[] = [
  stringFlag("consistency", "l"),
  stringFlag("order"),
  stringFlag("sort-by"),
  int64Flag("limit"),
  boolFlag("prefix"),
  boolFlag("from-key"),
  int64Flag("rev"),
  boolFlag("keys-only"),
  boolFlag("count-only"),
  boolFlag("print-value-only"),
  int64Flag("min-mod-revision"),
  int64Flag("max-mod-revision"),
  int64Flag("min-create-revision"),
  int64Flag("max-create-revision"),
];

export const putFlags: readonly FlagSpec[] = [stringFlag("lease", "0"), boolFlag("prev-kv"), boolFlag("ignore-value"), boolFlag("ignore-lease")];

export const deleteFlags: readonly FlagSpec[] = [boolFlag("prefix"), boolFlag("prev-kv"), boolFlag("from-key")];

export const compactionFlags: readonly FlagSpec[] = [boolFlag("physical")];

export const watchFlags: readonly FlagSpec[] = [boolFlag("interactive", "i"), boolFlag("prefix"), int64Flag("rev"), boolFlag("prev-kv"), boolFlag("progress-notify")];

/** The range a key and the --prefix/--from-key flags name (clientv3 WithPrefix/WithFromKey on etcdctl's key). */
function keyRange(key: ByteString, rangeEnd: ByteString, prefix: boolean, fromKey: boolean): { readonly key: ByteString; readonly rangeEnd: ByteString } {
  if (prefix) return key.length === 0 ? { key: fromKeyRangeEnd, rangeEnd: fromKeyRangeEnd } : { key, rangeEnd: prefixEnd(key) };
  if (fromKey) return { key: key.length === 0 ? fromKeyRangeEnd : key, rangeEnd: fromKeyRangeEnd };
  return { key, rangeEnd };
}

const sortOrders: ReadonlyMap<string, SortOrder> = new Map([
  ["ASCEND", "ASCEND"],
  ["DESCEND", "DESCEND"],
  ["", "NONE"],
]);

const sortTargets: ReadonlyMap<string, SortTarget> = new Map([
  ["CREATE", "CREATE"],
  ["KEY", "KEY"],
  ["MODIFY", "MOD"],
  ["VALUE", "VALUE"],
  ["VERSION", "VERSION"],
  ["", "KEY"],
]);

type RangeOutcome = { readonly ok: true; readonly request: RangeRequest; readonly printValueOnly: boolean } | BuildFailure;

/** etcdctl `getGetOp`. */
export function buildRange(context: BuildContext): RangeOutcome {
  const { args, flags } = context;
  const prefix = flags.bool("prefix");
  const fromKey = flags.bool("from-key");
  const [first, second] = args;
  if (first === undefined) return badArgs("get command needs one argument as key and an optional argument as range_end");
  if (prefix && fromKey) return badArgs("`--prefix` and `--from-key` cannot be set at the same time, choose one");
  const keysOnly = flags.bool("keys-only");
  const countOnly = flags.bool("count-only");
  if (keysOnly && countOnly) return badArgs("`--keys-only` and `--count-only` cannot be set at the same time, choose one");
  const consistency = flags.string("consistency");
  if (consistency !== "l" && consistency !== "s") return fail(exitCodes.badFeature, `unknown consistency flag ${quoteText(consistency)}`);
  if (second !== undefined && (prefix || fromKey)) return badArgs("too many arguments, only accept one argument when `--prefix` or `--from-key` is set");
  const order = sortOrders.get(flags.string("order").toUpperCase());
  if (order === undefined) return fail(exitCodes.badFeature, `bad sort order ${flags.string("order")}`);
  const target = sortTargets.get(flags.string("sort-by").toUpperCase());
  if (target === undefined) return fail(exitCodes.badFeature, `bad sort target ${flags.string("sort-by")}`);
  const range = keyRange(context.bytes(first), second === undefined ? "" : context.bytes(second), prefix, fromKey);
  const revision = Number(flags.integer("rev"));
  const request: RangeRequest = {
    key: range.key,
    rangeEnd: range.rangeEnd,
    limit: Number(flags.integer("limit")),
    revision: revision > 0 ? revision : 0,
    // clientv3 WithSort: sorting by key in ascending order is the natural order, sent as NONE.
    sortOrder: target === "KEY" && order === "ASCEND" ? "NONE" : order,
    sortTarget: target,
    serializable: consistency === "s",
    keysOnly,
    countOnly,
    minModRevision: Number(flags.integer("min-mod-revision")),
    maxModRevision: Number(flags.integer("max-mod-revision")),
    minCreateRevision: Number(flags.integer("min-create-revision")),
    maxCreateRevision: Number(flags.integer("max-create-revision")),
  };
  return { ok: true, request, printValueOnly: flags.bool("print-value-only") };
}

/** `etcdctl get`. */
export function buildGet(context: BuildContext): BuildOutcome {
  const range = buildRange(context);
  return range.ok ? built({ kind: "get", request: range.request, printValueOnly: range.printValueOnly }) : range;
}

const putArgumentsMessage = "put command needs 1 argument and input from stdin or 2 arguments";

/** A lease ID the simulator can hold (a JS number), or the failure. */
export function leaseIdFromBigInt(id: bigint, failure: (detail: string) => BuildFailure): { readonly ok: true; readonly id: LeaseId } | BuildFailure {
  if (id > BigInt(Number.MAX_SAFE_INTEGER) || id < BigInt(Number.MIN_SAFE_INTEGER)) {
    return failure(`lease ID ${id.toString(16)} is beyond 2^53, the largest lease ID etcdlab grants`);
  }
  return { ok: true, id: Number(id) };
}

/** etcdctl `getPutOp`. */
export function buildPut(context: BuildContext): { readonly ok: true; readonly request: PutRequest } | BuildFailure {
  const { args, flags } = context;
  const [key, valueArgument] = args;
  if (key === undefined) return badArgs(putArgumentsMessage);
  const ignoreValue = flags.bool("ignore-value");
  if (ignoreValue && args.length > 1) return badArgs("put command needs only 1 argument when 'ignore-value' is set");
  let value: ByteString = "";
  if (!ignoreValue) {
    value = valueArgument === undefined ? bytesFromText(context.stdin.readAll()) : context.bytes(valueArgument);
    if (valueArgument === undefined && value === "") return badArgs(putArgumentsMessage);
  }
  const lease = parseGoInt(flags.string("lease"), 16);
  if (!lease.ok) return badArgs(`bad lease ID (${lease.error}), expecting ID in Hex`);
  const leaseId = leaseIdFromBigInt(lease.value, (detail) => badArgs(`bad lease ID (${detail}), expecting ID in Hex`));
  if (!leaseId.ok) return leaseId;
  const request: PutRequest = {
    key: context.bytes(key),
    value,
    lease: leaseId.id,
    prevKv: flags.bool("prev-kv"),
    ignoreValue,
    ignoreLease: flags.bool("ignore-lease"),
  };
  return { ok: true, request };
}

/** `etcdctl put`. */
export function buildPutCommand(context: BuildContext): BuildOutcome {
  const put = buildPut(context);
  return put.ok ? built({ kind: "put", request: put.request }) : put;
}

/** etcdctl `getDelOp`. */
export function buildDeleteRange(context: BuildContext): { readonly ok: true; readonly request: DeleteRangeRequest } | BuildFailure {
  const { args, flags } = context;
  const [first, second] = args;
  if (first === undefined || args.length > 2) return badArgs("del command needs one argument as key and an optional argument as range_end");
  const prefix = flags.bool("prefix");
  const fromKey = flags.bool("from-key");
  if (prefix && fromKey) return badArgs("`--prefix` and `--from-key` cannot be set at the same time, choose one");
  if (second !== undefined && (prefix || fromKey)) return badArgs("too many arguments, only accept one argument when `--prefix` or `--from-key` is set");
  const range = keyRange(context.bytes(first), second === undefined ? "" : context.bytes(second), prefix, fromKey);
  return { ok: true, request: { key: range.key, rangeEnd: range.rangeEnd, prevKv: flags.bool("prev-kv") } };
}

/** `etcdctl del`. */
export function buildDel(context: BuildContext): BuildOutcome {
  const deleteRange = buildDeleteRange(context);
  return deleteRange.ok ? built({ kind: "del", request: deleteRange.request }) : deleteRange;
}

/** `etcdctl compaction <revision> [--physical]`. */
export function buildCompaction(context: BuildContext): BuildOutcome {
  const [revision] = context.args;
  if (revision === undefined || context.args.length !== 1) return badArgs("compaction command needs 1 argument");
  const parsed = parseGoInt(revision, 10);
  if (!parsed.ok) return fail(exitCodes.error, parsed.error);
  return built({ kind: "compaction", request: { revision: Number(parsed.value), physical: context.flags.bool("physical") } });
}

/** `etcdctl watch [options] <key> [range_end]` (v3.5 `getWatchChan`; extra arguments are ignored, as there). */
export function buildWatch(context: BuildContext): BuildOutcome {
  const { args, flags } = context;
  if (flags.bool("interactive")) return unsupported("watch --interactive is not simulated by etcdlab; run one watch command per key");
  if (context.words.includes("--")) return unsupported("watch ... -- <exec-command> is not simulated by etcdlab");
  const [first, second] = args;
  if (first === undefined) return badArgs("bad number of arguments");
  const prefix = flags.bool("prefix");
  if (args.length === 2 && prefix) return badArgs("`range_end` and `--prefix` are mutually exclusive");
  const range = keyRange(context.bytes(first), args.length === 2 && second !== undefined ? context.bytes(second) : "", prefix, false);
  return built({
    kind: "watch",
    request: {
      key: range.key,
      rangeEnd: range.rangeEnd,
      startRevision: Number(flags.integer("rev")),
      prevKv: flags.bool("prev-kv"),
      progressNotify: flags.bool("progress-notify"),
    },
  });
}
