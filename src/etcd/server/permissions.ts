/**
 * Key-range permissions (etcd `server/auth/range_perm_cache.go` and `pkg/adt`).
 *
 * A permission is an interval of keys in etcd's "affine" byte order, where the empty byte string
 * is the largest element (+infinity):
 * - rangeEnd empty: the single key, the interval `[key, key + "\x00")`;
 * - rangeEnd "\x00": every key from `key` on, `[key, +infinity)` (etcdctl `--from-key`, and with
 *   key "\x00" every key at all);
 * - otherwise `[key, rangeEnd)` (etcdctl `--prefix` sends `prefixEnd(key)`).
 *
 * A user's READ intervals come from its roles' READ and READWRITE permissions, its WRITE intervals
 * from WRITE and READWRITE. A single-key request (empty range end) is allowed when any interval
 * contains the key. A range request is allowed only when the intervals that overlap it cover it
 * without a gap (adjacent intervals join): `[a, c)` is covered by `[a, b)` and `[b, c)`, but not by
 * `[a, b)` alone, even if no key lies in `[b, c)`.
 */
import type { ByteString } from "../../mvcc/bytes.js";
import { compareBytes, fromKeyRangeEnd } from "../../mvcc/bytes.js";
import type { Permission, PermissionType } from "./requests.js";

/** An interval of the affine order; `end === ""` is +infinity. */
export interface KeyInterval {
  readonly begin: ByteString;
  readonly end: ByteString;
}

/** etcd's `BytesAffineComparable.Compare`: the empty byte string is larger than any other. */
export function compareAffine(left: ByteString, right: ByteString): number {
  if (left === right) return 0;
  if (left === "") return 1;
  if (right === "") return -1;
  return compareBytes(left, right);
}

function overlaps(left: KeyInterval, right: KeyInterval): boolean {
  return compareAffine(left.end, right.begin) > 0 && compareAffine(left.begin, right.end) < 0;
}

function pointInterval(key: ByteString): KeyInterval {
  return { begin: key, end: `${key}\x00` };
}

/** The interval a permission grants (etcd `getMergedPerms`). */
export function permissionInterval(permission: Permission): KeyInterval {
  if (permission.rangeEnd.length === 0) return pointInterval(permission.key);
  return { begin: permission.key, end: permission.rangeEnd === fromKeyRangeEnd ? "" : permission.rangeEnd };
}

/** etcd `isValidPermissionRange`: a key is given, and the range end is empty, after the key, or "\x00". */
export function isValidPermissionRange(key: ByteString, rangeEnd: ByteString): boolean {
  if (key.length === 0) return false;
  if (rangeEnd.length === 0) return true;
  return compareAffine(key, rangeEnd) < 0 || rangeEnd === fromKeyRangeEnd;
}

/** The READ or WRITE intervals of a set of permissions. */
export function intervalsFor(permissions: Iterable<Permission>, access: "READ" | "WRITE"): KeyInterval[] {
  const intervals: KeyInterval[] = [];
  for (const permission of permissions) {
    if (grants(permission.permType, access)) intervals.push(permissionInterval(permission));
  }
  return intervals;
}

function grants(permType: PermissionType, access: "READ" | "WRITE"): boolean {
  return permType === "READWRITE" || permType === access;
}

/** adt `IntervalTree.Contains`: the overlapping intervals, in begin order, cover `target` without a gap. */
function covers(intervals: readonly KeyInterval[], target: KeyInterval): boolean {
  const visited = intervals.filter((interval) => overlaps(interval, target)).sort((left, right) => compareAffine(left.begin, right.begin));
  const first = visited[0];
  if (first === undefined) return false;
  let maxEnd = first.end;
  for (const interval of visited.slice(1)) {
    if (compareAffine(maxEnd, interval.begin) < 0) return false;
    if (compareAffine(interval.end, maxEnd) > 0) maxEnd = interval.end;
  }
  return compareAffine(maxEnd, target.end) >= 0 && compareAffine(first.begin, target.begin) <= 0;
}

/**
 * Whether intervals allow a request on `[key, rangeEnd)` (etcd `isRangeOpPermitted`): an empty
 * range end checks the single key, "\x00" every key from `key` on.
 */
export function intervalsPermit(intervals: readonly KeyInterval[], key: ByteString, rangeEnd: ByteString): boolean {
  if (rangeEnd.length === 0) {
    const point = pointInterval(key);
    return intervals.some((interval) => overlaps(interval, point));
  }
  return covers(intervals, { begin: key, end: rangeEnd === fromKeyRangeEnd ? "" : rangeEnd });
}
