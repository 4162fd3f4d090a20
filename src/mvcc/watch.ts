/**
 * Watches, pull-based (etcd `watchable_store.go`, `watcher_group.go`, `watcher.go` and the
 * `v3rpc/watch.go` stream logic).
 *
 * A `WatchStream` is one client watch stream on one member's store. Everything the stream must send
 * (created/canceled replies, events, progress notifications) is queued on it in order; the member
 * drains the queues with `takeResponses()` (or the store's `takeWatchResponses()`) after each apply
 * and after each `syncWatchers()` call.
 *
 * A watcher is synced when it has seen every revision up to the current one: it then gets the
 * events of each committed write transaction as they happen, exactly one revision per response,
 * with header revision = that revision. A watcher created with a past start revision is unsynced:
 * `syncWatchers()` (which the member calls every 100 ms of virtual time, as etcd does) replays
 * history from the backend in batches of at most 1,000 distinct revisions (never splitting a
 * revision), header revision = the current revision, until it is synced. An unsynced watcher whose
 * next revision was compacted away gets `{canceled: true, compactRevision: C, header.revision: 0}`
 * and stops. Start revision 0 means "from the next revision"; a start revision above the current
 * one waits for it.
 *
 * Event rules: DELETE events carry only the key and mod_revision; events of one transaction keep
 * their op order; NOPUT/NODELETE filters drop events and a response they empty is not sent;
 * prev_kv reads the key at mod_revision - 1, and is left out for create events and when that
 * revision was compacted. Watch IDs count up from 0 per stream; a duplicate ID or an empty range is
 * refused with etcd's cancel reason. Progress notifications (`requestProgress`, `requestProgressAll`
 * with watch ID -1, and the periodic ones of progress_notify watchers driven by
 * `tickProgress(nowMs)`, every 10 minutes by default, without etcd's random jitter) are sent only
 * when every watcher concerned is synced and the store has reached its start revision. A watcher
 * with `fragment` splits responses larger than the limit (2 MiB: max request bytes + 512 KiB of gRPC
 * overhead) into several, all but the last marked `fragment: true`.
 */
import { internalRangeEnd } from "./apply.js";
import { isTombstone } from "./backend.js";
import type { ByteString } from "./bytes.js";
import { assert, assertionFailed, watchCancelReasons } from "./errors.js";
import { integerFieldSize, keyValueSize, lengthFieldSize } from "./proto.js";
import { mainOf, packRevision } from "./revision.js";
import type { StoreCore } from "./store_core.js";
import type { Event, KeyValue, WatchCreateRequest, WatchFilter, WatchResponse } from "./types.js";

export const defaultWatchBatchMaxRevisions = 1_000;
export const maxWatchersPerSync = 512;
export const defaultProgressNotifyIntervalMs = 600_000;
export const defaultWatchFragmentLimitBytes = 1_572_864 + 512 * 1024;
/** The watch ID of a progress notification sent on behalf of every watcher of a stream. */
export const invalidWatchId = -1;

export interface WatchConfig {
  readonly watchBatchMaxRevisions?: number;
  readonly progressNotifyIntervalMs?: number;
  readonly watchFragmentLimitBytes?: number;
}

type WatcherState = "synced" | "unsynced" | "compacted" | "canceled";

class Watcher {
  state: WatcherState = "unsynced";
  /** No event was sent since the last progress tick (v3rpc's `progress[id]`). */
  progressDue = true;

  constructor(
    readonly stream: WatchStream,
    readonly id: number,
    readonly sequence: number,
    readonly key: ByteString,
    /** undefined: the single key; "": no upper bound; otherwise exclusive end. */
    readonly end: ByteString | undefined,
    readonly startRevision: number,
    public minRevision: number,
    readonly request: WatchCreateRequest,
  ) {}

  contains(key: ByteString): boolean {
    if (this.end === undefined) return key === this.key;
    return key >= this.key && (this.end === "" || key < this.end);
  }

  keeps(event: Event): boolean {
    const filters: readonly WatchFilter[] = this.request.filters ?? [];
    if (event.type === "PUT") return !filters.includes("NOPUT");
    return !filters.includes("NODELETE");
  }
}

class WatcherGroup {
  private readonly keyWatchers = new Map<ByteString, Set<Watcher>>();
  private readonly rangeWatchers = new Set<Watcher>();
  readonly all = new Set<Watcher>();

  get size(): number {
    return this.all.size;
  }

  add(watcher: Watcher): void {
    this.all.add(watcher);
    if (watcher.end !== undefined) {
      this.rangeWatchers.add(watcher);
      return;
    }
    let watchers = this.keyWatchers.get(watcher.key);
    if (watchers === undefined) {
      watchers = new Set();
      this.keyWatchers.set(watcher.key, watchers);
    }
    watchers.add(watcher);
  }

  delete(watcher: Watcher): void {
    this.all.delete(watcher);
    if (watcher.end !== undefined) {
      this.rangeWatchers.delete(watcher);
      return;
    }
    const watchers = this.keyWatchers.get(watcher.key);
    watchers?.delete(watcher);
    if (watchers?.size === 0) this.keyWatchers.delete(watcher.key);
  }

  watchersFor(key: ByteString, visit: (watcher: Watcher) => void): void {
    const watchers = this.keyWatchers.get(key);
    if (watchers !== undefined) for (const watcher of watchers) visit(watcher);
    for (const watcher of this.rangeWatchers) if (watcher.contains(key)) visit(watcher);
  }
}

/** Events of one watcher for one catch-up step (etcd `eventBatch`). */
class EventBatch {
  readonly events: Event[] = [];
  revisions = 0;
  moreRevision = 0;

  constructor(private readonly maxRevisions: number) {}

  add(event: Event): void {
    if (this.revisions > this.maxRevisions) return;
    const last = this.events[this.events.length - 1];
    if (last === undefined) {
      this.revisions = 1;
      this.events.push(event);
      return;
    }
    if (event.kv.modRevision > last.kv.modRevision) {
      this.revisions++;
      if (this.revisions > this.maxRevisions) {
        this.moreRevision = event.kv.modRevision;
        return;
      }
    }
    this.events.push(event);
  }
}

/** The event a stored change produces at main revision `main`. */
export function eventOfChange(kv: KeyValue, main: number): Event {
  if (!isTombstone(kv)) return { type: "PUT", kv };
  return { type: "DELETE", kv: { key: kv.key, createRevision: 0, modRevision: main, version: 0, value: "", lease: 0 } };
}

function bySequence(left: Watcher, right: Watcher): number {
  return left.sequence - right.sequence;
}

function watchResponse(revision: number, watchId: number, fields: Partial<WatchResponse> = {}): WatchResponse {
  return { header: { revision }, watchId, created: false, canceled: false, compactRevision: 0, cancelReason: "", fragment: false, events: [], ...fields };
}

/** Allowance for the header fields the member fills (cluster_id, member_id, raft_term: 11 bytes each). */
const headerFieldsAllowanceBytes = 33;

function eventSize(event: Event): number {
  return (
    (event.type === "DELETE" ? 2 : 0) +
    lengthFieldSize(2, keyValueSize(event.kv), true) +
    (event.prevKv === undefined ? 0 : lengthFieldSize(3, keyValueSize(event.prevKv), true))
  );
}

/** Protobuf size of a WatchResponse without its events. */
function responseBaseSize(response: WatchResponse): number {
  const headerSize = integerFieldSize(3, response.header.revision) + headerFieldsAllowanceBytes;
  return (
    lengthFieldSize(1, headerSize, true) +
    integerFieldSize(2, response.watchId) +
    (response.created ? 2 : 0) +
    (response.canceled ? 2 : 0) +
    integerFieldSize(5, response.compactRevision) +
    lengthFieldSize(6, response.cancelReason.length) +
    2
  );
}

/** etcd `sendFragments`: splits a response of size >= limit with 2+ events into fragments. */
export function fragmentWatchResponse(response: WatchResponse, limitBytes: number): WatchResponse[] {
  const base = responseBaseSize(response);
  const sizes = response.events.map((event) => lengthFieldSize(11, eventSize(event), true));
  const total = sizes.reduce((sum, size) => sum + size, base);
  if (total < limitBytes || response.events.length < 2) return [response];
  const fragments: WatchResponse[] = [];
  let index = 0;
  while (index < response.events.length) {
    const events: Event[] = [];
    let size = base;
    for (; index < response.events.length; index++) {
      const eventBytes = sizes[index] as number;
      if (events.length > 0 && size + eventBytes >= limitBytes) break;
      events.push(response.events[index] as Event);
      size += eventBytes;
    }
    fragments.push({ ...response, events, fragment: index < response.events.length });
  }
  return fragments;
}

/** The watchers of one store, their groups and their streams. */
export class WatchHub {
  private readonly synced = new WatcherGroup();
  private readonly unsynced = new WatcherGroup();
  private readonly restoredWatchers = new Set<Watcher>();
  private readonly streams = new Map<number, WatchStream>();
  private nextStreamId = 1;
  private nextSequence = 0;
  readonly batchMaxRevisions: number;
  readonly progressIntervalMs: number;
  readonly fragmentLimitBytes: number;

  constructor(
    private readonly core: StoreCore,
    config: WatchConfig,
  ) {
    this.batchMaxRevisions = config.watchBatchMaxRevisions ?? defaultWatchBatchMaxRevisions;
    this.progressIntervalMs = config.progressNotifyIntervalMs ?? defaultProgressNotifyIntervalMs;
    this.fragmentLimitBytes = config.watchFragmentLimitBytes ?? defaultWatchFragmentLimitBytes;
    assert(this.batchMaxRevisions >= 1 && this.progressIntervalMs > 0, "watch batch size and progress interval must be positive");
  }

  get currentRevision(): number {
    return this.core.currentRevision;
  }

  get watcherCount(): number {
    return this.synced.size + this.unsynced.size;
  }

  get unsyncedCount(): number {
    return this.unsynced.size;
  }

  newStream(nowMs: number): WatchStream {
    const stream = new WatchStream(this, this.nextStreamId++, nowMs);
    this.streams.set(stream.id, stream);
    return stream;
  }

  /** @internal Creates a watcher (etcd `watchableStore.watch`). */
  addWatcher(stream: WatchStream, id: number, key: ByteString, end: ByteString | undefined, request: WatchCreateRequest): Watcher {
    const startRevision = request.startRevision ?? 0;
    const current = this.core.currentRevision;
    const synced = startRevision > current || startRevision === 0;
    const minRevision = synced ? Math.max(current + 1, startRevision) : startRevision;
    const watcher = new Watcher(stream, id, this.nextSequence++, key, end, startRevision, minRevision, request);
    watcher.state = synced ? "synced" : "unsynced";
    (synced ? this.synced : this.unsynced).add(watcher);
    return watcher;
  }

  /** @internal */
  removeWatcher(watcher: Watcher): void {
    this.synced.delete(watcher);
    this.unsynced.delete(watcher);
    this.restoredWatchers.delete(watcher);
    watcher.state = "canceled";
  }

  /** @internal */
  removeStream(stream: WatchStream): void {
    this.streams.delete(stream.id);
  }

  /** @internal Whether a progress notification may be sent for this watcher. */
  progressAllowed(watcher: Watcher): boolean {
    return watcher.state === "synced" && this.core.currentRevision >= watcher.startRevision;
  }

  /** Delivers the changes of a committed transaction to synced watchers (etcd `notify`). */
  notify(revision: number, changes: readonly KeyValue[]): void {
    if (this.synced.size === 0) return;
    const batches = new Map<Watcher, Event[]>();
    for (const change of changes) {
      const event = eventOfChange(change, revision);
      this.synced.watchersFor(change.key, (watcher) => {
        if (revision < watcher.minRevision) return;
        const batch = batches.get(watcher);
        if (batch === undefined) batches.set(watcher, [event]);
        else batch.push(event);
      });
    }
    for (const watcher of [...batches.keys()].sort(bySequence)) {
      this.send(watcher, batches.get(watcher) as Event[], revision);
      watcher.minRevision = revision + 1;
    }
  }

  /**
   * One catch-up step for unsynced watchers (etcd `syncWatchers`): cancels the compacted ones,
   * sends each the next batch of history, moves the caught-up ones to synced. Returns how many
   * watchers are still unsynced.
   */
  syncWatchers(): number {
    if (this.unsynced.size === 0) return 0;
    const current = this.core.currentRevision;
    const chosen = this.chooseUnsynced(current);
    if (chosen.length === 0) return this.unsynced.size;
    const minRevision = Math.min(...chosen.map((watcher) => watcher.minRevision));
    const batches = this.collectHistory(chosen, minRevision);
    for (const watcher of chosen) {
      watcher.minRevision = Math.max(current + 1, watcher.minRevision);
      const batch = batches.get(watcher);
      if (batch !== undefined) {
        if (batch.moreRevision !== 0) watcher.minRevision = batch.moreRevision;
        this.send(watcher, batch.events, current);
        if (batch.moreRevision !== 0) continue;
      }
      this.unsynced.delete(watcher);
      this.restoredWatchers.delete(watcher);
      this.synced.add(watcher);
      watcher.state = "synced";
    }
    return this.unsynced.size;
  }

  /** Up to maxWatchersPerSync unsynced watchers, oldest first, minus the compacted ones (canceled here). */
  private chooseUnsynced(current: number): Watcher[] {
    const compactRevision = this.core.compactRevision;
    const chosen: Watcher[] = [];
    for (const watcher of [...this.unsynced.all].sort(bySequence).slice(0, maxWatchersPerSync)) {
      if (watcher.minRevision > current && !this.restoredWatchers.has(watcher)) assertionFailed(`unsynced watcher ${watcher.id} is ahead of revision ${current}`);
      this.restoredWatchers.delete(watcher);
      if (watcher.minRevision < compactRevision) {
        this.unsynced.delete(watcher);
        watcher.state = "compacted";
        watcher.stream.enqueue(watchResponse(0, watcher.id, { canceled: true, compactRevision }));
        continue;
      }
      chosen.push(watcher);
    }
    return chosen;
  }

  /** The history from minRevision on, batched per watcher (etcd `rangeEvents` + `newWatcherBatch`). */
  private collectHistory(watchers: readonly Watcher[], minRevision: number): Map<Watcher, EventBatch> {
    const backend = this.core.backend;
    const batches = new Map<Watcher, EventBatch>();
    for (let index = backend.indexAtOrAfter(packRevision(Math.max(minRevision, 0), 0)); index < backend.recordCount; index++) {
      const kv = backend.keyValueAt(index);
      const main = mainOf(backend.revisionAt(index));
      let event: Event | undefined;
      for (const watcher of watchers) {
        if (main < watcher.minRevision || !watcher.contains(kv.key)) continue;
        event ??= eventOfChange(kv, main);
        let batch = batches.get(watcher);
        if (batch === undefined) {
          batch = new EventBatch(this.batchMaxRevisions);
          batches.set(watcher, batch);
        }
        batch.add(event);
      }
    }
    return batches;
  }

  /** etcd `watcher.send` + the v3rpc send loop: filters, prev_kv, progress elision, fragments. */
  private send(watcher: Watcher, events: readonly Event[], revision: number): void {
    const kept = (watcher.request.filters ?? []).length === 0 ? events : events.filter((event) => watcher.keeps(event));
    if (kept.length === 0) return;
    const delivered = watcher.request.prevKv ? kept.map((event) => this.withPrevKv(event)) : kept;
    watcher.progressDue = false;
    const response = watchResponse(revision, watcher.id, { events: delivered });
    if (!watcher.request.fragment) {
      watcher.stream.enqueue(response);
      return;
    }
    for (const fragment of fragmentWatchResponse(response, this.fragmentLimitBytes)) watcher.stream.enqueue(fragment);
  }

  private withPrevKv(event: Event): Event {
    if (event.type === "PUT" && event.kv.createRevision === event.kv.modRevision) return event;
    const prevKv = this.core.keyValueAt(event.kv.key, event.kv.modRevision - 1);
    return prevKv === undefined ? event : { ...event, prevKv };
  }

  /** Periodic progress notifications of progress_notify watchers, on every stream. */
  tickProgress(nowMs: number): void {
    for (const stream of this.streams.values()) stream.tickProgress(nowMs);
  }

  /** Drains every stream's queue: the non-empty ones, in stream order. */
  takeResponses(): Array<{ readonly streamId: number; readonly responses: WatchResponse[] }> {
    const drained: Array<{ readonly streamId: number; readonly responses: WatchResponse[] }> = [];
    for (const stream of this.streams.values()) {
      if (stream.pendingResponses > 0) drained.push({ streamId: stream.id, responses: stream.takeResponses() });
    }
    return drained;
  }

  /** After a snapshot restore every synced watcher must catch up again (etcd `watchableStore.Restore`). */
  restore(): void {
    for (const watcher of [...this.synced.all]) {
      this.synced.delete(watcher);
      this.unsynced.add(watcher);
      this.restoredWatchers.add(watcher);
      watcher.state = "unsynced";
    }
  }
}

/** One client watch stream: its watchers (IDs from 0) and its queue of responses. */
export class WatchStream {
  private readonly watchers = new Map<number, Watcher>();
  private nextWatchId = 0;
  private queue: WatchResponse[] = [];
  private nextProgressMs: number;
  private closed = false;

  constructor(
    private readonly hub: WatchHub,
    readonly id: number,
    nowMs: number,
  ) {
    this.nextProgressMs = nowMs + hub.progressIntervalMs;
  }

  get pendingResponses(): number {
    return this.queue.length;
  }

  /** IDs of the watchers of this stream (compacted ones included until canceled). */
  watchIds(): number[] {
    return [...this.watchers.keys()];
  }

  /** Creates a watcher; queues the created (or refused) response. Returns its ID, or -1 when refused. */
  watch(request: WatchCreateRequest): number {
    assert(!this.closed, "watch on a closed stream");
    const current = this.hub.currentRevision;
    const refuse = (cancelReason: string): number => {
      this.enqueue(watchResponse(current, invalidWatchId, { created: true, canceled: true, cancelReason }));
      return invalidWatchId;
    };
    if ((request.startRevision ?? 0) < 0) return refuse(watchCancelReasons.compacted);
    const key = request.key === "" ? "\x00" : request.key;
    const end = internalRangeEnd(request.rangeEnd);
    if (end !== undefined && end !== "" && key >= end) return refuse(watchCancelReasons.emptyRange);
    let id = request.watchId ?? 0;
    if (id === 0) {
      while (this.watchers.has(this.nextWatchId)) this.nextWatchId++;
      id = this.nextWatchId++;
    } else if (this.watchers.has(id)) {
      return refuse(watchCancelReasons.duplicateWatchId);
    }
    this.watchers.set(id, this.hub.addWatcher(this, id, key, end, request));
    this.enqueue(watchResponse(current, id, { created: true }));
    return id;
  }

  /** Cancels a watcher and queues `{canceled: true}`; false (nothing queued) for an unknown ID. */
  cancel(watchId: number): boolean {
    const watcher = this.watchers.get(watchId);
    if (watcher === undefined || this.closed) return false;
    this.hub.removeWatcher(watcher);
    this.watchers.delete(watchId);
    this.enqueue(watchResponse(this.hub.currentRevision, watchId, { canceled: true }));
    return true;
  }

  /** Queues a progress notification for one watcher if it is synced (unknown IDs are ignored). */
  requestProgress(watchId: number): void {
    const watcher = this.watchers.get(watchId);
    if (watcher === undefined || !this.hub.progressAllowed(watcher)) return;
    this.enqueue(watchResponse(this.hub.currentRevision, watchId));
  }

  /** One progress notification (watch ID -1) if every watcher is synced; false when some is not. */
  requestProgressAll(): boolean {
    for (const watcher of this.watchers.values()) if (!this.hub.progressAllowed(watcher)) return false;
    if (this.watchers.size > 0) this.enqueue(watchResponse(this.hub.currentRevision, invalidWatchId));
    return true;
  }

  /** The progress ticker of v3rpc: on each tick, progress for progress_notify watchers that sent no event since the last tick. */
  tickProgress(nowMs: number): void {
    if (nowMs < this.nextProgressMs) return;
    while (this.nextProgressMs <= nowMs) this.nextProgressMs += this.hub.progressIntervalMs;
    for (const watcher of this.watchers.values()) {
      if (!watcher.request.progressNotify) continue;
      if (watcher.progressDue) this.requestProgress(watcher.id);
      watcher.progressDue = true;
    }
  }

  takeResponses(): WatchResponse[] {
    const responses = this.queue;
    this.queue = [];
    return responses;
  }

  /** Cancels every watcher silently and detaches the stream from the store. */
  close(): void {
    for (const watcher of this.watchers.values()) this.hub.removeWatcher(watcher);
    this.watchers.clear();
    this.queue = [];
    this.closed = true;
    this.hub.removeStream(this);
  }

  /** @internal */
  enqueue(response: WatchResponse): void {
    if (!this.closed) this.queue.push(response);
  }
}
