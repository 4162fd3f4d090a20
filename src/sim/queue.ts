/**
 * The event queue: a binary min-heap ordered by (time, sequence).
 *
 * `sequence` is the insertion counter, so events at the same virtual time run in the order they
 * were scheduled: ties never break by chance. Entries are plain objects owned by the world; the
 * heap never allocates on push or pop beyond growing its backing array. Each entry knows its
 * position in the heap, so that an entry can be taken out before its time (a cancelled timer).
 */
import type { Micros } from "./time.js";

export interface Queued {
  time: Micros;
  sequence: number;
  /** The entry's index in the heap, kept by the queue; -1 when it is not queued. */
  position: number;
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
    this.heap.push(entry);
    this.siftUp(entry, this.heap.length - 1);
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  pop(): T | undefined {
    const top = this.heap[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  /** Takes a queued entry out of the queue. */
  remove(entry: T): void {
    const index = entry.position;
    if (this.heap[index] !== entry) throw new Error("assertion failed: removing an entry that is not queued");
    this.removeAt(index);
  }

  /** Every queued entry, in no particular order (for inspection, never for scheduling decisions). */
  entries(): readonly T[] {
    return this.heap;
  }

  private removeAt(index: number): void {
    const heap = this.heap;
    const removed = heap[index] as T;
    const last = heap.pop() as T;
    removed.position = -1;
    if (last === removed) return;
    if (index > 0 && before(last, heap[(index - 1) >> 1] as T)) this.siftUp(last, index);
    else this.siftDown(last, index);
  }

  /** Places `entry` at `index` or above, moving larger parents down. */
  private siftUp(entry: T, index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as T;
      if (!before(entry, parent)) break;
      heap[index] = parent;
      parent.position = index;
      index = parentIndex;
    }
    heap[index] = entry;
    entry.position = index;
  }

  /** Places `entry` at `index` or below, moving smaller children up. */
  private siftDown(entry: T, index: number): void {
    const heap = this.heap;
    const length = heap.length;
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
      if (!before(childEntry, entry)) break;
      heap[index] = childEntry;
      childEntry.position = index;
      index = child;
    }
    heap[index] = entry;
    entry.position = index;
  }
}

function before(a: Queued, b: Queued): boolean {
  return a.time < b.time || (a.time === b.time && a.sequence < b.sequence);
}
