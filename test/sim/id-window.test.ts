import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdWindow } from "../../src/sim/id-window.js";

describe("IdWindow", () => {
  it("behaves as a map of increasing ids, visited in id order", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 3 }), fc.nat(40)), { maxLength: 300 }), (operations) => {
        const window = new IdWindow<string>();
        const reference = new Map<number, string>();
        let next = 5;
        for (const [add, gap, pick] of operations) {
          if (add) {
            next += gap;
            window.add(next, `v${next}`);
            reference.set(next, `v${next}`);
          } else {
            window.delete(next - pick);
            reference.delete(next - pick);
          }
          expect(window.size).toBe(reference.size);
          expect(window.get(next - pick)).toBe(reference.get(next - pick));
        }
        const visited: Array<[number, string]> = [];
        window.forEach((value, id) => visited.push([id, value]));
        expect(visited).toEqual([...reference.entries()]);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it("refuses an id below one already added", () => {
    const window = new IdWindow<string>();
    window.add(3, "a");
    expect(() => window.add(3, "b")).toThrow("assertion failed: ids are added in increasing order (3 after 3)");
  });
});
