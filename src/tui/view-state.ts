/**
 * The view state: everything the terminal UI's panes show at one point of a trace.
 *
 * It is built only from trace events (`reducer.ts` folds them), never from a node's private state,
 * and it is immutable: each step is a structurally shared snapshot made by immer, so a `Timeline`
 * can keep thousands of them and stepping back costs what stepping forward does.
 *
 * Every list is bounded by a named constant (a long trace must not grow the state without limit):
 * a member's log keeps its last `LOG_WINDOW` entries, the network its `IN_FLIGHT_LIMIT` most recent
 * messages in flight, and so on. Collections are arrays kept in a defined order (members in their
 * canonical order, the rest in event order), so the same events always give an equal state.
 *
 * Invariants, per member: `snapshotIndex <= commit`, and every entry in `log` has an index in
 * (`snapshotIndex`, `lastIndex`], in increasing order with no gaps.
 */
import type { LogEntryRef, Role } from "../etcd/events.js";
import { freeze } from "immer";
import type { Cut } from "../sim/network.js";
import type { Micros } from "../sim/time.js";
import type { TraceHeader } from "../sim/trace.js";

/** Entries of each member's log kept in the view (the tail of the log). */
export const LOG_WINDOW = 96;
/** Truncated entries stay visible, struck, for this many events after the truncation. */
export const TRUNCATION_VISIBLE_EVENTS = 24;
/** Entries of one truncation kept for display. */
export const TRUNCATION_KEPT_ENTRIES = 32;
export const IN_FLIGHT_LIMIT = 48;
export const DROPS_KEPT = 8;
export const VIOLATIONS_KEPT = 16;
export const RECORDS_KEPT = 8;
export const KEYS_KEPT = 256;
export const PENDING_REQUESTS_KEPT = 64;
export const RETURNS_KEPT = 6;

export type ProcessStatus = "up" | "crashed" | "paused";
/** A member's Raft role, or "unknown" before its first role event and after a crash. */
export type MemberRole = Role | "unknown";
export type ProgressState = "probe" | "replicate" | "snapshot";

export interface LogEntryView {
  readonly index: number;
  readonly term: number;
  readonly id: string;
  /** The write batch that appended it: durable once the member's `persistedBatch` reaches it. */
  readonly batch: number;
}

export interface TruncationView {
  readonly entries: readonly LogEntryRef[];
  /** The event that truncated them. */
  readonly event: number;
}

/** The leader's view of one follower's replication. */
export interface ProgressView {
  readonly peer: string;
  readonly state: ProgressState;
  readonly match: number;
  readonly next: number;
  readonly inflight: number;
}

/** Votes a candidate has counted in `term` (from `raft.event` vote counts). */
export interface VoteTally {
  readonly term: number;
  readonly granted: number;
}

export interface MemberView {
  readonly name: string;
  readonly role: MemberRole;
  readonly term: number;
  readonly vote: string;
  /** The leader this member knows of ("" for none). */
  readonly lead: string;
  readonly commit: number;
  readonly applied: number;
  readonly lastIndex: number;
  readonly snapshotIndex: number;
  readonly process: ProcessStatus;
  /** fsync latency multiplier (1 is normal). */
  readonly diskFactor: number;
  /** Clock rate against virtual time (1 is normal). */
  readonly clockRate: number;
  readonly log: readonly LogEntryView[];
  readonly persistedBatch: number;
  readonly truncated: TruncationView | null;
  /** When leader: its followers' progress, in the order they were first reported. */
  readonly progress: readonly ProgressView[];
  readonly votes: VoteTally | null;
}

export interface InFlightView {
  readonly from: string;
  readonly to: string;
  /** The message's type ("MsgApp") and term, if it has one. */
  readonly message: string;
  readonly term: number | null;
  /** The message's identity, matched against deliveries and drops. */
  readonly key: string;
  readonly sentAt: Micros;
  /** When it is due; null for a duplicate, whose arrival the trace does not record. */
  readonly deliverAt: Micros | null;
  readonly event: number;
}

export interface DropView {
  readonly from: string;
  readonly to: string;
  readonly message: string;
  readonly term: number | null;
  readonly reason: string;
  readonly event: number;
  readonly time: Micros;
}

export interface PartitionView {
  /** In words: "n1 | n2 n3 n4 n5". */
  readonly text: string;
  readonly cuts: readonly Cut[];
}

export interface NetworkConditions {
  readonly lossPpm: number;
  readonly duplicatePpm: number;
  readonly reorderPpm: number;
}

export interface NetworkView {
  readonly partition: PartitionView | null;
  /** Loss, duplication and reordering from a `network` fault; null when back to the scenario's own. */
  readonly conditions: NetworkConditions | null;
  /** The most recent messages in flight, oldest first. */
  readonly inFlight: readonly InFlightView[];
  /** Messages in flight that no longer fit in `inFlight`. */
  readonly inFlightHidden: number;
  readonly drops: readonly DropView[];
  readonly sent: number;
  readonly delivered: number;
  readonly dropped: number;
}

/** One event of a kind the UI shows as a record (a conflict, a compaction, a failed check). */
export interface RecordView {
  readonly event: number;
  readonly time: Micros;
  readonly text: string;
}

export interface KeyView {
  readonly key: string;
  /** The other fields of the last event that named the key. */
  readonly text: string;
  readonly revision: number | null;
  readonly deleted: boolean;
  readonly event: number;
}

export interface KeyspaceView {
  /** The highest revision any `mvcc.*` event reported. */
  readonly revision: number | null;
  /** Keys named by `mvcc.*` events, in the order first seen (the least recently named dropped first). */
  readonly keys: readonly KeyView[];
  readonly mvccEvents: number;
  readonly conflicts: readonly RecordView[];
  readonly conflictCount: number;
  readonly compactions: readonly RecordView[];
  readonly compactionCount: number;
}

export interface PendingRequest {
  readonly client: string;
  readonly op: number;
  readonly endpoint: string;
  readonly summary: string;
  readonly event: number;
}

export interface ReturnView {
  readonly client: string;
  readonly op: number;
  readonly outcome: "ok" | "fail" | "unknown";
  readonly summary: string;
  readonly event: number;
}

export interface ClientsView {
  readonly pending: readonly PendingRequest[];
  readonly recent: readonly ReturnView[];
  readonly ok: number;
  readonly failed: number;
  readonly unknown: number;
}

export interface ViolationView {
  readonly kind: string;
  readonly detail: string;
  readonly event: number;
  readonly time: Micros;
}

export interface ExpectationsView {
  readonly passed: number;
  readonly failed: number;
  readonly lastFailed: RecordView | null;
}

export interface ViewState {
  /** The last event applied (-1 before the first). */
  readonly index: number;
  /** Its virtual time. */
  readonly time: Micros;
  /** Member names, in canonical order: the header's, then as first seen in events. */
  readonly members: readonly string[];
  /** One per member, in the order of `members`. */
  readonly nodes: readonly MemberView[];
  readonly network: NetworkView;
  readonly keyspace: KeyspaceView;
  readonly clients: ClientsView;
  readonly violations: readonly ViolationView[];
  readonly violationCount: number;
  readonly expectations: ExpectationsView;
}

export function initialMember(name: string): MemberView {
  return {
    name,
    role: "unknown",
    term: 0,
    vote: "",
    lead: "",
    commit: 0,
    applied: 0,
    lastIndex: 0,
    snapshotIndex: 0,
    process: "up",
    diskFactor: 1,
    clockRate: 1,
    log: [],
    persistedBatch: 0,
    truncated: null,
    progress: [],
    votes: null,
  };
}

/** The state before any event, with the given members (see `membersFromHeader`). Deeply frozen. */
export function initialViewState(members: readonly string[] = []): ViewState {
  const unique = [...new Set(members)];
  return freeze(
    {
      index: -1,
      time: 0,
      members: unique,
      nodes: unique.map(initialMember),
      network: { partition: null, conditions: null, inFlight: [], inFlightHidden: 0, drops: [], sent: 0, delivered: 0, dropped: 0 },
      keyspace: { revision: null, keys: [], mvccEvents: 0, conflicts: [], conflictCount: 0, compactions: [], compactionCount: 0 },
      clients: { pending: [], recent: [], ok: 0, failed: 0, unknown: 0 },
      violations: [],
      violationCount: 0,
      expectations: { passed: 0, failed: 0, lastFailed: null },
    },
    true,
  );
}

function record(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function memberList(value: unknown): string[] | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0 && value <= 99) {
    return Array.from({ length: value }, (_, index) => `n${index + 1}`);
  }
  if (Array.isArray(value) && value.every((name) => typeof name === "string")) return value as string[];
  return undefined;
}

/**
 * The members a trace header's configuration names: `cluster.members` or `cluster.options.members`,
 * either a list of names or a count (n1..nN, the names every cluster kind gives its members).
 * Empty when the header says nothing; members then appear as events name them.
 */
export function membersFromHeader(header: TraceHeader | null): string[] {
  const cluster = record(record(header?.config)?.cluster);
  return memberList(cluster?.members) ?? memberList(record(cluster?.options)?.members) ?? [];
}

export function findMember(state: ViewState, name: string): MemberView | undefined {
  return state.nodes.find((node) => node.name === name);
}

/** The member the cluster follows: the live leader with the highest term, if any. */
export function clusterLeader(state: ViewState): MemberView | undefined {
  let leader: MemberView | undefined;
  for (const node of state.nodes) {
    if (node.role === "leader" && node.process !== "crashed" && (leader === undefined || node.term > leader.term)) leader = node;
  }
  return leader;
}

/** True when the entry is written to disk (its batch is persisted). */
export function isDurable(member: MemberView, entry: LogEntryView): boolean {
  return entry.batch <= member.persistedBatch;
}

/** The member's truncated entries while they are still shown (for a few events after the cut). */
export function visibleTruncation(member: MemberView, index: number): TruncationView | null {
  const truncated = member.truncated;
  return truncated !== null && index - truncated.event < TRUNCATION_VISIBLE_EVENTS ? truncated : null;
}

/** Whom a member cannot reach, and who cannot reach it, under the current partition. */
export function partitionPeers(state: ViewState, name: string): { readonly cannotReach: string[]; readonly unheardFrom: string[] } {
  const cuts = state.network.partition?.cuts ?? [];
  return {
    cannotReach: cuts.filter((cut) => cut.from === name).map((cut) => cut.to),
    unheardFrom: cuts.filter((cut) => cut.to === name).map((cut) => cut.from),
  };
}
