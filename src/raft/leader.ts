/**
 * The leader: stepLeader and what only a leader does (replication and flow control, commitment,
 * heartbeats, ReadIndex, leader transfer, proposals and their validation).
 */
import { assert, assertionFailed, assertNever } from "./assert.js";
import { changeConfig, isJoint } from "./confchange.js";
import type { ReadConfirmation } from "./events.js";
import { NO_ENTRIES, NO_TERM } from "./log.js";
import type { Progress } from "./progress.js";
import type { Raft } from "./raft.js";
import type { ConfChange, Entry, Message, NodeId, ProgressState, ProposalDropReason, TransferRefusal } from "./types.js";

export function stepLeader(raft: Raft, message: Message): void {
  switch (message.type) {
    case "MsgBeat":
      broadcastHeartbeat(raft);
      return;
    case "MsgCheckQuorum":
      checkQuorum(raft);
      return;
    case "MsgProp":
      leaderPropose(raft, message.entries, message.from);
      return;
    case "MsgReadIndex":
      leaderReadIndex(raft, message.from, message.context ?? "");
      return;
    case "MsgTransferLeader":
      leaderTransfer(raft, message.context ?? "");
      return;
    case "MsgAppResp":
    case "MsgHeartbeatResp":
    case "MsgSnapStatus":
    case "MsgUnreachable":
      stepPeerReport(raft, message, message.type);
      return;
    case "MsgApp":
    case "MsgHeartbeat":
    case "MsgSnap":
    case "MsgVoteResp":
    case "MsgPreVoteResp":
    case "MsgTimeoutNow":
    case "MsgReadIndexResp":
      // Late answers to an election, or a second leader of this term (only if a vote was lost).
      return;
    case "MsgHup":
    case "MsgVote":
    case "MsgPreVote":
      assertionFailed(`${message.type} is handled before the role's step function`);
    default:
      assertNever(message.type, "message type");
  }
}

type PeerReport = "MsgAppResp" | "MsgHeartbeatResp" | "MsgSnapStatus" | "MsgUnreachable";

/** Messages about one peer; ignored when the peer is not tracked (any more). */
function stepPeerReport(raft: Raft, message: Message, type: PeerReport): void {
  const progress = raft.tracker.progress.get(message.from);
  if (progress === undefined) return;
  switch (type) {
    case "MsgAppResp":
      handleAppendResponse(raft, message, progress);
      return;
    case "MsgHeartbeatResp":
      handleHeartbeatResponse(raft, message, progress);
      return;
    case "MsgSnapStatus":
      handleSnapshotStatus(raft, message, progress);
      return;
    case "MsgUnreachable": {
      // An optimistic MsgApp to an unreachable peer was probably lost: probe again.
      const before = progress.state;
      if (before === "replicate") progress.becomeProbe();
      reportProgress(raft, progress, before);
      return;
    }
    default:
      assertNever(type, "peer report");
  }
}

function checkQuorum(raft: Raft): void {
  if (!raft.tracker.quorumActive()) {
    raft.becomeFollower(raft.term, null, "check-quorum: quorum not active", null);
  }
  for (const progress of raft.tracker.peers) if (progress.id !== raft.id) progress.recentActive = false;
}

export function reportProgress(raft: Raft, progress: Progress, before: ProgressState): void {
  if (!raft.observe || progress.state === before) return;
  raft.emit({ type: "progress-changed", peer: progress.id, from: before, to: progress.state, match: progress.match, next: progress.next });
}

function handleAppendResponse(raft: Raft, message: Message, progress: Progress): void {
  progress.recentActive = true;
  if (message.reject) {
    handleAppendRejection(raft, message, progress);
    return;
  }
  if (message.index > raft.log.lastIndex()) {
    assertionFailed(`${message.from} acknowledged index ${message.index} beyond the leader's last index ${raft.log.lastIndex()}: Leader Completeness is violated`);
  }
  const before = progress.state;
  // A response can also move a caught-up probing peer back to replicate.
  if (!progress.maybeUpdate(message.index) && !(progress.match === message.index && before === "probe")) return;
  if (before === "probe") {
    progress.becomeReplicate();
  } else if (before === "snapshot" && progress.match + 1 >= raft.log.firstIndex()) {
    // Whatever snapshot the follower applied, it can now be caught up from the log.
    progress.becomeProbe();
    progress.becomeReplicate();
  } else if (before === "replicate") {
    progress.inflights.freeLE(message.index);
  }
  reportProgress(raft, progress, before);
  if (maybeCommit(raft)) {
    broadcastAppend(raft);
  } else if (message.from !== raft.id && progress.canBumpCommit(raft.log.committed)) {
    sendAppend(raft, progress);
  }
  if (message.from !== raft.id) sendAllAvailable(raft, progress);
  if (message.from === raft.leadTransferee && progress.match === raft.log.lastIndex()) sendTimeoutNow(raft, message.from);
}

/** Sends as many messages as the flow control allows, without empty ones. */
function sendAllAvailable(raft: Raft, progress: Progress): void {
  const bound = progress.inflights.capacity + 2;
  for (let sent = 0; maybeSendAppend(raft, progress, false); sent++) {
    assert(sent < bound, "a flow-controlled send loop ends");
  }
}

/**
 * Fast log backtracking. The follower rejected the append after `message.index` and hinted
 * (rejectHint, logTerm): its log has term logTerm at rejectHint, and nothing it has between there
 * and message.index can match. Every index of ours whose term is above logTerm must fail too, so
 * probe at the largest index whose term is at most logTerm: at most one probe per term.
 */
function handleAppendRejection(raft: Raft, message: Message, progress: Progress): void {
  let nextProbe = message.rejectHint;
  if (message.logTerm > 0) nextProbe = raft.log.findConflictByTerm(message.rejectHint, message.logTerm);
  const before = progress.state;
  if (!progress.maybeDecreaseTo(message.index, nextProbe)) return;
  if (progress.state === "replicate") progress.becomeProbe();
  reportProgress(raft, progress, before);
  sendAppend(raft, progress);
}

function handleHeartbeatResponse(raft: Raft, message: Message, progress: Progress): void {
  progress.recentActive = true;
  progress.paused = false;
  // Even a paused (full) peer gets an empty MsgApp, so that lost appends cannot stall it forever.
  if (progress.match < raft.log.lastIndex() || progress.state === "probe") sendAppend(raft, progress);
  if (message.index <= progress.acknowledgedRound) return;
  progress.acknowledgedRound = message.index;
  const lease = raft.readOnlyOption === "lease-based";
  if (raft.readOnly.pending.length === 0 && !lease) return;
  const confirmed = raft.readOnly.confirm(raft.tracker.acknowledgedRound(), raft.tickCount, lease);
  for (const read of confirmed) respondToRead(raft, read.requester, read.context, read.index, "quorum");
}

function handleSnapshotStatus(raft: Raft, message: Message, progress: Progress): void {
  if (progress.state !== "snapshot") return;
  // On failure forget the snapshot, or the next probe would start from its index.
  if (message.reject) progress.pendingSnapshot = 0;
  progress.becomeProbe();
  reportProgress(raft, progress, "snapshot");
  // Wait for the follower's MsgAppResp (or a heartbeat interval after a failure) before sending.
  progress.paused = true;
}

/** Commits the highest index a quorum holds, if it is of the current term (§5.4.2, Figure 8). */
export function maybeCommit(raft: Raft): boolean {
  const index = raft.tracker.committed();
  if (index <= raft.log.committed) return false;
  if (!raft.mutantCommitOldTerm && raft.log.term(index) !== raft.term) return false;
  raft.commitTo(index);
  releasePostponedReads(raft);
  return true;
}

export function broadcastAppend(raft: Raft): void {
  for (const progress of raft.tracker.peers) if (progress.id !== raft.id) sendAppend(raft, progress);
}

function sendAppend(raft: Raft, progress: Progress): void {
  maybeSendAppend(raft, progress, true);
}

/**
 * Sends the entries from `progress.next` (or only the commit index, when `sendIfEmpty`), or a
 * snapshot when the entry before `next` is compacted. Returns whether a message was sent.
 */
export function maybeSendAppend(raft: Raft, progress: Progress, sendIfEmpty: boolean): boolean {
  if (progress.isPaused()) return false;
  const log = raft.log;
  if (progress.next > log.lastIndex() + 1) assertionFailed(`next ${progress.next} of ${progress.id} is beyond the log`);
  const previousIndex = progress.next - 1;
  const previousTerm = log.term(previousIndex);
  if (previousTerm === NO_TERM) return maybeSendSnapshot(raft, progress);
  // A replicating peer with a full window gets empty messages only.
  const full = progress.state === "replicate" && progress.inflights.full();
  const entries = full ? NO_ENTRIES : log.entriesFrom(progress.next);
  if (entries.length === 0 && !sendIfEmpty) return false;
  const append = raft.message("MsgApp", progress.id);
  append.index = previousIndex;
  append.logTerm = previousTerm;
  append.entries = entries;
  append.commit = log.committed;
  raft.send(append);
  progress.sentEntries(entries.length);
  progress.sentCommitIndex(log.committed);
  return true;
}

function maybeSendSnapshot(raft: Raft, progress: Progress): boolean {
  if (!progress.recentActive) return false;
  const snapshot = raft.log.snapshot;
  assert(snapshot !== null, "a compacted log has a snapshot");
  const before = progress.state;
  progress.becomeSnapshot(snapshot.metadata.index);
  reportProgress(raft, progress, before);
  const message = raft.message("MsgSnap", progress.id);
  message.snapshot = snapshot;
  raft.send(message);
  if (raft.observe) {
    raft.emit({ type: "snapshot-sent", to: progress.id, index: snapshot.metadata.index, term: snapshot.metadata.term });
  }
  return true;
}

/** Opens a heartbeat round and sends it to every peer (see read-only.ts). */
export function broadcastHeartbeat(raft: Raft): void {
  const round = raft.readOnly.openRound(raft.tickCount);
  const self = raft.tracker.progress.get(raft.id);
  if (self !== undefined) self.acknowledgedRound = round;
  for (const progress of raft.tracker.peers) {
    if (progress.id === raft.id) continue;
    // Never tell a follower of a commit beyond what it is known to hold.
    const commit = Math.min(progress.match, raft.log.committed);
    const heartbeat = raft.message("MsgHeartbeat", progress.id);
    heartbeat.commit = commit;
    heartbeat.index = round;
    raft.send(heartbeat);
    progress.sentCommitIndex(commit);
  }
}

/** Tells the transferee to campaign now; its campaign overrides leases, so ours ends here. */
function sendTimeoutNow(raft: Raft, to: NodeId): void {
  raft.readOnly.leaseRevoked = true;
  raft.send(raft.message("MsgTimeoutNow", to));
}

/**
 * Appends proposals as entries of the current term; false when they would push the uncommitted
 * tail beyond its limit (a proposal that weighs nothing, or one into an empty tail, always fits).
 */
export function appendEntries(raft: Raft, proposals: readonly Entry[]): boolean {
  let size = 0;
  for (const proposal of proposals) size += raft.payloadSize(proposal);
  const limit = raft.settings.maxUncommittedEntries;
  if (raft.uncommittedSize > 0 && size > 0 && raft.uncommittedSize + size > limit) return false;
  raft.uncommittedSize += size;
  const first = raft.log.lastIndex() + 1;
  for (let position = 0; position < proposals.length; position++) {
    const proposal = proposals[position] as Entry;
    raft.log.append({ index: first + position, term: raft.term, type: proposal.type, data: proposal.data });
  }
  const last = raft.log.lastIndex();
  queueOwnAcknowledgement(raft, last);
  if (raft.observeLog) raft.emit({ type: "entries-appended", firstIndex: first, lastIndex: last, term: raft.term });
  return true;
}

/** The leader counts its own entries once the host has persisted them (stepped on advance). */
function queueOwnAcknowledgement(raft: Raft, index: number): void {
  const queued = raft.afterPersist[raft.afterPersist.length - 1];
  if (queued !== undefined && queued.type === "MsgAppResp" && queued.term === raft.term) {
    queued.index = index;
    return;
  }
  const acknowledgement = raft.message("MsgAppResp", raft.id);
  acknowledgement.index = index;
  raft.afterPersist.push(acknowledgement);
}

/** Appends and replicates a proposal; returns why it was dropped, if it was. */
export function leaderPropose(raft: Raft, proposals: readonly Entry[], proposer: NodeId): ProposalDropReason | null {
  if (!raft.tracker.progress.has(raft.id)) return raft.dropProposal(proposer, "not a member of the configuration");
  if (raft.leadTransferee !== null) return raft.dropProposal(proposer, "leader transfer in progress");
  let confChangeIndex = 0;
  for (let position = 0; position < proposals.length; position++) {
    const proposal = proposals[position] as Entry;
    if (proposal.type !== "conf-change") continue;
    const refusal = confChangeIndex !== 0 ? "conf change pending" : validateConfChange(raft, proposal.data as ConfChange);
    if (refusal !== null) return raft.dropProposal(proposer, refusal);
    confChangeIndex = raft.log.lastIndex() + position + 1;
  }
  if (!appendEntries(raft, proposals)) return raft.dropProposal(proposer, "uncommitted entries limit reached");
  if (confChangeIndex !== 0) raft.pendingConfIndex = confChangeIndex;
  broadcastAppend(raft);
  return null;
}

/** Refuses a conf change while another is unapplied, or one that is invalid in the current config. */
function validateConfChange(raft: Raft, change: ConfChange): ProposalDropReason | null {
  if (raft.pendingConfIndex > raft.log.applied) return "conf change pending";
  const joint = isJoint(raft.tracker.config);
  const leaving = change.changes.length === 0;
  if (joint && !leaving) return "must transition out of joint config first";
  if (!joint && leaving) return "not in joint config";
  const result = changeConfig(raft.tracker.config, change);
  return typeof result === "string" ? result : null;
}

export function leaderTransfer(raft: Raft, transferee: NodeId): TransferRefusal | null {
  const progress = raft.tracker.progress.get(transferee);
  if (progress === undefined) return "unknown node";
  if (progress.isLearner) return "transferee is a learner";
  if (raft.leadTransferee !== null) {
    if (raft.leadTransferee === transferee) return "transfer already in progress";
    raft.abortLeaderTransfer("superseded");
  }
  if (transferee === raft.id) return "already leader";
  // The transfer must finish within one election timeout.
  raft.electionElapsed = 0;
  raft.leadTransferee = transferee;
  const immediate = progress.match === raft.log.lastIndex();
  if (raft.observe) raft.emit({ type: "leader-transfer-started", to: transferee, immediate });
  if (immediate) sendTimeoutNow(raft, transferee);
  else sendAppend(raft, progress);
  return null;
}

/**
 * A ReadIndex request at the leader. A new leader's commit index may lag behind entries committed
 * by its predecessor, so requests wait until it has committed an entry of its own term.
 */
export function leaderReadIndex(raft: Raft, requester: NodeId, context: string): void {
  if (raft.tracker.isSingleton()) {
    respondToRead(raft, requester, context, raft.log.committed, "singleton");
  } else if (raft.mutantStaleLeaderRead) {
    respondToRead(raft, requester, context, raft.log.committed, "unconfirmed");
  } else if (!raft.committedEntryInCurrentTerm()) {
    raft.readOnly.postponed.push({ requester, context });
    if (raft.observe) raft.emit({ type: "read-index-postponed", requester, context });
  } else {
    serveReadIndex(raft, requester, context);
  }
}

/** Answers at once under a lease; otherwise records the request and opens a confirming round. */
function serveReadIndex(raft: Raft, requester: NodeId, context: string): void {
  if (raft.readOnlyOption === "lease-based" && (raft.mutantLeaseUnderDrift || raft.readOnly.holdsLease(raft.tickCount))) {
    respondToRead(raft, requester, context, raft.log.committed, "lease");
    return;
  }
  const round = raft.readOnly.round + 1;
  raft.readOnly.pending.push({ requester, context, index: raft.log.committed, round });
  broadcastHeartbeat(raft);
  assert(raft.readOnly.round === round, "a read waits for the round opened right after it");
}

function releasePostponedReads(raft: Raft): void {
  if (raft.readOnly.postponed.length === 0 || !raft.committedEntryInCurrentTerm()) return;
  const postponed = raft.readOnly.postponed;
  raft.readOnly.postponed = [];
  for (const read of postponed) serveReadIndex(raft, read.requester, read.context);
}

function respondToRead(raft: Raft, requester: NodeId, context: string, index: number, confirmation: ReadConfirmation): void {
  if (requester === raft.id) {
    raft.readStates.push({ index, context });
  } else {
    const response = raft.message("MsgReadIndexResp", requester);
    response.index = index;
    response.context = context;
    raft.send(response);
  }
  if (raft.observe) raft.emit({ type: "read-index-served", requester, index, context, confirmation });
}
