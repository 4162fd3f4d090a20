import { describe, expect, it } from "vitest";
import seedrandom from "seedrandom";
import { Prng } from "../../src/sim/prng.js";

describe("Prng", () => {
  it("draws exactly seedrandom's tychei sequence (its step runs inline)", () => {
    for (const name of ["seed:1", "seed:1/network", "seed:42/actor:n1", ""]) {
      const reference = seedrandom.tychei(name);
      const random = new Prng(name);
      const expected = Array.from({ length: 1000 }, () => reference.int32() >>> 0);
      expect(Array.from({ length: 1000 }, () => random.uint32())).toEqual(expected);
    }
  });

  it("gives the same sequence for the same seed and a different one for another seed", () => {
    const draw = (seed: number) => Array.from({ length: 8 }, (_, index, random = new Prng(seed)) => random.int(1000 + index));
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const sequenceA = Array.from({ length: 20 }, () => a.uint32());
    expect(Array.from({ length: 20 }, () => b.uint32())).toEqual(sequenceA);
    expect(Array.from({ length: 20 }, () => c.uint32())).not.toEqual(sequenceA);
    expect(draw(1)).toEqual(draw(1));
  });

  it("forks child streams that do not depend on how much the parent has drawn", () => {
    const fresh = new Prng(5).fork("network");
    const used = new Prng(5);
    for (let index = 0; index < 100; index++) used.uint32();
    const child = used.fork("network");
    expect(Array.from({ length: 10 }, () => child.uint32())).toEqual(Array.from({ length: 10 }, () => fresh.uint32()));
    expect(new Prng(5).fork("disk").uint32()).not.toBe(new Prng(5).fork("network").uint32());
  });

  it("keeps int, range, chance and pick within their bounds and covers them", () => {
    const random = new Prng(9);
    const seen = new Set<number>();
    for (let index = 0; index < 2000; index++) {
      const value = random.range(-3, 3);
      expect(value).toBeGreaterThanOrEqual(-3);
      expect(value).toBeLessThanOrEqual(3);
      seen.add(value);
    }
    expect([...seen].sort((x, y) => x - y)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(random.chance(0, 10)).toBe(false);
    expect(random.chance(10, 10)).toBe(true);
    let hits = 0;
    for (let index = 0; index < 10_000; index++) if (random.chance(1, 4)) hits++;
    expect(hits).toBeGreaterThan(2300);
    expect(hits).toBeLessThan(2700);
    expect(["a", "b", "c"]).toContain(random.pick(["a", "b", "c"]));
    expect(random.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it("refuses impossible arguments as programmer errors", () => {
    const random = new Prng(1);
    expect(() => random.int(0)).toThrow("assertion failed");
    expect(() => random.int(1.5)).toThrow("assertion failed");
    expect(() => random.range(3, 2)).toThrow("assertion failed");
    expect(() => random.pick([])).toThrow("assertion failed");
  });
});
