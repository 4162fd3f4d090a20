import { describe, expect, test } from "vitest";
import { etcdErrors, foreverRemainingSeconds, MvccStore } from "../../src/mvcc/index.js";
import { expectFailure, get, put, unwrap } from "./helpers.js";

describe("lease grant", () => {
  test("TTL is raised to the minimum; granting takes no revision", () => {
    const store = new MvccStore();
    expect(unwrap(store.leaseGrant({ id: 1, ttl: 1 }, 0))).toEqual({ header: { revision: 1 }, id: 1, ttl: 2, error: "" });
    expect(unwrap(store.leaseGrant({ id: 2, ttl: 60 }, 0)).ttl).toBe(60);
    const custom = new MvccStore({ minLeaseTtlSeconds: 5 });
    expect(unwrap(custom.leaseGrant({ id: 1, ttl: 3 }, 0)).ttl).toBe(5);
    expect(store.currentRevision).toBe(1);
  });

  test("errors: ID 0, too large TTL, existing ID", () => {
    const store = new MvccStore();
    expectFailure(store.leaseGrant({ id: 0, ttl: 10 }, 0), etcdErrors.leaseNotFound);
    expectFailure(store.leaseGrant({ id: 1, ttl: 9_000_000_001 }, 0), etcdErrors.leaseTtlTooLarge);
    expect(store.leaseGrant({ id: 1, ttl: 9_000_000_000 }, 0).ok).toBe(true);
    expectFailure(store.leaseGrant({ id: 1, ttl: 10 }, 0), etcdErrors.leaseExists);
    expect([etcdErrors.leaseTtlTooLarge.message, etcdErrors.leaseTtlTooLarge.code]).toEqual(["etcdserver: too large lease TTL", 11]);
    expect([etcdErrors.leaseExists.message, etcdErrors.leaseExists.code]).toEqual(["etcdserver: lease already exists", 9]);
    expect([etcdErrors.leaseNotFound.message, etcdErrors.leaseNotFound.code]).toEqual(["etcdserver: requested lease not found", 5]);
  });
});

describe("lease revoke", () => {
  test("§10 #10: all attached keys go in one revision, in key order", () => {
    const store = new MvccStore();
    unwrap(store.leaseGrant({ id: 7, ttl: 10 }, 0));
    for (const key of ["b", "c", "a"]) put(store, key, "v", 7);
    put(store, "other", "v");
    expect(unwrap(store.leaseRevoke({ id: 7 }))).toEqual({ header: { revision: 6 } });
    expect(store.snapshot().records.slice(4).map((record) => [record[0], record[1], record[2], record[4]])).toEqual([
      [6, 0, "a", 0],
      [6, 1, "b", 0],
      [6, 2, "c", 0],
    ]);
    expect(get(store, "a")).toBeUndefined();
    expect(get(store, "other")?.value).toBe("v");
    expect(store.lessor.has(7)).toBe(false);
  });

  test("a lease without keys is revoked without a revision; an unknown lease is not found", () => {
    const store = new MvccStore();
    unwrap(store.leaseGrant({ id: 7, ttl: 10 }, 0));
    expect(unwrap(store.leaseRevoke({ id: 7 }))).toEqual({ header: { revision: 1 } });
    expectFailure(store.leaseRevoke({ id: 7 }), etcdErrors.leaseNotFound);
  });

  test("keys detached before the revoke survive it", () => {
    const store = new MvccStore();
    unwrap(store.leaseGrant({ id: 7, ttl: 10 }, 0));
    put(store, "a", "v", 7);
    put(store, "b", "v", 7);
    put(store, "a", "v2");
    unwrap(store.deleteRange({ key: "b" }));
    expect(store.lessor.timeToLive(7, true, 0).keys).toEqual([]);
    const before = store.currentRevision;
    unwrap(store.leaseRevoke({ id: 7 }));
    expect(store.currentRevision).toBe(before);
    expect(get(store, "a")?.value).toBe("v2");
  });
});

describe("primary lessor: expiry, keepalive, time to live", () => {
  test("only the primary tracks expiry; promote gives now + extend + TTL", () => {
    const store = new MvccStore();
    const lessor = store.lessor;
    unwrap(store.leaseGrant({ id: 1, ttl: 10 }, 0));
    expect(lessor.isPrimary).toBe(false);
    expect(lessor.expiredLeases(1_000_000)).toEqual([]);
    expect(lessor.timeToLive(1, false, 0)).toEqual({ id: 1, ttl: foreverRemainingSeconds, grantedTtl: 10, keys: [] });
    lessor.promote(1_000, 5_000);
    expect(lessor.timeToLive(1, false, 5_000).ttl).toBe(11);
    expect(lessor.expiredLeases(15_999)).toEqual([]);
    expect(lessor.expiredLeases(16_000)).toEqual([1]);
    expect(lessor.expiredLeases(17_000)).toEqual([]);
    expect(lessor.expiredLeases(19_000)).toEqual([1]);
    lessor.demote();
    expect(lessor.expiredLeases(100_000)).toEqual([]);
  });

  test("keepalive renews to now + TTL; unknown or expired leases are not found; followers say not primary", () => {
    const store = new MvccStore();
    const lessor = store.lessor;
    unwrap(store.leaseGrant({ id: 1, ttl: 10 }, 0));
    expect(lessor.renew(1, 0)).toEqual({ kind: "notPrimary" });
    lessor.promote(0, 0);
    unwrap(store.leaseGrant({ id: 2, ttl: 5 }, 1_000));
    expect(lessor.timeToLive(2, false, 1_000).ttl).toBe(5);
    expect(lessor.renew(1, 9_000)).toEqual({ kind: "renewed", ttlSeconds: 10 });
    expect(lessor.timeToLive(1, false, 9_000).ttl).toBe(10);
    expect(lessor.timeToLive(1, false, 9_001).ttl).toBe(9);
    expect(lessor.renew(2, 6_000)).toEqual({ kind: "notFound" });
    expect(lessor.renew(3, 6_000)).toEqual({ kind: "notFound" });
    expect(lessor.expiredLeases(19_000)).toEqual([2, 1]);
  });

  test("time to live: remaining seconds rounded down, granted TTL, sorted keys; unknown gives -1", () => {
    const store = new MvccStore();
    store.lessor.promote(0, 0);
    unwrap(store.leaseGrant({ id: 9, ttl: 30 }, 0));
    put(store, "z", "v", 9);
    put(store, "a", "v", 9);
    expect(store.lessor.timeToLive(9, true, 2_500)).toEqual({ id: 9, ttl: 27, grantedTtl: 30, keys: ["a", "z"] });
    expect(store.lessor.timeToLive(9, false, 2_500).keys).toEqual([]);
    expect(store.lessor.timeToLive(10, true, 0)).toEqual({ id: 10, ttl: -1, grantedTtl: 0, keys: [] });
  });

  test("leases are listed by expiry, then ID", () => {
    const store = new MvccStore();
    store.lessor.promote(0, 0);
    unwrap(store.leaseGrant({ id: 3, ttl: 30 }, 0));
    unwrap(store.leaseGrant({ id: 1, ttl: 60 }, 0));
    unwrap(store.leaseGrant({ id: 2, ttl: 30 }, 0));
    expect(store.lessor.leases()).toEqual([2, 3, 1]);
  });

  test("an expiry check returns at most 500 leases", () => {
    const store = new MvccStore();
    store.lessor.promote(0, 0);
    for (let id = 1; id <= 600; id++) unwrap(store.leaseGrant({ id, ttl: 10 }, 0));
    expect(store.lessor.expiredLeases(20_000)).toHaveLength(500);
    expect(store.lessor.expiredLeases(20_000)).toEqual(Array.from({ length: 100 }, (_, index) => 501 + index));
  });

  test("promoting with 1,000 leases or more spreads expiries to 750 per second", () => {
    const store = new MvccStore();
    for (let id = 1; id <= 1_500; id++) unwrap(store.leaseGrant({ id, ttl: 10 }, 0));
    store.lessor.promote(0, 0);
    const perSecond = new Map<number, number>();
    for (let id = 1; id <= 1_500; id++) {
      const second = store.lessor.timeToLive(id, false, 0).ttl;
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    expect([...perSecond.entries()].sort((left, right) => left[0] - right[0])).toEqual([
      [10, 750],
      [11, 749],
      [12, 1],
    ]);
  });
});
