/**
 * Turns a run's client history (requests in etcd's API shapes) into the `etcd` model's history for
 * the linearizability checker, and into etcdlab's history JSON Lines.
 *
 * Left out, because the model has no notion of them: serializable reads (allowed to be stale),
 * compactions, and requests the model cannot express (sorted or filtered ranges, keys-only or
 * count-only reads, puts that keep the key's value, lease compares). A failed request is kept only
 * when its error proves it had no effect.
 *
 * Historical reads (`revision` set) are kept: the model answers them from the store as it was at
 * that revision. A put attached to a lease is an ordinary put to the model; the deletes of a lease
 * revoke or expiry are in the history as the `lessor`'s transactions (see `src/etcd/history.ts`).
 * Each restore becomes an epoch of the etcd history, with the restored keys and revision.
 */
import { History, type HistoryEpoch, type HistoryOperation } from "../etcd/history.js";
import type { KvRequest, KvResponse } from "../etcd/protocol.js";
import { textFromBytes } from "../mvcc/bytes.js";
import type { Compare, KeyValue, PutRequest, RangeRequest, RequestOp, ResponseOp } from "../mvcc/types.js";
import type { EtcdHistory, OperationOf } from "./history/index.js";
import type {
  EtcdCompare,
  EtcdDeleteOp,
  EtcdEpoch,
  EtcdKeyValue,
  EtcdOpResult,
  EtcdPutOp,
  EtcdRangeOp,
  EtcdRequest,
  EtcdResponse,
  EtcdTxnOp,
} from "./history/operations.js";

type EtcdOperation = OperationOf<"etcd">;

export function toEtcdHistory(history: History | readonly HistoryOperation[], source = "simulation"): EtcdHistory {
  // A History builds each operation on demand (see `History.operation`), one at a time here.
  const count = history instanceof History ? history.size : history.length;
  const converted: EtcdOperation[] = [];
  for (let index = 0; index < count; index++) {
    const operation = history instanceof History ? history.operation(index) : (history[index] as HistoryOperation);
    const input = requestOf(operation.request);
    if (input === undefined) continue;
    const ok = operation.outcome === "ok" && operation.response !== null;
    const output = ok ? responseOf(operation.response as KvResponse) : undefined;
    if (ok && output === undefined) continue;
    converted.push({
      id: converted.length,
      process: operation.process,
      invokeTime: operation.invokeUs,
      returnTime: operation.outcome === "unknown" || operation.returnUs === null ? Infinity : operation.returnUs,
      input,
      output,
      outcome: operation.outcome,
      error: operation.error?.message,
      line: operation.index + 1,
      returnLine: undefined,
    });
  }
  const epochs = history instanceof History ? history.epochs.map(epochOf) : [];
  return epochs.length === 0 ? { model: "etcd", operations: converted, source } : { model: "etcd", operations: converted, source, epochs };
}

function epochOf(epoch: HistoryEpoch): EtcdEpoch {
  return { time: epoch.startUs, revision: epoch.revision, kvs: epoch.kvs.map(keyValueOf) };
}

/** A put the model can express: any but one that keeps the key's value (the lease is not the model's business). */
function putOf(request: PutRequest): EtcdPutOp | undefined {
  return request.ignoreValue ? undefined : { type: "put", key: text(request.key), value: text(request.value ?? "") };
}

function requestOf(request: KvRequest): EtcdRequest | undefined {
  switch (request.kind) {
    case "range":
      return rangeOf(request.request);
    case "put":
      return putOf(request.request);
    case "deleteRange":
      return deleteOf(request.request.key, request.request.rangeEnd);
    case "txn": {
      const compare = (request.request.compare ?? []).map(compareOf);
      const success = (request.request.success ?? []).map(opOf);
      const failure = (request.request.failure ?? []).map(opOf);
      if (compare.includes(undefined) || success.includes(undefined) || failure.includes(undefined)) return undefined;
      return { type: "txn", compare: compare as EtcdCompare[], success: success as EtcdTxnOp[], failure: failure as EtcdTxnOp[] };
    }
    case "compact":
      return undefined;
  }
}

function rangeOf(request: RangeRequest): EtcdRangeOp | undefined {
  if (request.serializable || request.keysOnly || request.countOnly) return undefined;
  if ((request.sortOrder ?? "NONE") !== "NONE" || (request.sortTarget ?? "KEY") !== "KEY") return undefined;
  if (request.minModRevision || request.maxModRevision || request.minCreateRevision || request.maxCreateRevision) return undefined;
  const key = text(request.key);
  const limit = request.limit ?? 0;
  const revision = request.revision ?? 0;
  const range: EtcdRangeOp =
    request.rangeEnd === undefined || request.rangeEnd === ""
      ? limit > 0
        ? { type: "range", key, limit }
        : { type: "range", key }
      : limit > 0
        ? { type: "range", key, end: text(request.rangeEnd), limit }
        : { type: "range", key, end: text(request.rangeEnd) };
  return revision > 0 ? { ...range, revision } : range;
}

function deleteOf(key: string, rangeEnd: string | undefined): EtcdDeleteOp {
  return rangeEnd === undefined || rangeEnd === "" ? { type: "delete", key: text(key) } : { type: "delete", key: text(key), end: text(rangeEnd) };
}

/** `textFromBytes`, with the common case (ASCII, its own UTF-8 encoding) first. */
function text(bytes: string): string {
  for (let index = 0; index < bytes.length; index++) {
    if (bytes.charCodeAt(index) > 0x7f) return textFromBytes(bytes);
  }
  return bytes;
}

function opOf(op: RequestOp): EtcdTxnOp | undefined {
  switch (op.type) {
    case "range":
      return rangeOf(op.request);
    case "put":
      return putOf(op.request);
    case "deleteRange":
      return deleteOf(op.request.key, op.request.rangeEnd);
    case "txn":
      return undefined;
  }
}

function compareOf(compare: Compare): EtcdCompare | undefined {
  if (compare.rangeEnd !== undefined && compare.rangeEnd !== "") return undefined;
  const operator = ({ EQUAL: "=", NOT_EQUAL: "!=", LESS: "<", GREATER: ">" } as const)[compare.result];
  const key = text(compare.key);
  switch (compare.target) {
    case "VALUE":
      return { key, target: "value", operator, value: text(compare.value ?? "") };
    case "VERSION":
      return { key, target: "version", operator, value: compare.version ?? 0 };
    case "CREATE":
      return { key, target: "create", operator, value: compare.createRevision ?? 0 };
    case "MOD":
      return { key, target: "mod", operator, value: compare.modRevision ?? 0 };
    case "LEASE":
      return undefined;
  }
}

function responseOf(response: KvResponse): EtcdResponse | undefined {
  switch (response.kind) {
    case "range":
      return { type: "range", kvs: response.response.kvs.map(keyValueOf), count: response.response.count, revision: response.response.header.revision };
    case "put":
      return { type: "put", revision: response.response.header.revision };
    case "deleteRange":
      return { type: "delete", deleted: response.response.deleted, revision: response.response.header.revision };
    case "txn": {
      const results = response.response.responses.map(resultOf);
      if (results.includes(undefined)) return undefined;
      return { type: "txn", succeeded: response.response.succeeded, results: results as EtcdOpResult[], revision: response.response.header.revision };
    }
    case "compact":
      return undefined;
  }
}

function resultOf(op: ResponseOp): EtcdOpResult | undefined {
  switch (op.type) {
    case "range":
      return { type: "range", kvs: op.response.kvs.map(keyValueOf), count: op.response.count };
    case "put":
      return { type: "put" };
    case "deleteRange":
      return { type: "delete", deleted: op.response.deleted };
    case "txn":
      return undefined;
  }
}

function keyValueOf(kv: KeyValue): EtcdKeyValue {
  return { key: text(kv.key), value: text(kv.value), modRevision: kv.modRevision, createRevision: kv.createRevision, version: kv.version };
}
