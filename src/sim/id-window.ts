/**
 * Values under increasing integer ids, each kept for a short while (a request waiting for its
 * answer): a window over an array from the oldest id still held to the newest. Unlike a `Map`
 * that keeps emptying and filling again, it does not rehash (and allocate) as values come and go.
 */
import { assertionFailed } from "./errors.js";

export class IdWindow<T> {
  /** `values[k]` is the value of id `start + k`, or undefined once deleted. */
  private values: Array<T | undefined> = [];
  private start = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a value under `id`, which must be above every id added before. */
  add(id: number, value: T): void {
    if (this.values.length === 0) this.start = id;
    const offset = id - this.start;
    if (offset < this.values.length) assertionFailed(`ids are added in increasing order (${id} after ${this.start + this.values.length - 1})`);
    while (this.values.length < offset) this.values.push(undefined);
    this.values.push(value);
    this.count++;
  }

  get(id: number): T | undefined {
    const offset = id - this.start;
    return offset >= 0 ? this.values[offset] : undefined;
  }

  delete(id: number): void {
    const offset = id - this.start;
    if (offset < 0 || this.values[offset] === undefined) return;
    this.values[offset] = undefined;
    this.count--;
    if (offset === 0) this.dropDeletedPrefix();
  }

  /** Calls `visit` for every value, in id order. */
  forEach(visit: (value: T, id: number) => void): void {
    for (let offset = 0; offset < this.values.length; offset++) {
      const value = this.values[offset];
      if (value !== undefined) visit(value, this.start + offset);
    }
  }

  private dropDeletedPrefix(): void {
    let deleted = 0;
    while (deleted < this.values.length && this.values[deleted] === undefined) deleted++;
    this.start += deleted;
    // Usually the window is empty now: a fresh array costs less than shortening this one.
    if (deleted === this.values.length) {
      this.values = [];
      return;
    }
    this.values.copyWithin(0, deleted);
    this.values.length -= deleted;
  }
}
