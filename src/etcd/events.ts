/**
 * The cluster's trace vocabulary: what etcd members, clients and checkers put in a trace, beside the
 * kernel's own events (`SimEvent`).
 *
 * The member host emits these from what its Raft node reports and from what its disk does; the
 * checkers in `src/check/` and the terminal UI read nothing else. Entries are identified by `id`, a
 * short string naming the command (`c1#7` for client c1's 7th request, `noop` for a leader's empty
 * entry, `conf` for a configuration change), so checkers can compare commands without their payload.
 */
import type { SimEvent } from "../sim/trace.js";

export type Role = "follower" | "pre-candidate" | "candidate" | "leader";

export interface LogEntryRef {
  readonly index: number;
  readonly term: number;
  readonly id: string;
}

export type ClusterEvent =
  /** A member (re)started and recovered this state from its disk. */
  | {
      readonly type: "node.start";
      readonly node: string;
      readonly term: number;
      readonly vote: string;
      readonly commit: number;
      readonly snapshotIndex: number;
      readonly lastIndex: number;
    }
  | { readonly type: "raft.role"; readonly node: string; readonly role: Role; readonly term: number; readonly lead: string; readonly reason: string }
  /** A member wrote entries to its log (pending until `raft.persist` with the same or a later batch). */
  | { readonly type: "raft.append"; readonly node: string; readonly batch: number; readonly entries: readonly LogEntryRef[] }
  /** A member cut its log so that `lastIndex` is its last entry (conflicting entries are being replaced). */
  | { readonly type: "raft.truncate"; readonly node: string; readonly batch: number; readonly lastIndex: number; readonly removed: readonly LogEntryRef[] }
  /** A member wrote its hard state (pending like entries). */
  | { readonly type: "raft.hardstate"; readonly node: string; readonly batch: number; readonly term: number; readonly vote: string; readonly commit: number }
  /** A member installed a snapshot: its log now starts after `index`. */
  | { readonly type: "raft.snapshot"; readonly node: string; readonly batch: number; readonly index: number; readonly term: number }
  /** Everything a member wrote up to `batch` is durable. */
  | { readonly type: "raft.persist"; readonly node: string; readonly batch: number }
  | { readonly type: "raft.commit"; readonly node: string; readonly term: number; readonly commit: number }
  | { readonly type: "raft.apply"; readonly node: string; readonly index: number; readonly term: number; readonly id: string }
  /** The leader's view of a follower's replication (the progress tracker), when it changes. */
  | {
      readonly type: "raft.progress";
      readonly node: string;
      readonly peer: string;
      readonly state: "probe" | "replicate" | "snapshot";
      readonly match: number;
      readonly next: number;
      readonly inflight: number;
    }
  /** A client sent a request (`summary` in etcdctl's words, e.g. "put k1 v3"). */
  | { readonly type: "client.invoke"; readonly client: string; readonly endpoint: string; readonly op: number; readonly summary: string }
  /** A client got its answer: ok, failed (with etcd's message) or unknown (it gave up waiting). */
  | { readonly type: "client.return"; readonly client: string; readonly op: number; readonly outcome: "ok" | "fail" | "unknown"; readonly summary: string }
  /** A narration-grade Raft happening (votes, probes, transfers, reads...), in words. */
  | { readonly type: "raft.event"; readonly node: string; readonly kind: string; readonly text: string; readonly detail: Readonly<Record<string, unknown>> }
  | { readonly type: "violation"; readonly kind: string; readonly detail: string };

export type TraceEvent = SimEvent | ClusterEvent;
