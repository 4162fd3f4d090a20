/**
 * A sorted list of event indexes (the notable events, the events a filter keeps) with the searches
 * the UI needs: the next one after an index, the previous one before it, where an index would go.
 * Indexes are appended in increasing order, as a trace grows.
 */
import { assert } from "../sim/errors.js";

export class IndexList {
  private readonly indexes: number[] = [];

  get length(): number {
    return this.indexes.length;
  }

  push(index: number): void {
    const last = this.indexes[this.indexes.length - 1];
    assert(last === undefined || index > last, `index list grows in order (${index} after ${String(last)})`);
    this.indexes.push(index);
  }

  at(position: number): number | undefined {
    return this.indexes[position];
  }

  /** The position of the first index >= `index` (the list's length when there is none). */
  lowerBound(index: number): number {
    let low = 0;
    let high = this.indexes.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.indexes[middle] as number) < index) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The first index after `index`, if any. */
  next(index: number): number | undefined {
    return this.indexes[this.lowerBound(index + 1)];
  }

  /** The last index before `index`, if any. */
  previous(index: number): number | undefined {
    return this.indexes[this.lowerBound(index) - 1];
  }

  includes(index: number): boolean {
    return this.indexes[this.lowerBound(index)] === index;
  }
}
