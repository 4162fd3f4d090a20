/**
 * The one seeded random generator of the simulated world.
 *
 * Everything random in a run (latencies, losses, election timeouts, fault plans, workloads) is drawn
 * from a `Prng`. It wraps seedrandom's `tychei` generator and offers only an integer API, so that
 * traces never depend on floating-point formatting. Components draw from named child streams
 * (`fork("network")`, `fork("node:n1")`): a child's sequence depends only on its parent's seed and
 * its name, never on how many numbers the parent or a sibling has drawn, so a change in one
 * component does not reshuffle the draws of the others.
 */
import seedrandom from "seedrandom";

/** The integer random API the pure modules (raft, nemesis, workloads) accept by injection. */
export interface RandomSource {
  /** A uniform integer in [0, n). `n` must be a positive integer below 2^31. */
  int(n: number): number;
}

const TWO_POW_32 = 4294967296;

/** tychei's state after seeding (seedrandom's `state()` shape). */
interface TycheiState {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

export class Prng implements RandomSource {
  readonly seedName: string;
  /**
   * tychei's four words. seedrandom seeds them; the generator's step runs here (the same
   * arithmetic as seedrandom's `next`), which saves a closure call and a property lookup per draw.
   */
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    this.seedName = typeof seed === "number" ? `seed:${seed}` : seed;
    const seeded = seedrandom.tychei(this.seedName, { state: true }) as seedrandom.PRNG & { state(): TycheiState };
    const state = seeded.state();
    this.a = state.a;
    this.b = state.b;
    this.c = state.c;
    this.d = state.d;
  }

  /** A child stream named `name`; its draws are independent of this stream's position. */
  fork(name: string): Prng {
    return new Prng(`${this.seedName}/${name}`);
  }

  /** A uniform unsigned 32-bit integer. */
  uint32(): number {
    // seedrandom's tychei `next`, step for step.
    let b = this.b;
    let c = this.c;
    let d = this.d;
    let a = this.a;
    b = (b << 25) ^ (b >>> 7) ^ c;
    c = (c - d) | 0;
    d = (d << 24) ^ (d >>> 8) ^ a;
    a = (a - b) | 0;
    this.b = b = (b << 20) ^ (b >>> 12) ^ c;
    this.c = c = (c - d) | 0;
    this.d = (d << 16) ^ (c >>> 16) ^ a;
    this.a = a = (a - b) | 0;
    return a >>> 0;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    if (!(n > 0 && n <= 2147483648 && Number.isInteger(n))) assertPositiveInteger(n);
    return Math.floor((this.uint32() * n) / TWO_POW_32);
  }

  /** A uniform integer in [low, high], both ends included. */
  range(low: number, high: number): number {
    const span = high - low + 1;
    if (!(Number.isInteger(low) && Number.isInteger(high) && span >= 1 && span <= 2147483648)) {
      throw new Error(`assertion failed: Prng.range(${low}, ${high})`);
    }
    return low + Math.floor((this.uint32() * span) / TWO_POW_32);
  }

  /** True with probability numerator/denominator (a rational, as TigerBeetle's `Ratio`). */
  chance(numerator: number, denominator: number): boolean {
    if (numerator <= 0) return false;
    if (numerator >= denominator) return true;
    return this.int(denominator) < numerator;
  }

  /** A uniformly chosen element of a non-empty list. */
  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new Error("assertion failed: Prng.pick on an empty list");
    return list[this.int(list.length)] as T;
  }

  /** A uniform real in [0, 1) with 32 bits of precision, for continuous distributions only. */
  unit(): number {
    return this.uint32() / TWO_POW_32;
  }

  /** A new array with the elements of `list` in a uniformly random order (Fisher-Yates). */
  shuffle<T>(list: readonly T[]): T[] {
    const result = list.slice();
    for (let index = result.length - 1; index > 0; index--) {
      const other = this.int(index + 1);
      const held = result[index] as T;
      result[index] = result[other] as T;
      result[other] = held;
    }
    return result;
  }
}

function assertPositiveInteger(n: number): void {
  if (!(n > 0 && n <= 2147483648 && Number.isInteger(n))) {
    throw new Error(`assertion failed: Prng.int(${n}) needs a positive integer below 2^31`);
  }
}
