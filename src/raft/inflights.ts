/**
 * The in-flight window of one follower in the replicate state: a ring buffer holding, for each
 * MsgApp sent and not yet acknowledged, the index of its last entry. The leader stops sending
 * entries when the window is full and frees slots as acknowledgements arrive.
 */
import { assert } from "./assert.js";

export class Inflights {
  readonly capacity: number;
  /** Last entry index of each in-flight message; slots [start, start + count) modulo capacity are used. */
  private readonly lastIndexes: number[];
  private start = 0;
  private used = 0;

  constructor(capacity: number) {
    assert(Number.isInteger(capacity) && capacity >= 1, "in-flight capacity is a positive integer");
    this.capacity = capacity;
    this.lastIndexes = new Array<number>(capacity).fill(0);
  }

  get count(): number {
    return this.used;
  }

  full(): boolean {
    return this.used === this.capacity;
  }

  /** Records a message whose last entry is `lastIndex`; indexes must increase. */
  add(lastIndex: number): void {
    if (this.used === this.capacity) assert(false, "add to a full in-flight window");
    if (this.used > 0) {
      const newest = this.lastIndexes[(this.start + this.used - 1) % this.capacity] as number;
      if (lastIndex <= newest) assert(false, "in-flight indexes increase");
    }
    this.lastIndexes[(this.start + this.used) % this.capacity] = lastIndex;
    this.used++;
  }

  /** Frees every message whose last entry is at or below `index` (acknowledged). */
  freeLE(index: number): void {
    while (this.used > 0 && (this.lastIndexes[this.start] as number) <= index) {
      this.start = (this.start + 1) % this.capacity;
      this.used--;
    }
    if (this.used === 0) this.start = 0;
  }

  reset(): void {
    this.start = 0;
    this.used = 0;
  }
}
