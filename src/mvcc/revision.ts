/**
 * Revisions, packed into one number.
 *
 * etcd names every change by a `Revision{Main, Sub}` (`server/storage/mvcc/revision.go`): `main` is
 * the revision of the write transaction, `sub` numbers the changes inside it from 0. Revisions are
 * ordered by main, then sub. The store keeps millions of them, so it packs each pair into a single
 * JS number, `main * 2^22 + sub`: no allocation, and numeric order equals revision order.
 *
 * Bounds (asserted): `0 <= main < 2^31` and `0 <= sub < 2^22` (4,194,304 changes in one
 * transaction), so a packed revision stays below 2^53 and is exact.
 */
import { assertionFailed } from "./errors.js";

export const subRevisionLimit = 2 ** 22;
export const mainRevisionLimit = 2 ** 31;

/** A revision as etcd shows it in tests and traces. */
export interface Revision {
  readonly main: number;
  readonly sub: number;
}

export function packRevision(main: number, sub: number): number {
  if (!Number.isInteger(main) || main < 0 || main >= mainRevisionLimit) assertionFailed(`main revision ${main} out of bounds`);
  if (!Number.isInteger(sub) || sub < 0 || sub >= subRevisionLimit) assertionFailed(`sub revision ${sub} out of bounds`);
  return main * subRevisionLimit + sub;
}

export function mainOf(packed: number): number {
  return Math.floor(packed / subRevisionLimit);
}

export function subOf(packed: number): number {
  return packed - mainOf(packed) * subRevisionLimit;
}

export function unpackRevision(packed: number): Revision {
  return { main: mainOf(packed), sub: subOf(packed) };
}

/** `main.sub`, as etcd's key_index comments write revisions. */
export function formatRevision(packed: number): string {
  return `${mainOf(packed)}.${subOf(packed)}`;
}
