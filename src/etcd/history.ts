/**
 * The client history of a run: every request with its invoke and return times and its outcome
 * (ok, failed, or unknown when the client gave up waiting). Checkers read it; `etcdlab` writes it
 * beside the trace.
 *
 * An operation's process is the client that issued it. A client whose request timed out keeps
 * going under a new process name (`c1` becomes `c1/2`), as Jepsen does, because a process with an
 * operation of unknown outcome can never be known to have finished it.
 */
import type { EtcdError } from "../mvcc/errors.js";
import type { Micros } from "../sim/time.js";
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
}

export class History {
  readonly operations: HistoryOperation[] = [];
  private readonly listeners: Array<(operation: HistoryOperation) => void> = [];

  /** Calls `listener` each time an operation returns (ok or failed); not for timeouts. */
  onReturn(listener: (operation: HistoryOperation) => void): void {
    this.listeners.push(listener);
  }

  invoke(process: string, endpoint: string, request: KvRequest, now: Micros): number {
    const index = this.operations.length;
    this.operations.push({ index, process, endpoint, request, invokeUs: now, returnUs: null, outcome: "unknown", response: null, error: null });
    return index;
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
