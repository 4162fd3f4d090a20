/**
 * Observability events: what happened inside one node since its last Ready, precise enough for a
 * terminal UI to narrate in plain words ("n1 became leader at term 3", "n2 rejected the vote of n3
 * at term 4: candidate log not up to date").
 *
 * Events are built only when the node's config has `observe: true`; a simulator sweeping millions
 * of seeds leaves it off. Every event concerns the node that emitted it (the host knows which).
 */
import type { ConfChange, ConfState, MessageType, NodeId, ProgressState, ProposalDropReason } from "./types.js";

export type VoteKind = "vote" | "pre-vote";

export type VoteResult = "won" | "lost" | "pending";

/** Why a node became (or stayed) a follower. */
export type FollowerReason =
  | "start"
  | "higher term"
  | "leader found"
  | "lost election"
  | "lost pre-election"
  | "check-quorum: quorum not active"
  | "removed from configuration";

export type VoteRejection =
  | "candidate log not up to date"
  | "already voted"
  | "leader known"
  | "lower term"
  | "lease not expired";

/** How a read index was confirmed: by a quorum heartbeat round, the leader's lease, a one-voter cluster, not at all (mutants), or by the leader (at a follower). */
export type ReadConfirmation = "quorum" | "lease" | "singleton" | "unconfirmed" | "leader";

export type SnapshotIgnoredReason = "stale" | "fast-forwarded commit";

export type TransferAbortReason = "timeout" | "transferee removed" | "superseded";

export type RaftEvent =
  /** The randomized election timer of a follower or candidate fired. */
  | { readonly type: "election-timeout"; readonly term: number; readonly timeoutTicks: number }
  | { readonly type: "campaign-refused"; readonly term: number; readonly reason: "not promotable" | "unapplied conf changes" }
  | {
      readonly type: "became-follower";
      readonly term: number;
      readonly lead: NodeId | null;
      readonly reason: FollowerReason;
      /** The node whose message caused the change, if any. */
      readonly from: NodeId | null;
    }
  /** A pre-candidate stays in `term` and asks for pre-votes for term + 1. */
  | { readonly type: "became-pre-candidate"; readonly term: number }
  | { readonly type: "became-candidate"; readonly term: number; readonly transfer: boolean }
  | { readonly type: "became-leader"; readonly term: number }
  | { readonly type: "vote-granted"; readonly kind: VoteKind; readonly candidate: NodeId; readonly term: number }
  /** With reason "lease not expired" the request is ignored and no response is sent. */
  | {
      readonly type: "vote-rejected";
      readonly kind: VoteKind;
      readonly candidate: NodeId;
      readonly term: number;
      readonly reason: VoteRejection;
      /** The vote this node had already cast in its term, if any. */
      readonly votedFor: NodeId | null;
    }
  /** A candidate counted a response (its own included). */
  | {
      readonly type: "vote-counted";
      readonly kind: VoteKind;
      readonly voter: NodeId;
      readonly granted: boolean;
      readonly grantedCount: number;
      readonly rejectedCount: number;
      readonly result: VoteResult;
    }
  | { readonly type: "entries-appended"; readonly firstIndex: number; readonly lastIndex: number; readonly term: number }
  /** A follower removed its entries from `conflictIndex` to `removedLastIndex` because the leader's term differs there. */
  | {
      readonly type: "entries-truncated";
      readonly conflictIndex: number;
      readonly removedLastIndex: number;
      readonly existingTerm: number;
      readonly incomingTerm: number;
    }
  /** A follower rejected a MsgApp whose previous entry it does not have; the hint tells the leader where to probe. */
  | {
      readonly type: "append-rejected";
      readonly leader: NodeId;
      readonly index: number;
      readonly logTerm: number;
      readonly hintIndex: number;
      readonly hintTerm: number;
    }
  | { readonly type: "commit-advanced"; readonly from: number; readonly to: number }
  | {
      readonly type: "progress-changed";
      readonly peer: NodeId;
      readonly from: ProgressState;
      readonly to: ProgressState;
      readonly match: number;
      readonly next: number;
    }
  | { readonly type: "snapshot-sent"; readonly to: NodeId; readonly index: number; readonly term: number }
  | { readonly type: "snapshot-restored"; readonly from: NodeId; readonly index: number; readonly term: number }
  | {
      readonly type: "snapshot-ignored";
      readonly from: NodeId;
      readonly index: number;
      readonly term: number;
      readonly reason: SnapshotIgnoredReason;
    }
  | { readonly type: "leader-transfer-started"; readonly to: NodeId; readonly immediate: boolean }
  | { readonly type: "leader-transfer-aborted"; readonly to: NodeId; readonly reason: TransferAbortReason }
  /** A new leader holds a read until it has committed an entry in its term. */
  | { readonly type: "read-index-postponed"; readonly requester: NodeId; readonly context: string }
  | {
      readonly type: "read-index-served";
      readonly requester: NodeId;
      readonly index: number;
      readonly context: string;
      readonly confirmation: ReadConfirmation;
    }
  | { readonly type: "proposal-dropped"; readonly proposer: NodeId; readonly reason: ProposalDropReason }
  | { readonly type: "conf-change-applied"; readonly change: ConfChange; readonly confState: ConfState }
  /** A message from an older term, ignored (or answered with the current term, see stale-term responses). */
  | { readonly type: "message-ignored"; readonly messageType: MessageType; readonly from: NodeId; readonly messageTerm: number };
