/**
 * A simulated disk, one per actor, that outlives the actor's crashes.
 *
 * Files hold values (records for a single value, lists for append-only logs). A write changes what
 * the process reads back at once (the page cache) but is *pending*: it becomes durable only when an
 * fsync issued after it completes, after a sampled latency. Fsyncs complete in the order they were
 * issued. A crash throws away every pending write, and the restarted process sees only durable data.
 * A slow-disk fault multiplies the fsync latency.
 *
 * The world schedules fsync completions; the disk only keeps the bookkeeping.
 *
 * How it is kept (a hot path: every member writes its WAL and hard state for every proposal):
 *
 * - A pending write is remembered as the state it left its file in (a kind, a value or list, and
 *   for a list its length), in parallel arrays rather than an object per write. Writes are applied
 *   in issue order, so the durable state after the writes an fsync covers is exactly the state the
 *   last of them left: completing an fsync copies a few references, it replays nothing.
 * - A list file's durable content is `durableValue[0, durableLength)`, usually a prefix of the very
 *   list the process reads (an append only pushes past every recorded length). A list is therefore
 *   never changed below a length that the durable state or a pending write records: a truncate that
 *   would cut below such a length gives the file a fresh list holding the kept prefix, and leaves
 *   the old one, unchanged, to the durable state and the pending writes. A `set` of a list stores a
 *   copy of it. So the durable data is copied only when a log is cut below what was written
 *   (a Raft log conflict), never per append.
 *
 * The contract with callers: `read` and `readList` return the disk's own list, which callers read
 * and never change, and which is theirs to read only until their next write to the disk or a crash
 * (a truncate, a `set` or a crash may then hand the file a different list or shorten this one).
 * `readDurable` returns a copy. `set` and `append` copy what they are given and keep no reference
 * to the caller's list, which the caller may reuse at once.
 */
import { assert, assertionFailed } from "./errors.js";

/** The state of a file: absent, holding a single value, or holding a list. */
const ABSENT = 0;
const VALUE = 1;
const LIST = 2;
type FileKind = typeof ABSENT | typeof VALUE | typeof LIST;

/** What `readList` returns for a file that is not a list; frozen, so that a caller's write fails loudly. */
const NO_ITEMS: readonly unknown[] = Object.freeze([]);

/** Once this many fsyncs completed while later ones stayed outstanding, the queue is compacted. */
const FSYNC_QUEUE_COMPACT_AT = 64;

/** One file: what the process reads (current) and what would survive a crash (durable). */
class DiskFile {
  currentKind: FileKind = ABSENT;
  /** The value (VALUE), or the list whose whole length is the content (LIST). */
  current: unknown = undefined;
  durableKind: FileKind = ABSENT;
  /** The value (VALUE), or a list whose first `durableLength` items are the content (LIST). */
  durableValue: unknown = undefined;
  durableLength = 0;

  constructor(readonly name: string) {}
}

export class Disk {
  /** Every file ever written, in creation order; a removed file keeps its record (kind ABSENT). */
  private readonly byName = new Map<string, DiskFile>();
  // Pending writes, oldest first, in columns [0, pendingCount): the file, and the state the write
  // left it in (kind, value or list, list length). Slots past pendingCount are spare capacity.
  private readonly pendingFiles: DiskFile[] = [];
  private readonly pendingKinds: FileKind[] = [];
  private readonly pendingValues: unknown[] = [];
  private readonly pendingLengths: number[] = [];
  private pendingCount = 0;
  /** Writes issued since the disk was made, and how many of them are durable or lost to a crash. */
  private writesIssued = 0;
  private writesRetired = 0;
  /** For each outstanding fsync, in issue order, `writesIssued` when it began: [fsyncHead, fsyncTail). */
  private readonly fsyncEnds: number[] = [];
  private fsyncHead = 0;
  private fsyncTail = 0;
  private nextToken = 1;
  /** Count of fsyncs completed since the disk was made; a figure for metrics. */
  fsyncsCompleted = 0;

  /** Replaces a file's value (a list is copied). */
  set(file: string, value: unknown): void {
    const record = this.file(file);
    if (Array.isArray(value)) {
      record.currentKind = LIST;
      record.current = value.slice();
    } else {
      record.currentKind = VALUE;
      record.current = value;
    }
    this.recordWrite(record);
  }

  /** Appends items to a list file (a file holding no list becomes a list of the items). */
  append(file: string, items: readonly unknown[]): void {
    if (items.length === 0) return;
    const record = this.file(file);
    if (record.currentKind === LIST) {
      const list = record.current as unknown[];
      for (let index = 0; index < items.length; index++) list.push(items[index]);
    } else {
      record.currentKind = LIST;
      record.current = items.slice();
    }
    this.recordWrite(record);
  }

  /** Keeps the first `length` items of a list file. */
  truncate(file: string, length: number): void {
    if (!(Number.isSafeInteger(length) && length >= 0)) assertionFailed(`truncate ${file} to length ${length}`);
    const record = this.file(file);
    if (record.currentKind === LIST) {
      const list = record.current as unknown[];
      if (list.length > length) {
        if (length >= this.recordedLength(record, list)) list.length = length;
        else record.current = list.slice(0, length);
      }
    }
    this.recordWrite(record);
  }

  remove(file: string): void {
    const record = this.file(file);
    record.currentKind = ABSENT;
    record.current = undefined;
    this.recordWrite(record);
  }

  /** What the process reads: durable data with its pending writes on top. */
  read(file: string): unknown {
    return this.byName.get(file)?.current;
  }

  /** A list file's items (none for any other file); the caller only reads them, before its next write. */
  readList(file: string): readonly unknown[] {
    const record = this.byName.get(file);
    return record !== undefined && record.currentKind === LIST ? (record.current as unknown[]) : NO_ITEMS;
  }

  /** What would survive a crash right now (a list is returned as a copy). */
  readDurable(file: string): unknown {
    const record = this.byName.get(file);
    if (record === undefined) return undefined;
    return record.durableKind === LIST ? (record.durableValue as unknown[]).slice(0, record.durableLength) : record.durableValue;
  }

  files(): string[] {
    const names: string[] = [];
    for (const record of this.byName.values()) if (record.currentKind !== ABSENT) names.push(record.name);
    return names.sort();
  }

  get pendingWrites(): number {
    return this.pendingCount;
  }

  /** Starts an fsync covering every write issued so far; returns its token. */
  beginFsync(): number {
    this.fsyncEnds[this.fsyncTail++] = this.writesIssued;
    return this.nextToken++;
  }

  /** The oldest outstanding fsync completed: its writes become durable. */
  completeFsync(): void {
    if (this.fsyncHead === this.fsyncTail) assertionFailed("fsync completion without an fsync in flight");
    const end = this.fsyncEnds[this.fsyncHead++] as number;
    this.retire(end - this.writesRetired);
    this.writesRetired = end;
    if (this.fsyncHead === this.fsyncTail) {
      this.fsyncHead = 0;
      this.fsyncTail = 0;
    } else if (this.fsyncHead >= FSYNC_QUEUE_COMPACT_AT) {
      this.fsyncEnds.copyWithin(0, this.fsyncHead, this.fsyncTail);
      this.fsyncTail -= this.fsyncHead;
      this.fsyncHead = 0;
    }
    this.fsyncsCompleted++;
  }

  /** Power loss: pending writes and in-flight fsyncs are gone; the page cache is rebuilt from durable data. */
  crash(): void {
    this.pendingValues.fill(undefined, 0, this.pendingCount);
    this.pendingCount = 0;
    this.writesRetired = this.writesIssued;
    this.fsyncHead = 0;
    this.fsyncTail = 0;
    for (const record of this.byName.values()) {
      record.currentKind = record.durableKind;
      if (record.durableKind === LIST) {
        // Nothing refers past the durable length any more: the durable list becomes the page cache.
        const list = record.durableValue as unknown[];
        list.length = record.durableLength;
        record.current = list;
      } else {
        record.current = record.durableValue;
      }
    }
  }

  private file(name: string): DiskFile {
    let record = this.byName.get(name);
    if (record === undefined) {
      record = new DiskFile(name);
      this.byName.set(name, record);
    }
    return record;
  }

  /** Queues the write that just left `record` in its current state. */
  private recordWrite(record: DiskFile): void {
    const slot = this.pendingCount++;
    this.pendingFiles[slot] = record;
    this.pendingKinds[slot] = record.currentKind;
    this.pendingValues[slot] = record.current;
    this.pendingLengths[slot] = record.currentKind === LIST ? (record.current as unknown[]).length : 0;
    this.writesIssued++;
  }

  /** The longest prefix of `list` that the durable state or a pending write of `record` records. */
  private recordedLength(record: DiskFile, list: readonly unknown[]): number {
    let length = record.durableKind === LIST && record.durableValue === list ? record.durableLength : 0;
    for (let slot = 0; slot < this.pendingCount; slot++) {
      if (this.pendingValues[slot] === list && (this.pendingLengths[slot] as number) > length) length = this.pendingLengths[slot] as number;
    }
    return length;
  }

  /** The `count` oldest pending writes became durable: each file takes the state its last one left. */
  private retire(count: number): void {
    assert(count >= 0 && count <= this.pendingCount, "an fsync covers only writes still pending");
    const files = this.pendingFiles;
    const kinds = this.pendingKinds;
    const values = this.pendingValues;
    const lengths = this.pendingLengths;
    for (let slot = 0; slot < count; slot++) {
      const record = files[slot] as DiskFile;
      record.durableKind = kinds[slot] as FileKind;
      record.durableValue = values[slot];
      record.durableLength = lengths[slot] as number;
    }
    const left = this.pendingCount - count;
    // Usually every pending write is covered; otherwise the rest (a few writes) move to the front.
    if (left > 0 && count > 0) {
      files.copyWithin(0, count, this.pendingCount);
      kinds.copyWithin(0, count, this.pendingCount);
      values.copyWithin(0, count, this.pendingCount);
      lengths.copyWithin(0, count, this.pendingCount);
    }
    // Spare slots keep no value or list alive (a loop: usually one or two slots, and fill is a call).
    for (let slot = left; slot < this.pendingCount; slot++) values[slot] = undefined;
    this.pendingCount = left;
  }
}
