/**
 * Applying KV requests to a store transaction (etcd `server/etcdserver/txn/*.go`): Range with its
 * limit, filters and sorting; Put with prev_kv and ignore_value/ignore_lease; DeleteRange; Txn with
 * its compares, its `checkTxn` of the chosen path and its nested transactions.
 *
 * Txn, step by step: every compare of the txn and of the nested txns on the chosen path is
 * evaluated first, against the state before the txn (`compareToPath`, a pre-order list of the
 * branch taken by each txn on the path). Then `checkTxn` checks every operation on that path:
 * a range revision above the current revision is a future revision, one below the compact revision
 * is compacted (so a negative revision fails once anything was compacted, as in etcd), a put with an
 * unknown lease or with ignore_value/ignore_lease on a missing key fails. Only when all pass are the
 * operations executed, in order, in one store transaction: one revision for all writes, none when
 * nothing changed.
 *
 * Range rules: sorting or min/max filters fetch every key before truncating to `limit`; otherwise
 * `limit + 1` keys are fetched to set `more`. A target other than KEY with order NONE sorts
 * ascending; KEY with ASCEND is the natural order. The sort is stable, so ties keep key order.
 * `count` counts every key of the range at that revision, ignoring limit and filters. keys_only
 * clears the values and keeps the other fields, as etcd 3.5/3.6 do (3.7+ also leaves out the lease).
 */
import { compareBytes, fromKeyRangeEnd, type ByteString } from "./bytes.js";
import { assert, assertionFailed, assertNever, type EtcdError, etcdErrors, failure, type Result, success } from "./errors.js";
import type { LeaseAttachments, RangeReader, StoreTransaction } from "./store_core.js";
import type {
  Compare,
  DeleteRangeRequest,
  DeleteRangeResponse,
  KeyValue,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  RequestOp,
  ResponseOp,
  SortOrder,
  SortTarget,
  TxnRequest,
  TxnResponse,
} from "./types.js";

/**
 * The internal range end of a request's `rangeEnd` (etcd `mkGteRange`): absent or empty -> the
 * single key (undefined); `"\x00"` -> no upper bound (""); otherwise unchanged.
 */
export function internalRangeEnd(rangeEnd: ByteString | undefined): ByteString | undefined {
  if (rangeEnd === undefined || rangeEnd === "") return undefined;
  return rangeEnd === fromKeyRangeEnd ? "" : rangeEnd;
}

function usesFilters(request: RangeRequest): boolean {
  return (request.minModRevision ?? 0) !== 0 || (request.maxModRevision ?? 0) !== 0 || (request.minCreateRevision ?? 0) !== 0 || (request.maxCreateRevision ?? 0) !== 0;
}

function filterKeyValues(kvs: readonly KeyValue[], request: RangeRequest): readonly KeyValue[] {
  if (!usesFilters(request)) return kvs;
  const minMod = request.minModRevision ?? 0;
  const maxMod = request.maxModRevision ?? 0;
  const minCreate = request.minCreateRevision ?? 0;
  const maxCreate = request.maxCreateRevision ?? 0;
  return kvs.filter(
    (kv) =>
      !(maxMod !== 0 && kv.modRevision > maxMod) &&
      !(minMod !== 0 && kv.modRevision < minMod) &&
      !(maxCreate !== 0 && kv.createRevision > maxCreate) &&
      !(minCreate !== 0 && kv.createRevision < minCreate),
  );
}

function compareBy(target: SortTarget): (left: KeyValue, right: KeyValue) => number {
  switch (target) {
    case "KEY":
      return (left, right) => compareBytes(left.key, right.key);
    case "VERSION":
      return (left, right) => left.version - right.version;
    case "CREATE":
      return (left, right) => left.createRevision - right.createRevision;
    case "MOD":
      return (left, right) => left.modRevision - right.modRevision;
    case "VALUE":
      return (left, right) => compareBytes(left.value, right.value);
    default:
      return assertNever(target, "sort target");
  }
}

/** The order actually applied (etcd `executeRange`'s normalisation). */
function effectiveSortOrder(order: SortOrder, target: SortTarget): SortOrder {
  if (target !== "KEY" && order === "NONE") return "ASCEND";
  if (target === "KEY" && order === "ASCEND") return "NONE";
  return order;
}

function sortKeyValues(kvs: readonly KeyValue[], request: RangeRequest): readonly KeyValue[] {
  const target = request.sortTarget ?? "KEY";
  const order = effectiveSortOrder(request.sortOrder ?? "NONE", target);
  if (order === "NONE") return kvs;
  const compare = compareBy(target);
  const sorted = [...kvs];
  if (order === "ASCEND") sorted.sort(compare);
  else sorted.sort((left, right) => compare(right, left));
  return sorted;
}

/** Range (etcd `executeRange`). Fails only with a compacted or future revision. */
export function executeRange(reader: RangeReader, request: RangeRequest): Result<RangeResponse> {
  const requestLimit = request.limit ?? 0;
  let limit = requestLimit;
  if ((request.sortOrder ?? "NONE") !== "NONE" || usesFilters(request)) limit = 0;
  if (limit > 0) limit++;
  const result = reader.range(request.key, internalRangeEnd(request.rangeEnd), request.revision ?? 0, limit, request.countOnly ?? false);
  if (!result.ok) return result;
  let kvs = sortKeyValues(filterKeyValues(result.value.kvs, request), request);
  let more = false;
  if (requestLimit > 0 && kvs.length > requestLimit) {
    kvs = kvs.slice(0, requestLimit);
    more = true;
  }
  if (request.keysOnly) kvs = kvs.map((kv) => ({ ...kv, value: "" }));
  return success({ header: { revision: result.value.revision }, kvs, more, count: result.value.count });
}

/** The current KeyValue of a key as the transaction sees it. */
function currentKeyValue(reader: RangeReader, key: ByteString): KeyValue | undefined {
  const result = reader.range(key, undefined, 0, 0, false);
  assert(result.ok, "a range at the reading revision cannot fail");
  return result.value.kvs[0];
}

/** Put (etcd `put`); the lease must have been checked. Fails with key not found for ignore_* on a missing key. */
export function executePut(transaction: StoreTransaction, request: PutRequest): Result<PutResponse> {
  let value = request.value ?? "";
  let lease = request.lease ?? 0;
  const ignoring = (request.ignoreValue ?? false) || (request.ignoreLease ?? false);
  const previous = ignoring || request.prevKv ? currentKeyValue(transaction, request.key) : undefined;
  if (ignoring && previous === undefined) return failure(etcdErrors.keyNotFound);
  if (request.ignoreValue && previous !== undefined) value = previous.value;
  if (request.ignoreLease && previous !== undefined) lease = previous.lease;
  const revision = transaction.put(request.key, value, lease);
  if (request.prevKv && previous !== undefined) return success({ header: { revision }, prevKv: previous });
  return plainPutResult(revision);
}

/**
 * The members of a simulated cluster apply the same puts: the answer to a put without prev_kv (its
 * revision, nothing else) is made once per revision and shared by them (answers are never mutated).
 * A small direct-mapped cache by revision.
 */
const SHARED_PUT_RESULTS = 256;
const sharedPutResults: Array<Result<PutResponse> | undefined> = new Array<Result<PutResponse> | undefined>(SHARED_PUT_RESULTS).fill(undefined);
/** The revision of each slot's result (0: none yet). */
const sharedPutRevisions = new Float64Array(SHARED_PUT_RESULTS);

function plainPutResult(revision: number): Result<PutResponse> {
  const slot = revision & (SHARED_PUT_RESULTS - 1);
  if (sharedPutRevisions[slot] === revision) return sharedPutResults[slot] as Result<PutResponse>;
  const result = success<PutResponse>({ header: { revision } });
  sharedPutResults[slot] = result;
  sharedPutRevisions[slot] = revision;
  return result;
}

/** DeleteRange (etcd `deleteRange`). */
export function executeDeleteRange(transaction: StoreTransaction, request: DeleteRangeRequest): DeleteRangeResponse {
  const end = internalRangeEnd(request.rangeEnd);
  let prevKvs: readonly KeyValue[] = [];
  if (request.prevKv) {
    const result = transaction.range(request.key, end, 0, 0, false);
    assert(result.ok, "a range at the reading revision cannot fail");
    prevKvs = result.value.kvs;
  }
  const { deleted, revision } = transaction.deleteRange(request.key, end);
  return { header: { revision }, deleted, prevKvs };
}

const zeroKeyValue: KeyValue = { key: "", createRevision: 0, modRevision: 0, version: 0, value: "", lease: 0 };

function compareNumbers(left: number, right: number): number {
  if (left < right) return -1;
  return left > right ? 1 : 0;
}

function compareKeyValue(compare: Compare, kv: KeyValue): boolean {
  let result: number;
  switch (compare.target) {
    case "VALUE":
      result = compareBytes(kv.value, compare.value ?? "");
      break;
    case "CREATE":
      result = compareNumbers(kv.createRevision, compare.createRevision ?? 0);
      break;
    case "MOD":
      result = compareNumbers(kv.modRevision, compare.modRevision ?? 0);
      break;
    case "VERSION":
      result = compareNumbers(kv.version, compare.version ?? 0);
      break;
    case "LEASE":
      result = compareNumbers(kv.lease, compare.lease ?? 0);
      break;
    default:
      return assertNever(compare.target, "compare target");
  }
  switch (compare.result) {
    case "EQUAL":
      return result === 0;
    case "NOT_EQUAL":
      return result !== 0;
    case "GREATER":
      return result > 0;
    case "LESS":
      return result < 0;
    default:
      return assertNever(compare.result, "compare result");
  }
}

/** One compare over a key or a range: every key must satisfy it; missing keys compare as zero, except VALUE (false). */
export function applyCompare(reader: RangeReader, compare: Compare): boolean {
  const result = reader.range(compare.key, internalRangeEnd(compare.rangeEnd), 0, 0, false);
  if (!result.ok) return false;
  if (result.value.kvs.length === 0) return compare.target !== "VALUE" && compareKeyValue(compare, zeroKeyValue);
  return result.value.kvs.every((kv) => compareKeyValue(compare, kv));
}

function branch(request: TxnRequest, succeeded: boolean): readonly RequestOp[] {
  return (succeeded ? request.success : request.failure) ?? [];
}

/** The branch taken by this txn and by every nested txn on the chosen path, in pre-order. */
export function compareToPath(transaction: StoreTransaction, request: TxnRequest): boolean[] {
  const succeeded = (request.compare ?? []).every((compare) => applyCompare(transaction, compare));
  const path = [succeeded];
  for (const operation of branch(request, succeeded)) {
    if (operation.type === "txn") path.push(...compareToPath(transaction, operation.request));
  }
  return path;
}

/** A position in a txn path, shared by a walk over nested txns. */
export interface PathCursor {
  position: number;
}

function takeBranch(path: readonly boolean[], cursor: PathCursor): boolean {
  const succeeded = path[cursor.position];
  if (succeeded === undefined) assertionFailed(`txn path too short at ${cursor.position}`);
  cursor.position++;
  return succeeded;
}

function checkRangeRevision(reader: RangeReader, request: RangeRequest): EtcdError | undefined {
  const revision = request.revision ?? 0;
  if (revision === 0) return undefined;
  if (revision > reader.readRevision) return etcdErrors.futureRevision;
  if (revision < reader.firstRevision) return etcdErrors.compacted;
  return undefined;
}

function checkPut(reader: RangeReader, leases: LeaseAttachments, request: PutRequest): EtcdError | undefined {
  if ((request.ignoreValue || request.ignoreLease) && currentKeyValue(reader, request.key) === undefined) return etcdErrors.keyNotFound;
  const lease = request.lease ?? 0;
  if (lease !== 0 && !leases.has(lease)) return etcdErrors.leaseNotFound;
  return undefined;
}

/** etcd `checkTxn`: the first error of an operation on the chosen path, before anything is written. */
export function checkTxn(transaction: StoreTransaction, leases: LeaseAttachments, request: TxnRequest, path: readonly boolean[], cursor: PathCursor): EtcdError | undefined {
  for (const operation of branch(request, takeBranch(path, cursor))) {
    let error: EtcdError | undefined;
    switch (operation.type) {
      case "range":
        error = checkRangeRevision(transaction, operation.request);
        break;
      case "put":
        error = checkPut(transaction, leases, operation.request);
        break;
      case "deleteRange":
        break;
      case "txn":
        error = checkTxn(transaction, leases, operation.request, path, cursor);
        break;
      default:
        return assertNever(operation, "request op");
    }
    if (error !== undefined) return error;
  }
  return undefined;
}

function executeOperation(transaction: StoreTransaction, operation: RequestOp, path: readonly boolean[], cursor: PathCursor): ResponseOp {
  switch (operation.type) {
    case "range": {
      const result = executeRange(transaction, operation.request);
      assert(result.ok, "unexpected error during txn: failed Range");
      return { type: "range", response: result.value };
    }
    case "put": {
      const result = executePut(transaction, operation.request);
      assert(result.ok, "unexpected error during txn: failed Put (ignore_value/ignore_lease on a key deleted earlier in the txn)");
      return { type: "put", response: result.value };
    }
    case "deleteRange":
      return { type: "deleteRange", response: executeDeleteRange(transaction, operation.request) };
    case "txn":
      return { type: "txn", response: executeTxn(transaction, operation.request, path, cursor) };
    default:
      return assertNever(operation, "request op");
  }
}

/** Executes the chosen branches (after `checkTxn`). Nested responses carry header revision 0. */
export function executeTxn(transaction: StoreTransaction, request: TxnRequest, path: readonly boolean[], cursor: PathCursor): TxnResponse {
  const succeeded = takeBranch(path, cursor);
  const responses = branch(request, succeeded).map((operation) => executeOperation(transaction, operation, path, cursor));
  return { header: { revision: 0 }, succeeded, responses };
}

/** A txn whose both branches hold only ranges (a nested txn is not read-only). */
export function isTxnReadOnly(request: TxnRequest): boolean {
  const readOnly = (operation: RequestOp): boolean => operation.type === "range";
  return (request.success ?? []).every(readOnly) && (request.failure ?? []).every(readOnly);
}
