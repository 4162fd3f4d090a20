/**
 * The backend: an append-only log of revision records with bbolt-like byte accounting.
 *
 * etcd keeps every change in bbolt's "key" bucket under a 17-byte key `8B main BE | '_' | 8B sub BE`
 * (18 bytes with a trailing 't' for a tombstone) whose value is a marshaled `mvccpb.KeyValue`; a
 * tombstone's value holds only the key. Values are never changed in place: a write appends,
 * compaction deletes. Here the log is two parallel arrays (packed revisions, ascending, and their
 * KeyValues), so appends are O(1), point lookups a binary search and scans from a revision cheap.
 *
 * Byte cost model (deterministic, resembling bbolt):
 * - a record costs 16 bytes of leaf element header + its bbolt key (17, or 18 for a tombstone) + the
 *   protobuf size of its KeyValue;
 * - a lease record costs 16 + 8 (lease ID key) + the size of `leasepb.Lease{ID, TTL, RemainingTTL}`;
 * - an alarm record costs 16 + the size of `AlarmMember{MemberID, Alarm}` (key; empty value);
 * - a fresh database is 20,480 bytes (5 pages of 4,096: two meta pages, the freelist, the root and
 *   the bucket pages), with every other bucket (meta, members, auth) counted in it.
 *
 * `sizeInUse` (etcd `dbSizeInUse`) is 20,480 plus the cost of every record present. `size` (etcd
 * `dbSize`, the physical file) is the high-water mark of `sizeInUse` rounded up to whole pages: freed
 * bytes go to a free list that later writes reuse, so compaction lowers `sizeInUse` and leaves
 * `size`; `defragment` rewrites the file, so `size` drops to `sizeInUse` rounded up to a page.
 */
import { assertionFailed } from "./errors.js";
import { integerFieldSize, keyValueSize, uint64FieldSize } from "./proto.js";
import { formatRevision, mainOf } from "./revision.js";
import type { KeyValue } from "./types.js";

export const pageBytes = 4096;
export const initialDatabaseBytes = 5 * pageBytes;
export const leafElementHeaderBytes = 16;
export const revisionKeyBytes = 17;

/** Bytes a record takes in the "key" bucket. */
export function recordBytes(kv: KeyValue, tombstone: boolean): number {
  return leafElementHeaderBytes + revisionKeyBytes + (tombstone ? 1 : 0) + keyValueSize(kv);
}

/** Bytes a lease takes in the "lease" bucket. */
export function leaseRecordBytes(id: number, ttlSeconds: number, remainingTtlSeconds: number): number {
  const message = integerFieldSize(1, id) + integerFieldSize(2, ttlSeconds) + integerFieldSize(3, remainingTtlSeconds);
  return leafElementHeaderBytes + 8 + message;
}

/** Bytes an alarm takes in the "alarm" bucket (the marshaled AlarmMember is the bbolt key). */
export function alarmRecordBytes(memberId: bigint, alarmTypeNumber: number): number {
  return leafElementHeaderBytes + uint64FieldSize(1, memberId) + integerFieldSize(2, alarmTypeNumber);
}

function roundUpToPage(bytes: number): number {
  return Math.ceil(bytes / pageBytes) * pageBytes;
}

/** A record of the log: a put, or a tombstone (KeyValue with only the key, createRevision 0). */
export function isTombstone(kv: KeyValue): boolean {
  return kv.createRevision === 0;
}

/** The first `count` records of a backend at some moment (see `Backend.view`). */
export interface RecordsView {
  readonly revisions: readonly number[];
  readonly keyValues: readonly KeyValue[];
  readonly count: number;
}

export class Backend {
  private revisions: number[] = [];
  private keyValues: KeyValue[] = [];
  /**
   * True while a `RecordsView` holds the record arrays: they are then copied before anything but
   * an append changes them (copy on write), so the view keeps seeing its records.
   */
  private shared = false;
  private bytesInUse = initialDatabaseBytes;
  private bytesAllocated = initialDatabaseBytes;

  /** Physically allocated bytes (etcd `dbSize`). */
  get size(): number {
    return this.bytesAllocated;
  }

  /** Logically used bytes (etcd `dbSizeInUse`). */
  get sizeInUse(): number {
    return this.bytesInUse;
  }

  get recordCount(): number {
    return this.revisions.length;
  }

  /** Appends a record; revisions must increase. */
  append(revision: number, kv: KeyValue): void {
    const last = this.revisions[this.revisions.length - 1];
    if (last !== undefined && revision <= last) assertionFailed(`backend append of ${formatRevision(revision)} after ${formatRevision(last ?? 0)}`);
    this.revisions.push(revision);
    this.keyValues.push(kv);
    this.addBytes(recordBytes(kv, isTombstone(kv)));
  }

  /** Accounts bytes of the lease and alarm buckets (negative when records are deleted). */
  addBytes(delta: number): void {
    this.bytesInUse += delta;
    if (this.bytesInUse < initialDatabaseBytes) assertionFailed(`backend bytes in use ${this.bytesInUse} below the empty database`);
    if (this.bytesInUse > this.bytesAllocated) this.bytesAllocated = roundUpToPage(this.bytesInUse);
  }

  /** The record stored at `revision`, which must exist. */
  get(revision: number): KeyValue {
    const index = this.indexAtOrAfter(revision);
    if (this.revisions[index] !== revision) assertionFailed(`range failed to find revision pair ${formatRevision(revision)}`);
    return this.keyValues[index] as KeyValue;
  }

  /** The position of the first record whose revision is >= `revision` (recordCount if none). */
  indexAtOrAfter(revision: number): number {
    let low = 0;
    let high = this.revisions.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.revisions[middle] as number) < revision) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  revisionAt(index: number): number {
    const revision = this.revisions[index];
    if (revision === undefined) assertionFailed(`no backend record at position ${index}`);
    return revision;
  }

  keyValueAt(index: number): KeyValue {
    const kv = this.keyValues[index];
    if (kv === undefined) assertionFailed(`no backend record at position ${index}`);
    return kv;
  }

  /** The records as they are now, unchanged by later writes, compactions and resets (in O(1)). */
  view(): RecordsView {
    this.shared = true;
    return { revisions: this.revisions, keyValues: this.keyValues, count: this.revisions.length };
  }

  /**
   * Physical compaction: deletes every record whose main revision is <= compactMain and whose
   * revision is not in `keep`. Returns the number of records deleted.
   */
  removeNotKept(compactMain: number, keep: ReadonlySet<number>): number {
    if (this.shared) {
      this.revisions = this.revisions.slice();
      this.keyValues = this.keyValues.slice();
      this.shared = false;
    }
    const revisions = this.revisions;
    const keyValues = this.keyValues;
    let write = 0;
    let freed = 0;
    let read = 0;
    for (; read < revisions.length; read++) {
      const revision = revisions[read] as number;
      const kv = keyValues[read] as KeyValue;
      if (mainOf(revision) > compactMain) break;
      if (keep.has(revision)) {
        revisions[write] = revision;
        keyValues[write] = kv;
        write++;
      } else {
        freed += recordBytes(kv, isTombstone(kv));
      }
    }
    const removed = read - write;
    if (removed === 0) return 0;
    for (; read < revisions.length; read++, write++) {
      revisions[write] = revisions[read] as number;
      keyValues[write] = keyValues[read] as KeyValue;
    }
    revisions.length = write;
    keyValues.length = write;
    this.addBytes(-freed);
    return removed;
  }

  /** Rewrites the database: the physical size shrinks to the bytes in use (page-rounded). */
  defragment(): void {
    this.bytesAllocated = roundUpToPage(this.bytesInUse);
  }

  /** Empties the database (before a snapshot is restored into it). */
  reset(): void {
    this.revisions = [];
    this.keyValues = [];
    this.shared = false;
    this.bytesInUse = initialDatabaseBytes;
    this.bytesAllocated = initialDatabaseBytes;
  }

  /** Sets the physical size when restoring a snapshot (a copy of the database file, free pages included). */
  restoreAllocatedBytes(bytes: number): void {
    this.bytesAllocated = Math.max(bytes, roundUpToPage(this.bytesInUse));
  }
}
