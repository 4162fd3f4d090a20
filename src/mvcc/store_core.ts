/**
 * The core of the store: the current and compact revisions, the key index, the backend, and the
 * transactions that read and write them (etcd `kvstore.go`, `kvstore_txn.go`).
 *
 * A `StoreTransaction` is etcd's storeTxnWrite. It starts at `beginRevision` (the current revision)
 * and writes every change under main revision `beginRevision + 1`, numbering changes with sub
 * revisions 0, 1, 2, ... in order. Writes reach the index and the backend at once, and reads inside
 * the transaction use `beginRevision + 1` as soon as there is a change, so they see the
 * transaction's own earlier writes. `end()` makes the new revision current only when something
 * changed: a transaction that wrote nothing takes no revision. Then the commit listener (the watch
 * hub) hears about the changes.
 *
 * Stored tombstones are KeyValues with only the key (createRevision 0), as etcd stores them.
 */
import type { Backend } from "./backend.js";
import type { ByteString } from "./bytes.js";
import { assert, assertionFailed, etcdErrors, failure, type Result, success } from "./errors.js";
import { type KeyIndexLookup, newKeyIndexLookup } from "./key_index.js";
import { mainOf, packRevision } from "./revision.js";
import { TreeIndex } from "./tree_index.js";
import type { KeyValue } from "./types.js";

/** etcd's mvcc RangeResult: `revision` is the revision the read was served at (not the requested one). */
export interface RangeResult {
  readonly kvs: readonly KeyValue[];
  readonly count: number;
  readonly revision: number;
}

/** The lease bookkeeping a write needs (implemented by the Lessor). */
export interface LeaseAttachments {
  leaseOf(key: ByteString): number;
  attach(id: number, key: ByteString): void;
  detach(id: number, key: ByteString): void;
  has(id: number): boolean;
}

/**
 * A view that serves ranges (etcd's ReadView): `range(key, end, revision, limit, countOnly)` reads
 * as of `revision` (<= 0: the reading revision), at most `limit` keys (<= 0: all).
 */
export interface RangeReader {
  readonly readRevision: number;
  /** The oldest readable revision (etcd `FirstRev`): the compact revision. */
  readonly firstRevision: number;
  range(key: ByteString, end: ByteString | undefined, revision: number, limit: number, countOnly: boolean): Result<RangeResult>;
}

/** Told of every committed write transaction: its revision and its changes in order. */
export type CommitListener = (revision: number, changes: readonly KeyValue[]) => void;

export function makeKeyValue(key: ByteString, value: ByteString, createRevision: number, modRevision: number, version: number, lease: number): KeyValue {
  return { key, createRevision, modRevision, version, value, lease };
}

/**
 * The members of a simulated cluster apply the same writes, and their stores keep every revision
 * until a compaction: a put's KeyValue is therefore made once and shared by the stores that write
 * the same record (KeyValues are never mutated). A small direct-mapped cache by revision, checked
 * field by field, so a record is shared only with an equal one: in a 5-member cluster it keeps a
 * fifth of the records for the collector to copy and promote.
 */
const SHARED_KEY_VALUES = 1024;
const sharedKeyValues: Array<KeyValue | undefined> = new Array<KeyValue | undefined>(SHARED_KEY_VALUES).fill(undefined);

function sharedKeyValue(key: ByteString, value: ByteString, createRevision: number, modRevision: number, version: number, lease: number): KeyValue {
  const slot = modRevision & (SHARED_KEY_VALUES - 1);
  const cached = sharedKeyValues[slot];
  if (
    cached !== undefined &&
    cached.modRevision === modRevision &&
    cached.key === key &&
    cached.value === value &&
    cached.createRevision === createRevision &&
    cached.version === version &&
    cached.lease === lease
  ) {
    return cached;
  }
  const kv = makeKeyValue(key, value, createRevision, modRevision, version, lease);
  sharedKeyValues[slot] = kv;
  return kv;
}

export function tombstoneKeyValue(key: ByteString): KeyValue {
  return makeKeyValue(key, "", 0, 0, 0, 0);
}

export class StoreCore {
  /** The revision of the last committed write; 1 on an empty store. */
  currentRevision = 1;
  /** The last compaction revision; -1 before the first compaction. */
  compactRevision = -1;
  readonly index = new TreeIndex();
  commitListener: CommitListener | undefined;
  /** Shared by every lookup: the store is single-threaded and no lookup nests in another. */
  readonly scratch: KeyIndexLookup = newKeyIndexLookup();
  /** The transaction `begin` made last, reused once it has ended. */
  private spare: StoreTransaction | undefined;

  constructor(
    readonly backend: Backend,
    readonly leases: LeaseAttachments,
  ) {}

  /** A reader at the current revision, for reads outside write transactions. */
  readonly reader: RangeReader = new CurrentReader(this);

  /** Reads [key, end) as of `revision` for a reader at `readRevision` (etcd `rangeKeys`). */
  rangeKeys(key: ByteString, end: ByteString | undefined, readRevision: number, requested: number, limit: number, countOnly: boolean): Result<RangeResult> {
    if (requested > readRevision) return failure(etcdErrors.futureRevision);
    const revision = requested <= 0 ? readRevision : requested;
    if (revision < this.compactRevision) return failure(etcdErrors.compacted);
    if (end === undefined) return success(this.rangeOneKey(key, readRevision, revision, countOnly));
    if (countOnly) return success({ kvs: [], count: this.index.countRevisions(key, end, revision), revision: readRevision });
    const found = this.index.revisions(key, end, revision, limit);
    const kvs = new Array<KeyValue>(found.revisions.length);
    for (let position = 0; position < kvs.length; position++) {
      kvs[position] = this.backend.get(found.revisions[position] as number);
    }
    return success({ kvs, count: found.total, revision: readRevision });
  }

  private rangeOneKey(key: ByteString, readRevision: number, revision: number, countOnly: boolean): RangeResult {
    const found = this.index.get(key, revision, this.scratch);
    if (!found) return { kvs: [], count: 0, revision: readRevision };
    return { kvs: countOnly ? [] : [this.backend.get(this.scratch.modified)], count: 1, revision: readRevision };
  }

  /** The KeyValue of `key` as of `revision`, or undefined (absent, compacted or future). */
  keyValueAt(key: ByteString, revision: number): KeyValue | undefined {
    if (revision < this.compactRevision || revision > this.currentRevision || revision <= 0) return undefined;
    if (!this.index.get(key, revision, this.scratch)) return undefined;
    return this.backend.get(this.scratch.modified);
  }

  /**
   * A write transaction at the current revision. Every member applies every write in its own
   * transaction, so the last one, once ended, is reused (its `changes` read right after `end()`
   * stay valid until the next `begin`).
   */
  begin(): StoreTransaction {
    const spare = this.spare;
    if (spare !== undefined && spare.hasEnded) {
      spare.restart();
      return spare;
    }
    const transaction = new StoreTransaction(this);
    this.spare = transaction;
    return transaction;
  }

  /** Deletes the given keys in one transaction (the lessor's range deleter). */
  deleteKeys(keys: readonly ByteString[]): void {
    const transaction = this.begin();
    for (const key of keys) transaction.deleteRange(key, undefined);
    transaction.end();
  }

  commit(revision: number, changes: readonly KeyValue[]): void {
    if (revision !== this.currentRevision + 1) assertionFailed(`commit of revision ${revision} after ${this.currentRevision}`);
    this.currentRevision = revision;
    this.commitListener?.(revision, changes);
  }
}

class CurrentReader implements RangeReader {
  constructor(private readonly core: StoreCore) {}

  get readRevision(): number {
    return this.core.currentRevision;
  }

  get firstRevision(): number {
    return this.core.compactRevision;
  }

  range(key: ByteString, end: ByteString | undefined, revision: number, limit: number, countOnly: boolean): Result<RangeResult> {
    return this.core.rangeKeys(key, end, this.core.currentRevision, revision, limit, countOnly);
  }
}

export class StoreTransaction implements RangeReader {
  private begun: number;
  /** The changes so far: put KeyValues and tombstones, in sub-revision order. */
  readonly changes: KeyValue[] = [];
  private ended = false;

  constructor(private readonly core: StoreCore) {
    this.begun = core.currentRevision;
  }

  /** The current revision when the transaction began. */
  get beginRevision(): number {
    return this.begun;
  }

  get hasEnded(): boolean {
    return this.ended;
  }

  /** Begins again at the current revision (StoreCore.begin reuses an ended transaction). */
  restart(): void {
    assert(this.ended, "restart of a transaction in progress");
    this.begun = this.core.currentRevision;
    // pop() rather than `length = 0`, which V8 runs as a runtime call.
    while (this.changes.length > 0) this.changes.pop();
    this.ended = false;
  }

  /** The revision reads see: the begin revision, or the new one once something changed. */
  get readRevision(): number {
    return this.changes.length > 0 ? this.beginRevision + 1 : this.beginRevision;
  }

  /** The oldest readable revision (etcd `FirstRev`): the compact revision. */
  get firstRevision(): number {
    return this.core.compactRevision;
  }

  range(key: ByteString, end: ByteString | undefined, revision: number, limit: number, countOnly: boolean): Result<RangeResult> {
    return this.core.rangeKeys(key, end, this.readRevision, revision, limit, countOnly);
  }

  /** Writes a put; returns its main revision. */
  put(key: ByteString, value: ByteString, lease: number): number {
    assert(!this.ended, "put on an ended transaction");
    const core = this.core;
    const main = this.beginRevision + 1;
    let createRevision = main;
    let version = 1;
    let oldLease = 0;
    const keyIndex = core.index.keyIndex(key);
    if (keyIndex !== undefined && keyIndex.get(main, core.scratch)) {
      createRevision = mainOf(core.scratch.created);
      version = core.scratch.version + 1;
      oldLease = core.leases.leaseOf(key);
    }
    const revision = packRevision(main, this.changes.length);
    const kv = sharedKeyValue(key, value, createRevision, main, version, lease);
    core.backend.append(revision, kv);
    if (keyIndex === undefined) core.index.put(key, revision);
    else keyIndex.putRevision(revision);
    this.changes.push(kv);
    if (oldLease !== lease) {
      if (oldLease !== 0) core.leases.detach(oldLease, key);
      if (lease !== 0) core.leases.attach(lease, key);
    }
    return main;
  }

  /** Deletes the live keys of the range; returns how many and the revision to report. */
  deleteRange(key: ByteString, end: ByteString | undefined): { deleted: number; revision: number } {
    assert(!this.ended, "delete on an ended transaction");
    const keys = this.core.index.keys(key, end, this.readRevision);
    for (const liveKey of keys) this.deleteKey(liveKey);
    const changed = keys.length !== 0 || this.changes.length > 0;
    return { deleted: keys.length, revision: changed ? this.beginRevision + 1 : this.beginRevision };
  }

  private deleteKey(key: ByteString): void {
    const core = this.core;
    const revision = packRevision(this.beginRevision + 1, this.changes.length);
    const kv = tombstoneKeyValue(key);
    core.backend.append(revision, kv);
    if (!core.index.tombstone(key, revision)) assertionFailed(`failed to tombstone an existing key ${JSON.stringify(key)}`);
    this.changes.push(kv);
    const lease = core.leases.leaseOf(key);
    if (lease !== 0) core.leases.detach(lease, key);
  }

  /** Ends the transaction: commits a new revision when something changed. */
  end(): void {
    assert(!this.ended, "transaction ended twice");
    this.ended = true;
    if (this.changes.length > 0) this.core.commit(this.beginRevision + 1, this.changes);
  }
}
