/**
 * The follower: stepFollower, and what a node does with its leader's messages (appends with
 * conflict truncation, heartbeats, snapshots), plus forwarding to the leader.
 */
import { assert, assertionFailed, assertNever } from "./assert.js";
import { configOfConfState } from "./confchange.js";
import type { Raft } from "./raft.js";
import type { Entry, Message, NodeId, ProposalDropReason, Snapshot } from "./types.js";

export function stepFollower(raft: Raft, message: Message): void {
  switch (message.type) {
    case "MsgProp":
      forwardProposal(raft, message.entries, message.from);
      return;
    case "MsgApp":
      raft.electionElapsed = 0;
      raft.lead = message.from;
      handleAppendEntries(raft, message);
      return;
    case "MsgHeartbeat":
      raft.electionElapsed = 0;
      raft.lead = message.from;
      handleHeartbeat(raft, message);
      return;
    case "MsgSnap":
      raft.electionElapsed = 0;
      raft.lead = message.from;
      handleSnapshot(raft, message);
      return;
    case "MsgTransferLeader":
      forwardTransfer(raft, message.context ?? "");
      return;
    case "MsgTimeoutNow":
      // Leader transfers skip pre-vote: the old leader asked for this election.
      raft.hup("transfer");
      return;
    case "MsgReadIndexResp":
      raft.readStates.push({ index: message.index, context: message.context ?? "" });
      if (raft.observe) {
        const context = message.context ?? "";
        raft.emit({ type: "read-index-served", requester: raft.id, index: message.index, context, confirmation: "leader" });
      }
      return;
    case "MsgReadIndex":
    case "MsgBeat":
    case "MsgCheckQuorum":
    case "MsgUnreachable":
    case "MsgSnapStatus":
    case "MsgAppResp":
    case "MsgHeartbeatResp":
    case "MsgVoteResp":
    case "MsgPreVoteResp":
      // A read forwarded to a node that is not the leader, or leftovers of an earlier role.
      return;
    case "MsgHup":
    case "MsgVote":
    case "MsgPreVote":
      assertionFailed(`${message.type} is handled before the role's step function`);
    default:
      assertNever(message.type, "message type");
  }
}

export function forwardProposal(raft: Raft, entries: readonly Entry[], proposer: NodeId): ProposalDropReason | null {
  if (raft.lead === null) return raft.dropProposal(proposer, "no leader");
  if (raft.settings.disableProposalForwarding) return raft.dropProposal(proposer, "proposal forwarding disabled");
  const forwarded = raft.message("MsgProp", raft.lead);
  forwarded.term = 0;
  forwarded.entries = entries;
  raft.send(forwarded);
  return null;
}

/** Sends a ReadIndex request of this node to its leader; false without a leader. */
export function forwardReadIndex(raft: Raft, context: string): boolean {
  if (raft.lead === null) return false;
  const forwarded = raft.message("MsgReadIndex", raft.lead);
  forwarded.term = 0;
  forwarded.context = context;
  raft.send(forwarded);
  return true;
}

/** Asks the leader to transfer leadership to `transferee`; false without a leader. */
export function forwardTransfer(raft: Raft, transferee: NodeId): boolean {
  if (raft.lead === null) return false;
  const forwarded = raft.message("MsgTransferLeader", raft.lead);
  forwarded.context = transferee;
  raft.send(forwarded);
  return true;
}

/** §5.3: accept entries that extend a matching prefix, reject (with a hint) those that do not. */
export function handleAppendEntries(raft: Raft, message: Message): void {
  const log = raft.log;
  const response = raft.message("MsgAppResp", message.from);
  if (message.index < log.committed) {
    response.index = log.committed;
    raft.send(response);
    return;
  }
  const lastNew = maybeAppend(raft, message);
  if (lastNew >= 0) {
    response.index = lastNew;
    raft.send(response);
    return;
  }
  // Hint the largest index whose term is at most the leader's term at message.index: our
  // entries above it cannot match (see handleAppendRejection in leader.ts).
  const hintIndex = log.findConflictByTerm(Math.min(message.index, log.lastIndex()), message.logTerm);
  const hintTerm = Math.max(log.term(hintIndex), 0);
  response.index = message.index;
  response.reject = true;
  response.rejectHint = hintIndex;
  response.logTerm = hintTerm;
  raft.send(response);
  if (raft.observe) {
    raft.emit({ type: "append-rejected", leader: message.from, index: message.index, logTerm: message.logTerm, hintIndex, hintTerm });
  }
}

/** Appends the message's entries if its previous entry matches; the last index it vouches for, or −1. */
function maybeAppend(raft: Raft, message: Message): number {
  const log = raft.log;
  if (!log.matchTerm(message.index, message.logTerm)) return -1;
  const entries = message.entries;
  const lastNew = message.index + entries.length;
  const conflict = log.findConflict(entries);
  if (conflict !== 0) {
    if (raft.mutantNoTruncate) appendBeyondLast(raft, entries, message.index);
    else replaceFrom(raft, entries, conflict - message.index - 1);
  }
  raft.commitTo(Math.min(message.commit, lastNew));
  return lastNew;
}

/** Truncates our log at the first conflicting entry (never a committed one) and appends the rest. */
function replaceFrom(raft: Raft, entries: readonly Entry[], from: number): void {
  const log = raft.log;
  const first = entries[from] as Entry;
  const previousLast = log.lastIndex();
  if (raft.observe && first.index <= previousLast) {
    raft.emit({
      type: "entries-truncated",
      conflictIndex: first.index,
      removedLastIndex: previousLast,
      existingTerm: log.term(first.index),
      incomingTerm: first.term,
    });
  }
  log.truncateAndAppend(entries, from);
  if (raft.observeLog) {
    raft.emit({ type: "entries-appended", firstIndex: first.index, lastIndex: log.lastIndex(), term: log.lastTerm() });
  }
}

/** The no-truncate-on-conflict mutant: keep our own conflicting entries, append only what is beyond them. */
function appendBeyondLast(raft: Raft, entries: readonly Entry[], previousIndex: number): void {
  const log = raft.log;
  const from = log.lastIndex() - previousIndex;
  if (from >= entries.length) return;
  const first = log.lastIndex() + 1;
  log.truncateAndAppend(entries, from);
  if (raft.observeLog) raft.emit({ type: "entries-appended", firstIndex: first, lastIndex: log.lastIndex(), term: log.lastTerm() });
}

export function handleHeartbeat(raft: Raft, message: Message): void {
  raft.commitTo(message.commit);
  const response = raft.message("MsgHeartbeatResp", message.from);
  response.index = message.index;
  raft.send(response);
}

export function handleSnapshot(raft: Raft, message: Message): void {
  const snapshot = message.snapshot;
  assert(snapshot !== undefined, "a MsgSnap carries a snapshot");
  const restored = restore(raft, snapshot, message.from);
  const response = raft.message("MsgAppResp", message.from);
  response.index = restored ? raft.log.lastIndex() : raft.log.committed;
  raft.send(response);
}

/**
 * Replaces the log and configuration with the snapshot's; false when the snapshot is ignored.
 *
 * Unlike etcd, a snapshot whose configuration does not include this node is accepted: the leader
 * sending it tracks this node, so its configuration gained the node after the snapshot, and the
 * committed entries following the snapshot (which the leader sends next) add it back. Refusing
 * would make the leader resend the same snapshot forever.
 */
function restore(raft: Raft, snapshot: Snapshot, from: NodeId): boolean {
  const { index, term, confState } = snapshot.metadata;
  const reason = index <= raft.log.committed ? "stale" : raft.log.matchTerm(index, term) ? "fast-forwarded commit" : null;
  if (reason !== null) {
    // Our log already holds the snapshot's last entry: just commit up to it.
    if (reason === "fast-forwarded commit") raft.commitTo(index);
    if (raft.observe) raft.emit({ type: "snapshot-ignored", from, index, term, reason });
    return false;
  }
  assert(raft.role === "follower", "only a follower restores a snapshot");
  raft.log.restore(snapshot);
  raft.switchToConfig(configOfConfState(confState));
  if (raft.observe) raft.emit({ type: "snapshot-restored", from, index, term });
  return true;
}
