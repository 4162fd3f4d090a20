/**
 * Package raft: a pure Raft consensus core, modelled on etcd-io/raft's RawNode.
 *
 * It is a state machine and nothing else: no clock, no timers, no network, no disk, no threads.
 * Time arrives as `tick()` calls, messages as `step(message)`, requests as `propose`,
 * `proposeConfChange`, `campaign`, `transferLeader` and `readIndex`. Everything the node wants done
 * comes back in a `Ready`. Randomness (the election timeout) comes only from the injected
 * `RaftRandom`, so a run is a pure function of its inputs. This package imports nothing outside
 * itself.
 *
 * The host's duties, for each Ready (`if (node.hasReady()) { const ready = node.ready(); ... }`):
 *
 *   1. Persist `ready.entries` (first removing any persisted entries at or above the first one's
 *      index), then `ready.hardState` and `ready.snapshot` if present; fsync when `mustSync`.
 *   2. Only then send `ready.messages`: a vote or an acknowledgement must never leave before the
 *      state it vouches for is durable. After sending a MsgSnap, call `reportSnapshot(to, ...)`;
 *      for a peer found unreachable, `reportUnreachable(id)`.
 *   3. Restore the state machine from `ready.snapshot`, if present, then apply
 *      `ready.committedEntries` in order; for each "conf-change" entry call
 *      `applyConfChange(entry.data)`. Serve the reads of `ready.readStates` once their index is
 *      applied. Narrate `ready.events` if you asked for them (`observe: true`).
 *   4. Call `advance(ready)`. Only then may `ready()` be called again (`hasReady()` is false
 *      while a Ready is out); `tick`, `step` and requests remain allowed in between.
 *
 * On restart, give the node its persisted hard state, snapshot and entries (a `RestartState`) and
 * the last applied index (`config.applied`); it rebuilds everything else.
 *
 * Log compaction is the host's choice: `createSnapshot(index, data)` records a snapshot of an
 * applied index, `compact(index)` then drops the entries it covers. A follower that needs them
 * is sent the snapshot.
 *
 * Where this departs from the paper, as etcd does:
 *
 *   - A new leader appends an empty entry of its term; entries of earlier terms commit only
 *     through it (§5.4.2: only current-term entries are committed by counting replicas).
 *   - Membership changes take effect when applied, not when appended; a leader accepts a new one
 *     only once the previous one is applied; joint consensus follows etcd's ConfChangeV2. A node
 *     with committed but unapplied conf changes does not campaign.
 *   - Pre-vote (thesis §9.6) asks for votes for term + 1 without changing term or vote.
 *   - Check-quorum: a leader that did not hear from a quorum within an election timeout steps
 *     down; and with check-quorum a node that heard from its leader within an election timeout
 *     ignores vote requests of higher terms (leader stickiness), except leader-transfer campaigns.
 *   - With check-quorum or pre-vote, a MsgApp or MsgHeartbeat of an older term is answered with
 *     a MsgAppResp of the newer term, so that a leader stuck in an old term steps down.
 *   - Learners receive the log but never count in a quorum; they may still vote when asked.
 *   - A follower rejecting an append hints the largest index whose term is at most the leader's,
 *     and the leader skips all indexes whose terms exceed the hint's (one probe per term).
 *   - A node counts its own vote and its own entries only after the host persisted them (on
 *     `advance`), so a one-node cluster needs a Ready round per step.
 *
 * Where this departs from etcd-io/raft:
 *
 *   - ReadIndex is confirmed by numbered heartbeat rounds (as in etcd-io/raft 3.7), not by the
 *     request's context. Lease reads hold only while a lease shortened by the clock-drift bound
 *     holds, and never after a leader transfer began (see read-only.ts); with check-quorum, a
 *     node restarted from persisted state ignores vote requests for its first electionTicks
 *     ticks, since it may have granted a lease it forgot. (etcd trusts the lease whenever the
 *     node believes it leads: that is the lease-read-under-drift mutant.)
 *   - A follower accepts a snapshot whose configuration lacks it (etcd refuses it): the leader
 *     sending it has since added the node, and the entries after the snapshot say so.
 *   - `from` is always the sender: a forwarded MsgTransferLeader names the transferee in
 *     `context`, and a follower forwards only its own ReadIndex requests.
 *   - A refused conf change is reported (`{ok: false, reason}`, or a proposal-dropped event for a
 *     forwarded one) instead of being replaced by an empty entry. A leader's postponed reads are
 *     dropped when it steps down.
 *   - Not provided: asynchronous storage writes, ForgetLeader, byte-based in-flight limits,
 *     apply-size limits per Ready, and disabling conf-change validation.
 *
 * Assertions ("assertion failed: ...") mark bugs and broken host contracts. Some fire on the
 * consequences of planted bugs, as etcd's panics would: a follower told a commit index beyond
 * its log ("was the log corrupted, truncated or lost?", e.g. after acknowledging entries before
 * fsyncing them), an entry conflicting with a committed one, or a follower acknowledging entries
 * its leader lacks (Leader Completeness violated).
 *
 * Planted bugs ("mutants") are switched on by name in `config.mutants` (see RAFT_MUTANTS):
 * commit-old-term-by-count, vote-without-log-check, no-truncate-on-conflict, stale-leader-read,
 * lease-read-under-drift. With none of them on, the core is correct.
 *
 * Message catalogue (`from` is always the sender; term 0 marks local and forwarded requests):
 *
 *   MsgHup            local: the election timer fired; campaign (pre-vote first if enabled).
 *   MsgBeat           local: the leader's heartbeat timer fired; broadcast MsgHeartbeat.
 *   MsgCheckQuorum    local: the leader checks that a quorum was active in the last election timeout.
 *   MsgUnreachable    local (reportUnreachable): the peer `from` could not be reached.
 *   MsgSnapStatus     local (reportSnapshot): the MsgSnap to `from` finished (reject=false) or failed.
 *   MsgProp           a proposal (`entries`), forwarded by a follower to its leader.
 *   MsgApp            leader → follower: `entries` following (index, logTerm), and the leader's commit.
 *   MsgAppResp        follower → leader: index = last index now matching; or reject=true with
 *                     index = the rejected previous index and (rejectHint, logTerm) = the hint.
 *   MsgVote           candidate → voter: term = the candidate's term, (index, logTerm) = its last
 *                     entry; context = "campaign-transfer" for a leader-transfer campaign.
 *   MsgVoteResp       reject=false grants. A grant carries the request's term.
 *   MsgPreVote        pre-candidate → voter: term = the term it would campaign in.
 *   MsgPreVoteResp    as MsgVoteResp, for pre-votes.
 *   MsgSnap           leader → follower: `snapshot`; answered by a MsgAppResp.
 *   MsgHeartbeat      leader → follower: commit = min(follower's match, leader's commit);
 *                     index = the heartbeat round (see read-only.ts).
 *   MsgHeartbeatResp  follower → leader: index = the round acknowledged.
 *   MsgTransferLeader follower → leader: context = the node to hand leadership to.
 *   MsgTimeoutNow     leader → transferee: campaign now, skipping pre-vote and leases.
 *   MsgReadIndex      follower → leader: context = the request's context.
 *   MsgReadIndexResp  leader → follower: index = the read index, context = the request's.
 */
export { RawNode } from "./raw-node.js";
export { resolveRaftConfig } from "./raft.js";
export {
  combineVoteResults,
  committedIndex,
  jointCommittedIndex,
  jointVoteResult,
  majorityIndex,
  majorityVoteResult,
  voteResult,
} from "./quorum.js";
export type {
  FollowerReason,
  RaftEvent,
  ReadConfirmation,
  SnapshotIgnoredReason,
  TransferAbortReason,
  VoteKind,
  VoteRejection,
  VoteResult,
} from "./events.js";
export { ACCEPTED, EMPTY_HARD_STATE, EMPTY_RESTART_STATE, RAFT_MUTANTS } from "./types.js";
export type {
  Accepted,
  CampaignRefusal,
  CampaignResult,
  CompactRefusal,
  CompactResult,
  ConfChange,
  ConfChangeRefusal,
  ConfChangeSingle,
  ConfChangeTransition,
  ConfChangeType,
  ConfState,
  CreateSnapshotResult,
  Entry,
  EntryType,
  HardState,
  Message,
  MessageType,
  NodeId,
  PeerProgress,
  ProgressState,
  ProposalDropReason,
  ProposeResult,
  RaftConfig,
  RaftMutant,
  RaftRandom,
  ReadIndexRefusal,
  ReadIndexResult,
  ReadOnlyOption,
  ReadState,
  Ready,
  Refused,
  ResolvedRaftConfig,
  RestartState,
  Role,
  Snapshot,
  SnapshotMetadata,
  SnapshotRefusal,
  SoftState,
  Status,
  TransferRefusal,
  TransferResult,
} from "./types.js";
