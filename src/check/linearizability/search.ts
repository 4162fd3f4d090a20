/**
 * The Wing-Gong-Lowe search for a linearization of one (partition of a) history, as in
 * Porcupine's `checkSingle`.
 *
 * Every operation contributes a call entry and a return entry, sorted by time (calls before
 * returns at equal times) into a doubly linked list. The search walks the list from its head:
 * - at a call entry, it tries to linearize that operation next: if the model accepts the step and
 *   the resulting (linearized set, state) has not been reached before, it "lifts" the operation's
 *   two entries out of the list, pushes the step, and starts again from the head;
 * - at a return entry, the operation returning there must already have been linearized (it
 *   returned before everything after it was called), so the last step was wrong: it pops that
 *   step, "unlifts" its entries and tries the next call after it.
 * The list empties exactly when every operation is linearized. Running out of steps to pop means
 * there is no linearization.
 *
 * Operations with an unknown outcome are "open": their return time is infinite, so one can always
 * be moved to the very end of a linearization, where the model accepts it whatever it does (and
 * where it means "never happened"). Two prunings follow, both exact:
 * - an open operation whose step would leave the state unchanged is not tried at that point (the
 *   same linearization with it moved to the end exists);
 * - when the first return entry left belongs to an open operation, only open operations remain,
 *   and they all fit at the end: the history is linearizable.
 *
 * The list lives in two `Int32Array`s (entry `2k` is operation k's call, `2k + 1` its return), the
 * linearized set in a bitset with an incremental Zobrist hash, and the visited configurations in a
 * `VisitedSet`; the loop allocates nothing but the states the model creates (and a copy of the
 * stack each time it is deeper than ever).
 *
 * For explanations, the search keeps the longest prefix it linearized. After that prefix no
 * operation could be added (that would have made a longer prefix, or reached a configuration that
 * an earlier, longer prefix already had). The pending operation that returns first is not open
 * (else only open operations would remain), so the model refused it: it is the culprit.
 */
import type { Operation } from "../history/history.js";
import { ILLEGAL, type Model } from "./model.js";
import { VisitedSet, zobristCodes } from "./visited.js";
import { assert } from "../../sim/errors.js";

/** A time budget: the search gives up when `now()` reaches `deadline` (milliseconds). */
export interface Budget {
  readonly now: () => number;
  readonly deadline: number;
}

/** The clock is read once per this many loop iterations. */
export const STEPS_PER_CLOCK_READ = 1 << 12;

export type SearchResult<State> =
  | { readonly kind: "linearizable" }
  | {
      readonly kind: "not-linearizable";
      /** Indices (into the searched operations) of the longest linearizable prefix, in order. */
      readonly prefix: readonly number[];
      /** The model state after that prefix. */
      readonly state: State;
      /** The index of the operation that cannot be placed after the prefix. */
      readonly culprit: number;
    }
  | { readonly kind: "out-of-time" };

/** Entries in time order: calls before returns at equal times, then by operation. */
export function sortedEntries(operations: ReadonlyArray<Operation<unknown, unknown>>): Int32Array {
  return sortedEntriesByInsertion(operations) ?? sortedEntriesByComparison(operations);
}

/**
 * The common case, in about linear time: histories list operations in order of invocation, and
 * returns come nearly in that order too, so calls and finite returns are each put in order by an
 * insertion sort that has little to do, then merged; the returns at infinity come last, by
 * operation. Returns undefined (for the general sort) when a time is NaN or the insertion sorts
 * would take too long.
 */
function sortedEntriesByInsertion(operations: ReadonlyArray<Operation<unknown, unknown>>): Int32Array | undefined {
  const count = operations.length * 2;
  const times = new Float64Array(count);
  let finite = 0;
  for (let index = 0; index < operations.length; index++) {
    const operation = operations[index] as Operation<unknown, unknown>;
    const invoked = operation.invokeTime;
    const returned = operation.returnTime;
    if (Number.isNaN(invoked) || Number.isNaN(returned)) return undefined;
    times[2 * index] = invoked;
    times[2 * index + 1] = returned;
    if (returned !== Infinity) finite++;
  }
  const calls = new Int32Array(operations.length);
  const returns = new Int32Array(finite);
  const entries = new Int32Array(count);
  const merged = operations.length + finite;
  let infinite = merged;
  let next = 0;
  for (let index = 0; index < operations.length; index++) {
    calls[index] = 2 * index;
    if (times[2 * index + 1] === Infinity) entries[infinite++] = 2 * index + 1;
    else returns[next++] = 2 * index + 1;
  }
  if (!insertionSort(calls, times) || !insertionSort(returns, times)) return undefined;
  let call = 0;
  let ret = 0;
  for (let index = 0; index < merged; index++) {
    const takeCall =
      call < calls.length && (ret === returns.length || (times[calls[call] as number] as number) <= (times[returns[ret] as number] as number));
    entries[index] = takeCall ? (calls[call++] as number) : (returns[ret++] as number);
  }
  return entries;
}

/**
 * Sorts entries by (time, entry) in place, unless that takes more than a few dozen moves per
 * entry: then returns false.
 */
function insertionSort(entries: Int32Array, times: Float64Array): boolean {
  let budget = 32 * entries.length + 64;
  for (let index = 1; index < entries.length; index++) {
    const entry = entries[index] as number;
    const time = times[entry] as number;
    let place = index;
    while (place > 0) {
      const previous = entries[place - 1] as number;
      const previousTime = times[previous] as number;
      if (previousTime < time || (previousTime === time && previous < entry)) break;
      entries[place] = previous;
      place--;
      if (--budget === 0) return false;
    }
    entries[place] = entry;
  }
  return true;
}

function sortedEntriesByComparison(operations: ReadonlyArray<Operation<unknown, unknown>>): Int32Array {
  const count = operations.length * 2;
  const times = new Float64Array(count);
  const entries = new Int32Array(count);
  for (let index = 0; index < operations.length; index++) {
    const operation = operations[index] as Operation<unknown, unknown>;
    times[2 * index] = operation.invokeTime;
    times[2 * index + 1] = operation.returnTime;
    entries[2 * index] = 2 * index;
    entries[2 * index + 1] = 2 * index + 1;
  }
  entries.sort((a, b) => {
    const difference = (times[a] as number) - (times[b] as number);
    if (difference !== 0 && !Number.isNaN(difference)) return difference;
    return (a & 1) - (b & 1) || a - b;
  });
  return entries;
}

/** The doubly linked list of entries, in time order after a head sentinel. */
export class EntryList {
  readonly head: number;
  readonly next: Int32Array;
  private readonly previous: Int32Array;

  constructor(operations: ReadonlyArray<Operation<unknown, unknown>>) {
    this.head = 2 * operations.length;
    this.next = new Int32Array(this.head + 1);
    this.previous = new Int32Array(this.head + 1);
    let last = this.head;
    for (const entry of sortedEntries(operations)) {
      this.next[last] = entry;
      this.previous[entry] = last;
      last = entry;
    }
    this.next[last] = -1;
  }

  /** The first entry, or -1 when the list is empty. */
  first(): number {
    return this.next[this.head] as number;
  }

  /** Unlinks a call entry and its return (which is always after it). */
  lift(call: number): void {
    const { next, previous } = this;
    next[previous[call] as number] = next[call] as number;
    previous[next[call] as number] = previous[call] as number;
    const match = call + 1;
    const afterMatch = next[match] as number;
    next[previous[match] as number] = afterMatch;
    if (afterMatch !== -1) previous[afterMatch] = previous[match] as number;
  }

  /** Undoes `lift(call)`, which must be the last lift not yet undone. */
  unlift(call: number): void {
    const { next, previous } = this;
    const match = call + 1;
    const afterMatch = next[match] as number;
    next[previous[match] as number] = match;
    if (afterMatch !== -1) previous[afterMatch] = match;
    next[previous[call] as number] = call;
    previous[next[call] as number] = call;
  }
}

/** The set of linearized operations: a bitset and its two Zobrist hashes. */
export class LinearizedSet {
  readonly words: Uint32Array;
  lowHash = 0;
  highHash = 0;
  private readonly lowCodes: Int32Array;
  private readonly highCodes: Int32Array;

  constructor(count: number) {
    this.words = new Uint32Array((count + 31) >>> 5);
    ({ lowCodes: this.lowCodes, highCodes: this.highCodes } = zobristCodes(count));
  }

  /** Adds or removes `operation` (toggles its bit). */
  toggle(operation: number): void {
    this.words[operation >>> 5] = (this.words[operation >>> 5] as number) ^ (1 << (operation & 31));
    this.lowHash ^= this.lowCodes[operation] as number;
    this.highHash ^= this.highCodes[operation] as number;
  }
}

export function searchLinearization<State, Input, Output>(
  model: Model<State, Input, Output>,
  operations: ReadonlyArray<Operation<Input, Output>>,
  budget: Budget | undefined,
): SearchResult<State> {
  const count = operations.length;
  const list = new EntryList(operations);
  const inputs = operations.map((operation) => operation.input);
  const outputs = operations.map((operation) => operation.output);
  const open = Uint8Array.from(operations, (operation) => (operation.returnTime === Infinity ? 1 : 0));
  const linearized = new LinearizedSet(count);
  const visited = new VisitedSet<State>(linearized.words.length, model as Model<State, unknown, unknown>);
  const stackEntries = new Int32Array(count);
  const stackStates = new Array<State | undefined>(count).fill(undefined);
  let depth = 0;
  let state = model.init();
  let best = { prefix: new Int32Array(0), state };
  let untilClockRead = STEPS_PER_CLOCK_READ;

  for (let entry = list.first(); entry !== -1; ) {
    if (--untilClockRead === 0) {
      untilClockRead = STEPS_PER_CLOCK_READ;
      if (budget !== undefined && budget.now() >= budget.deadline) return { kind: "out-of-time" };
    }
    if ((entry & 1) === 0) {
      const operation = entry >>> 1;
      const nextState = model.step(state, inputs[operation] as Input, outputs[operation]);
      // An open operation (unknown outcome) that changes nothing now may as well come last.
      if (nextState !== ILLEGAL && (open[operation] === 0 || !model.equal(nextState, state))) {
        linearized.toggle(operation);
        if (visited.add(linearized.words, linearized.lowHash, linearized.highHash, nextState)) {
          stackEntries[depth] = entry;
          stackStates[depth] = state;
          depth++;
          state = nextState;
          list.lift(entry);
          if (depth > best.prefix.length) best = { prefix: stackEntries.slice(0, depth), state };
          entry = list.first();
          continue;
        }
        linearized.toggle(operation);
      }
      entry = list.next[entry] as number;
    } else {
      // Only open operations remain: they can all come last, in any order.
      if (open[entry >>> 1] === 1) return { kind: "linearizable" };
      if (depth === 0) return notLinearizable(best.prefix, best.state, firstToReturnOutside(list, best.prefix, count));
      depth--;
      entry = stackEntries[depth] as number;
      state = stackStates[depth] as State;
      stackStates[depth] = undefined;
      linearized.toggle(entry >>> 1);
      list.unlift(entry);
      entry = list.next[entry] as number;
    }
  }
  return { kind: "linearizable" };
}

/**
 * The operation that returns first among those not in `prefix`: with the list fully restored
 * (the search has popped everything), the first return entry of an operation outside the prefix.
 */
function firstToReturnOutside(list: EntryList, prefix: Int32Array, count: number): number {
  const inPrefix = new Uint8Array(count);
  for (const entry of prefix) inPrefix[entry >>> 1] = 1;
  let culprit = -1;
  for (let entry = list.first(); entry !== -1 && culprit < 0; entry = list.next[entry] as number) {
    if ((entry & 1) === 1 && inPrefix[entry >>> 1] === 0) culprit = entry >>> 1;
  }
  assert(culprit >= 0, "a non-linearizable history has an operation outside its longest linearizable prefix");
  return culprit;
}

function notLinearizable<State>(prefix: Int32Array, state: State, culprit: number): SearchResult<State> {
  return { kind: "not-linearizable", prefix: Array.from(prefix, (entry) => entry >>> 1), state, culprit };
}
