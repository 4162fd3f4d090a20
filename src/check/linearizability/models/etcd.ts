/**
 * The etcd model: etcd's KV API over a store with revisions, starting empty at revision 1 (as a
 * new cluster does).
 *
 * The state is the store's current revision and, for every live key, its value, `modRevision`
 * (the revision of its last write), `createRevision` (of its creation in the current
 * generation) and `version` (writes since creation). A put, or a delete that removes something,
 * or a transaction whose branch does either, creates exactly one revision: its writes all carry
 * it. A response must match what the store would answer at the point of linearization: the header
 * revision (the store's revision after the request), and for reads every key-value with its
 * revisions and the count; so a stale read, or header revisions that go backwards in real time,
 * cannot be linearized. Requests are `EtcdRequest`s and responses `EtcdResponse`s (see
 * `history/operations.ts`, where the simulator's recorder takes them from).
 *
 * A request with an unknown outcome (a timeout) may or may not have taken effect: the model
 * applies it whatever its response, and the search may place it after everything else (as if it
 * never happened), since its return time is infinite.
 *
 * This model does not partition: revisions are global, so every write to any key is observed by
 * the header revision of every later response, and keys are not independent.
 *
 * Keys and values compare as etcd compares bytes; here by Unicode code point, which is the order
 * of their UTF-8 bytes.
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
import { ILLEGAL, type Model } from "../model.js";
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

function keyState(key: string, value: string, modRevision: number, createRevision: number, version: number): EtcdKeyState {
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
    if (op.end === undefined || op.end === "") {
      const record = this.live().get(op.key);
      if (record !== undefined) matching.push(keyValue(op.key, record));
    } else {
      for (const [key, record] of this.live()) if (inRange(op, key)) matching.push(keyValue(key, record));
      matching.sort((a, b) => compareBytes(a.key, b.key));
    }
    const limited = op.limit !== undefined && op.limit > 0 ? matching.slice(0, op.limit) : matching;
    return { type: "range", kvs: limited, count: matching.length };
  }

  finish(): EtcdState {
    if (this.keys === undefined) return this.state;
    return { revision: this.writeRevision, keys: this.keys, keysHash: this.keysHash };
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

function sameResult(expected: EtcdOpResult, actual: EtcdOpResult): boolean {
  switch (expected.type) {
    case "range":
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

function sameResponse(expected: EtcdResponse, actual: EtcdResponse): boolean {
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

export const INITIAL_ETCD_STATE: EtcdState = { revision: 1, keys: new Map(), keysHash: 0 };

export const etcdModel: Model<EtcdState, EtcdRequest, EtcdResponse> = {
  name: "etcd",
  init: () => INITIAL_ETCD_STATE,
  step(state, input, output) {
    const { next, response } = executeEtcd(state, input);
    return output === undefined || sameResponse(response, output) ? next : ILLEGAL;
  },
  hash: (state) => mix32(state.keysHash ^ hashInteger(state.revision)),
  equal(a, b) {
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
  },
  isReadOnly: (input) => (input.type === "txn" ? input.success.every(isReadOnlyOp) && input.failure.every(isReadOnlyOp) : isReadOnlyOp(input)),
  describeOperation: describeEtcdOperation,
  explainIllegal(state, input, output) {
    return explainMismatch(state, input, executeEtcd(state, input).response, output);
  },
};

// ---------------------------------------------------------------------------------------------
// words

const quote = (text: string): string => JSON.stringify(text);

function describeRange(op: { readonly key: string; readonly end?: string }): string {
  if (op.end === undefined || op.end === "") return quote(op.key);
  if (op.end === "\0") return `${quote(op.key)} and after`;
  return `[${quote(op.key)}, ${quote(op.end)})`;
}

function describeOp(op: EtcdTxnOp): string {
  switch (op.type) {
    case "range":
      return `range ${describeRange(op)}${op.limit ? ` limit ${op.limit}` : ""}`;
    case "put":
      return `put ${quote(op.key)} = ${quote(op.value)}`;
    case "delete":
      return `delete ${describeRange(op)}`;
  }
}

function describeCompare(compare: EtcdCompare): string {
  const value = typeof compare.value === "string" ? quote(compare.value) : String(compare.value);
  return `${compare.target}(${quote(compare.key)}) ${compare.operator} ${value}`;
}

function describeRequest(request: EtcdRequest): string {
  if (request.type !== "txn") return describeOp(request);
  const branch = (ops: readonly EtcdTxnOp[]): string => (ops.length === 0 ? "nothing" : ops.map(describeOp).join(", "));
  const guard = request.compare.length === 0 ? "true" : request.compare.map(describeCompare).join(" and ");
  return `txn if ${guard} then ${branch(request.success)} else ${branch(request.failure)}`;
}

function describeKeyValues(kvs: readonly EtcdKeyValue[]): string {
  if (kvs.length === 0) return "nothing";
  return kvs.map((kv) => `${quote(kv.key)} = ${quote(kv.value)} (mod ${kv.modRevision})`).join(", ");
}

function describeResult(result: EtcdOpResult): string {
  switch (result.type) {
    case "range":
      return describeKeyValues(result.kvs) + (result.count > result.kvs.length ? ` of ${result.count}` : "");
    case "put":
      return "ok";
    case "delete":
      return `deleted ${result.deleted}`;
  }
}

function describeResponse(response: EtcdResponse): string {
  const body =
    response.type === "txn"
      ? `${response.succeeded ? "succeeded" : "failed"}${response.results.length > 0 ? `: ${response.results.map(describeResult).join(", ")}` : ""}`
      : describeResult(response);
  return `${body}, revision ${response.revision}`;
}

export function describeEtcdOperation(input: EtcdRequest, output: EtcdResponse | undefined): string {
  if (output === undefined) return `${describeRequest(input)} (outcome unknown)`;
  return `${describeRequest(input)} → ${describeResponse(output)}`;
}

function explainMismatch(state: EtcdState, request: EtcdRequest, expected: EtcdResponse, actual: EtcdResponse): string {
  if (expected.type === "txn" && actual.type === "txn" && expected.succeeded !== actual.succeeded) {
    const facts = request.type === "txn" ? request.compare.map((compare) => describeKeyFact(state, compare.key)) : [];
    return `the compares would have ${expected.succeeded ? "held" : "failed"}: ${facts.join(", ")}`;
  }
  const expectedResults = expected.type === "txn" ? expected.results : [expected];
  const actualResults = actual.type === "txn" ? actual.results : [actual];
  for (let index = 0; index < expectedResults.length; index++) {
    const want = expectedResults[index] as EtcdOpResult;
    const got = actualResults[index];
    if (got === undefined || sameResult(want, got)) continue;
    if (want.type === "range") return `the store held ${describeKeyValues(want.kvs)} there (count ${want.count}) at revision ${state.revision}`;
    if (want.type === "delete") return `the delete would remove ${want.deleted} key${want.deleted === 1 ? "" : "s"}`;
  }
  if (expected.revision === state.revision) return `the store was at revision ${state.revision}, not ${actual.revision}`;
  return `the store was at revision ${state.revision}, so the write would create revision ${expected.revision}, not ${actual.revision}`;
}

function describeKeyFact(state: EtcdState, key: string): string {
  const record = state.keys.get(key);
  if (record === undefined) return `${quote(key)} did not exist`;
  return `${quote(key)} = ${quote(record.value)} (mod ${record.modRevision}, create ${record.createRevision}, version ${record.version})`;
}
