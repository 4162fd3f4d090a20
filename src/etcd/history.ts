/**
 * The client history of a run: every request with its invoke and return times and its outcome
 * (ok, failed, or unknown when the client gave up waiting). Checkers read it; `etcdlab` writes it
 * beside the trace.
 *
 * An operation's process is the client that issued it. A client whose request timed out keeps
 * going under a new process name (`c1` becomes `c1/2`), as Jepsen does, because a process with an
 * operation of unknown outcome can never be known to have finished it.
 *
 * Two kinds of entries come from the servers rather than a client:
 * - A lease revoke or expiry deletes the lease's keys in one revision, which no KV request wrote:
 *   the first member to apply it records it (`recordLeaseDelete`) as an operation of the process
 *   `lessor` (a transaction deleting those keys, answered with that revision), invoked and returned
 *   at that moment (the entry was committed by then, so every read that begins later reflects it).
 * - A restore starts a new cluster (`beginEpoch`): a new epoch of the history, whose operations run
 *   against the restored store (its keys and revision) instead of the old cluster's. Operations
 *   carry the epoch they were invoked in; one still in flight when the epoch changes may have been
 *   served by either cluster.
 *
 * An hour of a busy cluster makes some 180,000 operations, all kept until the end of the run. As
 * objects (an operation, its request and response, each with nested objects and boxed times) they
 * were the largest part of what the garbage collector copies and promotes. So the history keeps
 * them in columns: typed arrays for the times, outcomes and shapes, arrays of references for the
 * rest. A put of the common shape, exactly `{ kind: "put", request: { key, value } }`, keeps only
 * its key and value once it returned, and its answer of the common shape, exactly
 * `{ kind: "put", response: { header: { revision } } }`, only its revision; any other request or
 * response is kept as it came. `operation(i)` and `operations` build the operation objects again,
 * equal to what was recorded down to the order of their keys (the history's JSON depends on it).
 */
import { assertionFailed, type EtcdError } from "../mvcc/errors.js";
import type { Micros } from "../sim/time.js";
import { withRoom } from "../sim/columns.js";
import type { ByteString } from "../mvcc/bytes.js";
import type { KeyValue } from "../mvcc/types.js";
import type { KvRequest, KvResponse, Outcome } from "./protocol.js";

export type OperationOutcome = "ok" | "fail" | "unknown";

/** One operation of the history, as `operation(i)` builds it: a snapshot, not updated when it returns. */
export interface HistoryOperation {
  readonly index: number;
  readonly process: string;
  readonly endpoint: string;
  readonly request: KvRequest;
  readonly invokeUs: Micros;
  readonly returnUs: Micros | null;
  readonly outcome: OperationOutcome;
  readonly response: KvResponse | null;
  readonly error: EtcdError | null;
  /** The epoch the operation was invoked in (absent: 0, the cluster the run began with). */
  readonly epoch?: number;
}

/** The process name of the deletes a lease revoke or expiry made (see `recordLeaseDelete`). */
export const LESSOR_PROCESS = "lessor";

/** A new cluster the history continues with (a restore): when, and the store it started from. */
export interface HistoryEpoch {
  /** When the old cluster stopped: operations invoked from then on belong to this epoch. */
  readonly startUs: Micros;
  /** The store revision the new cluster starts at. */
  readonly revision: number;
  /** Its live keys, in key order. */
  readonly kvs: readonly KeyValue[];
}

export class History {
  /** The epochs after the first (one per restore), in order. */
  readonly epochs: HistoryEpoch[] = [];
  /** For each epoch after the first, the index of the first operation invoked in it (in order). */
  private readonly epochFirstIndices: number[] = [];
  private readonly listeners: Array<(operation: HistoryOperation) => void> = [];
  /** The highest revision a lease delete was recorded at in this epoch (members apply it one by one). */
  private leaseDeleteRevision = 0;

  // The columns: entry i is operation i (see the module comment).
  private count = 0;
  private capacity = INITIAL_CAPACITY;
  /** Shared strings (a client's address, a member's), so one reference each. */
  private readonly processes: string[] = [];
  private readonly endpoints: string[] = [];
  private invokeTimes = new Float64Array(INITIAL_CAPACITY);
  /** NaN until the operation returns. */
  private returnTimes = new Float64Array(INITIAL_CAPACITY);
  private outcomes = new Uint8Array(INITIAL_CAPACITY);
  /** PLAIN_PUT_REQUEST and PLAIN_PUT_RESPONSE: what `requests`, `putValues` and `results` hold. */
  private shapes = new Uint8Array(INITIAL_CAPACITY);
  /** The request as it came; a plain put's key instead, once it returned (PLAIN_PUT_REQUEST). */
  private readonly requests: Array<KvRequest | ByteString> = [];
  /** A plain put's value, once it returned (PLAIN_PUT_REQUEST); undefined otherwise. */
  private readonly putValues: Array<ByteString | undefined> = [];
  /** Ok: the response as it came, or null for a plain put's (PLAIN_PUT_RESPONSE). Otherwise the error, or null. */
  private readonly results: Array<KvResponse | EtcdError | null> = [];
  /** The revision of a plain put's response (PLAIN_PUT_RESPONSE). */
  private putRevisions = new Float64Array(INITIAL_CAPACITY);
  /** `operations` as last built; null once anything changed since. */
  private snapshot: readonly HistoryOperation[] | null = null;

  /** Calls `listener` each time an operation returns (ok or failed); not for timeouts. */
  onReturn(listener: (operation: HistoryOperation) => void): void {
    this.listeners.push(listener);
  }

  invoke(process: string, endpoint: string, request: KvRequest, now: Micros): number {
    const index = this.count;
    if (index === this.capacity) this.grow();
    this.count++;
    this.processes.push(process);
    this.endpoints.push(endpoint);
    // Typed entries start at 0: UNKNOWN, no shape bits.
    this.invokeTimes[index] = now;
    this.returnTimes[index] = NaN;
    this.requests.push(request);
    this.putValues.push(undefined);
    this.results.push(null);
    this.snapshot = null;
    return index;
  }

  /** How many operations were invoked. */
  get size(): number {
    return this.count;
  }

  /** Every operation, in order of invocation: built on first read after a change, so read it once rather than in a loop. */
  get operations(): readonly HistoryOperation[] {
    if (this.snapshot === null) {
      const operations: HistoryOperation[] = new Array(this.count);
      for (let index = 0; index < this.count; index++) operations[index] = this.operation(index);
      this.snapshot = operations;
    }
    return this.snapshot;
  }

  /** Operation `index`, as it stands now. */
  operation(index: number): HistoryOperation {
    this.checkIndex(index);
    const returnUs = this.returnTimes[index] as number;
    const ok = this.outcomes[index] === OK;
    const result = this.results[index] as KvResponse | EtcdError | null;
    const response = !ok ? null : (this.shapes[index] as number) & PLAIN_PUT_RESPONSE ? plainPutResponse(this.putRevisions[index] as number) : (result as KvResponse);
    return this.operationOf(index, this.requestOf(index), Number.isNaN(returnUs) ? null : returnUs, response, ok ? null : (result as EtcdError | null));
  }

  /** The process that invoked operation `index`. */
  process(index: number): string {
    this.checkIndex(index);
    return this.processes[index] as string;
  }

  /** Operation `index`'s outcome so far (unknown until it returns). */
  outcome(index: number): OperationOutcome {
    this.checkIndex(index);
    return OUTCOMES[this.outcomes[index] as number] as OperationOutcome;
  }

  /** The epoch operations invoked now belong to. */
  get epoch(): number {
    return this.epochs.length;
  }

  /** A new cluster from now on (a restore), starting from the store `revision` and `kvs`. */
  beginEpoch(now: Micros, revision: number, kvs: readonly KeyValue[]): void {
    this.epochs.push({ startUs: now, revision, kvs });
    this.epochFirstIndices.push(this.count);
    this.leaseDeleteRevision = revision;
    this.snapshot = null;
  }

  /**
   * A member applied a lease revoke (a client's, or the leader's for an expired lease) that deleted
   * `keys` (in key order) at `revision`. Recorded once per revision: the first member to apply it.
   */
  recordLeaseDelete(member: string, revision: number, keys: readonly string[], now: Micros): void {
    if (revision <= this.leaseDeleteRevision || keys.length === 0) return;
    this.leaseDeleteRevision = revision;
    const header = { revision };
    const request: KvRequest = { kind: "txn", request: { compare: [], success: keys.map((key) => ({ type: "deleteRange", request: { key } })), failure: [] } };
    const response: KvResponse = {
      kind: "txn",
      response: { header, succeeded: true, responses: keys.map(() => ({ type: "deleteRange", response: { header, deleted: 1, prevKvs: [] } })) },
    };
    const index = this.invoke(LESSOR_PROCESS, member, request, now);
    this.complete(index, { ok: true, value: response }, now);
  }

  /** Operation `index` returned, with `outcome`: its listeners see it as it stands then. */
  complete(index: number, outcome: Outcome<KvResponse>, now: Micros): void {
    const request = this.returning(index, now);
    let response: KvResponse | null = null;
    let error: EtcdError | null = null;
    if (outcome.ok) {
      response = outcome.value;
      this.outcomes[index] = OK;
      if ((this.shapes[index] as number) & PLAIN_PUT_REQUEST && isPlainPutResponse(response)) {
        this.shapes[index] = PLAIN_PUT_REQUEST | PLAIN_PUT_RESPONSE;
        this.putRevisions[index] = response.response.header.revision;
      } else {
        this.results[index] = response;
      }
    } else {
      error = outcome.error;
      this.outcomes[index] = definitelyFailed(error) ? FAIL : UNKNOWN;
      this.results[index] = error;
    }
    if (this.listeners.length === 0) return;
    const operation = this.operationOf(index, request, now, response, error);
    for (const listener of this.listeners) listener(operation);
  }

  /** The client gave up waiting for operation `index`: its outcome stays unknown. */
  timeout(index: number, now: Micros): void {
    this.returning(index, now);
    this.outcomes[index] = UNKNOWN;
  }

  /** Records that operation `index` returned at `now` (once), keeping a plain put's key and value only; its request. */
  private returning(index: number, now: Micros): KvRequest {
    this.checkIndex(index);
    if (!Number.isNaN(this.returnTimes[index])) assertionFailed(`operation ${index} of the client history returned twice`);
    this.returnTimes[index] = now;
    this.snapshot = null;
    const request = this.requests[index] as KvRequest;
    if (isPlainPutRequest(request)) {
      this.shapes[index] = PLAIN_PUT_REQUEST;
      this.requests[index] = request.request.key;
      this.putValues[index] = request.request.value;
    }
    return request;
  }

  private requestOf(index: number): KvRequest {
    const request = this.requests[index] as KvRequest | ByteString;
    if (typeof request !== "string") return request;
    return { kind: "put", request: { key: request, value: this.putValues[index] as ByteString } };
  }

  /** An operation object, its keys in the order the history's JSON has always had. */
  private operationOf(index: number, request: KvRequest, returnUs: Micros | null, response: KvResponse | null, error: EtcdError | null): HistoryOperation {
    const process = this.processes[index] as string;
    const endpoint = this.endpoints[index] as string;
    const invokeUs = this.invokeTimes[index] as number;
    const outcome = OUTCOMES[this.outcomes[index] as number] as OperationOutcome;
    const epoch = this.epochOf(index);
    return epoch === 0
      ? { index, process, endpoint, request, invokeUs, returnUs, outcome, response, error }
      : { index, process, endpoint, request, invokeUs, returnUs, outcome, response, error, epoch };
  }

  /** The epoch operation `index` was invoked in. */
  private epochOf(index: number): number {
    let epoch = this.epochFirstIndices.length;
    while (epoch > 0 && index < (this.epochFirstIndices[epoch - 1] as number)) epoch--;
    return epoch;
  }

  private checkIndex(index: number): void {
    if (!(Number.isInteger(index) && index >= 0 && index < this.count)) assertionFailed(`no operation ${index} in a client history of ${this.count}`);
  }

  /** Doubles the typed columns (the others are arrays, grown by push). */
  private grow(): void {
    this.capacity *= 2;
    this.invokeTimes = withRoom(this.invokeTimes, this.capacity);
    this.returnTimes = withRoom(this.returnTimes, this.capacity);
    this.putRevisions = withRoom(this.putRevisions, this.capacity);
    this.outcomes = withRoom(this.outcomes, this.capacity);
    this.shapes = withRoom(this.shapes, this.capacity);
  }
}

const INITIAL_CAPACITY = 1024;

/** Outcome codes, indices into OUTCOMES. */
const UNKNOWN = 0;
const OK = 1;
const FAIL = 2;
const OUTCOMES: readonly OperationOutcome[] = ["unknown", "ok", "fail"];

/** Shape bits: the request is kept as a plain put's key and value; the response as a plain put's revision. */
const PLAIN_PUT_REQUEST = 1;
const PLAIN_PUT_RESPONSE = 2;

/** Exactly `{ kind: "put", request: { key, value } }`, in that key order, with string key and value. */
function isPlainPutRequest(request: KvRequest): request is { readonly kind: "put"; readonly request: { readonly key: ByteString; readonly value: ByteString } } {
  return (
    request.kind === "put" &&
    typeof request.request.key === "string" &&
    typeof request.request.value === "string" &&
    hasKeys(request, "kind", "request") &&
    hasKeys(request.request, "key", "value")
  );
}

/** Exactly `{ kind: "put", response: { header: { revision } } }`, in that key order. */
function isPlainPutResponse(response: KvResponse): response is { readonly kind: "put"; readonly response: { readonly header: { readonly revision: number } } } {
  return (
    response.kind === "put" &&
    typeof response.response.header.revision === "number" &&
    hasKeys(response, "kind", "response") &&
    hasKeys(response.response, "header") &&
    hasKeys(response.response.header, "revision")
  );
}

function plainPutResponse(revision: number): KvResponse {
  return { kind: "put", response: { header: { revision } } };
}

/** Whether `object`'s enumerable keys are exactly `first`, then `second` when given (a loop over keys allocates nothing). */
function hasKeys(object: object, first: string, second?: string): boolean {
  let count = 0;
  for (const key in object) {
    if (key !== (count === 0 ? first : count === 1 ? second : undefined)) return false;
    count++;
  }
  return count === (second === undefined ? 1 : 2);
}

/**
 * Whether an error proves the request did not take effect. A server-side timeout or a lost leader
 * does not: the proposal may still commit ("etcd does not send abort responses to clients'
 * outstanding requests"), so those outcomes stay unknown. Nor does "database space exceeded": the
 * write that crosses the quota is applied and then answered with it (etcd's quotaApplierV3).
 */
export function definitelyFailed(error: EtcdError): boolean {
  return !(
    error.message === "etcdserver: mvcc: database space exceeded" ||
    error.message === "etcdserver: request timed out" ||
    error.message === "etcdserver: leader changed" ||
    error.message === "etcdserver: request timed out, possibly due to previous leader failure" ||
    error.message === "context deadline exceeded"
  );
}
