/**
 * RecentSet (src/etcd/recent-set.ts): the keys a member has seen, the oldest forgotten first, as a
 * bounded Set with a ring of keys in arrival order would keep them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RecentSet } from "../../src/etcd/recent-set.js";

/** The reference: a Set and a ring of its keys in arrival order. */
function referenceSet(capacity: number): (key: string | number) => boolean {
  const keys = new Set<string | number>();
  const order: Array<string | number> = [];
  return (key) => {
    if (keys.has(key)) return false;
    if (order.length === capacity) keys.delete(order.shift() as string | number);
    order.push(key);
    keys.add(key);
    return true;
  };
}

describe("RecentSet", () => {
  it("takes a request once, and again once 'capacity' later keys have pushed it out", () => {
    const seen = new RecentSet(3);
    const key = (id: number): string | number => seen.requestKey("c1", id);
    expect([1, 1, 2, 3, 1].map((id) => seen.firstTime(key(id)))).toEqual([true, false, true, true, false]);
    expect(seen.firstTime(key(4))).toBe(true);
    expect(seen.firstTime(key(1))).toBe(true);
    expect(seen.firstTime(key(3))).toBe(false);
    expect(seen.firstTime(key(2))).toBe(true);
  });

  it("keys a request by its client and id: the same id from another client is another request", () => {
    const seen = new RecentSet(8);
    expect(seen.requestKey("c1", 7)).toBe(7);
    expect(seen.requestKey("c2", 7)).toBe(2 ** 32 + 7);
    expect(seen.requestKey("c1", 7)).toBe(7);
    expect(seen.requestKey("c1", 2 ** 32)).toBe("c1#4294967296");
    expect(seen.requestKey("c1", 1.5)).toBe("c1#1.5");
    expect([seen.firstTime(seen.requestKey("c1", 7)), seen.firstTime(seen.requestKey("c2", 7)), seen.firstTime("c1#7")]).toEqual([true, true, true]);
  });

  it("agrees with a Set and a ring on any sequence of numeric and string keys", () => {
    const key = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 60 })).map(([source, id]) => source * 2 ** 32 + id) },
      { weight: 1, arbitrary: fc.constantFrom("n1>a:1", "n1>a:2", "n2>b:1") },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(key, { maxLength: 400 }), (capacity, keys) => {
        const recent = new RecentSet(capacity);
        const reference = referenceSet(capacity);
        for (const offered of keys) expect(recent.firstTime(offered)).toBe(reference(offered));
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
