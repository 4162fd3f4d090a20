/**
 * The shape of what a member applies committed entries to. The member's state machine is etcd's
 * apply layer, `EtcdServerState` (src/etcd/server), which implements this interface and more
 * (internal requests with headers, leases, alarms, auth).
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
