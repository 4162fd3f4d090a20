import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { EventQueue } from "../../src/sim/queue.js";

describe("EventQueue", () => {
  it("pops by time, and by insertion order among equal times", () => {
    const queue = new EventQueue<{ time: number; sequence: number; position: number; label: string }>();
    for (const [time, label] of [[5, "a"], [1, "b"], [5, "c"], [1, "d"], [3, "e"]] as const) queue.push({ time, sequence: 0, position: -1, label });
    const order: string[] = [];
    for (let entry = queue.pop(); entry !== undefined; entry = queue.pop()) order.push(entry.label);
    expect(order).toEqual(["b", "d", "e", "a", "c"]);
  });

  it("agrees with a stable sort on any sequence of pushes and pops", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(-1)), { maxLength: 200 }), (operations) => {
        const queue = new EventQueue<{ time: number; sequence: number; position: number; id: number }>();
        const reference: Array<{ time: number; id: number }> = [];
        let id = 0;
        for (const operation of operations) {
          if (operation >= 0) {
            queue.push({ time: operation, sequence: 0, position: -1, id });
            reference.push({ time: operation, id });
            id++;
          } else {
            reference.sort((a, b) => a.time - b.time || a.id - b.id);
            expect(queue.pop()?.id).toBe(reference.shift()?.id);
          }
        }
        expect(queue.size).toBe(reference.length);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it("takes entries out before their time and keeps the order of the others", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { maxLength: 200 }), (entries) => {
        const queue = new EventQueue<{ time: number; sequence: number; position: number; id: number }>();
        const queued = entries.map(([time], id) => ({ time, sequence: 0, position: -1, id }));
        for (const entry of queued) queue.push(entry);
        for (const [index, [, removed]] of entries.entries()) if (removed) queue.remove(queued[index] as (typeof queued)[number]);
        const expected = queued.filter((_, index) => !(entries[index] as [number, boolean])[1]).sort((a, b) => a.time - b.time || a.id - b.id);
        const order: number[] = [];
        for (let entry = queue.pop(); entry !== undefined; entry = queue.pop()) order.push(entry.id);
        expect(order).toEqual(expected.map((entry) => entry.id));
        expect(queued.every((entry) => entry.position === -1)).toBe(true);
      }),
      { seed: 43, numRuns: 200 },
    );
    const queue = new EventQueue<{ time: number; sequence: number; position: number }>();
    const entry = { time: 1, sequence: 0, position: -1 };
    queue.push(entry);
    queue.pop();
    expect(() => queue.remove(entry)).toThrow("assertion failed: removing an entry that is not queued");
  });
});
