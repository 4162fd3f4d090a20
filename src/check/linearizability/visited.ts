/**
 * The set of configurations the search has reached: (which operations are linearized, model
 * state). Reaching a configuration twice cannot lead anywhere new, so the search prunes it; this
 * cache is what makes the Wing-Gong-Lowe search practical.
 *
 * The set of linearized operations is a bitset of 32-bit words. Its hash is a Zobrist hash (the
 * XOR of a fixed pseudo-random 32-bit code per operation, two independent codes wide), which
 * the search updates in O(1) as it sets and clears bits. Entries live in one flat `Int32Array`
 * (high hash, then the words), indexed by an open-addressing table of (key, entry) pairs with
 * linear probing; only the states sit in a plain array.
 */
import { mix32 } from "./hashing.js";
import type { Model } from "./model.js";

/** The codes computed so far, shared by every search (they only depend on the index). */
let sharedLowCodes = new Int32Array(0);
let sharedHighCodes = new Int32Array(0);

/**
 * Deterministic pseudo-random Zobrist codes for (at least) `count` operations, in two independent
 * lanes. The arrays are shared: read only.
 */
export function zobristCodes(count: number): { readonly lowCodes: Int32Array; readonly highCodes: Int32Array } {
  if (sharedLowCodes.length < count) {
    const size = Math.max(count, 2 * sharedLowCodes.length, 256);
    const lowCodes = new Int32Array(size);
    const highCodes = new Int32Array(size);
    for (let index = 0; index < size; index++) {
      lowCodes[index] = mix32(Math.imul(index + 1, 0x9e3779b9) ^ 0x5bd1e995);
      highCodes[index] = mix32(Math.imul(index + 1, 0x7feb352d) ^ 0x27d4eb2f);
    }
    sharedLowCodes = lowCodes;
    sharedHighCodes = highCodes;
  }
  return { lowCodes: sharedLowCodes, highCodes: sharedHighCodes };
}

const INITIAL_SLOTS = 1 << 10;
const INITIAL_ENTRY_CAPACITY = 1 << 9;

export class VisitedSet<State> {
  /** Pairs (key, entry + 1) per slot; entry + 1 = 0 marks an empty slot. */
  private table = new Int32Array(2 * INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  /** Per entry: the high Zobrist hash, then the bitset words. */
  private records: Int32Array;
  private readonly stride: number;
  private capacity = INITIAL_ENTRY_CAPACITY;
  private readonly states: State[] = [];
  /** Number of entries. */
  size = 0;

  constructor(
    private readonly wordCount: number,
    private readonly model: Pick<Model<State, unknown, unknown>, "hash" | "equal">,
  ) {
    this.stride = 1 + wordCount;
    this.records = new Int32Array(INITIAL_ENTRY_CAPACITY * this.stride);
  }

  /**
   * Adds (linearized, state) unless present; returns whether it was added. `lowHash`/`highHash`
   * are the Zobrist hashes of `linearized`.
   */
  add(linearized: Uint32Array, lowHash: number, highHash: number, state: State): boolean {
    const key = mix32(lowHash ^ Math.imul(this.model.hash(state), 0x9e3779b1));
    const table = this.table;
    const records = this.records;
    const stride = this.stride;
    let slot = key & this.mask;
    for (;;) {
      const stored = table[2 * slot + 1] as number;
      if (stored === 0) break;
      if (table[2 * slot] === key) {
        const offset = (stored - 1) * stride;
        if (records[offset] === highHash && this.sameWords(offset + 1, linearized) && this.model.equal(this.states[stored - 1] as State, state)) {
          return false;
        }
      }
      slot = (slot + 1) & this.mask;
    }
    const entry = this.size;
    if (entry === this.capacity) this.growRecords();
    const offset = entry * stride;
    this.records[offset] = highHash;
    for (let index = 0; index < linearized.length; index++) this.records[offset + 1 + index] = linearized[index] as number;
    this.states.push(state);
    table[2 * slot] = key;
    table[2 * slot + 1] = entry + 1;
    this.size = entry + 1;
    if (this.size * 2 > this.mask + 1) this.growTable();
    return true;
  }

  private sameWords(offset: number, linearized: Uint32Array): boolean {
    const records = this.records;
    for (let index = 0; index < linearized.length; index++) {
      if (records[offset + index] !== ((linearized[index] as number) | 0)) return false;
    }
    return true;
  }

  private growRecords(): void {
    this.capacity *= 2;
    const records = new Int32Array(this.capacity * this.stride);
    records.set(this.records);
    this.records = records;
  }

  private growTable(): void {
    const old = this.table;
    const slots = 2 * (this.mask + 1);
    const table = new Int32Array(2 * slots);
    const mask = slots - 1;
    for (let index = 0; index < old.length; index += 2) {
      const stored = old[index + 1] as number;
      if (stored === 0) continue;
      const key = old[index] as number;
      let slot = key & mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = key;
      table[2 * slot + 1] = stored;
    }
    this.table = table;
    this.mask = mask;
  }
}
