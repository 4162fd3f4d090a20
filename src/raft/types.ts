/**
 * The data types a host exchanges with the Raft core: log entries, persistent state, snapshots,
 * configurations, messages, the Ready batch and the configuration of a node.
 *
 * Everything here is plain data (no classes), so that a host can persist it, send it over a
 * simulated network and print it in a trace. Objects handed out by the core are read-only: a host
 * must never mutate an entry, a message or a Ready.
 */
import type { RaftEvent } from "./events.js";

/** A node's name, e.g. "n1". The empty string is not a valid id. */
export type NodeId = string;

/** The injected source of randomness: a uniform integer in [0, n). The core draws nothing else. */
export interface RaftRandom {
  int(n: number): number;
}

export type EntryType = "normal" | "conf-change";

/**
 * One log entry. `data` is opaque to Raft, except for conf-change entries, whose data is a
 * `ConfChange`. A new leader's empty entry has type "normal" and data `null`.
 */
export interface Entry {
  readonly index: number;
  readonly term: number;
  readonly type: EntryType;
  readonly data: unknown;
}

/** What a node must persist before it sends the messages of the same Ready. */
export interface HardState {
  readonly term: number;
  /** The candidate this node voted for in `term`, or null. */
  readonly vote: NodeId | null;
  readonly commit: number;
}

export type Role = "follower" | "pre-candidate" | "candidate" | "leader";

/** Volatile state, reported in a Ready when it changes; never persisted. */
export interface SoftState {
  readonly lead: NodeId | null;
  readonly role: Role;
}

/**
 * A membership configuration. Outside a joint configuration `votersOutgoing` and `learnersNext` are
 * empty and `autoLeave` is false. `learnersNext` lists outgoing voters that become learners when
 * the joint configuration is left.
 */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
  readonly votersOutgoing: readonly NodeId[];
  readonly learnersNext: readonly NodeId[];
  readonly autoLeave: boolean;
}

export type ConfChangeType = "add-node" | "remove-node" | "add-learner";

export interface ConfChangeSingle {
  readonly type: ConfChangeType;
  readonly node: NodeId;
}

/**
 * How a change moves between configurations: "auto" makes a single change directly (one voter at
 * most) and several changes through a joint configuration left automatically; "joint-implicit"
 * always goes through a joint configuration left automatically; "joint-explicit" stays joint until
 * the host proposes a change with an empty change list.
 */
export type ConfChangeTransition = "auto" | "joint-implicit" | "joint-explicit";

/** A membership change (etcd's ConfChangeV2). An empty `changes` list leaves a joint configuration. */
export interface ConfChange {
  readonly transition: ConfChangeTransition;
  readonly changes: readonly ConfChangeSingle[];
}

export interface SnapshotMetadata {
  /** The last log index the snapshot covers, and its term. */
  readonly index: number;
  readonly term: number;
  /** The configuration in force at `index`. */
  readonly confState: ConfState;
}

/** A snapshot of the host's state machine at `metadata.index`; `data` is opaque to Raft. */
export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  readonly data: unknown;
}

/**
 * Message types (see the catalogue in index.ts). MsgHup, MsgBeat, MsgCheckQuorum, MsgUnreachable
 * and MsgSnapStatus are local: the core steps them into itself and never sends them.
 */
export type MessageType =
  | "MsgHup"
  | "MsgBeat"
  | "MsgCheckQuorum"
  | "MsgUnreachable"
  | "MsgSnapStatus"
  | "MsgProp"
  | "MsgApp"
  | "MsgAppResp"
  | "MsgVote"
  | "MsgVoteResp"
  | "MsgPreVote"
  | "MsgPreVoteResp"
  | "MsgSnap"
  | "MsgHeartbeat"
  | "MsgHeartbeatResp"
  | "MsgTransferLeader"
  | "MsgTimeoutNow"
  | "MsgReadIndex"
  | "MsgReadIndexResp";

/**
 * A Raft message. Every message the core creates carries all fields (unused ones are 0, false, an
 * empty list, "" or undefined), so all messages share one shape. `from` is always the sender.
 */
export interface Message {
  readonly type: MessageType;
  readonly from: NodeId;
  readonly to: NodeId;
  /** The sender's term; 0 for local messages and for forwarded MsgProp / MsgReadIndex. */
  readonly term: number;
  readonly logTerm: number;
  readonly index: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  readonly reject: boolean;
  readonly rejectHint: number;
  readonly snapshot?: Snapshot | undefined;
  readonly context?: string | undefined;
}

/** The answer to a ReadIndex request: reads with `context` may be served once `index` is applied. */
export interface ReadState {
  readonly index: number;
  readonly context: string;
}

/**
 * A batch of work for the host (see the numbered duties in index.ts). Fields that did not change are
 * null or empty.
 */
export interface Ready {
  readonly softState: SoftState | null;
  readonly hardState: HardState | null;
  /** Entries to persist (after truncating any persisted entries at or above the first index). */
  readonly entries: readonly Entry[];
  /** A snapshot received from the leader: persist it, then restore the state machine from it. */
  readonly snapshot: Snapshot | null;
  /** Entries to apply, in order; for conf-change entries call `applyConfChange`. */
  readonly committedEntries: readonly Entry[];
  /** Messages to send once `entries`, `hardState` and `snapshot` are durable. */
  readonly messages: readonly Message[];
  readonly readStates: readonly ReadState[];
  /** True when the term, the vote or the log changed: the writes must be fsynced. */
  readonly mustSync: boolean;
  /** What happened since the last Ready (empty unless the config's `observe` is true). */
  readonly events: readonly RaftEvent[];
}

/** What a node reads back from its disk on start: empty for a fresh node. */
export interface RestartState {
  readonly hardState: HardState;
  readonly snapshot?: Snapshot | null;
  /** The persisted entries after the snapshot, contiguous and in index order. */
  readonly entries: readonly Entry[];
  /**
   * The configuration at the host's applied index, when the host records it; otherwise the
   * snapshot's configuration, or the bootstrap voters and learners of the RaftConfig.
   */
  readonly confState?: ConfState | null;
}

export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: null, commit: 0 });

export const EMPTY_RESTART_STATE: RestartState = Object.freeze({ hardState: EMPTY_HARD_STATE, entries: Object.freeze([]) });

export type ReadOnlyOption = "safe" | "lease-based";

/** The configuration of one node. Optional fields take the defaults of `resolveRaftConfig`. */
export interface RaftConfig {
  readonly id: NodeId;
  /**
   * Bootstrap configuration, used when the restart state carries no configuration. A node joining
   * a running cluster must be given the configuration it joins, itself included (as etcd's
   * --initial-cluster): the conf changes it replays from the log apply on top of it.
   */
  readonly voters: readonly NodeId[];
  readonly learners?: readonly NodeId[];
  /** Ticks without a leader before a follower campaigns (randomized in [electionTicks, 2·electionTicks−1]). */
  readonly electionTicks?: number;
  /** Ticks between a leader's heartbeats; must be below electionTicks. */
  readonly heartbeatTicks?: number;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  /** "lease-based" requires checkQuorum. */
  readonly readOnly?: ReadOnlyOption;
  /** The size budget of one MsgApp, in units of `entrySize` (by default an entry count); at least one entry is always sent. */
  readonly maxEntriesPerMessage?: number;
  /** In-flight MsgApp messages per follower in the replicate state. */
  readonly maxInflightMessages?: number;
  /** The leader drops proposals that would push its uncommitted tail beyond this size (in `entrySize` units). */
  readonly maxUncommittedEntries?: number;
  readonly disableProposalForwarding?: boolean;
  /** A leader removed from (or demoted in) the configuration steps down when the change is applied. */
  readonly stepDownOnRemoval?: boolean;
  readonly random: RaftRandom;
  /** Planted bugs to switch on, by name (see RAFT_MUTANTS); names the core does not know are ignored. */
  readonly mutants?: ReadonlySet<string>;
  /** The host's last applied index on restart. */
  readonly applied?: number;
  /** The largest relative clock drift assumed between nodes, in [0, 1); shortens lease reads. */
  readonly clockDriftBound?: number;
  /** Build RaftEvents for each Ready (off for speed). */
  readonly observe?: boolean;
  /**
   * With `observe`: also the routine `entries-appended` and `commit-advanced` events (on by
   * default). A host that traces its appends and commits from the Ready itself turns them off: they
   * are raised for every entry on every node.
   */
  readonly observeLog?: boolean;
  /**
   * Recycle the Ready object (off by default): `ready()` then returns the same object every time,
   * refilled, so a host must be done with a Ready when it calls `advance` and must not keep it. Its
   * lists (`entries`, `committedEntries`, `messages`, `readStates`, `events`) are recycled too
   * (emptied by `advance`, refilled by a later Ready): a host copies what it keeps of them. The
   * entries, messages and states in the lists, the snapshot and the `hardState` are never recycled.
   */
  readonly reuseReady?: boolean;
  /** The size of an entry for the size limits; by default 1. */
  readonly entrySize?: ((entry: Entry) => number) | undefined;
}

/** A RaftConfig with every default filled in (a host prints this in its trace header). */
export interface ResolvedRaftConfig {
  readonly id: NodeId;
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly readOnly: ReadOnlyOption;
  readonly maxEntriesPerMessage: number;
  readonly maxInflightMessages: number;
  readonly maxUncommittedEntries: number;
  readonly disableProposalForwarding: boolean;
  readonly stepDownOnRemoval: boolean;
  readonly mutants: readonly string[];
  readonly applied: number;
  readonly clockDriftBound: number;
  readonly observe: boolean;
}

export type ProgressState = "probe" | "replicate" | "snapshot";

/** The leader's view of one peer (itself included). */
export interface PeerProgress {
  readonly id: NodeId;
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  /** MsgApp messages in flight (replicate state). */
  readonly inflight: number;
  /** True when sending is paused (probe sent, in-flight window full, or snapshot pending). */
  readonly paused: boolean;
  readonly recentActive: boolean;
  readonly isLearner: boolean;
  /** The index of the snapshot in flight (snapshot state), otherwise 0. */
  readonly pendingSnapshot: number;
}

export interface Status {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: number;
  readonly vote: NodeId | null;
  readonly lead: NodeId | null;
  readonly commit: number;
  readonly applied: number;
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly confState: ConfState;
  readonly leadTransferee: NodeId | null;
  /** One row per tracked peer, sorted by id; null unless this node is the leader. */
  readonly progress: readonly PeerProgress[] | null;
}

/** Why a proposed membership change was refused (the first four are checked before the change). */
export type ConfChangeRefusal =
  | "conf change pending"
  | "must transition out of joint config first"
  | "not in joint config"
  | "removed all voters"
  | "more than one voter changed without entering joint config"
  | "config is already joint"
  | "can't make a zero-voter config joint"
  | "can't leave a non-joint config"
  | "can't apply simple config change in joint config";

export type ProposalDropReason =
  | "no leader"
  | "proposal forwarding disabled"
  | "leader transfer in progress"
  | "uncommitted entries limit reached"
  | "not a member of the configuration"
  | ConfChangeRefusal;

export type TransferRefusal = "no leader" | "unknown node" | "transferee is a learner" | "transfer already in progress" | "already leader";

export type ReadIndexRefusal = "no leader";

export type CampaignRefusal = "already leader" | "not promotable" | "unapplied conf changes";

export type SnapshotRefusal = "snapshot out of date";

export type CompactRefusal = "already compacted";

export interface Accepted {
  readonly ok: true;
}

export interface Refused<Reason extends string> {
  readonly ok: false;
  readonly reason: Reason;
}

export type ProposeResult = Accepted | Refused<ProposalDropReason>;
export type TransferResult = Accepted | Refused<TransferRefusal>;
export type ReadIndexResult = Accepted | Refused<ReadIndexRefusal>;
export type CampaignResult = Accepted | Refused<CampaignRefusal>;
export type CompactResult = Accepted | Refused<CompactRefusal>;
export type CreateSnapshotResult = { readonly ok: true; readonly snapshot: Snapshot } | Refused<SnapshotRefusal>;

export const ACCEPTED: Accepted = Object.freeze({ ok: true });

/** The planted bugs the core knows (two more, in the host, are not listed here). */
export const RAFT_MUTANTS = Object.freeze([
  "commit-old-term-by-count",
  "vote-without-log-check",
  "no-truncate-on-conflict",
  "stale-leader-read",
  "lease-read-under-drift",
] as const);

export type RaftMutant = (typeof RAFT_MUTANTS)[number];
