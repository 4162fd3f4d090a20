/**
 * The reducer: trace events in, view state out.
 *
 * `reduce(state, event, time, index)` is a pure function that returns the next view state; it makes
 * one immer `produce` per call, and `reduceRange` one per run of events (a Timeline segment), so
 * immer stays at the boundary and the hot loop (`applyEvent`) mutates a draft. Events this UI does
 * not know are counted where they fit (`mvcc.*` in the keyspace, conflicts, compactions) and
 * otherwise leave the state as it was, apart from the position; they never throw.
 *
 * Lists of values (messages in flight, drops, a member's log, ...) are replaced, never changed in
 * place: `items(list)` reads a list through immer's `original` without drafting its elements, which
 * holds only because an untouched draft's original is its current value. Only `nodes` (whose
 * members are drafted and changed field by field) and `members` grow in place.
 *
 * Messages in flight are matched to their delivery or drop by (from, to, message fields), taking
 * the one due exactly now, else the one due earliest: the world delivers a message at its
 * `deliverAt`, or later when the target was paused. A drop at send time (loss, a partition, an
 * unknown address) has no send event before it and removes nothing.
 */
import { castDraft, type Draft, isDraft, original, produce } from "immer";
import type { ClusterEvent, LogEntryRef } from "../etcd/events.js";
import { assertNever } from "../sim/errors.js";
import type { Fault } from "../sim/faults.js";
import { describePartition, type PartitionSpec, resolvePartition } from "../sim/network.js";
import type { Micros } from "../sim/time.js";
import type { SimEvent, TypedEvent } from "../sim/trace.js";
import { classify, describeFields, type ExpectationEvent, isCompactionType, isConflictType, messageKey } from "./events.js";
import {
  DROPS_KEPT,
  IN_FLIGHT_LIMIT,
  initialMember,
  KEYS_KEPT,
  LOG_WINDOW,
  PENDING_REQUESTS_KEPT,
  RECORDS_KEPT,
  RETURNS_KEPT,
  TRUNCATION_KEPT_ENTRIES,
  type InFlightView,
  type KeyView,
  type LogEntryView,
  type MemberView,
  type RecordView,
  type ViewState,
  VIOLATIONS_KEPT,
} from "./view-state.js";

type MemberDraft = Draft<MemberView>;

/** The state after `event`, the `index`-th event of the trace, at virtual time `time`. */
export function reduce(state: ViewState, event: TypedEvent, time: Micros, index: number): ViewState {
  return produce(state, (draft) => {
    applyEvent(draft, event, time, index);
  });
}

/** The state after events `from` .. `to - 1` of a trace (one `produce` for the whole run). */
export function reduceRange(state: ViewState, events: readonly TypedEvent[], times: readonly Micros[], from: number, to: number): ViewState {
  if (from >= to) return state;
  return produce(state, (draft) => {
    for (let index = from; index < to; index++) applyEvent(draft, events[index] as TypedEvent, times[index] as Micros, index);
  });
}

/** Applies one event to a draft of the view state. Call it only inside `produce`. */
export function applyEvent(draft: Draft<ViewState>, event: TypedEvent, time: Micros, index: number): void {
  draft.index = index;
  draft.time = time;
  const known = classify(event);
  if (known === undefined) {
    applyOther(draft, event, time, index);
    return;
  }
  switch (known.type) {
    case "net.send":
    case "net.deliver":
    case "net.drop":
    case "net.duplicate":
      return applyNetwork(draft, known, time, index);
    case "fault":
      return applyFault(draft, known.fault);
    case "disk.fsync":
    case "note":
      return;
    case "node.start":
    case "raft.role":
    case "raft.append":
    case "raft.truncate":
    case "raft.hardstate":
    case "raft.snapshot":
    case "raft.persist":
    case "raft.commit":
    case "raft.apply":
    case "raft.progress":
    case "raft.event":
      return applyRaft(member(draft, known.node), known, index);
    case "client.invoke":
    case "client.return":
      return applyClient(draft, known, index);
    case "violation":
      draft.violationCount++;
      draft.violations = appendBounded(draft.violations, { kind: known.kind, detail: known.detail, event: index, time }, VIOLATIONS_KEPT);
      return;
    case "expectation":
      return applyExpectation(draft, known, time, index);
    default:
      return assertNever(known, "event");
  }
}

/** A list's current elements, undrafted (see the module comment: lists are replaced, not changed). */
function items<T>(list: readonly T[]): readonly T[] {
  return isDraft(list) ? (original(list as unknown as object) as readonly T[]) : list;
}

/** The list with `item` appended, keeping its last `limit` elements. */
function appendBounded<T>(list: readonly T[], item: T, limit: number): T[] {
  const current = items(list);
  const next = current.slice(Math.max(0, current.length + 1 - limit));
  next.push(item);
  return next;
}

/** The member named `name`, added (after the known ones) when first seen. */
function member(draft: Draft<ViewState>, name: string): MemberDraft {
  const found = draft.nodes.find((node) => node.name === name);
  if (found !== undefined) return found;
  draft.members.push(name);
  draft.nodes.push(castDraft(initialMember(name)));
  return draft.nodes[draft.nodes.length - 1] as MemberDraft;
}

type NetworkEvent = Extract<SimEvent, { type: "net.send" | "net.deliver" | "net.drop" | "net.duplicate" }>;

function applyNetwork(draft: Draft<ViewState>, event: NetworkEvent, time: Micros, index: number): void {
  const network = draft.network;
  const message = event.message.type;
  const term = typeof event.message.term === "number" ? event.message.term : null;
  switch (event.type) {
    case "net.send":
    case "net.duplicate": {
      if (event.type === "net.send") network.sent++;
      const flight = { from: event.from, to: event.to, message, term, key: messageKey(event.message), sentAt: time, deliverAt: event.type === "net.send" ? event.deliverAt : null, event: index };
      const before = items(network.inFlight).length;
      network.inFlight = appendBounded(network.inFlight, flight, IN_FLIGHT_LIMIT);
      network.inFlightHidden += before + 1 - network.inFlight.length;
      return;
    }
    case "net.deliver":
      network.delivered++;
      settle(draft, event, time, false);
      return;
    case "net.drop":
      network.dropped++;
      network.drops = appendBounded(network.drops, { from: event.from, to: event.to, message, term, reason: event.reason, event: index, time }, DROPS_KEPT);
      if (event.reason === "crashed") settle(draft, event, time, false);
      else if (event.reason === "partition") settle(draft, event, time, true);
      return;
    default:
      assertNever(event, "network event");
  }
}

/**
 * Removes the message in flight that this delivery or drop ends: the one due exactly now, else
 * (unless `exactOnly`) the one due earliest before now, else a duplicate. An unmatched delivery ends
 * a message that no longer fitted in the list.
 */
function settle(draft: Draft<ViewState>, event: Extract<NetworkEvent, { type: "net.deliver" | "net.drop" }>, time: Micros, exactOnly: boolean): void {
  const network = draft.network;
  const key = messageKey(event.message);
  const inFlight = items(network.inFlight);
  let chosen = -1;
  let chosenRank = Infinity;
  for (let position = 0; position < inFlight.length; position++) {
    const message = inFlight[position] as InFlightView;
    if (message.from !== event.from || message.to !== event.to || message.key !== key) continue;
    const rank = settleRank(message.deliverAt, time, exactOnly);
    if (rank < chosenRank) {
      chosen = position;
      chosenRank = rank;
    }
  }
  if (chosen >= 0) network.inFlight = castDraft(inFlight.toSpliced(chosen, 1));
  else if (!exactOnly && network.inFlightHidden > 0) network.inFlightHidden--;
}

/** Lower is a better match: due now, then due earliest before now, then a duplicate; Infinity is none. */
function settleRank(deliverAt: Micros | null, time: Micros, exactOnly: boolean): number {
  if (deliverAt === time) return -1;
  if (exactOnly) return Infinity;
  if (deliverAt === null) return Number.MAX_SAFE_INTEGER;
  return deliverAt <= time ? deliverAt : Infinity;
}

/** Every node a partition names, after the members, so that resolving it never fails. */
function partitionUniverse(members: readonly string[], spec: PartitionSpec): string[] {
  const names = [...members];
  const add = (name: string): void => {
    if (!names.includes(name)) names.push(name);
  };
  switch (spec.kind) {
    case "isolate":
      add(spec.node);
      break;
    case "split":
      spec.minority.forEach(add);
      break;
    case "bridge":
      [...spec.left, spec.bridge, ...spec.right].forEach(add);
      break;
    case "ring":
      spec.order.forEach(add);
      break;
    case "one-way":
      [...spec.from, ...spec.to].forEach(add);
      break;
    case "groups":
      spec.groups.flat().forEach(add);
      break;
    default:
      assertNever(spec, "partition");
  }
  return names;
}

function applyFault(draft: Draft<ViewState>, fault: Fault): void {
  switch (fault.kind) {
    case "crash":
      return crash(member(draft, fault.node));
    case "restart":
      member(draft, fault.node).process = "up";
      return;
    case "pause":
      member(draft, fault.node).process = "paused";
      return;
    case "resume": {
      const node = member(draft, fault.node);
      if (node.process === "paused") node.process = "up";
      return;
    }
    case "partition": {
      const universe = partitionUniverse(draft.members, fault.partition);
      draft.network.partition = { text: describePartition(fault.partition, universe), cuts: resolvePartition(fault.partition, universe) };
      return;
    }
    case "heal":
      draft.network.partition = null;
      return;
    case "slow-disk":
      member(draft, fault.node).diskFactor = fault.factor;
      return;
    case "drift":
      member(draft, fault.node).clockRate = fault.rate;
      return;
    case "network": {
      const { lossPpm, duplicatePpm, reorderPpm } = fault;
      draft.network.conditions = lossPpm === 0 && duplicatePpm === 0 && reorderPpm === 0 ? null : { lossPpm, duplicatePpm, reorderPpm };
      return;
    }
    default:
      assertNever(fault, "fault");
  }
}

/** A crash loses the process's volatile state and every write its disk had not made durable. */
function crash(node: MemberDraft): void {
  node.process = "crashed";
  node.role = "unknown";
  node.progress = [];
  node.votes = null;
  const log = items(node.log);
  const lost = log.findIndex((entry) => entry.batch > node.persistedBatch);
  if (lost >= 0) {
    node.lastIndex = (log[lost] as LogEntryView).index - 1;
    node.log = castDraft(log.slice(0, lost));
  }
}

type RaftEvent = Extract<ClusterEvent, { node: string }>;

function applyRaft(node: MemberDraft, event: RaftEvent, index: number): void {
  switch (event.type) {
    case "node.start":
      return start(node, event);
    case "raft.role":
      node.role = event.role;
      node.term = event.term;
      node.lead = event.lead;
      node.progress = [];
      if (event.role === "candidate" && node.votes?.term !== event.term) node.votes = { term: event.term, granted: 0 };
      return;
    case "raft.append":
      return append(node, event.entries, event.batch);
    case "raft.truncate":
      node.log = castDraft(logUpTo(items(node.log), event.lastIndex));
      node.lastIndex = event.lastIndex;
      node.truncated = { entries: event.removed.slice(0, TRUNCATION_KEPT_ENTRIES).map(({ index: at, term, id }) => ({ index: at, term, id })), event: index };
      return;
    case "raft.hardstate":
      node.term = event.term;
      node.vote = event.vote;
      node.commit = Math.max(node.commit, event.commit);
      return;
    case "raft.snapshot":
      node.snapshotIndex = event.index;
      node.log = castDraft(items(node.log).filter((entry) => entry.index > event.index));
      node.lastIndex = Math.max(node.lastIndex, event.index);
      node.commit = Math.max(node.commit, event.index);
      node.applied = Math.max(node.applied, event.index);
      return;
    case "raft.persist":
      node.persistedBatch = Math.max(node.persistedBatch, event.batch);
      return;
    case "raft.commit":
      node.commit = event.commit;
      node.term = Math.max(node.term, event.term);
      return;
    case "raft.apply":
      node.applied = event.index;
      return;
    case "raft.progress": {
      const progress = { peer: event.peer, state: event.state, match: event.match, next: event.next, inflight: event.inflight };
      const current = items(node.progress);
      const position = current.findIndex((item) => item.peer === event.peer);
      node.progress = castDraft(position >= 0 ? current.with(position, progress) : [...current, progress]);
      return;
    }
    case "raft.event":
      countVotes(node, event);
      return;
    default:
      assertNever(event, "raft event");
  }
}

function start(node: MemberDraft, event: Extract<ClusterEvent, { type: "node.start" }>): void {
  node.process = "up";
  node.role = "follower";
  node.term = event.term;
  node.vote = event.vote;
  node.lead = "";
  node.commit = event.commit;
  node.snapshotIndex = event.snapshotIndex;
  node.applied = event.snapshotIndex;
  node.lastIndex = event.lastIndex;
  node.log = castDraft(items(node.log).flatMap((entry) => (entry.index > event.snapshotIndex && entry.index <= event.lastIndex ? [{ ...entry, batch: 0 }] : [])));
  node.persistedBatch = 0;
  node.truncated = null;
  node.progress = [];
  node.votes = null;
}

/** The log without the entries after `lastIndex`. */
function logUpTo(log: readonly LogEntryView[], lastIndex: number): readonly LogEntryView[] {
  const cut = log.findIndex((entry) => entry.index > lastIndex);
  return cut >= 0 ? log.slice(0, cut) : log;
}

function append(node: MemberDraft, entries: readonly LogEntryRef[], batch: number): void {
  const first = entries[0];
  if (first === undefined) return;
  const kept = logUpTo(items(node.log), first.index - 1);
  const added = entries.slice(Math.max(0, entries.length - LOG_WINDOW)).map((entry) => ({ index: entry.index, term: entry.term, id: entry.id, batch }));
  const log = kept.concat(added);
  node.log = castDraft(log.length > LOG_WINDOW ? log.slice(log.length - LOG_WINDOW) : log);
  node.lastIndex = (entries[entries.length - 1] as LogEntryRef).index;
}

/**
 * A candidate's tally, from the `raft.event`s that report it: "became-candidate" opens the tally for
 * its term, "vote-counted" (of a vote, not a pre-vote) carries the running `grantedCount`.
 */
function countVotes(node: MemberDraft, event: Extract<ClusterEvent, { type: "raft.event" }>): void {
  const detail = event.detail;
  if (event.kind === "became-candidate" && typeof detail.term === "number") {
    node.votes = { term: detail.term, granted: 0 };
  } else if (event.kind === "vote-counted" && detail.kind !== "pre-vote" && typeof detail.grantedCount === "number") {
    node.votes = { term: node.votes?.term ?? node.term, granted: detail.grantedCount };
  }
}

function applyClient(draft: Draft<ViewState>, event: Extract<ClusterEvent, { type: "client.invoke" | "client.return" }>, index: number): void {
  const clients = draft.clients;
  switch (event.type) {
    case "client.invoke":
      clients.pending = appendBounded(clients.pending, { client: event.client, op: event.op, endpoint: event.endpoint, summary: event.summary, event: index }, PENDING_REQUESTS_KEPT);
      return;
    case "client.return": {
      const pending = items(clients.pending);
      const position = pending.findIndex((request) => request.client === event.client && request.op === event.op);
      if (position >= 0) clients.pending = castDraft(pending.toSpliced(position, 1));
      clients.recent = appendBounded(clients.recent, { client: event.client, op: event.op, outcome: event.outcome, summary: event.summary, event: index }, RETURNS_KEPT);
      if (event.outcome === "ok") clients.ok++;
      else if (event.outcome === "fail") clients.failed++;
      else clients.unknown++;
      return;
    }
    default:
      assertNever(event, "client event");
  }
}

function applyExpectation(draft: Draft<ViewState>, event: ExpectationEvent, time: Micros, index: number): void {
  if (event.passed) {
    draft.expectations.passed++;
    return;
  }
  draft.expectations.failed++;
  draft.expectations.lastFailed = { event: index, time, text: `${event.kind}: ${event.detail}` };
}

const REVISION_FIELDS = ["revision", "rev", "modRevision", "currentRevision"] as const;

function numericRevision(event: TypedEvent): number | null {
  for (const field of REVISION_FIELDS) {
    const value = event[field];
    if (typeof value === "number") return value;
  }
  return null;
}

/** Events of types this UI does not know: the keyspace (`mvcc.*`), conflicts and compactions. */
function applyOther(draft: Draft<ViewState>, event: TypedEvent, time: Micros, index: number): void {
  const keyspace = draft.keyspace;
  const record = (): RecordView => ({ event: index, time, text: `${event.type} ${describeFields(event)}`.trim() });
  if (event.type.startsWith("mvcc.")) {
    keyspace.mvccEvents++;
    const revision = numericRevision(event);
    if (revision !== null) keyspace.revision = Math.max(keyspace.revision ?? revision, revision);
    if (typeof event.key === "string") nameKey(draft, event, event.key, revision, index);
  }
  if (isConflictType(event.type)) {
    keyspace.conflictCount++;
    keyspace.conflicts = appendBounded(keyspace.conflicts, record(), RECORDS_KEPT);
  }
  if (isCompactionType(event.type)) {
    keyspace.compactionCount++;
    keyspace.compactions = appendBounded(keyspace.compactions, record(), RECORDS_KEPT);
  }
}

function nameKey(draft: Draft<ViewState>, event: TypedEvent, key: string, revision: number | null, index: number): void {
  const keys = items(draft.keyspace.keys);
  const view = { key, text: `${event.type} ${describeFields(event, ["key"])}`.trim(), revision, deleted: event.type.toLowerCase().includes("delete"), event: index };
  const position = keys.findIndex((item) => item.key === key);
  if (position >= 0) {
    draft.keyspace.keys = castDraft(keys.with(position, view));
    return;
  }
  let next = [...keys, view];
  if (next.length > KEYS_KEPT) {
    let oldest = 0;
    for (let candidate = 1; candidate < next.length; candidate++) if ((next[candidate] as KeyView).event < (next[oldest] as KeyView).event) oldest = candidate;
    next = next.toSpliced(oldest, 1);
  }
  draft.keyspace.keys = castDraft(next);
}
