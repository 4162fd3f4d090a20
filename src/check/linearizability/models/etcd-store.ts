/**
 * The etcd store as the etcd model sees it: its state (the current revision and the live keys) and
 * how it executes a request (`executeEtcd`), as the reference; and the same semantics in the
 * shapes the specialised search (`etcd-search.ts`) needs, without building responses:
 * `acceptsAt` (is a request with a known response legal in a state, and which state follows) and
 * `applyUnknown` (the state after a request whose response is unknown).
 *
 * The store starts empty at revision 1 (as a new cluster does), or as a restore left it (the
 * search takes the initial state). Historical reads need the store's past: a state then keeps a
 * link to the one before its last write (see `EtcdState.previous`). A put, or a delete that removes
 * something, or a transaction whose branch does either, creates exactly one revision: its writes
 * all carry it. Keys and values compare as etcd compares bytes; here by Unicode code point, which
 * is the order of their UTF-8 bytes.
 */
import type {
  EtcdCompare,
  EtcdKeyValue,
  EtcdOpResult,
  EtcdRequest,
  EtcdResponse,
  EtcdTxnOp,
} from "../../history/operations.js";
import { combineHashes, hashInteger, hashString, mix32 } from "../hashing.js";
import { ILLEGAL, type Illegal } from "../model.js";
import { assertNever } from "../../../sim/errors.js";

/** A live key in the store. */
export interface EtcdKeyState {
  readonly value: string;
  readonly modRevision: number;
  readonly createRevision: number;
  readonly version: number;
  /** A hash of the key and all the fields above. */
  readonly hash: number;
}

export interface EtcdState {
  readonly revision: number;
  /** Live keys; never mutated once the state exists. */
  readonly keys: ReadonlyMap<string, EtcdKeyState>;
  /** The XOR of the keys' hashes. */
  readonly keysHash: number;
  /**
   * The store's past, for historical reads: the state before the last write (`null`: none, this is
   * where the history starts). Absent when the past is not kept (a history without historical
   * reads), which is cheaper: states then differ only by their present.
   */
  readonly previous?: EtcdState | null;
  /** With `previous`: a hash of the whole past (0 at the start). */
  readonly pastHash?: number;
}

/** The state after a write to `state`: `revision`, `keys` and `keysHash`, with the past if `state` keeps it. */
export function successor(state: EtcdState, revision: number, keys: ReadonlyMap<string, EtcdKeyState>, keysHash: number): EtcdState {
  if (state.previous === undefined) return { revision, keys, keysHash };
  return { revision, keys, keysHash, previous: state, pastHash: mix32(combineHashes(state.pastHash ?? 0, hashPresent(state))) };
}

/** `state`, keeping its past from now on (for a history with historical reads). */
export function keepingPast(state: EtcdState): EtcdState {
  return state.previous !== undefined ? state : { revision: state.revision, keys: state.keys, keysHash: state.keysHash, previous: null, pastHash: 0 };
}

/**
 * The count of a historical read's expected result when the read cannot succeed (its revision is
 * ahead of the store: etcd refuses it), so that no answer matches.
 */
export const FUTURE_REVISION_COUNT = -1;
/**
 * The count of a historical read's expected result when the store's past at that revision is not
 * known (before a restored store's revision, or without a past): any answer matches.
 */
export const UNKNOWN_PAST_COUNT = -2;

/** The state of the store at `revision` (at most the current one), or undefined when the past is not known. */
function stateAt(state: EtcdState, revision: number): EtcdState | undefined {
  let at = state;
  while (at.revision > revision) {
    const previous = at.previous;
    // Before the start of the history (a restored store's earlier revisions): not known.
    if (previous === undefined || previous === null) return undefined;
    at = previous;
  }
  return at;
}

/** Compares by code point (the order of UTF-8 bytes), as etcd compares keys and values. */
export function compareBytes(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x === y) continue;
    // A surrogate (0xd800-0xdfff) encodes a code point above 0xffff: it sorts after 0xe000-0xffff.
    const surrogateX = x >= 0xd800 && x <= 0xdfff;
    const surrogateY = y >= 0xd800 && y <= 0xdfff;
    if (surrogateX !== surrogateY && Math.max(x, y) >= 0xe000) return surrogateX ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** A live key's record, with its hash. */
export function keyState(key: string, value: string, modRevision: number, createRevision: number, version: number): EtcdKeyState {
  let hash = combineHashes(hashString(key), hashString(value));
  hash = combineHashes(hash, hashInteger(modRevision));
  hash = combineHashes(hash, hashInteger(createRevision));
  hash = mix32(combineHashes(hash, version));
  return { value, modRevision, createRevision, version, hash };
}

/** Whether `key` is in the range of `op` (one key, or [key, end), with `end: "\0"` unbounded). */
function inRange(op: { readonly key: string; readonly end?: string }, key: string): boolean {
  if (op.end === undefined || op.end === "") return key === op.key;
  if (compareBytes(key, op.key) < 0) return false;
  return op.end === "\0" || compareBytes(key, op.end) < 0;
}

/** The working copy of a store while a request runs; copies the key map on the first write. */
class Execution {
  private keys: Map<string, EtcdKeyState> | undefined;
  private keysHash: number;

  constructor(private readonly state: EtcdState) {
    this.keysHash = state.keysHash;
  }

  /** The revision that this request's writes create. */
  get writeRevision(): number {
    return this.state.revision + 1;
  }

  live(): ReadonlyMap<string, EtcdKeyState> {
    return this.keys ?? this.state.keys;
  }

  private writable(): Map<string, EtcdKeyState> {
    this.keys ??= new Map(this.state.keys);
    return this.keys;
  }

  run(op: EtcdTxnOp): EtcdOpResult {
    switch (op.type) {
      case "range":
        return this.range(op);
      case "put": {
        const previous = this.live().get(op.key);
        const next = keyState(op.key, op.value, this.writeRevision, previous?.createRevision ?? this.writeRevision, (previous?.version ?? 0) + 1);
        const keys = this.writable();
        this.keysHash ^= (previous?.hash ?? 0) ^ next.hash;
        keys.set(op.key, next);
        return { type: "put" };
      }
      case "delete": {
        const doomed = [...this.live()].filter(([key]) => inRange(op, key));
        if (doomed.length > 0) {
          const keys = this.writable();
          for (const [key, record] of doomed) {
            keys.delete(key);
            this.keysHash ^= record.hash;
          }
        }
        return { type: "delete", deleted: doomed.length };
      }
      default:
        return assertNever(op, "etcd operation");
    }
  }

  private range(op: Extract<EtcdTxnOp, { type: "range" }>): EtcdOpResult {
    const matching: EtcdKeyValue[] = [];
    let keys = this.live();
    if (op.revision !== undefined && op.revision > 0) {
      // A historical read: the store as it was (the revision before this request's writes).
      if (op.revision > this.state.revision) return { type: "range", kvs: [], count: FUTURE_REVISION_COUNT };
      const past = stateAt(this.state, op.revision);
      if (past === undefined) return { type: "range", kvs: [], count: UNKNOWN_PAST_COUNT };
      keys = past.keys;
    }
    if (op.end === undefined || op.end === "") {
      const record = keys.get(op.key);
      if (record !== undefined) matching.push(keyValue(op.key, record));
    } else {
      for (const [key, record] of keys) if (inRange(op, key)) matching.push(keyValue(key, record));
      matching.sort((a, b) => compareBytes(a.key, b.key));
    }
    const limited = op.limit !== undefined && op.limit > 0 ? matching.slice(0, op.limit) : matching;
    return { type: "range", kvs: limited, count: matching.length };
  }

  finish(): EtcdState {
    if (this.keys === undefined) return this.state;
    return successor(this.state, this.writeRevision, this.keys, this.keysHash);
  }
}

function keyValue(key: string, record: EtcdKeyState): EtcdKeyValue {
  return { key, value: record.value, modRevision: record.modRevision, createRevision: record.createRevision, version: record.version };
}

function compareHolds(state: EtcdState, compare: EtcdCompare): boolean {
  const record = state.keys.get(compare.key);
  let order: number;
  if (compare.target === "value") {
    // As in etcd, comparing the value of a missing key is false whatever the operator.
    if (record === undefined) return false;
    order = compareBytes(record.value, String(compare.value));
  } else {
    const actual = record === undefined ? 0 : compare.target === "version" ? record.version : compare.target === "create" ? record.createRevision : record.modRevision;
    order = actual - Number(compare.value);
  }
  switch (compare.operator) {
    case "=":
      return order === 0;
    case "!=":
      return order !== 0;
    case "<":
      return order < 0;
    case ">":
      return order > 0;
  }
}

/** What the store in `state` answers to `request`, and the state after it. */
export function executeEtcd(state: EtcdState, request: EtcdRequest): { readonly next: EtcdState; readonly response: EtcdResponse } {
  const execution = new Execution(state);
  if (request.type === "txn") {
    const succeeded = request.compare.every((compare) => compareHolds(state, compare));
    const results = (succeeded ? request.success : request.failure).map((op) => execution.run(op));
    const next = execution.finish();
    return { next, response: { type: "txn", succeeded, results, revision: next.revision } };
  }
  const result = execution.run(request);
  const next = execution.finish();
  return { next, response: { ...result, revision: next.revision } };
}

function sameKeyValue(expected: EtcdKeyValue, actual: EtcdKeyValue): boolean {
  return (
    expected.key === actual.key &&
    expected.value === actual.value &&
    expected.modRevision === actual.modRevision &&
    (actual.createRevision === undefined || actual.createRevision === expected.createRevision) &&
    (actual.version === undefined || actual.version === expected.version)
  );
}

export function sameResult(expected: EtcdOpResult, actual: EtcdOpResult): boolean {
  switch (expected.type) {
    case "range":
      if (expected.count === UNKNOWN_PAST_COUNT) return actual.type === "range";
      return (
        actual.type === "range" &&
        expected.count === actual.count &&
        expected.kvs.length === actual.kvs.length &&
        expected.kvs.every((kv, index) => sameKeyValue(kv, actual.kvs[index] as EtcdKeyValue))
      );
    case "put":
      return actual.type === "put";
    case "delete":
      return actual.type === "delete" && expected.deleted === actual.deleted;
  }
}

export function sameResponse(expected: EtcdResponse, actual: EtcdResponse): boolean {
  if (expected.revision !== actual.revision) return false;
  if (expected.type === "txn") {
    return (
      actual.type === "txn" &&
      expected.succeeded === actual.succeeded &&
      expected.results.length === actual.results.length &&
      expected.results.every((result, index) => sameResult(result, actual.results[index] as EtcdOpResult))
    );
  }
  return actual.type !== "txn" && sameResult(expected, actual);
}

function isReadOnlyOp(op: EtcdTxnOp): boolean {
  return op.type === "range";
}

/** Whether the request reads the store's past (a range with a revision, on its own or in a transaction). */
export function isHistoricalRead(request: EtcdRequest): boolean {
  const historical = (op: EtcdTxnOp): boolean => op.type === "range" && op.revision !== undefined && op.revision > 0;
  return request.type === "txn" ? request.success.some(historical) || request.failure.some(historical) : historical(request);
}

/** Whether the request never changes the store, whichever branch runs. */
export function isReadOnlyRequest(request: EtcdRequest): boolean {
  return request.type === "txn" ? request.success.every(isReadOnlyOp) && request.failure.every(isReadOnlyOp) : isReadOnlyOp(request);
}

export const INITIAL_ETCD_STATE: EtcdState = { revision: 1, keys: new Map(), keysHash: 0 };

/** A hash of the store's present: its revision and keys. */
function hashPresent(state: EtcdState): number {
  return mix32(state.keysHash ^ hashInteger(state.revision));
}

/** A hash of the whole state, its past included when kept (equal states hash equally). */
export function hashEtcdState(state: EtcdState): number {
  const present = hashPresent(state);
  return state.pastHash === undefined ? present : combineHashes(present, state.pastHash);
}

export function equalEtcdStates(a: EtcdState, b: EtcdState): boolean {
  if (a === b) return true;
  if (!equalPresents(a, b)) return false;
  // The pasts, back to where they join (states are shared between configurations).
  let x = a.previous;
  let y = b.previous;
  while (x !== y) {
    if (x === undefined || y === undefined || x === null || y === null || !equalPresents(x, y)) return false;
    x = x.previous;
    y = y.previous;
  }
  return true;
}

function equalPresents(a: EtcdState, b: EtcdState): boolean {
  if (a === b) return true;
  if (a.revision !== b.revision || a.keysHash !== b.keysHash || a.keys.size !== b.keys.size) return false;
  for (const [key, record] of a.keys) {
    const other = b.keys.get(key);
    if (
      other === undefined ||
      other.value !== record.value ||
      other.modRevision !== record.modRevision ||
      other.createRevision !== record.createRevision ||
      other.version !== record.version
    ) {
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// the same semantics, for the specialised search

/** The model's step: the state after `request` if the store answers it with `response`, else ILLEGAL. */
export function stepEtcd(state: EtcdState, request: EtcdRequest, response: EtcdResponse | undefined): EtcdState | Illegal {
  const { next, response: expected } = executeEtcd(state, request);
  return response === undefined || sameResponse(expected, response) ? next : ILLEGAL;
}

/**
 * Whether the store, whatever its state, changes (and so creates a revision) when it answers
 * `request` with `response`: a put does, a delete does iff it deleted something, a transaction
 * does iff the branch its response names does. Exact whenever the store can answer so at all:
 * if `stepEtcd(state, request, response)` is legal, its revision is `state.revision + 1` when
 * this holds and `state.revision` otherwise.
 */
export function responseWrites(request: EtcdRequest, response: EtcdResponse): boolean {
  switch (request.type) {
    case "range":
      return false;
    case "put":
      return true;
    case "delete":
      return response.type === "delete" && response.deleted > 0;
    case "txn": {
      if (response.type !== "txn") return false;
      const branch = response.succeeded ? request.success : request.failure;
      for (let index = 0; index < branch.length; index++) {
        const op = branch[index] as EtcdTxnOp;
        if (op.type === "put") return true;
        if (op.type === "delete") {
          const result = response.results[index];
          if (result !== undefined && result.type === "delete" && result.deleted > 0) return true;
        }
      }
      return false;
    }
  }
}

/** The state after a put of `key` = `value` (a new revision). */
function applyPut(state: EtcdState, key: string, value: string): EtcdState {
  const revision = state.revision + 1;
  const previous = state.keys.get(key);
  const record = keyState(key, value, revision, previous === undefined ? revision : previous.createRevision, previous === undefined ? 1 : previous.version + 1);
  const keys = new Map(state.keys);
  keys.set(key, record);
  return successor(state, revision, keys, state.keysHash ^ (previous === undefined ? 0 : previous.hash) ^ record.hash);
}

/**
 * `stepEtcd(state, request, response)` for a known response, without building the store's own
 * response for the common requests (single-key ranges and puts).
 */
export function acceptsAt(state: EtcdState, request: EtcdRequest, response: EtcdResponse): EtcdState | Illegal {
  // (A fractional limit below 1 keeps nothing: left to the reference.)
  if (
    request.type === "range" &&
    (request.end === undefined || request.end === "") &&
    !(request.limit !== undefined && request.limit > 0 && request.limit < 1) &&
    !(request.revision !== undefined && request.revision > 0)
  ) {
    if (response.type !== "range" || response.revision !== state.revision) return ILLEGAL;
    const record = state.keys.get(request.key);
    const kvs = response.kvs;
    if (record === undefined) return response.count === 0 && kvs.length === 0 ? state : ILLEGAL;
    // A limit > 0 keeps the one key-value.
    if (response.count !== 1 || kvs.length !== 1) return ILLEGAL;
    const kv = kvs[0] as EtcdKeyValue;
    return kv.key === request.key &&
      kv.value === record.value &&
      kv.modRevision === record.modRevision &&
      (kv.createRevision === undefined || kv.createRevision === record.createRevision) &&
      (kv.version === undefined || kv.version === record.version)
      ? state
      : ILLEGAL;
  }
  if (request.type === "put") {
    return response.type === "put" && response.revision === state.revision + 1 ? applyPut(state, request.key, request.value) : ILLEGAL;
  }
  return stepEtcd(state, request, response);
}

/** `stepEtcd(state, request, undefined)`: the state after `request`, whatever the store answered. */
export function applyUnknown(state: EtcdState, request: EtcdRequest): EtcdState {
  if (request.type === "put") return applyPut(state, request.key, request.value);
  return executeEtcd(state, request).next;
}
