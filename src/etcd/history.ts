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
 */
import type { EtcdError } from "../mvcc/errors.js";
import type { Micros } from "../sim/time.js";
import type { KeyValue } from "../mvcc/types.js";
import type { KvRequest, KvResponse, Outcome } from "./protocol.js";

export type OperationOutcome = "ok" | "fail" | "unknown";

export interface HistoryOperation {
  readonly index: number;
  readonly process: string;
  readonly endpoint: string;
  readonly request: KvRequest;
  readonly invokeUs: Micros;
  returnUs: Micros | null;
  outcome: OperationOutcome;
  response: KvResponse | null;
  error: EtcdError | null;
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
  readonly operations: HistoryOperation[] = [];
  /** The epochs after the first (one per restore), in order. */
  readonly epochs: HistoryEpoch[] = [];
  private readonly listeners: Array<(operation: HistoryOperation) => void> = [];
  /** The highest revision a lease delete was recorded at in this epoch (members apply it one by one). */
  private leaseDeleteRevision = 0;

  /** Calls `listener` each time an operation returns (ok or failed); not for timeouts. */
  onReturn(listener: (operation: HistoryOperation) => void): void {
    this.listeners.push(listener);
  }

  invoke(process: string, endpoint: string, request: KvRequest, now: Micros): number {
    const index = this.operations.length;
    const epoch = this.epochs.length;
    const operation: HistoryOperation =
      epoch === 0
        ? { index, process, endpoint, request, invokeUs: now, returnUs: null, outcome: "unknown", response: null, error: null }
        : { index, process, endpoint, request, invokeUs: now, returnUs: null, outcome: "unknown", response: null, error: null, epoch };
    this.operations.push(operation);
    return index;
  }

  /** The epoch operations invoked now belong to. */
  get epoch(): number {
    return this.epochs.length;
  }

  /** A new cluster from now on (a restore), starting from the store `revision` and `kvs`. */
  beginEpoch(now: Micros, revision: number, kvs: readonly KeyValue[]): void {
    this.epochs.push({ startUs: now, revision, kvs });
    this.leaseDeleteRevision = revision;
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

  complete(index: number, outcome: Outcome<KvResponse>, now: Micros): void {
    const operation = this.operations[index] as HistoryOperation;
    operation.returnUs = now;
    if (outcome.ok) {
      operation.outcome = "ok";
      operation.response = outcome.value;
    } else {
      operation.outcome = definitelyFailed(outcome.error) ? "fail" : "unknown";
      operation.error = outcome.error;
    }
    for (const listener of this.listeners) listener(operation);
  }

  timeout(index: number, now: Micros): void {
    const operation = this.operations[index] as HistoryOperation;
    operation.returnUs = now;
    operation.outcome = "unknown";
  }
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
