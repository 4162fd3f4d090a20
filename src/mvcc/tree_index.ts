/**
 * treeIndex: the in-memory index from user key to keyIndex (etcd `server/storage/mvcc/index.go`),
 * a B+ tree (`sorted-btree`) ordered bytewise, for range scans, beside a hash map from key to the
 * same keyIndex, for the single-key lookups of every put and get.
 *
 * Range ends use etcd's internal convention: `undefined` is the single key (Go's nil), `""` means
 * no upper bound (Go's `[]byte{}`), anything else is the exclusive end. A range whose end is <= its
 * start is empty. Revisions are packed numbers (revision.ts).
 */
import sortedBtree from "sorted-btree";
import type { ByteString } from "./bytes.js";
import { assertionFailed } from "./errors.js";
import { KeyIndex, type KeyIndexLookup, newKeyIndexLookup } from "./key_index.js";

type BTreeClass = typeof sortedBtree.default;
type BTree<K, V> = InstanceType<typeof sortedBtree.default<K, V>>;
// Node loads the CommonJS package as its module.exports object, vitest as the class itself.
const loadedModule: unknown = sortedBtree;
const BTree: BTreeClass = (typeof loadedModule === "function" ? loadedModule : sortedBtree.default) as BTreeClass;

/** Greater than every byte string: the upper bound of an unbounded range. */
const aboveEveryKey = "\u0100";
const maxNodeSize = 64;

function compareKeys(left: ByteString, right: ByteString): number {
  if (left < right) return -1;
  return left > right ? 1 : 0;
}

export interface IndexRevisions {
  readonly revisions: number[];
  readonly total: number;
}

export class TreeIndex {
  private readonly tree: BTree<ByteString, KeyIndex> = new BTree<ByteString, KeyIndex>(undefined, compareKeys, maxNodeSize);
  private readonly byKey = new Map<ByteString, KeyIndex>();
  private readonly scratch: KeyIndexLookup = newKeyIndexLookup();

  /** Number of keyIndexes (live keys plus deleted keys not yet compacted away). */
  get size(): number {
    return this.byKey.size;
  }

  keyIndex(key: ByteString): KeyIndex | undefined {
    return this.byKey.get(key);
  }

  /** The state of `key` at atRevision into `out`; false when absent. */
  get(key: ByteString, atRevision: number, out: KeyIndexLookup): boolean {
    const keyIndex = this.byKey.get(key);
    return keyIndex !== undefined && keyIndex.get(atRevision, out);
  }

  /** Adds a packed revision to the key's keyIndex, creating it for a new key. */
  put(key: ByteString, revision: number): void {
    let keyIndex = this.byKey.get(key);
    if (keyIndex === undefined) {
      keyIndex = new KeyIndex(key);
      this.insert(keyIndex);
    }
    keyIndex.putRevision(revision);
  }

  /** False (ErrRevisionNotFound) when the key is unknown or already deleted. */
  tombstone(key: ByteString, revision: number): boolean {
    const keyIndex = this.byKey.get(key);
    if (keyIndex === undefined) return false;
    return keyIndex.tombstoneRevision(revision);
  }

  /** Calls `visit` for every keyIndex in [key, end) in key order (`end === ""`: no bound). */
  visit(key: ByteString, end: ByteString, visit: (keyIndex: KeyIndex) => void): void {
    if (end !== "" && key >= end) return;
    this.tree.forRange(key, end === "" ? aboveEveryKey : end, false, (_key, keyIndex) => {
      visit(keyIndex);
    });
  }

  /**
   * The packed revisions of the keys alive at atRevision in the range, at most `limit` (<= 0: all)
   * in key order, and the total number of such keys (not capped by the limit).
   */
  revisions(key: ByteString, end: ByteString | undefined, atRevision: number, limit: number): IndexRevisions {
    const scratch = this.scratch;
    if (end === undefined) {
      if (!this.get(key, atRevision, scratch)) return { revisions: [], total: 0 };
      return { revisions: [scratch.modified], total: 1 };
    }
    const revisions: number[] = [];
    let total = 0;
    this.visit(key, end, (keyIndex) => {
      if (!keyIndex.get(atRevision, scratch)) return;
      if (limit <= 0 || revisions.length < limit) revisions.push(scratch.modified);
      total++;
    });
    return { revisions, total };
  }

  countRevisions(key: ByteString, end: ByteString | undefined, atRevision: number): number {
    const scratch = this.scratch;
    if (end === undefined) return this.get(key, atRevision, scratch) ? 1 : 0;
    let total = 0;
    this.visit(key, end, (keyIndex) => {
      if (keyIndex.get(atRevision, scratch)) total++;
    });
    return total;
  }

  /** The keys alive at atRevision in the range, in key order. */
  keys(key: ByteString, end: ByteString | undefined, atRevision: number): ByteString[] {
    const scratch = this.scratch;
    if (end === undefined) return this.get(key, atRevision, scratch) ? [key] : [];
    const keys: ByteString[] = [];
    this.visit(key, end, (keyIndex) => {
      if (keyIndex.get(atRevision, scratch)) keys.push(keyIndex.key);
    });
    return keys;
  }

  /** Compacts every keyIndex at revision, removes the emptied ones, returns the revisions kept. */
  compact(revision: number): Set<number> {
    const available = new Set<number>();
    this.tree.editAll((key, keyIndex) => {
      keyIndex.compact(revision, available);
      if (!keyIndex.isEmpty()) return undefined;
      this.byKey.delete(key);
      return { delete: true };
    });
    return available;
  }

  /** The revisions a compaction at revision would keep (tombstones exactly at revision left out). */
  keep(revision: number): Set<number> {
    const available = new Set<number>();
    this.tree.forEachPair((_key, keyIndex) => {
      keyIndex.keep(revision, available);
    });
    return available;
  }

  /** Adds a keyIndex rebuilt by a restore. */
  insert(keyIndex: KeyIndex): void {
    if (this.byKey.has(keyIndex.key)) assertionFailed(`insert of an existing keyIndex ${JSON.stringify(keyIndex.key)}`);
    this.byKey.set(keyIndex.key, keyIndex);
    this.tree.set(keyIndex.key, keyIndex);
  }

  clear(): void {
    this.byKey.clear();
    this.tree.clear();
  }
}
