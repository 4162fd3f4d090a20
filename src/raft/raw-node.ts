/**
 * RawNode: the host's handle on one Raft node (etcd's RawNode). It drives the state machine
 * (`tick`, `step`, requests), hands out work in Ready batches and takes it back in `advance`.
 * See index.ts for the host's duties for each Ready.
 */
import { assert, assertNever } from "./assert.js";
import { confStateOf } from "./confchange.js";
import type { RaftEvent } from "./events.js";
import { forwardProposal, forwardReadIndex, forwardTransfer } from "./follower.js";
import { leaderPropose, leaderReadIndex, leaderTransfer } from "./leader.js";
import { NO_TERM } from "./log.js";
import type { Progress } from "./progress.js";
import { type MutableMessage, Raft } from "./raft.js";
import {
  ACCEPTED,
  EMPTY_RESTART_STATE,
  type CampaignResult,
  type CompactResult,
  type ConfChange,
  type ConfState,
  type CreateSnapshotResult,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type PeerProgress,
  type ProposalDropReason,
  type ProposeResult,
  type RaftConfig,
  type ReadIndexResult,
  type ReadState,
  type Ready,
  type ResolvedRaftConfig,
  type RestartState,
  type SoftState,
  type Status,
  type TransferResult,
} from "./types.js";

// Not frozen, for the reason given at NO_ENTRIES (log.ts).
const NO_MESSAGES: readonly Message[] = [];
const NO_READ_STATES: readonly ReadState[] = [];
const NO_EVENTS: readonly RaftEvent[] = [];
const NO_ENTRY_LIST: readonly Entry[] = [];

const CONF_CHANGE_TYPES: ReadonlySet<string> = new Set(["add-node", "remove-node", "add-learner"]);
const TRANSITIONS: ReadonlySet<string> = new Set(["auto", "joint-implicit", "joint-explicit"]);

/** A Ready being filled (the public type is read-only). */
type MutableReady = { -readonly [Key in keyof Ready]: Ready[Key] };

export class RawNode {
  private readonly raft: Raft;
  /** Recycle the Ready and its lists (RaftConfig.reuseReady). */
  private readonly reuse: boolean;
  /** With `reuse`: the one Ready, refilled by every ready(). */
  private readonly recycled: MutableReady;
  private previousSoftState: SoftState;
  private previousHardState: HardState;
  /** The Ready handed out and not yet advanced (one at a time). */
  private outstanding: Ready | null = null;
  /** Local messages stepped by `advance`, once the Ready they depend on is durable. */
  private stepsOnAdvance: readonly Message[] = NO_MESSAGES;
  /**
   * With `reuse`: lists an advanced Ready (or `advance` itself) emptied, given back to the core by
   * the next ready() that takes the core's own. A new list allocates a backing store for 16 items
   * on its first push, for a Ready that mostly carries one message; emptying a short list with
   * pop() costs less.
   */
  private spareMessages: Message[] | null = null;
  private spareReadStates: ReadState[] | null = null;
  private spareEvents: RaftEvent[] | null = null;
  private spareAfterPersist: MutableMessage[] | null = null;
  /** With `reuse`: the lists of entries to persist and to apply, recycled like the message list. */
  private spareEntries: Entry[] = [];
  private spareCommittedEntries: Entry[] = [];

  constructor(config: RaftConfig, restart: RestartState = EMPTY_RESTART_STATE) {
    this.raft = new Raft(config, restart);
    this.reuse = config.reuseReady === true;
    this.recycled = {
      softState: null,
      hardState: null,
      entries: NO_ENTRY_LIST,
      snapshot: null,
      committedEntries: NO_ENTRY_LIST,
      messages: NO_MESSAGES,
      readStates: NO_READ_STATES,
      mustSync: false,
      events: NO_EVENTS,
    };
    this.previousSoftState = { lead: null, role: "follower" };
    this.previousHardState = restart.hardState;
  }

  get id(): NodeId {
    return this.raft.id;
  }

  /** The configuration with every default filled in. */
  get settings(): ResolvedRaftConfig {
    return this.raft.settings;
  }

  /** Advances the node's logical clock by one tick. */
  tick(): void {
    this.raft.tick();
  }

  /** Delivers a message from the network (never a local message type). */
  step(message: Message): void {
    const type = message.type;
    assert(
      type !== "MsgHup" && type !== "MsgBeat" && type !== "MsgCheckQuorum" && type !== "MsgUnreachable" && type !== "MsgSnapStatus",
      "a local message type is never stepped from the network",
    );
    assert(message.to === this.raft.id, "a message is stepped into its addressee");
    const response = type === "MsgAppResp" || type === "MsgHeartbeatResp" || type === "MsgVoteResp" || type === "MsgPreVoteResp";
    if (response && !this.raft.tracker.progress.has(message.from)) return;
    this.raft.step(message);
  }

  propose(data: unknown): ProposeResult {
    return resultOf(this.proposeEntry({ index: 0, term: 0, type: "normal", data }));
  }

  proposeConfChange(change: ConfChange): ProposeResult {
    assert(TRANSITIONS.has(change.transition), `a conf change transition is known (got ${String(change.transition)})`);
    for (const single of change.changes) {
      assert(CONF_CHANGE_TYPES.has(single.type), `a conf change type is known (got ${String(single.type)})`);
      assert(typeof single.node === "string" && single.node.length > 0, "a conf change names a node");
    }
    return resultOf(this.proposeEntry({ index: 0, term: 0, type: "conf-change", data: change }));
  }

  private proposeEntry(entry: Entry): ProposalDropReason | null {
    const raft = this.raft;
    switch (raft.role) {
      case "leader":
        return leaderPropose(raft, [entry], raft.id);
      case "follower":
        return forwardProposal(raft, [entry], raft.id);
      case "pre-candidate":
      case "candidate":
        return raft.dropProposal(raft.id, "no leader");
      default:
        return assertNever(raft.role, "role");
    }
  }

  /** Starts an election now (a pre-election with preVote), as if the election timer had fired. */
  campaign(): CampaignResult {
    const refusal = this.raft.hup(this.raft.preVote ? "pre-election" : "election");
    return refusal === null ? ACCEPTED : { ok: false, reason: refusal };
  }

  /** Asks the leader (this node, or the one it knows) to hand leadership to `to`. */
  transferLeader(to: NodeId): TransferResult {
    const raft = this.raft;
    switch (raft.role) {
      case "leader": {
        const refusal = leaderTransfer(raft, to);
        return refusal === null ? ACCEPTED : { ok: false, reason: refusal };
      }
      case "follower":
        return forwardTransfer(raft, to) ? ACCEPTED : { ok: false, reason: "no leader" };
      case "pre-candidate":
      case "candidate":
        return { ok: false, reason: "no leader" };
      default:
        return assertNever(raft.role, "role");
    }
  }

  /**
   * Requests a linearizable read point: a later Ready carries a ReadState with this `context`
   * and an index; reads may be served once the state machine has applied that index.
   */
  readIndex(context: string): ReadIndexResult {
    const raft = this.raft;
    switch (raft.role) {
      case "leader":
        leaderReadIndex(raft, raft.id, context);
        return ACCEPTED;
      case "follower":
        return forwardReadIndex(raft, context) ? ACCEPTED : { ok: false, reason: "no leader" };
      case "pre-candidate":
      case "candidate":
        return { ok: false, reason: "no leader" };
      default:
        return assertNever(raft.role, "role");
    }
  }

  /** False while a Ready is handed out and not yet advanced. */
  hasReady(): boolean {
    if (this.outstanding !== null) return false;
    const raft = this.raft;
    const soft = this.previousSoftState;
    if (raft.lead !== soft.lead || raft.role !== soft.role) return true;
    const hard = this.previousHardState;
    if (raft.term !== hard.term || raft.vote !== hard.vote || raft.log.committed !== hard.commit) return true;
    const log = raft.log;
    if (log.hasUnstableEntries() || log.unstableSnapshot !== null || log.hasCommittedEntries()) return true;
    return raft.messages.length > 0 || raft.readStates.length > 0 || raft.afterPersist.length > 0 || raft.events.length > 0;
  }

  ready(): Ready {
    assert(this.outstanding === null, "ready() is called again only after advance()");
    const raft = this.raft;
    const log = raft.log;
    let softState: SoftState | null = null;
    if (raft.lead !== this.previousSoftState.lead || raft.role !== this.previousSoftState.role) {
      softState = { lead: raft.lead, role: raft.role };
      this.previousSoftState = softState;
    }
    const previous = this.previousHardState;
    const termOrVoteChanged = raft.term !== previous.term || raft.vote !== previous.vote;
    let hardState: HardState | null = null;
    if (termOrVoteChanged || log.committed !== previous.commit) {
      hardState = { term: raft.term, vote: raft.vote, commit: log.committed };
      this.previousHardState = hardState;
    }
    if (this.reuse) return this.refill(softState, hardState, termOrVoteChanged);
    const entries = log.takeUnstableEntries([]);
    const snapshot = log.takeUnstableSnapshot();
    const ready: Ready = {
      softState,
      hardState,
      entries,
      snapshot,
      committedEntries: log.takeCommittedEntries([]),
      messages: raft.messages.length === 0 ? NO_MESSAGES : raft.messages,
      readStates: raft.readStates.length === 0 ? NO_READ_STATES : raft.readStates,
      mustSync: termOrVoteChanged || entries.length > 0 || snapshot !== null,
      events: raft.events.length === 0 ? NO_EVENTS : raft.events,
    };
    if (raft.messages.length > 0) raft.messages = [];
    if (raft.readStates.length > 0) raft.readStates = [];
    if (raft.events.length > 0) raft.events = [];
    this.takeAfterPersist();
    this.outstanding = ready;
    return ready;
  }

  /** ready() with `reuse`: the one Ready refilled, the core's lists swapped for spare ones. */
  private refill(softState: SoftState | null, hardState: HardState | null, termOrVoteChanged: boolean): Ready {
    const raft = this.raft;
    const log = raft.log;
    const ready = this.recycled;
    const entries = log.takeUnstableEntries(this.spareEntries);
    const snapshot = log.takeUnstableSnapshot();
    ready.softState = softState;
    ready.hardState = hardState;
    ready.entries = entries;
    ready.snapshot = snapshot;
    ready.committedEntries = log.takeCommittedEntries(this.spareCommittedEntries);
    ready.mustSync = termOrVoteChanged || entries.length > 0 || snapshot !== null;
    if (raft.messages.length === 0) {
      ready.messages = NO_MESSAGES;
    } else {
      ready.messages = raft.messages;
      raft.messages = this.spareMessages ?? [];
      this.spareMessages = null;
    }
    if (raft.readStates.length === 0) {
      ready.readStates = NO_READ_STATES;
    } else {
      ready.readStates = raft.readStates;
      raft.readStates = this.spareReadStates ?? [];
      this.spareReadStates = null;
    }
    if (raft.events.length === 0) {
      ready.events = NO_EVENTS;
    } else {
      ready.events = raft.events;
      raft.events = this.spareEvents ?? [];
      this.spareEvents = null;
    }
    this.takeAfterPersist();
    this.outstanding = ready;
    return ready;
  }

  private takeAfterPersist(): void {
    const raft = this.raft;
    if (raft.afterPersist.length > 0) {
      this.stepsOnAdvance = raft.afterPersist;
      raft.afterPersist = (this.reuse ? this.spareAfterPersist : null) ?? [];
      this.spareAfterPersist = null;
    }
  }

  /** With `reuse`: the advanced Ready lets go of what it held; its lists are emptied for reuse. */
  private recycle(): void {
    const recycled = this.recycled;
    if (recycled.messages !== NO_MESSAGES) this.spareMessages = emptied(recycled.messages as Message[]);
    if (recycled.readStates !== NO_READ_STATES) this.spareReadStates = emptied(recycled.readStates as ReadState[]);
    if (recycled.events !== NO_EVENTS) this.spareEvents = emptied(recycled.events as RaftEvent[]);
    recycled.messages = NO_MESSAGES;
    recycled.readStates = NO_READ_STATES;
    recycled.events = NO_EVENTS;
    // The entry lists are the spare ones (or NO_ENTRIES): emptied here, filled again by the next Ready.
    if (recycled.entries.length > 0) emptied(recycled.entries as Entry[]);
    if (recycled.committedEntries.length > 0) emptied(recycled.committedEntries as Entry[]);
    recycled.entries = NO_ENTRY_LIST;
    recycled.committedEntries = NO_ENTRY_LIST;
    recycled.snapshot = null;
    recycled.softState = null;
    recycled.hardState = null;
    recycled.mustSync = false;
  }

  /**
   * The host persisted `ready`, sent its messages and applied its snapshot and committed entries:
   * record that, then count this node's own durable votes and entries.
   */
  advance(ready: Ready): void {
    assert(ready === this.outstanding, "advance() takes the Ready last handed out");
    this.outstanding = null;
    const raft = this.raft;
    if (ready.snapshot !== null) raft.appliedTo(raft.log.snapshotApplied());
    const committed = ready.committedEntries;
    if (committed.length > 0) {
      raft.appliedTo((committed[committed.length - 1] as Entry).index);
      raft.reduceUncommittedSize(committed);
    }
    if (this.reuse) this.recycle();
    const steps = this.stepsOnAdvance;
    if (steps === NO_MESSAGES) return;
    this.stepsOnAdvance = NO_MESSAGES;
    for (let position = 0; position < steps.length; position++) raft.step(steps[position] as Message);
    if (this.reuse) this.spareAfterPersist = emptied(steps as MutableMessage[]);
  }

  /** Applies a committed conf-change entry's change; returns the new configuration. */
  applyConfChange(change: ConfChange): ConfState {
    return this.raft.applyConfChange(change);
  }

  /** The host could not deliver a message to `id`: its replication falls back to probing. */
  reportUnreachable(id: NodeId): void {
    this.raft.stepLocal("MsgUnreachable", id);
  }

  /** The fate of a MsgSnap the host sent to `id`. */
  reportSnapshot(id: NodeId, status: "finish" | "failure"): void {
    const message = this.raft.message("MsgSnapStatus", this.raft.id);
    message.term = 0;
    message.from = id;
    message.reject = status === "failure";
    this.raft.step(message);
  }

  /**
   * Records a snapshot of the host's state machine at an applied `index`, sent to followers that
   * need compacted entries. `confState` defaults to the current configuration, which is the one at
   * `index` only when `index` is the applied index (call it after `advance`).
   */
  createSnapshot(index: number, data: unknown, confState?: ConfState): CreateSnapshotResult {
    const log = this.raft.log;
    assert(Number.isInteger(index) && index <= log.applied, `a snapshot is taken at an applied index (${index} > ${log.applied})`);
    const newest = log.snapshot === null ? 0 : log.snapshot.metadata.index;
    if (index <= newest) return { ok: false, reason: "snapshot out of date" };
    assert(confState !== undefined || index === log.applied, "a snapshot below the applied index names its conf state");
    const term = log.term(index);
    assert(term !== NO_TERM, `the term of ${index} is known`);
    const snapshot = { metadata: { index, term, confState: confState ?? confStateOf(this.raft.tracker.config) }, data };
    log.setSnapshot(snapshot);
    return { ok: true, snapshot };
  }

  /** Drops the log entries up to `index` (at most the applied index and the newest snapshot's). */
  compact(index: number): CompactResult {
    return this.raft.log.compact(index) ? ACCEPTED : { ok: false, reason: "already compacted" };
  }

  status(): Status {
    const raft = this.raft;
    const log = raft.log;
    return {
      id: raft.id,
      role: raft.role,
      term: raft.term,
      vote: raft.vote,
      lead: raft.lead,
      commit: log.committed,
      applied: log.applied,
      firstIndex: log.firstIndex(),
      lastIndex: log.lastIndex(),
      confState: confStateOf(raft.tracker.config),
      leadTransferee: raft.leadTransferee,
      progress: raft.role === "leader" ? raft.tracker.peers.map(peerProgress) : null,
    };
  }
}

function peerProgress(progress: Progress): PeerProgress {
  return {
    id: progress.id,
    match: progress.match,
    next: progress.next,
    state: progress.state,
    inflight: progress.inflights.count,
    paused: progress.isPaused(),
    recentActive: progress.recentActive,
    isLearner: progress.isLearner,
    pendingSnapshot: progress.pendingSnapshot,
  };
}

function resultOf(refusal: ProposalDropReason | null): ProposeResult {
  return refusal === null ? ACCEPTED : { ok: false, reason: refusal };
}

/**
 * Empties a list for reuse. pop() is inlined by the optimizing compiler; `length = 0` is a call into
 * the runtime that costs more than a new list.
 */
function emptied<T>(list: T[]): T[] {
  while (list.length > 0) list.pop();
  return list;
}
