/**
 * The replicated log of one node: the entries after the last snapshot, kept in a plain array, and
 * the cursors that say how far the host has persisted, committed and applied them.
 *
 *   snapshotIndex          handedOutIndex            lastIndex()
 *        |  applied <= applying <= committed  |             |
 *   [compacted] [entries[0] ........................ entries[n-1]]
 *
 * - entries[k] has index snapshotIndex + 1 + k; the term of snapshotIndex itself stays known
 *   (snapshotTerm), so that an append right after the snapshot can be matched.
 * - handedOutIndex: entries up to here were handed to the host in a Ready to persist. A conflict
 *   that truncates the log lowers it, so the replacement entries are handed out again.
 * - Invariants: snapshotIndex <= committed <= lastIndex(); applied <= applying <= committed;
 *   handedOutIndex <= lastIndex(); the committed prefix is never truncated.
 *
 * A snapshot received from the leader replaces the whole log (restore) and waits in
 * `unstableSnapshot` until a Ready hands it to the host, then in `applyingSnapshot` until the host
 * advances; while one is pending no committed entries are handed out.
 */
import { assert, assertionFailed } from "./assert.js";
import type { Entry, RestartState, Snapshot } from "./types.js";

/** The term of an index that is compacted or beyond the last index. */
export const NO_TERM = -1;

/**
 * The shared empty entry list. Not frozen on purpose: V8 keeps frozen arrays in elements kinds of
 * their own, and a `for...of` that meets both kinds falls back to the generic iterator protocol
 * (several times slower, one allocation per step). `readonly` keeps it empty at compile time.
 */
export const NO_ENTRIES: readonly Entry[] = [];

export class RaftLog {
  readonly entries: Entry[] = [];
  snapshotIndex = 0;
  snapshotTerm = 0;
  /** The newest snapshot, sent to followers that need compacted entries. */
  snapshot: Snapshot | null = null;
  unstableSnapshot: Snapshot | null = null;
  applyingSnapshot: Snapshot | null = null;
  committed = 0;
  applying = 0;
  applied = 0;
  handedOutIndex = 0;
  /** Counts truncations, compactions and restores: a cached slice is valid while this is unchanged. */
  private rewrites = 0;
  private cachedLow = 0;
  private cachedHigh = 0;
  private cachedRewrites = -1;
  private cachedSlice: readonly Entry[] = NO_ENTRIES;
  private readonly entrySize: ((entry: Entry) => number) | undefined;
  private readonly maxMessageSize: number;

  constructor(restart: RestartState, applied: number, entrySize: ((entry: Entry) => number) | undefined, maxMessageSize: number) {
    this.entrySize = entrySize;
    this.maxMessageSize = maxMessageSize;
    const snapshot = restart.snapshot ?? null;
    if (snapshot !== null) {
      this.snapshot = snapshot;
      this.snapshotIndex = snapshot.metadata.index;
      this.snapshotTerm = snapshot.metadata.term;
    }
    for (const entry of restart.entries) {
      if (entry.index <= this.snapshotIndex) continue;
      assert(entry.index === this.lastIndex() + 1, `restart entries are contiguous after the snapshot (at ${entry.index})`);
      this.entries.push(entry);
    }
    this.committed = Math.max(restart.hardState.commit, this.snapshotIndex);
    assert(this.committed <= this.lastIndex(), `restart commit ${this.committed} is beyond the last index ${this.lastIndex()}`);
    this.applied = Math.max(applied, this.snapshotIndex);
    assert(this.applied <= this.committed, `restart applied ${this.applied} is beyond the commit ${this.committed}`);
    this.applying = this.applied;
    this.handedOutIndex = this.lastIndex();
  }

  firstIndex(): number {
    return this.snapshotIndex + 1;
  }

  lastIndex(): number {
    return this.snapshotIndex + this.entries.length;
  }

  lastTerm(): number {
    return this.entries.length === 0 ? this.snapshotTerm : (this.entries[this.entries.length - 1] as Entry).term;
  }

  /** The term of `index`, or NO_TERM when it is compacted or beyond the last index. */
  term(index: number): number {
    if (index === this.snapshotIndex) return this.snapshotTerm;
    const entry = this.entries[index - this.snapshotIndex - 1];
    return entry === undefined ? NO_TERM : entry.term;
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  entryAt(index: number): Entry {
    const entry = this.entries[index - this.snapshotIndex - 1];
    if (entry === undefined) assertionFailed(`no entry at index ${index}`);
    return entry;
  }

  /** §5.4.1: the later last term wins; with equal last terms the longer log wins (ties grant). */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ownTerm = this.lastTerm();
    return lastTerm > ownTerm || (lastTerm === ownTerm && lastIndex >= this.lastIndex());
  }

  /** Appends an entry of the leader's own (index and term checked). */
  append(entry: Entry): void {
    if (entry.index !== this.lastIndex() + 1) assertionFailed(`append at ${entry.index} after ${this.lastIndex()}`);
    if (entry.term < this.lastTerm()) assertionFailed(`append of term ${entry.term} after term ${this.lastTerm()}`);
    this.entries.push(entry);
  }

  /** The index of the first of `entries` whose term differs from ours (or that we lack), or 0. */
  findConflict(entries: readonly Entry[]): number {
    for (const entry of entries) {
      if (!this.matchTerm(entry.index, entry.term)) return entry.index;
    }
    return 0;
  }

  /** Replaces everything from `entries[from].index` on with `entries[from..]`. */
  truncateAndAppend(entries: readonly Entry[], from: number): void {
    const first = (entries[from] as Entry).index;
    if (first <= this.committed) assertionFailed(`entry ${first} conflicts with committed entry (committed ${this.committed})`);
    if (first > this.lastIndex() + 1) assertionFailed(`append at ${first} leaves a gap after ${this.lastIndex()}`);
    if (first <= this.lastIndex()) {
      this.entries.length = first - this.snapshotIndex - 1;
      this.handedOutIndex = Math.min(this.handedOutIndex, first - 1);
      this.rewrites++;
    }
    for (let position = from; position < entries.length; position++) this.entries.push(entries[position] as Entry);
  }

  /**
   * The largest index <= `index` whose term is <= `term` or unknown (compacted): where this log may
   * last agree with a log that has `term` at `index` (etcd's findConflictByTerm).
   */
  findConflictByTerm(index: number, term: number): number {
    for (; index > 0; index--) {
      const ownTerm = this.term(index);
      if (ownTerm === NO_TERM || ownTerm <= term) return index;
    }
    return 0;
  }

  /** Entries [low, high), for low > snapshotIndex and high <= lastIndex() + 1. */
  slice(low: number, high: number): readonly Entry[] {
    if (low >= high) return NO_ENTRIES;
    if (low <= this.snapshotIndex || high > this.lastIndex() + 1) assertionFailed(`slice [${low}, ${high}) out of the log`);
    if (low === this.cachedLow && high === this.cachedHigh && this.cachedRewrites === this.rewrites) return this.cachedSlice;
    const offset = this.snapshotIndex + 1;
    this.cachedSlice = this.entries.slice(low - offset, high - offset);
    this.cachedLow = low;
    this.cachedHigh = high;
    this.cachedRewrites = this.rewrites;
    return this.cachedSlice;
  }

  /** Entries from `low` on, limited to one message's size budget (at least one entry). */
  entriesFrom(low: number): readonly Entry[] {
    const last = this.lastIndex();
    if (low > last) return NO_ENTRIES;
    if (this.entrySize === undefined) return this.slice(low, Math.min(last + 1, low + this.maxMessageSize));
    let high = low + 1;
    let size = this.entrySize(this.entryAt(low));
    while (high <= last) {
      size += this.entrySize(this.entryAt(high));
      if (size > this.maxMessageSize) break;
      high++;
    }
    return this.slice(low, high);
  }

  /** Raises the commit index (never lowers it); true when it moved. */
  commitTo(index: number): boolean {
    if (index <= this.committed) return false;
    if (index > this.lastIndex()) {
      assertionFailed(`commit ${index} is beyond the last index ${this.lastIndex()}: was the log corrupted, truncated or lost?`);
    }
    this.committed = index;
    return true;
  }

  hasPendingSnapshot(): boolean {
    return this.unstableSnapshot !== null || this.applyingSnapshot !== null;
  }

  hasUnstableEntries(): boolean {
    return this.handedOutIndex < this.lastIndex();
  }

  /**
   * The entries not handed out yet, pushed onto `target` (an empty list: a fresh one, or one the
   * caller recycles), which is returned; NO_ENTRIES when there are none.
   */
  takeUnstableEntries(target: Entry[]): readonly Entry[] {
    const last = this.lastIndex();
    if (this.handedOutIndex >= last) return NO_ENTRIES;
    const entries = this.entries;
    for (let position = this.handedOutIndex - this.snapshotIndex; position < entries.length; position++) target.push(entries[position] as Entry);
    this.handedOutIndex = last;
    return target;
  }

  hasCommittedEntries(): boolean {
    return this.applying < this.committed && !this.hasPendingSnapshot();
  }

  /** The committed entries not handed out yet, pushed onto `target` as `takeUnstableEntries` does. */
  takeCommittedEntries(target: Entry[]): readonly Entry[] {
    if (!this.hasCommittedEntries()) return NO_ENTRIES;
    const offset = this.snapshotIndex + 1;
    const entries = this.entries;
    for (let position = this.applying + 1 - offset; position < this.committed + 1 - offset; position++) target.push(entries[position] as Entry);
    this.applying = this.committed;
    return target;
  }

  takeUnstableSnapshot(): Snapshot | null {
    const snapshot = this.unstableSnapshot;
    if (snapshot === null) return null;
    this.unstableSnapshot = null;
    this.applyingSnapshot = snapshot;
    return snapshot;
  }

  /** The host applied the snapshot handed out in the last Ready. */
  snapshotApplied(): number {
    const snapshot = this.applyingSnapshot;
    assert(snapshot !== null, "a snapshot is being applied");
    this.applyingSnapshot = null;
    return snapshot.metadata.index;
  }

  appliedTo(index: number): void {
    if (index < this.applied || index > this.committed) {
      assertionFailed(`applied ${index} is out of range [${this.applied}, ${this.committed}]`);
    }
    this.applied = index;
    this.applying = Math.max(this.applying, index);
  }

  /** Replaces the log with a snapshot from the leader (index beyond our commit). */
  restore(snapshot: Snapshot): void {
    const index = snapshot.metadata.index;
    assert(index > this.committed, "a restored snapshot is beyond the commit index");
    this.entries.length = 0;
    this.snapshotIndex = index;
    this.snapshotTerm = snapshot.metadata.term;
    this.snapshot = snapshot;
    this.unstableSnapshot = snapshot;
    this.committed = index;
    this.handedOutIndex = index;
    this.rewrites++;
  }

  /** Records a snapshot the host made of its state machine at `index`. */
  setSnapshot(snapshot: Snapshot): void {
    this.snapshot = snapshot;
  }

  /** Drops the entries up to `index` (covered by the newest snapshot); false when already compacted. */
  compact(index: number): boolean {
    if (index <= this.snapshotIndex) return false;
    assert(index <= this.applied, `compaction at ${index} beyond applied ${this.applied}`);
    const snapshotIndex = this.snapshot === null ? 0 : this.snapshot.metadata.index;
    assert(index <= snapshotIndex, `compaction at ${index} beyond the newest snapshot ${snapshotIndex}`);
    this.snapshotTerm = this.term(index);
    this.entries.splice(0, index - this.snapshotIndex);
    this.snapshotIndex = index;
    this.rewrites++;
    return true;
  }
}
