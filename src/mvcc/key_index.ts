/**
 * keyIndex: the revisions of one key, grouped in generations (etcd `server/storage/mvcc/key_index.go`).
 *
 * A generation is one life of the key: from the put that creates it to the tombstone that deletes
 * it. Every keyIndex has at least one generation; the last one is the current life and is empty
 * while the key is deleted. A tombstone is appended to the current generation, which ends it, and a
 * new empty generation is opened. Revisions are packed numbers (revision.ts), written `main.sub`.
 *
 * Worked example: put(1.0); put(2.0); tombstone(3.0); put(4.0); tombstone(5.0) on key "foo" gives
 *
 *     modified: 5.0
 *     generations:
 *       {empty}                  <- current generation: the key does not exist now
 *       {4.0, 5.0(t)}            created 4.0, ver 2
 *       {1.0, 2.0, 3.0(t)}       created 1.0, ver 3 (ver counts the tombstone too)
 *
 * `get(atRevision)` finds the generation alive at atRevision and its newest revision <= atRevision;
 * the version a client sees is `ver - (len(revs) - n - 1)` for the n-th revision, which stays right
 * after compaction has dropped older revisions. get(2) = {mod 2.0, created 1.0, version 2}; get(3)
 * and get(5) find nothing (deleted); get(4) = {mod 4.0, created 4.0, version 1}.
 *
 * Compaction at C removes the revisions <= C except the largest one of the generation alive at C;
 * a generation whose tombstone is < C disappears, one whose tombstone is exactly C keeps it (so a
 * watcher from C still sees the DELETE); when only the empty generation is left, the keyIndex is
 * removed. On the example above:
 *
 *     compact(2): {empty} {4.0, 5.0(t)} {2.0, 3.0(t)}
 *     compact(4): {empty} {4.0, 5.0(t)}
 *     compact(5): {empty} {5.0(t)}
 *     compact(6): {empty}                      -> the keyIndex is removed
 *
 * The revisions kept (the largest <= C of each key) go to the `available` set; the backend deletes
 * every other revision <= C.
 */
import type { ByteString } from "./bytes.js";
import { assert, assertionFailed } from "./errors.js";
import { formatRevision, mainOf, packRevision, subRevisionLimit } from "./revision.js";

/** One life of a key. */
export class Generation {
  constructor(
    /** Revisions put into this generation, the tombstone included (etcd `ver`). Never shown to clients. */
    public version = 0,
    /** The revision that created the generation; 0 when unknown (restored from a lone tombstone). */
    public created = 0,
    /** Packed revisions, ascending. */
    public revisions: number[] = [],
  ) {}

  isEmpty(): boolean {
    return this.revisions.length === 0;
  }

  /** Index of the last revision whose main is <= atRevision, or -1 (binary search). */
  findRevisionIndex(atRevision: number): number {
    const bound = (atRevision + 1) * subRevisionLimit;
    let low = 0;
    let high = this.revisions.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if ((this.revisions[middle] as number) < bound) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  lastRevision(): number {
    const last = this.revisions[this.revisions.length - 1];
    assert(last !== undefined, "lastRevision of an empty generation");
    return last;
  }
}

/** What `get` finds: packed modified and created revisions, and the client-visible version. */
export interface KeyIndexLookup {
  modified: number;
  created: number;
  version: number;
}

export function newKeyIndexLookup(): KeyIndexLookup {
  return { modified: 0, created: 0, version: 0 };
}

interface CompactPosition {
  readonly generationIndex: number;
  readonly revisionIndex: number;
}

export class KeyIndex {
  /** The packed revision of the last change (0 before the first). */
  modified = 0;
  generations: Generation[] = [];

  constructor(readonly key: ByteString) {}

  put(main: number, sub: number): void {
    this.putRevision(packRevision(main, sub));
  }

  /** `put` with a packed revision. */
  putRevision(revision: number): void {
    if (revision <= this.modified) assertionFailed(`'put' with an unexpected smaller revision ${formatRevision(revision)} on ${JSON.stringify(this.key)}`);
    if (this.generations.length === 0) this.generations.push(new Generation());
    const generation = this.generations[this.generations.length - 1] as Generation;
    if (generation.revisions.length === 0) generation.created = revision;
    generation.revisions.push(revision);
    generation.version++;
    this.modified = revision;
  }

  /** Rebuilds the first generation from a stored put (snapshot restore). */
  restore(created: number, modified: number, version: number): void {
    assert(this.generations.length === 0, "'restore' got an unexpected non-empty generations");
    this.modified = modified;
    this.generations.push(new Generation(version, created, [modified]));
  }

  /** Rebuilds a key whose only stored revision is a tombstone (its creation was compacted). */
  restoreTombstone(main: number, sub: number): void {
    this.restore(0, packRevision(main, sub), 1);
    this.generations.push(new Generation());
  }

  /** Ends the current generation; false (etcd `ErrRevisionNotFound`) when the key is already deleted. */
  tombstone(main: number, sub: number): boolean {
    return this.tombstoneRevision(packRevision(main, sub));
  }

  /** `tombstone` with a packed revision. */
  tombstoneRevision(revision: number): boolean {
    if (this.isEmpty()) assertionFailed(`'tombstone' got an unexpected empty keyIndex ${JSON.stringify(this.key)}`);
    if ((this.generations[this.generations.length - 1] as Generation).isEmpty()) return false;
    this.putRevision(revision);
    this.generations.push(new Generation());
    return true;
  }

  /** Fills `out` with the state at atRevision; false when the key does not exist at atRevision. */
  get(atRevision: number, out: KeyIndexLookup): boolean {
    const current = this.generations[this.generations.length - 1];
    if (current !== undefined && current.revisions.length > 0 && mainOf(this.modified) <= atRevision) {
      // The common case (every put, every read of the latest state): the key is alive and
      // atRevision is at or after its last change, which is the answer.
      out.modified = this.modified;
      out.created = current.created;
      out.version = current.version;
      return true;
    }
    if (this.isEmpty()) assertionFailed(`'get' got an unexpected empty keyIndex ${JSON.stringify(this.key)}`);
    const generation = this.findGeneration(atRevision);
    if (generation === undefined || generation.isEmpty()) return false;
    const index = generation.findRevisionIndex(atRevision);
    if (index === -1) return false;
    out.modified = generation.revisions[index] as number;
    out.created = generation.created;
    out.version = generation.version - (generation.revisions.length - index - 1);
    return true;
  }

  /**
   * The revisions >= revision (main revision, sub 0) across generations; of several revisions with the same
   * main, only the one with the largest sub.
   */
  since(revision: number): number[] {
    if (this.isEmpty()) assertionFailed(`'since' got an unexpected empty keyIndex ${JSON.stringify(this.key)}`);
    const since = packRevision(Math.max(revision, 0), 0);
    let generationIndex = this.generations.length - 1;
    for (; generationIndex > 0; generationIndex--) {
      const generation = this.generations[generationIndex] as Generation;
      if (generation.isEmpty()) continue;
      if (since > generation.created) break;
    }
    const revisions: number[] = [];
    let lastMain = 0;
    for (; generationIndex < this.generations.length; generationIndex++) {
      for (const candidate of (this.generations[generationIndex] as Generation).revisions) {
        if (since > candidate) continue;
        if (mainOf(candidate) === lastMain) {
          revisions[revisions.length - 1] = candidate;
          continue;
        }
        revisions.push(candidate);
        lastMain = mainOf(candidate);
      }
    }
    return revisions;
  }

  /** Removes the revisions <= atRevision except the largest one; adds the kept one to `available`. */
  compact(atRevision: number, available: Set<number>): void {
    if (this.isEmpty()) assertionFailed(`'compact' got an unexpected empty keyIndex ${JSON.stringify(this.key)}`);
    const { generationIndex, revisionIndex } = this.doCompact(atRevision, available);
    const generation = this.generations[generationIndex] as Generation;
    if (!generation.isEmpty() && revisionIndex > 0) {
      generation.revisions = generation.revisions.slice(revisionIndex);
    }
    if (generationIndex > 0) this.generations = this.generations.slice(generationIndex);
  }

  /**
   * Adds to `available` the revision `compact(atRevision)` would keep, except a tombstone exactly at
   * atRevision (etcd skips it so that hashes agree with older versions).
   */
  keep(atRevision: number, available: Set<number>): void {
    if (this.isEmpty()) return;
    const { generationIndex, revisionIndex } = this.doCompact(atRevision, available);
    const generation = this.generations[generationIndex] as Generation;
    if (generation.isEmpty()) return;
    if (revisionIndex === generation.revisions.length - 1 && generationIndex !== this.generations.length - 1) {
      available.delete(generation.revisions[revisionIndex] as number);
    }
  }

  /**
   * Finds the generation a compaction at atRevision keeps: the first whose tombstone is >= atRevision, as in
   * etcd, except one that a later generation re-created in the same revision <= atRevision (a delete and
   * a put of the key in one transaction, which the API forbids but the MVCC layer allows): etcd
   * would keep that tombstone and drop the live put; here the live generation is kept.
   */
  private doCompact(atRevision: number, available: Set<number>): CompactPosition {
    let generationIndex = 0;
    let generation = this.generations[0] as Generation;
    while (generationIndex < this.generations.length - 1) {
      const next = this.generations[generationIndex + 1] as Generation;
      const recreatedByAtRev = !next.isEmpty() && mainOf(next.revisions[0] as number) <= atRevision;
      if (mainOf(generation.lastRevision()) >= atRevision && !recreatedByAtRev) break;
      generationIndex++;
      generation = next;
    }
    const revisionIndex = generation.findRevisionIndex(atRevision);
    if (revisionIndex !== -1) available.add(generation.revisions[revisionIndex] as number);
    return { generationIndex, revisionIndex };
  }

  isEmpty(): boolean {
    return this.generations.length === 1 && (this.generations[0] as Generation).isEmpty();
  }

  /** The generation alive at revision, or undefined when revision falls between two generations. */
  findGeneration(revision: number): Generation | undefined {
    const lastIndex = this.generations.length - 1;
    for (let index = lastIndex; index >= 0; index--) {
      const generation = this.generations[index] as Generation;
      if (generation.revisions.length === 0) continue;
      if (index !== lastIndex && mainOf(generation.lastRevision()) <= revision) return undefined;
      if (mainOf(generation.revisions[0] as number) <= revision) return generation;
    }
    return undefined;
  }
}
