/**
 * The shapes of operations in a client history, one family per model: what a client asked (the
 * input) and what it was told (the output).
 *
 * These are the records the simulator writes and the checker reads, so every field is plain data
 * (JSON-compatible). Outputs repeat the `type` of their input so that a history line describes
 * itself; the parsers check that the two agree.
 *
 * - `register`: one register, initially nil (`null`), as in Jepsen's cas-register test.
 * - `kv`: string keys to string values with get/put/append, as in Porcupine's kv model. A key that
 *   was never written reads as the empty string.
 * - `etcd`: etcd's KV API (Range, Put, DeleteRange, Txn) with revisions, as the simulated cluster
 *   answers it. See `EtcdRequest` and `EtcdResponse`.
 */

/** The names of the models the checker knows, one per family of shapes below. */
export type ModelName = "register" | "kv" | "etcd";

export const MODEL_NAMES: readonly ModelName[] = ["register", "kv", "etcd"];

// ---------------------------------------------------------------------------------------------
// register

/** A register value: an integer, a string, or `null` (Jepsen's nil, the initial value). */
export type RegisterValue = number | string | null;

export type RegisterInput =
  | { readonly type: "read" }
  | { readonly type: "write"; readonly value: RegisterValue }
  /** Compare-and-set: set the register to `to` iff it holds `from`. */
  | { readonly type: "cas"; readonly from: RegisterValue; readonly to: RegisterValue };

export type RegisterOutput =
  | { readonly type: "read"; readonly value: RegisterValue }
  | { readonly type: "write" }
  /** `succeeded: false` means the cas ran and found another value (it changed nothing). */
  | { readonly type: "cas"; readonly succeeded: boolean };

// ---------------------------------------------------------------------------------------------
// kv

export type KvInput =
  | { readonly type: "get"; readonly key: string }
  | { readonly type: "put"; readonly key: string; readonly value: string }
  /** Appends `value` to the key's current value (string concatenation). */
  | { readonly type: "append"; readonly key: string; readonly value: string };

export type KvOutput =
  /** The key's value; the empty string when the key was never written. */
  | { readonly type: "get"; readonly value: string }
  | { readonly type: "put" }
  | { readonly type: "append" };

// ---------------------------------------------------------------------------------------------
// etcd

/**
 * A read of one key (`end` absent) or of the range [key, end) in byte order of the keys. As in
 * etcd, `end: "\0"` means every key >= `key`, and a prefix read uses `end = prefixEnd(key)`.
 * The read is served at the store's current revision (a linearizable read); `limit` > 0 caps the
 * number of key-values returned (`count` still counts them all). With `revision` > 0 it is a
 * historical read: the keys as they were at that revision (the header revision is still the
 * store's current one).
 */
export interface EtcdRangeOp {
  readonly type: "range";
  readonly key: string;
  readonly end?: string;
  readonly limit?: number;
  readonly revision?: number;
}

export interface EtcdPutOp {
  readonly type: "put";
  readonly key: string;
  readonly value: string;
}

/** Deletes one key (`end` absent) or every key in [key, end), with the same rules as a range. */
export interface EtcdDeleteOp {
  readonly type: "delete";
  readonly key: string;
  readonly end?: string;
}

/** An operation that may appear inside a transaction's success or failure branch. */
export type EtcdTxnOp = EtcdRangeOp | EtcdPutOp | EtcdDeleteOp;

/**
 * A transaction guard on one key, as etcd's `Compare`: `target` of `key` `operator` `value`.
 * `version`, `create` and `mod` compare integers (0 for a missing key); `value` compares strings
 * and, as in etcd, is false whatever the operator when the key does not exist.
 */
export interface EtcdCompare {
  readonly key: string;
  readonly target: "value" | "version" | "create" | "mod";
  readonly operator: "=" | "!=" | "<" | ">";
  readonly value: string | number;
}

/** A transaction: if every compare holds, run `success` in order, else run `failure`. */
export interface EtcdTxnRequest {
  readonly type: "txn";
  readonly compare: readonly EtcdCompare[];
  readonly success: readonly EtcdTxnOp[];
  readonly failure: readonly EtcdTxnOp[];
}

/**
 * One request to etcd's KV service. A put, or a delete that removes at least one key, or a
 * transaction whose chosen branch does either, creates exactly one new revision of the store.
 */
export type EtcdRequest = EtcdRangeOp | EtcdPutOp | EtcdDeleteOp | EtcdTxnRequest;

/**
 * A key-value as a read returns it. `modRevision` is required; `createRevision` and `version`
 * are checked when present.
 */
export interface EtcdKeyValue {
  readonly key: string;
  readonly value: string;
  readonly modRevision: number;
  readonly createRevision?: number;
  readonly version?: number;
}

export interface EtcdRangeResult {
  readonly type: "range";
  /** The key-values in key order, at most `limit` of them. */
  readonly kvs: readonly EtcdKeyValue[];
  /** How many keys are in the range (ignoring `limit`). */
  readonly count: number;
}

export interface EtcdPutResult {
  readonly type: "put";
}

export interface EtcdDeleteResult {
  readonly type: "delete";
  /** How many keys the delete removed. */
  readonly deleted: number;
}

/** The result of one operation, inside a response or a transaction's `results`. */
export type EtcdOpResult = EtcdRangeResult | EtcdPutResult | EtcdDeleteResult;

export interface EtcdTxnResult {
  readonly type: "txn";
  /** Whether the compares held (and so `success` ran rather than `failure`). */
  readonly succeeded: boolean;
  /** One result per operation of the branch that ran, in order. */
  readonly results: readonly EtcdOpResult[];
}

/**
 * The response to an `EtcdRequest`: the result of the same `type`, plus `revision`, the header
 * revision: the store's revision after the request (for a write, the revision it created).
 */
export type EtcdResponse = (EtcdOpResult | EtcdTxnResult) & { readonly revision: number };

/**
 * A restore: from `time` on, the history runs against a new cluster, restored from a snapshot, whose
 * store starts at `revision` with the live keys `kvs` (in key order). Operations invoked from then on
 * belong to it; one invoked before and not finished by then may have been served by either cluster.
 */
export interface EtcdEpoch {
  readonly time: number;
  readonly revision: number;
  readonly kvs: readonly EtcdKeyValue[];
}

/** Input and output types by model name. */
export interface ModelShapes {
  readonly register: { readonly input: RegisterInput; readonly output: RegisterOutput };
  readonly kv: { readonly input: KvInput; readonly output: KvOutput };
  readonly etcd: { readonly input: EtcdRequest; readonly output: EtcdResponse };
}
