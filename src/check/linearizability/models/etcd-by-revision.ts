/**
 * The fast path of the etcd search: linearize a history directly in the order its revisions give,
 * without searching. It only ever answers "linearizable" with a linearization in hand (a proof),
 * and otherwise "don't know", for the search to decide; so it cannot change a verdict.
 *
 * Each request with a known response has a slot, the one store revision at which it can be
 * linearized (see `etcd-search.ts`). The order tried is: by slot, and in a slot the requests that
 * do not write (in the order of the history, which is invocation order) before the one that
 * writes. It respects real time if it can be respected at all in an order by slot, since in a slot
 * the reads can come in order of invocation; that is checked once, with the earliest return of
 * what follows each position. Then the requests run on a working store changed in place.
 *
 * A revision that no known request wrote (a gap) must have been written by a request that timed
 * out, placed there (between the requests of the slot before and those of the slot after): the
 * candidates are those invoked before everything that follows in the order returned, and that
 * write something when run there. They are tried in order of invocation, depth first: a request
 * refused later goes back to the innermost gap's next candidate. Requests that timed out and fill
 * no gap are left out: they may never have happened. As everything but the choices for the gaps
 * is forced, trying every choice would decide the history; but the number of tries can grow
 * exponentially with the number of gaps, so the fast path gives up after a number of steps
 * proportional to the history's length, and leaves the history to the search (which caches the
 * configurations it visits).
 */
import type { Operation } from "../../history/history.js";
import type { EtcdKeyValue, EtcdRequest, EtcdResponse } from "../../history/operations.js";
import { ILLEGAL } from "../model.js";
import { STEPS_PER_CLOCK_READ, type Budget } from "../search.js";
import { acceptsAt, executeEtcd, keyState, responseWrites, type EtcdKeyState, type EtcdState } from "./etcd-store.js";

type EtcdOperation = Operation<EtcdRequest, EtcdResponse>;

/** What the responses say of each request, for the search and the fast path. */
export interface Slots {
  /** 1 for a request whose response is unknown. */
  readonly open: Uint8Array;
  /** For a known response: the store revision at which it can be linearized; -1 if none the store can reach. */
  readonly slot: Int32Array;
  /** For a known response: 1 if it says the store wrote (created a revision). */
  readonly writes: Uint8Array;
  /** How many requests have a known response. */
  readonly known: number;
}

/** `offset`: the initial store's revision minus 1 (slots count from it: slot 1 is the initial revision). */
export function slotsOf(operations: ReadonlyArray<EtcdOperation>, offset = 0): Slots {
  const count = operations.length;
  const open = new Uint8Array(count);
  const slot = new Int32Array(count);
  const writes = new Uint8Array(count);
  let known = 0;
  for (let index = 0; index < count; index++) {
    const operation = operations[index] as EtcdOperation;
    const output = operation.output;
    if (output === undefined) {
      open[index] = 1;
      continue;
    }
    known++;
    const write = responseWrites(operation.input, output);
    writes[index] = write ? 1 : 0;
    // The store's revision starts at 1 (+ offset) and grows by one per write, so it stays within [1, count + 1].
    const needed = (write ? output.revision - 1 : output.revision) - offset;
    slot[index] = Number.isInteger(needed) && needed >= 1 && needed <= count + 1 ? needed : -1;
  }
  return { open, slot, writes, known };
}

/**
 * Whether the order by revision, with its gaps filled by timed-out requests, linearizes
 * `operations`. False also when the fast path gives up (too many tries, or the budget ran out, for
 * the search to notice).
 */
export function linearizesByRevision(operations: ReadonlyArray<EtcdOperation>, slots: Slots, budget?: Budget): boolean {
  const { open, slot, writes } = slots;
  const count = operations.length;
  // A counting sort by (slot, writes), stable.
  const starts = new Int32Array(2 * count + 6);
  const known = slots.known;
  for (let index = 0; index < count; index++) {
    if (open[index] === 1) continue;
    const needed = slot[index] as number;
    if (needed < 0) return false;
    const key = 2 * needed + (writes[index] as number) + 1;
    starts[key] = (starts[key] as number) + 1;
  }
  for (let key = 1; key < starts.length; key++) starts[key] = (starts[key] as number) + (starts[key - 1] as number);
  const order = new Int32Array(known);
  for (let index = 0; index < count; index++) {
    if (open[index] === 1) continue;
    const key = 2 * (slot[index] as number) + (writes[index] as number);
    order[starts[key] as number] = index;
    starts[key] = (starts[key] as number) + 1;
  }

  // Real time: nothing may come after a request that returned before that request was invoked.
  // `earliestReturn[position]` is the earliest return from `position` on.
  const earliestReturn = new Float64Array(known + 1);
  earliestReturn[known] = Infinity;
  for (let position = known - 1; position >= 0; position--) {
    const operation = operations[order[position] as number] as EtcdOperation;
    const later = earliestReturn[position + 1] as number;
    if (operation.invokeTime > later) return false;
    earliestReturn[position] = operation.returnTime < later ? operation.returnTime : later;
  }

  const store = new WorkingStore();
  // The gaps being filled, innermost last: where each is, the store before it, and which
  // timed-out request fills it (an index into `timedOut`).
  let timedOut: Int32Array | undefined;
  let used: Uint8Array | undefined;
  const gapPositions: number[] = [];
  const gapStores: SavedStore[] = [];
  const gapChoices: number[] = [];
  let work = 0;
  const maxWork = WORK_PER_REQUEST * (known + WORK_SLACK);
  let untilClockRead = STEPS_PER_CLOCK_READ;
  let position = 0;
  let choose = false;
  for (;;) {
    if (++work > maxWork) return false;
    if (--untilClockRead === 0) {
      untilClockRead = STEPS_PER_CLOCK_READ;
      if (budget !== undefined && budget.now() >= budget.deadline) return false;
    }
    if (!choose) {
      if (position === known) return true;
      const index = order[position] as number;
      const needed = slot[index] as number;
      if (needed === store.revision) {
        const operation = operations[index] as EtcdOperation;
        if (store.accept(operation.input, operation.output as EtcdResponse)) {
          position++;
          continue;
        }
      } else if (needed > store.revision) {
        // The writer of revision + 1 is missing: open a gap, to be filled by its first choice.
        timedOut ??= timedOutOf(open);
        used ??= new Uint8Array(count);
        gapPositions.push(position);
        gapStores.push(store.save());
        gapChoices.push(-1);
        choose = true;
        continue;
      }
      // Refused here (or a second write of one revision): back to the innermost gap.
      if (gapPositions.length === 0) return false;
      choose = true;
      continue;
    }
    // Fill the innermost gap with its next choice, or close it and go back to the one before.
    const gap = gapPositions.length - 1;
    const at = gapPositions[gap] as number;
    const saved = gapStores[gap] as SavedStore;
    let choice = gapChoices[gap] as number;
    const timedOutList = timedOut as Int32Array;
    const usedFlags = used as Uint8Array;
    if (choice >= 0) {
      usedFlags[timedOutList[choice] as number] = 0;
      store.restore(saved);
    }
    // A timed-out request can only come after everything that returned before it was invoked.
    const latestInvoke = earliestReturn[at] as number;
    for (choice++; choice < timedOutList.length; choice++) {
      const candidate = timedOutList[choice] as number;
      if (usedFlags[candidate] === 1) continue;
      const request = operations[candidate] as EtcdOperation;
      if (request.invokeTime > latestInvoke) continue;
      work++;
      // One that writes nothing here cannot fill the gap (and leaves the store as it was).
      if (store.apply(request.input)) break;
    }
    if (choice < timedOutList.length) {
      usedFlags[timedOutList[choice] as number] = 1;
      gapChoices[gap] = choice;
      position = at;
      choose = false;
      continue;
    }
    gapPositions.pop();
    gapStores.pop();
    gapChoices.pop();
    if (gapPositions.length === 0) return false;
  }
}

/** The fast path gives up after this many steps per known request (plus a constant): it is meant to be fast. */
const WORK_PER_REQUEST = 16;
const WORK_SLACK = 256;

function timedOutOf(open: Uint8Array): Int32Array {
  const indices: number[] = [];
  for (let index = 0; index < open.length; index++) if (open[index] === 1) indices.push(index);
  return Int32Array.from(indices);
}

export interface SavedStore {
  readonly revision: number;
  readonly keys: ReadonlyMap<string, EtcdKeyState>;
  readonly keysHash: number;
}

/**
 * A store that the fast path changes in place. It has the shape of an `EtcdState`, so that the
 * model's functions can run on it, but unlike a state it changes: none of it leaves the fast path.
 */
export class WorkingStore implements EtcdState {
  revision = 1;
  keys = new Map<string, EtcdKeyState>();
  keysHash = 0;

  /** Whether the store answers `request` with `response` now; if so, runs it. */
  accept(request: EtcdRequest, response: EtcdResponse): boolean {
    if (request.type === "put") {
      if (response.type !== "put" || response.revision !== this.revision + 1) return false;
      this.put(request.key, request.value);
      return true;
    }
    if (request.type === "range" && (request.end === undefined || request.end === "") && request.limit === undefined) {
      // A single-key read, the most common request, without a call.
      if (response.type !== "range" || response.revision !== this.revision) return false;
      const record = this.keys.get(request.key);
      const kvs = response.kvs;
      if (record === undefined) return response.count === 0 && kvs.length === 0;
      if (response.count !== 1 || kvs.length !== 1) return false;
      const kv = kvs[0] as EtcdKeyValue;
      return (
        kv.key === request.key &&
        kv.value === record.value &&
        kv.modRevision === record.modRevision &&
        (kv.createRevision === undefined || kv.createRevision === record.createRevision) &&
        (kv.version === undefined || kv.version === record.version)
      );
    }
    const next = acceptsAt(this, request, response);
    if (next === ILLEGAL) return false;
    this.adopt(next);
    return true;
  }

  /** Runs `request`, whatever its response; returns whether it wrote (else the store is unchanged). */
  apply(request: EtcdRequest): boolean {
    if (request.type === "put") {
      this.put(request.key, request.value);
      return true;
    }
    const next = executeEtcd(this, request).next;
    this.adopt(next);
    return next !== this;
  }

  private put(key: string, value: string): void {
    const revision = this.revision + 1;
    const previous = this.keys.get(key);
    const record =
      previous === undefined ? keyState(key, value, revision, revision, 1) : keyState(key, value, revision, previous.createRevision, previous.version + 1);
    this.keys.set(key, record);
    this.keysHash ^= (previous === undefined ? 0 : previous.hash) ^ record.hash;
    this.revision = revision;
  }

  /** Takes over the state the model's functions computed from this store. */
  private adopt(next: EtcdState): void {
    if (next === this) return;
    // A state that differs from its origin has a key map of its own, new.
    this.keys = next.keys as Map<string, EtcdKeyState>;
    this.revision = next.revision;
    this.keysHash = next.keysHash;
  }

  save(): SavedStore {
    return { revision: this.revision, keys: new Map(this.keys), keysHash: this.keysHash };
  }

  restore(saved: SavedStore): void {
    this.revision = saved.revision;
    this.keys = new Map(saved.keys);
    this.keysHash = saved.keysHash;
  }
}
