/**
 * API-level checks a member runs before proposing a request to Raft (etcd `v3rpc/key.go`,
 * `v3_server.go`). Each returns the first problem as an `EtcdError`, or undefined.
 *
 * - Range/Put/DeleteRange/Compare: an empty key is `etcdserver: key is not provided`; an unknown sort
 *   order or target is `etcdserver: invalid sort option`; a put with ignore_value and a value, or
 *   ignore_lease and a lease, is `value is provided` / `lease is provided`.
 * - Txn: `max(len(compare), len(success), len(failure)) > maxTxnOps` (default 128) is `too many
 *   operations`; nested txns are checked against `maxTxnOps - that maximum`. Then, for the success
 *   and the failure list separately, etcd's `checkIntervals`: two puts of one key, or a put inside a
 *   delete range, anywhere in the list including nested txns, is `duplicate key given in txn
 *   request`; the then and else branches of one nested txn may put the same key. As in etcd, a delete
 *   whose range end is "\x00" (from-key) is an interval that contains no key, and a delete inside a
 *   nested txn only clashes with puts of later nested txns and of the list itself.
 * - Size: the marshaled `InternalRaftRequest` (request + a request header with a 10-byte ID) larger
 *   than maxRequestBytes (default 1,572,864) is `etcdserver: request is too large`.
 */
import type { ByteString } from "./bytes.js";
import { assertNever, type EtcdError, etcdErrors } from "./errors.js";
import { boolFieldSize, integerFieldSize, lengthFieldSize, tagSize, uint64FieldSize, varintSize } from "./proto.js";
import {
  type AlarmRequest,
  type CompactionRequest,
  type Compare,
  type DeleteRangeRequest,
  type LeaseGrantRequest,
  type LeaseRevokeRequest,
  type PutRequest,
  type RangeRequest,
  type RequestOp,
  sortOrders,
  sortTargets,
  type TxnRequest,
} from "./types.js";

export const defaultMaxTxnOps = 128;
export const defaultMaxRequestBytes = 1_572_864;

export function checkRangeRequest(request: RangeRequest): EtcdError | undefined {
  if (request.key.length === 0) return etcdErrors.emptyKey;
  if (!sortOrders.includes(request.sortOrder ?? "NONE") || !sortTargets.includes(request.sortTarget ?? "KEY")) return etcdErrors.invalidSortOption;
  return undefined;
}

export function checkPutRequest(request: PutRequest): EtcdError | undefined {
  if (request.key.length === 0) return etcdErrors.emptyKey;
  if (request.ignoreValue && (request.value ?? "").length !== 0) return etcdErrors.valueProvided;
  if (request.ignoreLease && (request.lease ?? 0) !== 0) return etcdErrors.leaseProvided;
  return undefined;
}

export function checkDeleteRangeRequest(request: DeleteRangeRequest): EtcdError | undefined {
  return request.key.length === 0 ? etcdErrors.emptyKey : undefined;
}

function checkRequestOp(operation: RequestOp, maxTxnOps: number): EtcdError | undefined {
  switch (operation.type) {
    case "range":
      return checkRangeRequest(operation.request);
    case "put":
      return checkPutRequest(operation.request);
    case "deleteRange":
      return checkDeleteRangeRequest(operation.request);
    case "txn":
      return checkTxnStructure(operation.request, maxTxnOps);
    default:
      return etcdErrors.keyNotFound;
  }
}

function checkTxnStructure(request: TxnRequest, maxTxnOps: number): EtcdError | undefined {
  const compares = request.compare ?? [];
  const success = request.success ?? [];
  const failure = request.failure ?? [];
  const operationCount = Math.max(compares.length, success.length, failure.length);
  if (operationCount > maxTxnOps) return etcdErrors.tooManyOperations;
  if (compares.some((compare) => compare.key.length === 0)) return etcdErrors.emptyKey;
  for (const operation of [...success, ...failure]) {
    const error = checkRequestOp(operation, maxTxnOps - operationCount);
    if (error !== undefined) return error;
  }
  return undefined;
}

/** A delete interval [begin, end): a single key is [key, key + "\x00"). */
interface DeleteInterval {
  readonly begin: ByteString;
  readonly end: ByteString;
}

function deleteInterval(request: DeleteRangeRequest): DeleteInterval {
  const rangeEnd = request.rangeEnd ?? "";
  return { begin: request.key, end: rangeEnd.length !== 0 ? rangeEnd : `${request.key}\x00` };
}

function deletes(intervals: readonly DeleteInterval[], key: ByteString): boolean {
  return intervals.some((interval) => key >= interval.begin && key < interval.end);
}

interface Writes {
  readonly puts: Set<ByteString>;
  readonly deletes: DeleteInterval[];
}

/** etcd `checkIntervals`: the puts and deletes of a list, or the duplicate-key error. */
function checkIntervals(operations: readonly RequestOp[]): Writes | EtcdError {
  const intervals = operations.flatMap((operation) => (operation.type === "deleteRange" ? [deleteInterval(operation.request)] : []));
  const puts = new Set<ByteString>();
  for (const operation of operations) {
    if (operation.type !== "txn") continue;
    const then = checkIntervals(operation.request.success ?? []);
    if (!("puts" in then)) return then;
    const otherwise = checkIntervals(operation.request.failure ?? []);
    if (!("puts" in otherwise)) return otherwise;
    for (const key of then.puts) {
      if (puts.has(key) || deletes(intervals, key)) return etcdErrors.duplicateKey;
      puts.add(key);
    }
    for (const key of otherwise.puts) {
      if (puts.has(key) && !then.puts.has(key)) return etcdErrors.duplicateKey;
      if (deletes(intervals, key)) return etcdErrors.duplicateKey;
      puts.add(key);
    }
    intervals.push(...then.deletes, ...otherwise.deletes);
  }
  for (const operation of operations) {
    if (operation.type !== "put") continue;
    const key = operation.request.key;
    if (puts.has(key) || deletes(intervals, key)) return etcdErrors.duplicateKey;
    puts.add(key);
  }
  return { puts, deletes: intervals };
}

/** All API-level checks of a txn: structure and operation count, then duplicate keys per branch. */
export function checkTxnRequest(request: TxnRequest, maxTxnOps = defaultMaxTxnOps): EtcdError | undefined {
  const structural = checkTxnStructure(request, maxTxnOps);
  if (structural !== undefined) return structural;
  for (const operations of [request.success ?? [], request.failure ?? []]) {
    const writes = checkIntervals(operations);
    if (!("puts" in writes)) return writes;
  }
  return undefined;
}

/** The requests a member proposes through Raft. */
export type RaftRequest =
  | { readonly type: "range"; readonly request: RangeRequest }
  | { readonly type: "put"; readonly request: PutRequest }
  | { readonly type: "deleteRange"; readonly request: DeleteRangeRequest }
  | { readonly type: "txn"; readonly request: TxnRequest }
  | { readonly type: "compaction"; readonly request: CompactionRequest }
  | { readonly type: "leaseGrant"; readonly request: LeaseGrantRequest }
  | { readonly type: "leaseRevoke"; readonly request: LeaseRevokeRequest }
  | { readonly type: "alarm"; readonly request: AlarmRequest };

function embedded(fieldNumber: number, size: number): number {
  return lengthFieldSize(fieldNumber, size, true);
}

function rangeRequestSize(request: RangeRequest): number {
  return (
    lengthFieldSize(1, request.key.length) +
    lengthFieldSize(2, (request.rangeEnd ?? "").length) +
    integerFieldSize(3, request.limit ?? 0) +
    integerFieldSize(4, request.revision ?? 0) +
    integerFieldSize(5, sortOrders.indexOf(request.sortOrder ?? "NONE")) +
    integerFieldSize(6, sortTargets.indexOf(request.sortTarget ?? "KEY")) +
    boolFieldSize(7, request.serializable) +
    boolFieldSize(8, request.keysOnly) +
    boolFieldSize(9, request.countOnly) +
    integerFieldSize(10, request.minModRevision ?? 0) +
    integerFieldSize(11, request.maxModRevision ?? 0) +
    integerFieldSize(12, request.minCreateRevision ?? 0) +
    integerFieldSize(13, request.maxCreateRevision ?? 0)
  );
}

function putRequestSize(request: PutRequest): number {
  return (
    lengthFieldSize(1, request.key.length) +
    lengthFieldSize(2, (request.value ?? "").length) +
    integerFieldSize(3, request.lease ?? 0) +
    boolFieldSize(4, request.prevKv) +
    boolFieldSize(5, request.ignoreValue) +
    boolFieldSize(6, request.ignoreLease)
  );
}

function deleteRangeRequestSize(request: DeleteRangeRequest): number {
  return lengthFieldSize(1, request.key.length) + lengthFieldSize(2, (request.rangeEnd ?? "").length) + boolFieldSize(3, request.prevKv);
}

const compareResults = ["EQUAL", "GREATER", "LESS", "NOT_EQUAL"] as const;
const compareTargets = ["VERSION", "CREATE", "MOD", "VALUE", "LEASE"] as const;

function compareSize(compare: Compare): number {
  const operandField = 4 + compareTargets.indexOf(compare.target);
  const operand = { VERSION: compare.version, CREATE: compare.createRevision, MOD: compare.modRevision, VALUE: compare.value, LEASE: compare.lease }[compare.target];
  let operandSize = 0;
  if (typeof operand === "string") operandSize = lengthFieldSize(operandField, operand.length, true);
  else if (typeof operand === "number") operandSize = tagSize(operandField) + varintSize(operand);
  return (
    integerFieldSize(1, compareResults.indexOf(compare.result)) +
    integerFieldSize(2, compareTargets.indexOf(compare.target)) +
    lengthFieldSize(3, compare.key.length) +
    operandSize +
    lengthFieldSize(64, (compare.rangeEnd ?? "").length)
  );
}

function requestOpSize(operation: RequestOp): number {
  switch (operation.type) {
    case "range":
      return embedded(1, rangeRequestSize(operation.request));
    case "put":
      return embedded(2, putRequestSize(operation.request));
    case "deleteRange":
      return embedded(3, deleteRangeRequestSize(operation.request));
    case "txn":
      return embedded(4, txnRequestSize(operation.request));
    default:
      return assertNever(operation, "request op");
  }
}

function txnRequestSize(request: TxnRequest): number {
  let size = 0;
  for (const compare of request.compare ?? []) size += embedded(1, compareSize(compare));
  for (const operation of request.success ?? []) size += embedded(2, requestOpSize(operation));
  for (const operation of request.failure ?? []) size += embedded(3, requestOpSize(operation));
  return size;
}

const alarmActions = ["GET", "ACTIVATE", "DEACTIVATE"] as const;
const alarmTypes = ["NONE", "NOSPACE", "CORRUPT"] as const;

function bodySize(request: RaftRequest): number {
  switch (request.type) {
    case "range":
      return embedded(3, rangeRequestSize(request.request));
    case "put":
      return embedded(4, putRequestSize(request.request));
    case "deleteRange":
      return embedded(5, deleteRangeRequestSize(request.request));
    case "txn":
      return embedded(6, txnRequestSize(request.request));
    case "compaction":
      return embedded(7, integerFieldSize(1, request.request.revision) + boolFieldSize(2, request.request.physical));
    case "leaseGrant":
      return embedded(8, integerFieldSize(1, request.request.ttl) + integerFieldSize(2, request.request.id));
    case "leaseRevoke":
      return embedded(9, integerFieldSize(1, request.request.id));
    case "alarm": {
      const alarm = request.request;
      return embedded(10, integerFieldSize(1, alarmActions.indexOf(alarm.action)) + uint64FieldSize(2, alarm.memberId) + integerFieldSize(3, alarmTypes.indexOf(alarm.alarm)));
    }
    default:
      return assertNever(request, "raft request");
  }
}

/** The request header etcd adds: field 100 holding `RequestHeader{ID}` with a 10-byte ID varint. */
const requestHeaderBytes = embedded(100, tagSize(1) + 10);

/** Size of the marshaled InternalRaftRequest carrying `request`. */
export function raftRequestSize(request: RaftRequest): number {
  return requestHeaderBytes + bodySize(request);
}

export function checkRequestSize(request: RaftRequest, maxRequestBytes = defaultMaxRequestBytes): EtcdError | undefined {
  return raftRequestSize(request) > maxRequestBytes ? etcdErrors.requestTooLarge : undefined;
}
