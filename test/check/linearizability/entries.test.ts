/**
 * The search's entry order (`sortedEntries`): calls and returns by time, calls before returns at
 * equal times, then by operation. The fast path (insertion sorts of nearly ordered calls and
 * returns, merged) must give exactly the order of the plain comparison sort, whatever the times:
 * ties, infinite returns, operations out of invocation order, far-displaced returns, NaN.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Operation } from "../../../src/check/history/history.js";
import { sortedEntries } from "../../../src/check/linearizability/search.js";

/** The search's original sort (with NaN, its comparison is not an order: the same algorithm must run). */
function reference(operations: ReadonlyArray<Operation<unknown, unknown>>): number[] {
  const times = operations.flatMap((operation) => [operation.invokeTime, operation.returnTime]);
  const entries = Int32Array.from(times, (_, entry) => entry);
  entries.sort((a, b) => {
    const difference = (times[a] as number) - (times[b] as number);
    if (difference !== 0 && !Number.isNaN(difference)) return difference;
    return (a & 1) - (b & 1) || a - b;
  });
  return Array.from(entries);
}

function operationsAt(intervals: ReadonlyArray<readonly [number, number]>): Array<Operation<unknown, unknown>> {
  return intervals.map(([invokeTime, returnTime], id) => ({
    id,
    process: id,
    invokeTime,
    returnTime,
    input: null,
    output: undefined,
    outcome: returnTime === Infinity ? "unknown" : "ok",
    error: undefined,
    line: id + 1,
    returnLine: undefined,
  }));
}

const time = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 40 }) },
  { weight: 1, arbitrary: fc.double({ min: -5, max: 50, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(Infinity, -Infinity, 1e300, 0.5) },
);

describe("the order of entries", () => {
  it("is the comparison sort's on random intervals", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(time, fc.oneof(time, fc.constant(Infinity))), { maxLength: 40 }), (pairs) => {
        const operations = operationsAt(pairs.map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const));
        expect(Array.from(sortedEntries(operations))).toEqual(reference(operations));
      }),
      { seed: 3, numRuns: 3000 },
    );
  });

  it("is the comparison sort's on histories in invocation order, with long operations", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), fc.oneof({ weight: 9, arbitrary: fc.nat(10) }, { weight: 1, arbitrary: fc.nat(2000) })), { maxLength: 300 }), (steps) => {
        let clock = 0;
        const operations = operationsAt(
          steps.map(([gap, length]) => {
            clock += gap;
            return [clock, length === 0 ? Infinity : clock + length] as const;
          }),
        );
        expect(Array.from(sortedEntries(operations))).toEqual(reference(operations));
      }),
      { seed: 4, numRuns: 300 },
    );
  });

  it("is the comparison sort's when a time is NaN", () => {
    const operations = operationsAt([
      [3, 5],
      [Number.NaN, 4],
      [1, Number.NaN],
      [2, 2],
    ]);
    expect(Array.from(sortedEntries(operations))).toEqual(reference(operations));
  });

  it("handles the reverse of invocation order, where insertion gives up", () => {
    const operations = operationsAt(Array.from({ length: 500 }, (_, index) => [1000 - index, 2000 - index] as const));
    expect(Array.from(sortedEntries(operations))).toEqual(reference(operations));
  });
});
