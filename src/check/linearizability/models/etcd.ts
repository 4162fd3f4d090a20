/**
 * The etcd model: etcd's KV API over a store with revisions, starting empty at revision 1 (as a
 * new cluster does).
 *
 * The state is the store's current revision and, for every live key, its value, `modRevision`
 * (the revision of its last write), `createRevision` (of its creation in the current
 * generation) and `version` (writes since creation). A put, or a delete that removes something,
 * or a transaction whose branch does either, creates exactly one revision: its writes all carry
 * it. A response must match what the store would answer at the point of linearization: the header
 * revision (the store's revision after the request), and for reads every key-value with its
 * revisions and the count; so a stale read, or header revisions that go backwards in real time,
 * cannot be linearized. Requests are `EtcdRequest`s and responses `EtcdResponse`s (see
 * `history/operations.ts`, where the simulator's recorder takes them from).
 *
 * A request with an unknown outcome (a timeout) may or may not have taken effect: the model
 * applies it whatever its response, and the search may place it after everything else (as if it
 * never happened), since its return time is infinite.
 *
 * This model does not partition: revisions are global, so every write to any key is observed by
 * the header revision of every later response, and keys are not independent. Instead, the same
 * revisions order most of a history: the model has its own search (`etcd-search.ts`), which first
 * tries the order the revisions give (`etcd-by-revision.ts`) and otherwise prunes the generic
 * search with them. The store itself is in `etcd-store.ts`.
 *
 * Keys and values compare as etcd compares bytes; here by Unicode code point, which is the order
 * of their UTF-8 bytes.
 */
import type { EtcdCompare, EtcdKeyValue, EtcdOpResult, EtcdRequest, EtcdResponse, EtcdTxnOp } from "../../history/operations.js";
import type { Operation } from "../../history/history.js";
import type { Model } from "../model.js";
import { searchEtcd } from "./etcd-search.js";
import {
  equalEtcdStates,
  FUTURE_REVISION_COUNT,
  executeEtcd,
  hashEtcdState,
  INITIAL_ETCD_STATE,
  isReadOnlyRequest,
  sameResult,
  stepEtcd,
  type EtcdState,
} from "./etcd-store.js";

export { compareBytes, executeEtcd, INITIAL_ETCD_STATE, isHistoricalRead, keepingPast, keyState, type EtcdKeyState, type EtcdState } from "./etcd-store.js";

export const etcdModel: Model<EtcdState, EtcdRequest, EtcdResponse> = etcdModelFrom(INITIAL_ETCD_STATE);

/**
 * The etcd model over a store that starts as `initial` (a restored store; `keepingPast(...)` for a
 * history with historical reads). `label` names the one partition, e.g. the epoch of a restore.
 */
export function etcdModelFrom(initial: EtcdState, label?: string): Model<EtcdState, EtcdRequest, EtcdResponse> {
  return {
    name: "etcd",
    init: () => initial,
    step: stepEtcd,
    hash: hashEtcdState,
    equal: equalEtcdStates,
    ...(label === undefined ? {} : { partition: (operations: ReadonlyArray<Operation<EtcdRequest, EtcdResponse>>) => [{ label, operations }] }),
    isReadOnly: isReadOnlyRequest,
    search: initial === INITIAL_ETCD_STATE ? searchEtcd : (operations, budget) => searchEtcd(operations, budget, { initial }),
    describeOperation: describeEtcdOperation,
    explainIllegal(state, input, output) {
      return explainMismatch(state, input, executeEtcd(state, input).response, output);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// words

const quote = (text: string): string => JSON.stringify(text);

function describeRange(op: { readonly key: string; readonly end?: string }): string {
  if (op.end === undefined || op.end === "") return quote(op.key);
  if (op.end === "\0") return `${quote(op.key)} and after`;
  return `[${quote(op.key)}, ${quote(op.end)})`;
}

function describeOp(op: EtcdTxnOp): string {
  switch (op.type) {
    case "range":
      return `range ${describeRange(op)}${op.limit ? ` limit ${op.limit}` : ""}${op.revision ? ` at revision ${op.revision}` : ""}`;
    case "put":
      return `put ${quote(op.key)} = ${quote(op.value)}`;
    case "delete":
      return `delete ${describeRange(op)}`;
  }
}

function describeCompare(compare: EtcdCompare): string {
  const value = typeof compare.value === "string" ? quote(compare.value) : String(compare.value);
  return `${compare.target}(${quote(compare.key)}) ${compare.operator} ${value}`;
}

function describeRequest(request: EtcdRequest): string {
  if (request.type !== "txn") return describeOp(request);
  const branch = (ops: readonly EtcdTxnOp[]): string => (ops.length === 0 ? "nothing" : ops.map(describeOp).join(", "));
  const guard = request.compare.length === 0 ? "true" : request.compare.map(describeCompare).join(" and ");
  return `txn if ${guard} then ${branch(request.success)} else ${branch(request.failure)}`;
}

function describeKeyValues(kvs: readonly EtcdKeyValue[]): string {
  if (kvs.length === 0) return "nothing";
  return kvs.map((kv) => `${quote(kv.key)} = ${quote(kv.value)} (mod ${kv.modRevision})`).join(", ");
}

function describeResult(result: EtcdOpResult): string {
  switch (result.type) {
    case "range":
      return describeKeyValues(result.kvs) + (result.count > result.kvs.length ? ` of ${result.count}` : "");
    case "put":
      return "ok";
    case "delete":
      return `deleted ${result.deleted}`;
  }
}

function describeResponse(response: EtcdResponse): string {
  const body =
    response.type === "txn"
      ? `${response.succeeded ? "succeeded" : "failed"}${response.results.length > 0 ? `: ${response.results.map(describeResult).join(", ")}` : ""}`
      : describeResult(response);
  return `${body}, revision ${response.revision}`;
}

export function describeEtcdOperation(input: EtcdRequest, output: EtcdResponse | undefined): string {
  if (output === undefined) return `${describeRequest(input)} (outcome unknown)`;
  return `${describeRequest(input)} → ${describeResponse(output)}`;
}

function explainMismatch(state: EtcdState, request: EtcdRequest, expected: EtcdResponse, actual: EtcdResponse): string {
  if (expected.type === "txn" && actual.type === "txn" && expected.succeeded !== actual.succeeded) {
    const facts = request.type === "txn" ? request.compare.map((compare) => describeKeyFact(state, compare.key)) : [];
    return `the compares would have ${expected.succeeded ? "held" : "failed"}: ${facts.join(", ")}`;
  }
  const expectedResults = expected.type === "txn" ? expected.results : [expected];
  const actualResults = actual.type === "txn" ? actual.results : [actual];
  for (let index = 0; index < expectedResults.length; index++) {
    const want = expectedResults[index] as EtcdOpResult;
    const got = actualResults[index];
    if (got === undefined || sameResult(want, got)) continue;
    if (want.type === "range") {
      const op = requestOps(request, expected)[index];
      const at = op !== undefined && op.type === "range" && op.revision ? op.revision : undefined;
      if (at !== undefined && want.count === FUTURE_REVISION_COUNT) return `revision ${at} was ahead of the store, at revision ${state.revision}: etcd refuses such a read`;
      if (at !== undefined) return `the store held ${describeKeyValues(want.kvs)} there (count ${want.count}) at revision ${at}`;
      return `the store held ${describeKeyValues(want.kvs)} there (count ${want.count}) at revision ${state.revision}`;
    }
    if (want.type === "delete") return `the delete would remove ${want.deleted} key${want.deleted === 1 ? "" : "s"}`;
  }
  if (expected.revision === state.revision) return `the store was at revision ${state.revision}, not ${actual.revision}`;
  return `the store was at revision ${state.revision}, so the write would create revision ${expected.revision}, not ${actual.revision}`;
}

/** The operations of `request` that produced the results of `response`, in order. */
function requestOps(request: EtcdRequest, response: EtcdResponse): readonly EtcdTxnOp[] {
  if (request.type !== "txn") return [request];
  return response.type === "txn" && !response.succeeded ? request.failure : request.success;
}

function describeKeyFact(state: EtcdState, key: string): string {
  const record = state.keys.get(key);
  if (record === undefined) return `${quote(key)} did not exist`;
  return `${quote(key)} = ${quote(record.value)} (mod ${record.modRevision}, create ${record.createRevision}, version ${record.version})`;
}
