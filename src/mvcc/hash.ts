/**
 * Hashes of the store, for comparing members (etcd `hash.go`, `kvstore.go: hash`).
 *
 * `hashKV(rev)` is etcd's HashKV: CRC-32C over the bucket name "key" and then, in revision order,
 * every record with main revision <= rev, each as its 17/18-byte bbolt key (8-byte big-endian main,
 * '_', 8-byte big-endian sub, and 't' for a tombstone) followed by its marshaled KeyValue. Records
 * at or below the compact revision are skipped unless a compaction at rev would keep them (etcd's
 * `Keep`), so members that compacted at the same revision agree whether or not their physical
 * compaction has finished. Identical data gives etcd's own checksum.
 *
 * `hashAll` hashes the whole state, like etcd's backend Hash over all buckets (the Raft
 * bookkeeping in "meta" excluded): the "alarm", "key", "lease" and "meta" (compact revision) buckets
 * in name order.
 */
import type { AlarmSet } from "./alarms.js";
import { alarmTypeNumbers } from "./alarms.js";
import { type Backend, isTombstone } from "./backend.js";
import { bytesFromText } from "./bytes.js";
import { Crc32cHasher } from "./proto.js";
import { mainOf, subOf } from "./revision.js";
import type { Lessor } from "./lessor.js";
import type { KeyValue } from "./types.js";

function writeRecord(hasher: Crc32cHasher, revision: number, kv: KeyValue): void {
  hasher.writeUint64BigEndian(mainOf(revision));
  hasher.writeByte(0x5f);
  hasher.writeUint64BigEndian(subOf(revision));
  if (isTombstone(kv)) hasher.writeByte(0x74);
  hasher.writeKeyValue(kv);
}

/** CRC-32C of the records up to `revision`, skipping those below the compaction that `keep` does not hold. */
export function hashRecords(backend: Backend, compactRevision: number, revision: number, keep: ReadonlySet<number>): number {
  const hasher = new Crc32cHasher();
  hasher.writeBytes("key");
  for (let index = 0; index < backend.recordCount; index++) {
    const packed = backend.revisionAt(index);
    const main = mainOf(packed);
    if (main > revision) break;
    if (main <= compactRevision && keep.size > 0 && !keep.has(packed)) continue;
    writeRecord(hasher, packed, backend.keyValueAt(index));
  }
  return hasher.sum();
}

/** CRC-32C of every bucket. */
export function hashAll(backend: Backend, lessor: Lessor, alarms: AlarmSet, compactRevision: number): number {
  const hasher = new Crc32cHasher();
  hasher.writeBytes("alarm");
  for (const member of alarms.get("NONE")) {
    hasher.writeUint64Field(1, member.memberId);
    hasher.writeIntegerField(2, alarmTypeNumbers[member.alarm]);
  }
  hasher.writeBytes("key");
  for (let index = 0; index < backend.recordCount; index++) writeRecord(hasher, backend.revisionAt(index), backend.keyValueAt(index));
  hasher.writeBytes("lease");
  for (const [id, ttlSeconds] of lessor.persistedLeases()) {
    hasher.writeUint64BigEndian(id);
    hasher.writeIntegerField(1, id);
    hasher.writeIntegerField(2, ttlSeconds);
  }
  hasher.writeBytes("meta");
  if (compactRevision >= 0) {
    hasher.writeBytes(bytesFromText("finishedCompactRev"));
    hasher.writeUint64BigEndian(compactRevision);
  }
  return hasher.sum();
}
