/**
 * The Raft state machine of one node (etcd's `raft` struct): persistent and volatile state, the
 * term check every message passes before dispatch, elections, ticks and configuration switches.
 *
 * Roles swap two functions: `stepRole` (stepLeader, stepCandidate for both candidate roles,
 * stepFollower) and `tickRole` (tickHeartbeat for the leader, tickElection otherwise). What a
 * leader does lives in leader.ts, what a follower does in follower.ts.
 *
 * Output accumulates in `messages`, `readStates`, `events` and `afterPersist` (local messages that
 * must wait until the state they rest on is durable: the leader's acknowledgement of its own
 * entries and a candidate's vote for itself); raw-node.ts hands them to the host.
 */
import { assert, assertionFailed, assertNever } from "./assert.js";
import { stepCandidate } from "./candidate.js";
import { changeConfig, configOfConfState, confStateOf, type TrackerConfig } from "./confchange.js";
import type { FollowerReason, RaftEvent, VoteKind } from "./events.js";
import { stepFollower } from "./follower.js";
import { appendEntries, broadcastAppend, broadcastHeartbeat, leaderPropose, maybeCommit, maybeSendAppend, stepLeader } from "./leader.js";
import { NO_ENTRIES, RaftLog } from "./log.js";
import { ReadOnlyState } from "./read-only.js";
import { ProgressTracker } from "./tracker.js";
import type {
  CampaignRefusal,
  ConfChange,
  ConfState,
  Entry,
  Message,
  MessageType,
  NodeId,
  ProposalDropReason,
  RaftConfig,
  RaftRandom,
  ReadOnlyOption,
  ReadState,
  ResolvedRaftConfig,
  RestartState,
  Role,
} from "./types.js";

export type StepFunction = (raft: Raft, message: Message) => void;
export type TickFunction = (raft: Raft) => void;
export type CampaignType = "pre-election" | "election" | "transfer";

/** The context of a MsgVote sent by a leader-transfer campaign: it bypasses leader stickiness. */
export const CAMPAIGN_TRANSFER_CONTEXT = "campaign-transfer";

/** A message under construction (the public Message type is read-only). */
export type MutableMessage = { -readonly [Key in keyof Message]: Message[Key] };

const LEAVE_JOINT: ConfChange = Object.freeze({ transition: "auto", changes: Object.freeze([]) });

export class Raft {
  readonly id: NodeId;
  readonly settings: ResolvedRaftConfig;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly readOnlyOption: ReadOnlyOption;
  readonly observe: boolean;
  /** `observe` and RaftConfig.observeLog: raise entries-appended and commit-advanced. */
  readonly observeLog: boolean;
  readonly mutantCommitOldTerm: boolean;
  readonly mutantVoteWithoutLogCheck: boolean;
  readonly mutantNoTruncate: boolean;
  readonly mutantStaleLeaderRead: boolean;
  readonly mutantLeaseUnderDrift: boolean;
  readonly entrySize: ((entry: Entry) => number) | undefined;
  private readonly random: RaftRandom;

  term = 0;
  vote: NodeId | null = null;
  lead: NodeId | null = null;
  role: Role = "follower";
  readonly log: RaftLog;
  readonly tracker: ProgressTracker;
  readonly readOnly: ReadOnlyState;
  isLearner = false;
  /** Ticks since the last election timeout (followers, candidates) or check-quorum (leader). */
  electionElapsed = 0;
  heartbeatElapsed = 0;
  /** In [electionTicks, 2·electionTicks − 1], drawn on every change of term or role. */
  randomizedElectionTimeout = 0;
  /** Every tick this node has seen (never reset): the leader's clock for lease reads. */
  tickCount = 0;
  /**
   * With check-quorum, a node restarted from persisted state ignores votes until it has seen this
   * many ticks: it may have acknowledged a leader's lease it no longer remembers.
   */
  private readonly restartQuietTicks: number;
  leadTransferee: NodeId | null = null;
  /** The index of the latest conf change this leader appended; no new one until it is applied. */
  pendingConfIndex = 0;
  /** The size of the leader's uncommitted tail (an underestimate, never an overestimate). */
  uncommittedSize = 0;
  messages: Message[] = [];
  readStates: ReadState[] = [];
  events: RaftEvent[] = [];
  afterPersist: MutableMessage[] = [];
  stepRole: StepFunction = stepFollower;
  tickRole: TickFunction = tickElection;

  constructor(config: RaftConfig, restart: RestartState) {
    const settings = resolveRaftConfig(config);
    this.id = settings.id;
    this.settings = settings;
    this.electionTicks = settings.electionTicks;
    this.heartbeatTicks = settings.heartbeatTicks;
    this.preVote = settings.preVote;
    this.checkQuorum = settings.checkQuorum;
    this.readOnlyOption = settings.readOnly;
    this.observe = settings.observe;
    this.observeLog = settings.observe && config.observeLog !== false;
    const mutants = config.mutants ?? new Set<string>();
    this.mutantCommitOldTerm = mutants.has("commit-old-term-by-count");
    this.mutantVoteWithoutLogCheck = mutants.has("vote-without-log-check");
    this.mutantNoTruncate = mutants.has("no-truncate-on-conflict");
    this.mutantStaleLeaderRead = mutants.has("stale-leader-read");
    this.mutantLeaseUnderDrift = mutants.has("lease-read-under-drift");
    this.entrySize = config.entrySize;
    this.random = config.random;
    this.log = new RaftLog(restart, settings.applied, config.entrySize, settings.maxEntriesPerMessage);
    this.tracker = new ProgressTracker(settings.maxInflightMessages);
    this.readOnly = new ReadOnlyState(settings.electionTicks, settings.clockDriftBound);
    this.tracker.setConfig(configOfConfState(restartConfState(settings, restart)), this.log.lastIndex());
    this.isLearner = this.tracker.progress.get(this.id)?.isLearner ?? false;
    const hardState = restart.hardState;
    assert(Number.isInteger(hardState.term) && hardState.term >= 0, "the restart term is a natural number");
    this.restartQuietTicks = settings.checkQuorum && hardState.term > 0 ? settings.electionTicks : 0;
    this.term = hardState.term;
    this.vote = hardState.vote;
    this.becomeFollower(this.term, null, "start", null);
  }

  emit(event: RaftEvent): void {
    this.events.push(event);
  }

  /** A message from this node, stamped with the current term, with every other field empty. */
  message(type: MessageType, to: NodeId): MutableMessage {
    return {
      type,
      from: this.id,
      to,
      term: this.term,
      logTerm: 0,
      index: 0,
      entries: NO_ENTRIES,
      commit: 0,
      reject: false,
      rejectHint: 0,
      snapshot: undefined,
      context: undefined,
    };
  }

  send(message: Message): void {
    if (message.to === this.id) assertionFailed(`${message.type} addressed to itself`);
    this.messages.push(message);
  }

  /** Steps a local message (term 0) into this node. */
  stepLocal(type: MessageType, from: NodeId): void {
    const message = this.message(type, this.id);
    message.term = 0;
    message.from = from;
    this.step(message);
  }

  tick(): void {
    this.tickCount++;
    this.tickRole(this);
  }

  /** The entry point of every message: the term check, then votes, then the role's step function. */
  step(message: Message): void {
    if (message.term > this.term) {
      if (!this.stepHigherTerm(message)) return;
    } else if (message.term < this.term && message.term !== 0) {
      this.stepLowerTerm(message);
      return;
    }
    switch (message.type) {
      case "MsgHup":
        this.hup(this.preVote ? "pre-election" : "election");
        return;
      case "MsgVote":
      case "MsgPreVote":
        this.handleVoteRequest(message);
        return;
      default:
        this.stepRole(this, message);
    }
  }

  /** A message from a later term; false when it must be ignored (leader stickiness). */
  private stepHigherTerm(message: Message): boolean {
    const type = message.type;
    if (type === "MsgVote" || type === "MsgPreVote") {
      const transfer = message.context === CAMPAIGN_TRANSFER_CONTEXT;
      const inLease =
        this.checkQuorum &&
        ((this.lead !== null && this.electionElapsed < this.electionTicks) || this.tickCount < this.restartQuietTicks);
      if (inLease && !transfer) {
        if (this.observe) this.emitVoteRejected(message, "lease not expired");
        return false;
      }
    }
    if (type === "MsgPreVote") return true;
    if (type === "MsgPreVoteResp" && !message.reject) return true;
    const lead = type === "MsgApp" || type === "MsgHeartbeat" || type === "MsgSnap" ? message.from : null;
    this.becomeFollower(message.term, lead, "higher term", message.from);
    return true;
  }

  /**
   * A message from an earlier term. With check-quorum or pre-vote a stale leader's MsgApp or
   * MsgHeartbeat is answered with a MsgAppResp of our term, so that a leader stuck in an old term
   * learns of the new one; a stale pre-vote is rejected; everything else is dropped.
   */
  private stepLowerTerm(message: Message): void {
    if ((this.checkQuorum || this.preVote) && (message.type === "MsgHeartbeat" || message.type === "MsgApp")) {
      this.send(this.message("MsgAppResp", message.from));
    } else if (message.type === "MsgPreVote") {
      const response = this.message("MsgPreVoteResp", message.from);
      response.reject = true;
      this.send(response);
      if (this.observe) this.emitVoteRejected(message, "lower term");
      return;
    }
    // Our own acknowledgements from an earlier term are not worth narrating.
    if (this.observe && message.from !== this.id) {
      this.emit({ type: "message-ignored", messageType: message.type, from: message.from, messageTerm: message.term });
    }
  }

  private handleVoteRequest(message: Message): void {
    const preVote = message.type === "MsgPreVote";
    const canVote =
      this.vote === message.from || (this.vote === null && this.lead === null) || (preVote && message.term > this.term);
    const upToDate = this.mutantVoteWithoutLogCheck || this.log.isUpToDate(message.index, message.logTerm);
    const response = this.message(preVote ? "MsgPreVoteResp" : "MsgVoteResp", message.from);
    if (canVote && upToDate) {
      // The response carries the request's term: a pre-vote is for a term we have not reached.
      response.term = message.term;
      this.send(response);
      if (!preVote) {
        this.electionElapsed = 0;
        this.vote = message.from;
      }
      if (this.observe) this.emit({ type: "vote-granted", kind: voteKind(message), candidate: message.from, term: message.term });
      return;
    }
    response.reject = true;
    this.send(response);
    if (this.observe) {
      this.emitVoteRejected(message, !canVote ? (this.vote !== null ? "already voted" : "leader known") : "candidate log not up to date");
    }
  }

  private emitVoteRejected(message: Message, reason: Extract<RaftEvent, { type: "vote-rejected" }>["reason"]): void {
    this.emit({ type: "vote-rejected", kind: voteKind(message), candidate: message.from, term: message.term, reason, votedFor: this.vote });
  }

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = null;
    }
    this.lead = null;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.leadTransferee = null;
    this.tracker.resetVotes();
    const lastIndex = this.log.lastIndex();
    for (const progress of this.tracker.peers) {
      progress.resetForLeader(lastIndex);
      if (progress.id === this.id) progress.match = lastIndex;
    }
    this.pendingConfIndex = 0;
    this.uncommittedSize = 0;
    this.readOnly.reset();
  }

  private resetRandomizedElectionTimeout(): void {
    const draw = this.random.int(this.electionTicks);
    assert(Number.isInteger(draw) && draw >= 0 && draw < this.electionTicks, "random.int(n) is an integer in [0, n)");
    this.randomizedElectionTimeout = this.electionTicks + draw;
  }

  becomeFollower(term: number, lead: NodeId | null, reason: FollowerReason, from: NodeId | null): void {
    this.stepRole = stepFollower;
    this.reset(term);
    this.tickRole = tickElection;
    this.lead = lead;
    this.role = "follower";
    if (this.observe) this.emit({ type: "became-follower", term: this.term, lead, reason, from });
  }

  private becomeCandidate(transfer: boolean): void {
    assert(this.role !== "leader", "invalid transition leader -> candidate");
    this.stepRole = stepCandidate;
    this.reset(this.term + 1);
    this.tickRole = tickElection;
    this.vote = this.id;
    this.role = "candidate";
    if (this.observe) this.emit({ type: "became-candidate", term: this.term, transfer });
  }

  /** A pre-candidate keeps its term and vote: it only asks whether it could win term + 1. */
  private becomePreCandidate(): void {
    assert(this.role !== "leader", "invalid transition leader -> pre-candidate");
    this.stepRole = stepCandidate;
    this.tracker.resetVotes();
    this.tickRole = tickElection;
    this.lead = null;
    this.role = "pre-candidate";
    if (this.observe) this.emit({ type: "became-pre-candidate", term: this.term });
  }

  becomeLeader(): void {
    assert(this.role !== "follower", "invalid transition follower -> leader");
    this.stepRole = stepLeader;
    this.reset(this.term);
    this.tickRole = tickHeartbeat;
    this.lead = this.id;
    this.role = "leader";
    const self = this.tracker.progress.get(this.id);
    assert(self !== undefined, "a new leader is in its configuration");
    self.becomeReplicate();
    self.recentActive = true;
    // Any conf change in the log may still be unapplied: accept none until all of it is applied.
    this.pendingConfIndex = this.log.lastIndex();
    if (this.observe) this.emit({ type: "became-leader", term: this.term });
    const noop: Entry = { index: 0, term: 0, type: "normal", data: null };
    const accepted = appendEntries(this, [noop]);
    assert(accepted, "the empty entry of a new leader is never dropped");
  }

  /** Starts an election (or pre-election) if this node may; otherwise says why not. */
  hup(type: CampaignType): CampaignRefusal | null {
    if (this.role === "leader") return "already leader";
    let refusal: CampaignRefusal | null = null;
    if (!this.promotable()) refusal = "not promotable";
    else if (this.hasUnappliedConfChanges()) refusal = "unapplied conf changes";
    if (refusal !== null) {
      if (this.observe) this.emit({ type: "campaign-refused", term: this.term, reason: refusal });
      return refusal;
    }
    this.campaign(type);
    return null;
  }

  /** A voter in the configuration, not waiting for a snapshot to be applied. */
  promotable(): boolean {
    const self = this.tracker.progress.get(this.id);
    return self !== undefined && !self.isLearner && !this.log.hasPendingSnapshot();
  }

  private hasUnappliedConfChanges(): boolean {
    const first = Math.max(this.log.applied, this.log.snapshotIndex) + 1;
    for (let index = first; index <= this.log.committed; index++) {
      if (this.log.entryAt(index).type === "conf-change") return true;
    }
    return false;
  }

  /** Becomes (pre-)candidate and asks every voter; the caller checked that this node may campaign. */
  campaign(type: CampaignType): void {
    let term: number;
    let requestType: MessageType;
    if (type === "pre-election") {
      this.becomePreCandidate();
      requestType = "MsgPreVote";
      term = this.term + 1;
    } else {
      this.becomeCandidate(type === "transfer");
      requestType = "MsgVote";
      term = this.term;
    }
    const lastIndex = this.log.lastIndex();
    const lastTerm = this.log.lastTerm();
    for (const id of this.tracker.voterIds) {
      if (id === this.id) {
        // Our own vote counts once it is durable: it is stepped when the host advances.
        const ownVote = this.message(requestType === "MsgVote" ? "MsgVoteResp" : "MsgPreVoteResp", this.id);
        ownVote.term = term;
        this.afterPersist.push(ownVote);
        continue;
      }
      const request = this.message(requestType, id);
      request.term = term;
      request.index = lastIndex;
      request.logTerm = lastTerm;
      if (type === "transfer") request.context = CAMPAIGN_TRANSFER_CONTEXT;
      this.send(request);
    }
  }

  /** Counts a vote response; returns the election outcome so far. */
  poll(from: NodeId, kind: VoteKind, granted: boolean): "won" | "lost" | "pending" {
    this.tracker.recordVote(from, granted);
    const tally = this.tracker.tallyVotes();
    if (this.observe) {
      this.emit({
        type: "vote-counted",
        kind,
        voter: from,
        granted,
        grantedCount: tally.granted,
        rejectedCount: tally.rejected,
        result: tally.result,
      });
    }
    return tally.result;
  }

  /** Raises the commit index (reporting it); the caller knows the index is safe to commit. */
  commitTo(index: number): void {
    const from = this.log.committed;
    if (this.log.commitTo(index) && this.observeLog) this.emit({ type: "commit-advanced", from, to: index });
  }

  committedEntryInCurrentTerm(): boolean {
    return this.log.term(this.log.committed) === this.term;
  }

  /** The host applied entries up to `index`; a leader in an auto-leave joint config proposes leaving it. */
  appliedTo(index: number): void {
    const applied = Math.max(index, this.log.applied);
    this.log.appliedTo(applied);
    if (this.tracker.config.autoLeave && applied >= this.pendingConfIndex && this.role === "leader") {
      leaderPropose(this, [{ index: 0, term: 0, type: "conf-change", data: LEAVE_JOINT }], this.id);
    }
  }

  /** Forgets the size of applied entries in the leader's uncommitted tail. */
  reduceUncommittedSize(entries: readonly Entry[]): void {
    let size = 0;
    for (const entry of entries) size += this.payloadSize(entry);
    this.uncommittedSize = Math.max(0, this.uncommittedSize - size);
  }

  /** Empty entries (a new leader's, leaving a joint config) weigh nothing and are never refused. */
  payloadSize(entry: Entry): number {
    if (entry.data === null) return 0;
    if (entry.type === "conf-change" && (entry.data as ConfChange).changes.length === 0) return 0;
    return this.entrySize === undefined ? 1 : this.entrySize(entry);
  }

  applyConfChange(change: ConfChange): ConfState {
    const config = changeConfig(this.tracker.config, change);
    if (typeof config === "string") assertionFailed(`applying a validated conf change failed: ${config}`);
    this.switchToConfig(config);
    const confState = confStateOf(config);
    if (this.observe) this.emit({ type: "conf-change-applied", change, confState });
    return confState;
  }

  /** Switches the tracker to `config`, then reacts as leader (removal, commit, probing new peers). */
  switchToConfig(config: TrackerConfig): void {
    this.tracker.setConfig(config, this.log.lastIndex());
    this.readOnly.dropLease();
    const self = this.tracker.progress.get(this.id);
    this.isLearner = self !== undefined && self.isLearner;
    if (this.role !== "leader") return;
    if (self === undefined || this.isLearner) {
      if (this.settings.stepDownOnRemoval) this.becomeFollower(this.term, null, "removed from configuration", null);
      return;
    }
    if (config.incoming.length === 0) return;
    if (maybeCommit(this)) {
      broadcastAppend(this);
    } else {
      for (const progress of this.tracker.peers) if (progress.id !== this.id) maybeSendAppend(this, progress, false);
    }
    if (this.leadTransferee !== null && !this.tracker.isVoter(this.leadTransferee)) {
      this.abortLeaderTransfer("transferee removed");
    }
  }

  abortLeaderTransfer(reason: "timeout" | "transferee removed" | "superseded"): void {
    const transferee = this.leadTransferee;
    if (transferee === null) return;
    this.leadTransferee = null;
    if (this.observe) this.emit({ type: "leader-transfer-aborted", to: transferee, reason });
  }

  dropProposal(proposer: NodeId, reason: ProposalDropReason): ProposalDropReason {
    if (this.observe) this.emit({ type: "proposal-dropped", proposer, reason });
    return reason;
  }
}

function voteKind(message: Message): VoteKind {
  return message.type === "MsgPreVote" || message.type === "MsgPreVoteResp" ? "pre-vote" : "vote";
}

/** Followers and candidates: campaign when the randomized election timeout runs out. */
function tickElection(raft: Raft): void {
  raft.electionElapsed++;
  if (raft.electionElapsed >= raft.randomizedElectionTimeout && raft.promotable()) {
    raft.electionElapsed = 0;
    if (raft.observe) {
      raft.emit({ type: "election-timeout", term: raft.term, timeoutTicks: raft.randomizedElectionTimeout });
    }
    raft.stepLocal("MsgHup", raft.id);
  }
}

/**
 * The leader: every electionTicks check the quorum (with check-quorum) and abort an unfinished
 * leader transfer; every heartbeatTicks broadcast a heartbeat.
 */
function tickHeartbeat(raft: Raft): void {
  raft.heartbeatElapsed++;
  raft.electionElapsed++;
  if (raft.electionElapsed >= raft.electionTicks) {
    raft.electionElapsed = 0;
    if (raft.checkQuorum) raft.stepLocal("MsgCheckQuorum", raft.id);
    if (raft.role === "leader" && raft.leadTransferee !== null) raft.abortLeaderTransfer("timeout");
  }
  if (raft.role !== "leader") return;
  if (raft.heartbeatElapsed >= raft.heartbeatTicks) {
    raft.heartbeatElapsed = 0;
    raft.stepLocal("MsgBeat", raft.id);
  }
}

function restartConfState(settings: ResolvedRaftConfig, restart: RestartState): ConfState {
  if (restart.confState) return restart.confState;
  if (restart.snapshot) return restart.snapshot.metadata.confState;
  return { voters: settings.voters, learners: settings.learners, votersOutgoing: [], learnersNext: [], autoLeave: false };
}

function positiveInteger(value: number, name: string): number {
  assert(Number.isInteger(value) && value >= 1, `${name} is a positive integer (got ${value})`);
  return value;
}

function sizeLimit(value: number, name: string): number {
  assert(value === Infinity || (Number.isInteger(value) && value >= 1), `${name} is a positive integer or Infinity (got ${value})`);
  return value;
}

/** Fills in the defaults of a RaftConfig and checks the relations between its bounds. */
export function resolveRaftConfig(config: RaftConfig): ResolvedRaftConfig {
  assert(typeof config.id === "string" && config.id.length > 0, "the node id is a non-empty string");
  const electionTicks = positiveInteger(config.electionTicks ?? 10, "electionTicks");
  const heartbeatTicks = positiveInteger(config.heartbeatTicks ?? 1, "heartbeatTicks");
  assert(heartbeatTicks < electionTicks, `heartbeatTicks (${heartbeatTicks}) < electionTicks (${electionTicks})`);
  const checkQuorum = config.checkQuorum ?? false;
  const readOnly = config.readOnly ?? "safe";
  assert(readOnly !== "lease-based" || checkQuorum, "lease-based reads require checkQuorum");
  const clockDriftBound = config.clockDriftBound ?? 0.1;
  assert(clockDriftBound >= 0 && clockDriftBound < 1, `clockDriftBound is in [0, 1) (got ${clockDriftBound})`);
  const applied = config.applied ?? 0;
  assert(Number.isInteger(applied) && applied >= 0, "applied is a natural number");
  return {
    id: config.id,
    voters: [...config.voters].sort(),
    learners: [...(config.learners ?? [])].sort(),
    electionTicks,
    heartbeatTicks,
    preVote: config.preVote ?? false,
    checkQuorum,
    readOnly,
    maxEntriesPerMessage: sizeLimit(config.maxEntriesPerMessage ?? 64, "maxEntriesPerMessage"),
    maxInflightMessages: positiveInteger(config.maxInflightMessages ?? 256, "maxInflightMessages"),
    maxUncommittedEntries: sizeLimit(config.maxUncommittedEntries ?? Infinity, "maxUncommittedEntries"),
    disableProposalForwarding: config.disableProposalForwarding ?? false,
    stepDownOnRemoval: config.stepDownOnRemoval ?? false,
    mutants: [...(config.mutants ?? [])].sort(),
    applied,
    clockDriftBound,
    observe: config.observe ?? false,
  };
}
