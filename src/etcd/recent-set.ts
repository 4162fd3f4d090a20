/**
 * A bounded set of recently seen keys, the oldest forgotten first: what a member uses to take a
 * client request or a forwarded proposal once, as TCP would deliver it (member.ts).
 *
 * Keys are numbers (a client request: its client's number and its id, see `requestKey`) or strings
 * (anything else). The numbers live in an open-addressing table of doubles (linear probing,
 * deletion by backward shift): a member checks one for every client request, and a `Set` of 4,096
 * numbers, its entries scattered over the heap, cost several cache misses per request.
 */

const REQUEST_IDS = 2 ** 32;
const EMPTY = -1;

export class RecentSet {
  /** The keys offered, oldest first once the ring is full (at `next`). */
  private readonly order: Array<string | number> = [];
  private next = 0;
  private readonly strings = new Set<string>();
  /** The numeric keys (never negative), EMPTY in free slots; twice the capacity, a power of two. */
  private readonly slots: Float64Array;
  private readonly mask: number;
  private readonly shift: number;
  /** The number of each client address seen, in order of first appearance. */
  private readonly sources = new Map<string, number>();

  constructor(private readonly capacity: number) {
    let bits = 1;
    while (2 ** bits < capacity * 2) bits++;
    this.slots = new Float64Array(2 ** bits).fill(EMPTY);
    this.mask = 2 ** bits - 1;
    this.shift = 32 - bits;
  }

  /**
   * The key of request `id` from `from`: one number per (address, id) pair, or, for an id that is
   * not an integer in [0, 2^32), the string `<from>#<id>` (never equal to a number).
   */
  requestKey(from: string, id: number): string | number {
    if (!(Number.isInteger(id) && id >= 0 && id < REQUEST_IDS)) return `${from}#${id}`;
    let source = this.sources.get(from);
    if (source === undefined) {
      source = this.sources.size;
      this.sources.set(from, source);
    }
    return source * REQUEST_IDS + id;
  }

  /** True the first time `key` is offered (within the last `capacity` keys). */
  firstTime(key: string | number): boolean {
    if (typeof key === "number" ? this.findSlot(key) >= 0 : this.strings.has(key)) return false;
    if (this.order.length < this.capacity) {
      this.order.push(key);
    } else {
      const oldest = this.order[this.next] as string | number;
      if (typeof oldest === "number") this.deleteNumber(oldest);
      else this.strings.delete(oldest);
      this.order[this.next] = key;
      this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    }
    if (typeof key === "number") this.addNumber(key);
    else this.strings.add(key);
    return true;
  }

  /** The home slot of a numeric key (a multiplicative hash of its two 32-bit halves). */
  private home(key: number): number {
    const low = key >>> 0;
    const high = (key - low) / REQUEST_IDS;
    return Math.imul(low ^ Math.imul(high, 0x27d4eb2d), 0x9e3779b1) >>> this.shift;
  }

  private findSlot(key: number): number {
    const slots = this.slots;
    for (let slot = this.home(key); ; slot = (slot + 1) & this.mask) {
      const held = slots[slot] as number;
      if (held === key) return slot;
      if (held === EMPTY) return -1;
    }
  }

  private addNumber(key: number): void {
    const slots = this.slots;
    let slot = this.home(key);
    while (slots[slot] !== EMPTY) slot = (slot + 1) & this.mask;
    slots[slot] = key;
  }

  /** Frees the slot of `key`, moving back the keys after it that would otherwise be cut off from home. */
  private deleteNumber(key: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let hole = this.findSlot(key);
    if (hole < 0) return;
    for (let slot = (hole + 1) & mask; slots[slot] !== EMPTY; slot = (slot + 1) & mask) {
      const home = this.home(slots[slot] as number);
      // The key at `slot` may move to `hole` when its home is not in (hole, slot], cyclically.
      const reachable = hole <= slot ? home > hole && home <= slot : home > hole || home <= slot;
      if (!reachable) {
        slots[hole] = slots[slot] as number;
        hole = slot;
      }
    }
    slots[hole] = EMPTY;
  }
}
