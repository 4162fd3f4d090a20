/**
 * Alarms: the cluster-wide alarm set (etcd `server/etcdserver/api/v3alarm/alarms.go`), applied
 * through Raft so every member holds the same set, and persisted in the "alarm" bucket.
 *
 * An alarm is a (member ID, type) pair. Activating an active alarm or deactivating an inactive one
 * changes nothing (and the response lists no alarm). `get("NONE")` lists every alarm. Lists are
 * ordered by type, then member ID.
 *
 * While NOSPACE is active the store refuses puts, txns with puts and lease grants
 * (`etcdserver: mvcc: database space exceeded`); while CORRUPT is active it refuses every write
 * request (`etcdserver: corrupt cluster`). Both stay until deactivated (`etcdctl alarm disarm`).
 */
import { alarmRecordBytes } from "./backend.js";
import type { LeaseBucket } from "./lessor.js";
import type { AlarmMember, AlarmType } from "./types.js";

export const alarmTypeNumbers: Readonly<Record<AlarmType, number>> = { NONE: 0, NOSPACE: 1, CORRUPT: 2 };

function alarmKey(memberId: bigint, alarm: AlarmType): string {
  return `${alarmTypeNumbers[alarm]}:${memberId}`;
}

/** Orders two 64-bit member IDs. */
export function compareIds(left: bigint, right: bigint): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

export class AlarmSet {
  private readonly members = new Map<string, AlarmMember>();

  constructor(private readonly bucket: LeaseBucket) {}

  /** The new alarm, or undefined when it was already active or is NONE. */
  activate(memberId: bigint, alarm: AlarmType): AlarmMember | undefined {
    if (alarm === "NONE") return undefined;
    const key = alarmKey(memberId, alarm);
    if (this.members.has(key)) return undefined;
    const member: AlarmMember = { memberId, alarm };
    this.members.set(key, member);
    this.bucket.addBytes(alarmRecordBytes(memberId, alarmTypeNumbers[alarm]));
    return member;
  }

  /** The removed alarm, or undefined when it was not active. */
  deactivate(memberId: bigint, alarm: AlarmType): AlarmMember | undefined {
    const key = alarmKey(memberId, alarm);
    const member = this.members.get(key);
    if (member === undefined) return undefined;
    this.members.delete(key);
    this.bucket.addBytes(-alarmRecordBytes(memberId, alarmTypeNumbers[alarm]));
    return member;
  }

  /** The active alarms of one type, or all of them for NONE. */
  get(alarm: AlarmType): AlarmMember[] {
    const all = [...this.members.values()].filter((member) => alarm === "NONE" || member.alarm === alarm);
    return all.sort((left, right) => alarmTypeNumbers[left.alarm] - alarmTypeNumbers[right.alarm] || compareIds(left.memberId, right.memberId));
  }

  isActive(alarm: AlarmType): boolean {
    // Asked twice per write: spare the iterator when, as almost always, no alarm is raised.
    if (this.members.size === 0) return false;
    for (const member of this.members.values()) if (member.alarm === alarm) return true;
    return false;
  }

  /** Replaces the set after the backend was reset (snapshot restore). */
  recover(members: readonly AlarmMember[]): void {
    this.members.clear();
    for (const member of members) this.activate(member.memberId, member.alarm);
  }
}
