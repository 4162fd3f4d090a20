/**
 * Snapshots: the whole store (records, revisions, leases, alarms, physical size) as a
 * JSON-compatible value, and back.
 *
 * Records are listed in revision order as `[main, sub, key, value, createRevision, modRevision,
 * version, lease]`; a tombstone is `[main, sub, key, "", 0, 0, 0, 0]`, as etcd stores it. Keys and
 * values are byte strings, which JSON carries unchanged. Leases are `[id, ttlSeconds]` by ID (lease
 * expiry is not persisted: a restored lessor waits for its next promotion, as etcd's does);
 * alarms are ordered by type and member, their 64-bit member IDs in decimal text. `dbSize` is kept because a snapshot is a copy of the
 * database file, free pages included.
 *
 * Restoring rebuilds the key index from the records in order (etcd `restore`): the first record of
 * a key opens its keyIndex (a put with its create revision and version, a lone tombstone as an ended
 * generation), later records are put or tombstoned; then every live key with a lease is attached to it.
 */
import { isTombstone, type RecordsView } from "./backend.js";
import { isByteString } from "./bytes.js";
import { assert } from "./errors.js";
import { KeyIndex } from "./key_index.js";
import { mainOf, packRevision, subOf, subRevisionLimit, mainRevisionLimit } from "./revision.js";
import { makeKeyValue, type StoreCore } from "./store_core.js";
import type { AlarmMember, AlarmType, KeyValue } from "./types.js";

export const snapshotFormat = "etcdlab.mvcc.snapshot";
export const snapshotFormatVersion = 1;

export type SnapshotRecord = readonly [
  main: number,
  sub: number,
  key: string,
  value: string,
  createRevision: number,
  modRevision: number,
  version: number,
  lease: number,
];

export interface StoreSnapshot {
  readonly format: typeof snapshotFormat;
  readonly formatVersion: typeof snapshotFormatVersion;
  readonly currentRevision: number;
  readonly compactRevision: number;
  readonly dbSize: number;
  readonly records: readonly SnapshotRecord[];
  readonly leases: ReadonlyArray<readonly [id: number, ttlSeconds: number]>;
  readonly alarms: readonly SnapshotAlarm[];
}

/** An alarm in a snapshot: the member ID in decimal (JSON has no 64-bit integers). */
export interface SnapshotAlarm {
  readonly memberId: string;
  readonly alarm: AlarmType;
}

export function snapshotAlarm(alarm: AlarmMember): SnapshotAlarm {
  return { memberId: alarm.memberId.toString(), alarm: alarm.alarm };
}

export function alarmFromSnapshot(alarm: SnapshotAlarm): AlarmMember {
  return { memberId: BigInt(alarm.memberId), alarm: alarm.alarm };
}

/** The records of a backend view, in revision order. */
export function snapshotRecords(view: RecordsView): SnapshotRecord[] {
  const records: SnapshotRecord[] = new Array(view.count);
  for (let index = 0; index < view.count; index++) {
    const packed = view.revisions[index] as number;
    const kv = view.keyValues[index] as KeyValue;
    records[index] = [mainOf(packed), subOf(packed), kv.key, kv.value, kv.createRevision, kv.modRevision, kv.version, kv.lease];
  }
  return records;
}

function restoreIntoIndex(core: StoreCore, packed: number, kv: KeyValue): void {
  const main = mainOf(packed);
  const sub = subOf(packed);
  const existing = core.index.keyIndex(kv.key);
  if (existing !== undefined) {
    if (isTombstone(kv)) assert(existing.tombstone(main, sub), `restored tombstone ${main}.${sub} of a deleted key`);
    else existing.put(main, sub);
    return;
  }
  const keyIndex = new KeyIndex(kv.key);
  if (isTombstone(kv)) keyIndex.restoreTombstone(main, sub);
  else keyIndex.restore(packRevision(kv.createRevision, 0), packed, kv.version);
  core.index.insert(keyIndex);
}

/**
 * Appends the records to an empty backend and index; returns the lease of every live key with one
 * (key order), for the caller to attach once the leases exist.
 */
export function restoreRecords(core: StoreCore, records: readonly SnapshotRecord[]): Array<[string, number]> {
  assert(core.backend.recordCount === 0 && core.index.size === 0, "restore into a non-empty store");
  const keyToLease = new Map<string, number>();
  for (const [main, sub, key, value, createRevision, modRevision, version, lease] of records) {
    const packed = packRevision(main, sub);
    const kv = makeKeyValue(key, value, createRevision, modRevision, version, lease);
    core.backend.append(packed, kv);
    restoreIntoIndex(core, packed, kv);
    if (isTombstone(kv) || lease === 0) keyToLease.delete(key);
    else keyToLease.set(key, lease);
  }
  return [...keyToLease.entries()].sort((left, right) => (left[0] < right[0] ? -1 : 1));
}

const alarmTypes: readonly AlarmType[] = ["NONE", "NOSPACE", "CORRUPT"];

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function recordProblem(record: unknown, index: number): string | undefined {
  if (!Array.isArray(record) || record.length !== 8) return `record ${index} is not an array of 8 fields`;
  const [main, sub, key, value, ...numbers] = record as unknown[];
  if (!isNonNegativeInteger(main) || !isNonNegativeInteger(sub)) return `record ${index} has an invalid revision`;
  if (typeof key !== "string" || typeof value !== "string" || !isByteString(key) || !isByteString(value)) return `record ${index} has a key or value that is not a byte string`;
  if (!numbers.every(isNonNegativeInteger)) return `record ${index} has an invalid number field`;
  return undefined;
}

/** Checks the shape of a value read from a file; returns the problem, or undefined when it is a snapshot. */
export function snapshotProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return "a snapshot must be an object";
  const snapshot = value as Record<string, unknown>;
  if (snapshot.format !== snapshotFormat) return `unknown snapshot format ${JSON.stringify(snapshot.format)}`;
  if (snapshot.formatVersion !== snapshotFormatVersion) return `unsupported snapshot format version ${JSON.stringify(snapshot.formatVersion)}`;
  if (!isNonNegativeInteger(snapshot.currentRevision) || snapshot.currentRevision < 1 || snapshot.currentRevision >= mainRevisionLimit) return "invalid current revision";
  if (typeof snapshot.compactRevision !== "number" || !Number.isSafeInteger(snapshot.compactRevision) || snapshot.compactRevision < -1) return "invalid compact revision";
  if (!isNonNegativeInteger(snapshot.dbSize)) return "invalid db size";
  if (!Array.isArray(snapshot.records) || !Array.isArray(snapshot.leases) || !Array.isArray(snapshot.alarms)) return "records, leases and alarms must be arrays";
  let previous = -1;
  for (const [index, record] of snapshot.records.entries()) {
    const problem = recordProblem(record, index);
    if (problem !== undefined) return problem;
    const [main, sub] = record as SnapshotRecord;
    if (main > snapshot.currentRevision || sub >= subRevisionLimit) return `record ${index} has a revision beyond the store`;
    if (packRevision(main, sub) <= previous) return `record ${index} is out of revision order`;
    previous = packRevision(main, sub);
  }
  for (const lease of snapshot.leases) {
    if (!Array.isArray(lease) || lease.length !== 2 || !isNonNegativeInteger(lease[0]) || !isNonNegativeInteger(lease[1])) return "invalid lease entry";
  }
  for (const alarm of snapshot.alarms as unknown[]) {
    const member = alarm as Record<string, unknown> | null;
    if (member === null || typeof member !== "object" || !(typeof member.memberId === "string" && /^(0|[1-9][0-9]{0,19})$/.test(member.memberId) && BigInt(member.memberId) < 2n ** 64n) || !alarmTypes.includes(member.alarm as AlarmType)) return "invalid alarm entry";
  }
  return undefined;
}
