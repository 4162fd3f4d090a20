/**
 * The lessor: leases with a TTL, the keys attached to them, and their expiry
 * (etcd `server/lease/lessor.go`), as a pure object fed with the current virtual time.
 *
 * - Grant(ID, TTL): ID 0 is refused (the member draws a positive ID first); TTL above 9,000,000,000 s
 *   is refused; a TTL below the minimum (default 2 s) is raised to it; an existing ID is refused. The
 *   lease is persisted in the backend's "lease" bucket (its bytes count in the database size).
 * - Keys are attached by a put with `lease`, moved by a put with another lease, detached by a put
 *   without one or by their deletion. A key has at most one lease.
 * - Revoke(ID) deletes every attached key, sorted by key, in one write transaction (one revision;
 *   none when no key is attached), through the range deleter the store installs.
 * - Only the primary lessor (on the Raft leader) tracks expiry: `promote(extendMs, nowMs)` gives every
 *   lease `expiry = now + extend + TTL` (spreading expiries when 1,000 or more would pile up, as etcd
 *   does); `demote()` sets every expiry to forever. `expiredLeases(nowMs)` lists expired leases, at
 *   most 500 per call, each reported again only after a retry interval (default 3 s) while it is not
 *   revoked: the leader proposes their revocation through Raft.
 * - Renew (keepalive) sets `expiry = now + TTL` on the primary; an unknown or already expired lease is
 *   not found (the keepalive answers TTL 0); a non-primary lessor answers `notPrimary` (forward).
 * - TimeToLive gives the remaining seconds rounded toward zero, the granted TTL and the keys; an
 *   unknown lease gives TTL -1. A lease with no expiry (non-primary) reports 9,223,372,036 s, the
 *   largest Go duration, as etcd does.
 *
 * Lease checkpointing (the LeaseCheckpoint feature gate, off by default in etcd) is not modelled: a
 * leader change resets every remaining TTL to the full TTL.
 */
import { leaseRecordBytes } from "./backend.js";
import type { ByteString } from "./bytes.js";
import { assert, assertionFailed, etcdErrors, failure, type Result, success } from "./errors.js";

export const maxLeaseTtlSeconds = 9_000_000_000;
export const defaultMinLeaseTtlSeconds = 2;
export const defaultExpiredLeaseRetryIntervalMs = 3_000;
/** etcd's leaseRevokeRate: revocations per second; a check returns at most half of it. */
export const leaseRevokeRate = 1_000;
/** `int64(time.Duration(math.MaxInt64).Seconds())`: what a lease without expiry reports. */
export const foreverRemainingSeconds = 9_223_372_036;

export interface LessorConfig {
  readonly minLeaseTtlSeconds?: number;
  readonly expiredLeaseRetryIntervalMs?: number;
}

/** Where the lessor accounts the bytes of its bucket (the backend). */
export interface LeaseBucket {
  addBytes(delta: number): void;
}

/** Deletes the given keys, in this order, in one write transaction. */
export type RangeDeleter = (keys: readonly ByteString[]) => void;

interface Lease {
  readonly id: number;
  readonly ttlSeconds: number;
  /** Virtual time of expiry; Infinity = forever (not tracked). */
  expiryMs: number;
  /** When the expiry notifier looks at this lease next (etcd's LeaseExpiredNotifier item time). */
  nextCheckMs: number;
  readonly keys: Set<ByteString>;
}

export interface GrantedLease {
  readonly id: number;
  readonly ttlSeconds: number;
}

export type RenewResult =
  | { readonly kind: "renewed"; readonly ttlSeconds: number }
  | { readonly kind: "notFound" }
  | { readonly kind: "notPrimary" };

/** `LeaseTimeToLiveResponse` without its header. */
export interface LeaseTimeToLive {
  readonly id: number;
  readonly ttl: number;
  readonly grantedTtl: number;
  readonly keys: readonly ByteString[];
}

export class Lessor {
  private readonly leaseMap = new Map<number, Lease>();
  private readonly itemMap = new Map<ByteString, number>();
  private primary = false;
  readonly minLeaseTtlSeconds: number;
  readonly expiredLeaseRetryIntervalMs: number;

  constructor(
    config: LessorConfig,
    private readonly bucket: LeaseBucket,
    private readonly rangeDeleter: RangeDeleter,
  ) {
    this.minLeaseTtlSeconds = config.minLeaseTtlSeconds ?? defaultMinLeaseTtlSeconds;
    this.expiredLeaseRetryIntervalMs = config.expiredLeaseRetryIntervalMs ?? defaultExpiredLeaseRetryIntervalMs;
    assert(Number.isInteger(this.minLeaseTtlSeconds) && this.minLeaseTtlSeconds >= 0, "minimum lease TTL must be a non-negative integer");
    assert(this.expiredLeaseRetryIntervalMs > 0, "expired lease retry interval must be positive");
  }

  get isPrimary(): boolean {
    return this.primary;
  }

  get size(): number {
    return this.leaseMap.size;
  }

  grant(id: number, ttlSeconds: number, nowMs: number): Result<GrantedLease> {
    if (!Number.isSafeInteger(id) || id < 0) assertionFailed(`lease ID ${id} must be a non-negative safe integer`);
    if (!Number.isSafeInteger(ttlSeconds)) assertionFailed(`lease TTL ${ttlSeconds} must be an integer`);
    if (id === 0) return failure(etcdErrors.leaseNotFound);
    if (ttlSeconds > maxLeaseTtlSeconds) return failure(etcdErrors.leaseTtlTooLarge);
    if (this.leaseMap.has(id)) return failure(etcdErrors.leaseExists);
    const ttl = Math.max(ttlSeconds, this.minLeaseTtlSeconds);
    const lease: Lease = { id, ttlSeconds: ttl, expiryMs: Infinity, nextCheckMs: Infinity, keys: new Set() };
    if (this.primary) this.refresh(lease, 0, nowMs);
    this.leaseMap.set(id, lease);
    this.bucket.addBytes(leaseRecordBytes(id, ttl, 0));
    return success({ id, ttlSeconds: ttl });
  }

  /** Deletes the lease and its keys (one revision when there are keys). */
  revoke(id: number): Result<void> {
    const lease = this.leaseMap.get(id);
    if (lease === undefined) return failure(etcdErrors.leaseNotFound);
    this.leaseMap.delete(id);
    const keys = [...lease.keys].sort();
    for (const key of keys) this.itemMap.delete(key);
    this.rangeDeleter(keys);
    this.bucket.addBytes(-leaseRecordBytes(id, lease.ttlSeconds, 0));
    return success(undefined);
  }

  renew(id: number, nowMs: number): RenewResult {
    if (!this.primary) return { kind: "notPrimary" };
    const lease = this.leaseMap.get(id);
    if (lease === undefined || lease.expiryMs <= nowMs) return { kind: "notFound" };
    this.refresh(lease, 0, nowMs);
    return { kind: "renewed", ttlSeconds: lease.ttlSeconds };
  }

  has(id: number): boolean {
    return this.leaseMap.has(id);
  }

  /** The lease a key is attached to, 0 for none. */
  leaseOf(key: ByteString): number {
    // Every put asks: without attached keys (the common case) no lookup is needed.
    return this.itemMap.size === 0 ? 0 : (this.itemMap.get(key) ?? 0);
  }

  attach(id: number, key: ByteString): void {
    const lease = this.leaseMap.get(id);
    if (lease === undefined) assertionFailed(`unexpected error from lease Attach: lease ${id} not found`);
    lease.keys.add(key);
    this.itemMap.set(key, id);
  }

  /** Detaches a key; a lease already gone (revoked) is ignored, as etcd only logs it. */
  detach(id: number, key: ByteString): void {
    const lease = this.leaseMap.get(id);
    if (lease === undefined) return;
    lease.keys.delete(key);
    this.itemMap.delete(key);
  }

  timeToLive(id: number, withKeys: boolean, nowMs: number): LeaseTimeToLive {
    const lease = this.leaseMap.get(id);
    if (lease === undefined) return { id, ttl: -1, grantedTtl: 0, keys: [] };
    // `+ 0` turns the -0 of an expiry less than a second ago into 0
    const ttl = lease.expiryMs === Infinity ? foreverRemainingSeconds : Math.trunc((lease.expiryMs - nowMs) / 1000) + 0;
    return { id, ttl, grantedTtl: lease.ttlSeconds, keys: withKeys ? [...lease.keys].sort() : [] };
  }

  /** Lease IDs ordered by expiry (then ID), like etcd's `Leases()`. */
  leases(): number[] {
    return [...this.leaseMap.values()].sort(byExpiry).map((lease) => lease.id);
  }

  /** Becomes primary: every lease expires `extendMs` after its full TTL from now. */
  promote(extendMs: number, nowMs: number): void {
    this.primary = true;
    for (const lease of this.leaseMap.values()) this.refresh(lease, extendMs, nowMs);
    if (this.leaseMap.size >= leaseRevokeRate) this.spreadExpiries(extendMs, nowMs);
  }

  demote(): void {
    for (const lease of this.leaseMap.values()) {
      lease.expiryMs = Infinity;
      lease.nextCheckMs = Infinity;
    }
    this.primary = false;
  }

  /** Expired leases to revoke now (primary only), at most leaseRevokeRate / 2, oldest first. */
  expiredLeases(nowMs: number): number[] {
    if (!this.primary) return [];
    const due = [...this.leaseMap.values()].filter((lease) => lease.nextCheckMs <= nowMs);
    due.sort((left, right) => left.nextCheckMs - right.nextCheckMs || left.id - right.id);
    const expired: number[] = [];
    for (const lease of due) {
      if (expired.length === leaseRevokeRate / 2) break;
      lease.nextCheckMs = nowMs + this.expiredLeaseRetryIntervalMs;
      if (lease.expiryMs <= nowMs) expired.push(lease.id);
    }
    return expired;
  }

  /** The persisted part of every lease, by ID: `[id, ttlSeconds]`. */
  persistedLeases(): Array<[number, number]> {
    return [...this.leaseMap.values()].map((lease): [number, number] => [lease.id, lease.ttlSeconds]).sort((left, right) => left[0] - right[0]);
  }

  /**
   * Replaces every lease by persisted ones (etcd `Recover`) after the backend was reset: no keys
   * attached yet, expiry forever until the next promotion, TTLs raised to the minimum.
   */
  recover(persisted: ReadonlyArray<readonly [number, number]>): void {
    this.leaseMap.clear();
    this.itemMap.clear();
    for (const [id, ttlSeconds] of persisted) {
      if (this.leaseMap.has(id) || id <= 0) assertionFailed(`recovered lease ${id} is duplicate or invalid`);
      const ttl = Math.max(ttlSeconds, this.minLeaseTtlSeconds);
      this.leaseMap.set(id, { id, ttlSeconds: ttl, expiryMs: Infinity, nextCheckMs: Infinity, keys: new Set() });
      this.bucket.addBytes(leaseRecordBytes(id, ttl, 0));
    }
  }

  private refresh(lease: Lease, extendMs: number, nowMs: number): void {
    lease.expiryMs = nowMs + extendMs + lease.ttlSeconds * 1000;
    lease.nextCheckMs = lease.expiryMs;
  }

  /** etcd's Promote adjustment: at most 3/4 of the revoke rate may expire in any one second. */
  private spreadExpiries(extendMs: number, nowMs: number): void {
    const leases = [...this.leaseMap.values()].sort(byExpiry);
    const targetExpiresPerSecond = (3 * leaseRevokeRate) / 4;
    let baseWindowMs = (leases[0] as Lease).expiryMs - nowMs;
    let nextWindowMs = baseWindowMs + 1000;
    let expires = 0;
    for (const lease of leases) {
      const remainingMs = lease.expiryMs - nowMs;
      if (remainingMs > nextWindowMs) {
        baseWindowMs = remainingMs;
        nextWindowMs = baseWindowMs + 1000;
        expires = 1;
        continue;
      }
      expires++;
      if (expires <= targetExpiresPerSecond) continue;
      const delayMs = Math.trunc(1000 * (expires / targetExpiresPerSecond) - (remainingMs - baseWindowMs));
      nextWindowMs = baseWindowMs + delayMs;
      this.refresh(lease, delayMs + extendMs, nowMs);
    }
  }
}

function byExpiry(left: Lease, right: Lease): number {
  if (left.expiryMs !== right.expiryMs) return left.expiryMs < right.expiryMs ? -1 : 1;
  return left.id - right.id;
}
