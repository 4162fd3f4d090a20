/**
 * What a member applies committed entries to. The etcd state machine is the MVCC store
 * (`MvccStateMachine`); the interface keeps the member loop independent of it.
 */
import type { KvRequest, KvResponse, Outcome } from "./protocol.js";

export interface StateMachine {
  /** Applies a committed request at Raft index `index` and returns the client's answer. */
  apply(request: KvRequest, index: number): Outcome<KvResponse>;
  /** Serves a read (a range or a read-only txn) from the current state. */
  read(request: KvRequest): Outcome<KvResponse>;
  /** A copy of the whole state, for a Raft snapshot (plain data, never mutated afterwards). */
  snapshot(): unknown;
  /** Replaces the whole state with a snapshot's. */
  restore(data: unknown): void;
}
