/**
 * The event queue: a binary min-heap ordered by (time, sequence).
 *
 * `sequence` is the insertion counter, so events at the same virtual time run in the order they
 * were scheduled: ties never break by chance. Entries are plain objects owned by the world; the
 * heap never allocates on push or pop beyond growing its backing array.
 */
import type { Micros } from "./time.js";

export interface Queued {
  time: Micros;
  sequence: number;
}

export class EventQueue<T extends Queued> {
  private readonly heap: T[] = [];
  private nextSequence = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Stamps `entry` with the next sequence number and inserts it. */
  push(entry: T): void {
    entry.sequence = this.nextSequence++;
    const heap = this.heap;
    let index = heap.length;
    heap.push(entry);
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as T;
      if (!before(entry, parent)) break;
      heap[index] = parent;
      index = parentIndex;
    }
    heap[index] = entry;
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const length = heap.length;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      let childEntry = heap[left] as T;
      if (right < length) {
        const rightEntry = heap[right] as T;
        if (before(rightEntry, childEntry)) {
          child = right;
          childEntry = rightEntry;
        }
      }
      if (!before(childEntry, last)) break;
      heap[index] = childEntry;
      index = child;
    }
    heap[index] = last;
    return top;
  }

  /** Every queued entry, in no particular order (for inspection, never for scheduling decisions). */
  entries(): readonly T[] {
    return this.heap;
  }
}

function before(a: Queued, b: Queued): boolean {
  return a.time < b.time || (a.time === b.time && a.sequence < b.sequence);
}
