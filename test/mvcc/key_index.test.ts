import { describe, expect, test } from "vitest";
import { formatRevision, KeyIndex, newKeyIndexLookup, packRevision, TreeIndex, unpackRevision } from "../../src/mvcc/index.js";

/** The keyIndex of etcd's newTestKeyIndex: put 2, 4, del 6, put 8, 10, del 12, put 14, 15.1, del 16. */
function newTestKeyIndex(): KeyIndex {
  const keyIndex = new KeyIndex("foo");
  keyIndex.put(2, 0);
  keyIndex.put(4, 0);
  keyIndex.tombstone(6, 0);
  keyIndex.put(8, 0);
  keyIndex.put(10, 0);
  keyIndex.tombstone(12, 0);
  keyIndex.put(14, 0);
  keyIndex.put(15, 1);
  keyIndex.tombstone(16, 0);
  return keyIndex;
}

/** Generations as `created ver [revs]` strings, e.g. "2.0 3 [2.0 4.0 6.0]". */
function generations(keyIndex: KeyIndex): string[] {
  return keyIndex.generations.map((generation) =>
    generation.isEmpty() ? "{}" : `${formatRevision(generation.created)} ${generation.version} [${generation.revisions.map(formatRevision).join(" ")}]`,
  );
}

function revisions(set: Set<number>): string[] {
  return [...set].sort((left, right) => left - right).map(formatRevision);
}

describe("keyIndex (etcd key_index_test.go)", () => {
  test("doc comment example: put(1.0) put(2.0) tombstone(3.0) put(4.0) tombstone(5.0)", () => {
    const keyIndex = new KeyIndex("foo");
    keyIndex.put(1, 0);
    keyIndex.put(2, 0);
    keyIndex.tombstone(3, 0);
    keyIndex.put(4, 0);
    keyIndex.tombstone(5, 0);
    expect(generations(keyIndex)).toEqual(["1.0 3 [1.0 2.0 3.0]", "4.0 2 [4.0 5.0]", "{}"]);
    const lookup = newKeyIndexLookup();
    expect(keyIndex.get(2, lookup) && [formatRevision(lookup.modified), formatRevision(lookup.created), lookup.version]).toEqual(["2.0", "1.0", 2]);
    expect(keyIndex.get(4, lookup) && [formatRevision(lookup.modified), formatRevision(lookup.created), lookup.version]).toEqual(["4.0", "4.0", 1]);
    expect([keyIndex.get(3, lookup), keyIndex.get(5, lookup)]).toEqual([false, false]);
    keyIndex.compact(2, new Set());
    expect(generations(keyIndex)).toEqual(["1.0 3 [2.0 3.0]", "4.0 2 [4.0 5.0]", "{}"]);
    keyIndex.compact(4, new Set());
    expect(generations(keyIndex)).toEqual(["4.0 2 [4.0 5.0]", "{}"]);
    keyIndex.compact(5, new Set());
    expect(generations(keyIndex)).toEqual(["4.0 2 [5.0]", "{}"]);
    keyIndex.compact(6, new Set());
    expect(generations(keyIndex)).toEqual(["{}"]);
    expect(keyIndex.isEmpty()).toBe(true);
  });

  test("TestKeyIndexPut and TestKeyIndexRestore", () => {
    const keyIndex = new KeyIndex("foo");
    keyIndex.put(5, 0);
    expect(generations(keyIndex)).toEqual(["5.0 1 [5.0]"]);
    keyIndex.put(7, 0);
    expect(generations(keyIndex)).toEqual(["5.0 2 [5.0 7.0]"]);
    expect(keyIndex.modified).toBe(packRevision(7, 0));
    const restored = new KeyIndex("foo");
    restored.restore(packRevision(5, 0), packRevision(7, 0), 2);
    expect(generations(restored)).toEqual(["5.0 2 [7.0]"]);
  });

  test("revisions pack main and sub into one ordered number", () => {
    expect(unpackRevision(packRevision(15, 1))).toEqual({ main: 15, sub: 1 });
    expect(packRevision(15, 1)).toBeLessThan(packRevision(16, 0));
    expect(() => packRevision(-1, 0)).toThrow("assertion failed: main revision -1 out of bounds");
  });

  test("put with a revision not above the last one is a bug", () => {
    const keyIndex = new KeyIndex("foo");
    keyIndex.put(5, 0);
    expect(() => keyIndex.put(5, 0)).toThrow("assertion failed: 'put' with an unexpected smaller revision");
  });

  test("TestKeyIndexTombstone: the generation version counts the tombstone", () => {
    const keyIndex = new KeyIndex("foo");
    keyIndex.put(5, 0);
    expect(keyIndex.tombstone(7, 0)).toBe(true);
    expect(generations(keyIndex)).toEqual(["5.0 2 [5.0 7.0]", "{}"]);
    keyIndex.put(8, 0);
    keyIndex.put(9, 0);
    expect(keyIndex.tombstone(15, 0)).toBe(true);
    expect(generations(keyIndex)).toEqual(["5.0 2 [5.0 7.0]", "8.0 3 [8.0 9.0 15.0]", "{}"]);
    expect(keyIndex.tombstone(16, 0)).toBe(false);
  });

  test("TestRestoreTombstone", () => {
    const keyIndex = new KeyIndex("foo");
    keyIndex.restoreTombstone(16, 0);
    const lookup = newKeyIndexLookup();
    for (let revision = 16; revision <= 20; revision++) expect(keyIndex.get(revision, lookup)).toBe(false);
    const available = new Set<number>();
    keyIndex.keep(15, available);
    keyIndex.compact(16, available);
    expect(revisions(available)).toEqual(["16.0"]);
    keyIndex.put(17, 0);
    keyIndex.put(18, 0);
    expect(keyIndex.since(16).map(formatRevision)).toEqual(["16.0", "17.0", "18.0"]);
    keyIndex.compact(17, new Set());
    expect(generations(keyIndex)).toEqual(["17.0 2 [17.0 18.0]"]);
  });

  test("§9.2 #23 TestKeyIndexGet after compact(4)", () => {
    const keyIndex = newTestKeyIndex();
    keyIndex.compact(4, new Set());
    const cases: Array<[number, string | undefined, string | undefined, number]> = [
      [17, undefined, undefined, 0],
      [16, undefined, undefined, 0],
      [15, "15.1", "14.0", 2],
      [14, "14.0", "14.0", 1],
      [13, undefined, undefined, 0],
      [12, undefined, undefined, 0],
      [11, "10.0", "8.0", 2],
      [10, "10.0", "8.0", 2],
      [9, "8.0", "8.0", 1],
      [8, "8.0", "8.0", 1],
      [7, undefined, undefined, 0],
      [6, undefined, undefined, 0],
      [5, "4.0", "2.0", 2],
      [4, "4.0", "2.0", 2],
      [3, undefined, undefined, 0],
      [2, undefined, undefined, 0],
      [1, undefined, undefined, 0],
      [0, undefined, undefined, 0],
    ];
    for (const [revision, modified, created, version] of cases) {
      const lookup = newKeyIndexLookup();
      const found = keyIndex.get(revision, lookup);
      expect({ revision, found }).toEqual({ revision, found: modified !== undefined });
      if (found) expect({ revision, modified: formatRevision(lookup.modified), created: formatRevision(lookup.created), version: lookup.version }).toEqual({ revision, modified, created, version });
    }
  });

  test("TestKeyIndexSince after compact(4)", () => {
    const keyIndex = newTestKeyIndex();
    keyIndex.compact(4, new Set());
    const all = ["4.0", "6.0", "8.0", "10.0", "12.0", "14.0", "15.1", "16.0"];
    const expected: Array<[number, string[]]> = [
      [17, []],
      [16, all.slice(7)],
      [15, all.slice(6)],
      [14, all.slice(5)],
      [13, all.slice(5)],
      [12, all.slice(4)],
      [11, all.slice(4)],
      [10, all.slice(3)],
      [9, all.slice(3)],
      [8, all.slice(2)],
      [7, all.slice(2)],
      [6, all.slice(1)],
      [5, all.slice(1)],
      [4, all],
      [3, all],
      [0, all],
    ];
    for (const [revision, want] of expected) expect({ revision, since: keyIndex.since(revision).map(formatRevision) }).toEqual({ revision, since: want });
  });

  test("since keeps only the largest sub revision of one main revision", () => {
    const keyIndex = new KeyIndex("foo");
    keyIndex.put(2, 0);
    keyIndex.put(2, 1);
    keyIndex.put(3, 0);
    expect(keyIndex.since(1).map(formatRevision)).toEqual(["2.1", "3.0"]);
  });

  const compactAndKeep: Array<[number, string[], string[]]> = [
    [1, ["2.0 3 [2.0 4.0 6.0]", "8.0 3 [8.0 10.0 12.0]", "14.0 3 [14.0 15.1 16.0]", "{}"], []],
    [2, ["2.0 3 [2.0 4.0 6.0]", "8.0 3 [8.0 10.0 12.0]", "14.0 3 [14.0 15.1 16.0]", "{}"], ["2.0"]],
    [3, ["2.0 3 [2.0 4.0 6.0]", "8.0 3 [8.0 10.0 12.0]", "14.0 3 [14.0 15.1 16.0]", "{}"], ["2.0"]],
    [4, ["2.0 3 [4.0 6.0]", "8.0 3 [8.0 10.0 12.0]", "14.0 3 [14.0 15.1 16.0]", "{}"], ["4.0"]],
    [5, ["2.0 3 [4.0 6.0]", "8.0 3 [8.0 10.0 12.0]", "14.0 3 [14.0 15.1 16.0]", "{}"], ["4.0"]],
    [6, ["2.0 3 [6.0]", "8.0 3 [8.0 10.0 12.0]", "14.0 3 [14.0 15.1 16.0]", "{}"], ["6.0"]],
    [7, ["8.0 3 [8.0 10.0 12.0]", "14.0 3 [14.0 15.1 16.0]", "{}"], []],
    [8, ["8.0 3 [8.0 10.0 12.0]", "14.0 3 [14.0 15.1 16.0]", "{}"], ["8.0"]],
    [9, ["8.0 3 [8.0 10.0 12.0]", "14.0 3 [14.0 15.1 16.0]", "{}"], ["8.0"]],
    [10, ["8.0 3 [10.0 12.0]", "14.0 3 [14.0 15.1 16.0]", "{}"], ["10.0"]],
    [11, ["8.0 3 [10.0 12.0]", "14.0 3 [14.0 15.1 16.0]", "{}"], ["10.0"]],
    [12, ["8.0 3 [12.0]", "14.0 3 [14.0 15.1 16.0]", "{}"], ["12.0"]],
    [13, ["14.0 3 [14.0 15.1 16.0]", "{}"], []],
    [14, ["14.0 3 [14.0 15.1 16.0]", "{}"], ["14.0"]],
    [15, ["14.0 3 [15.1 16.0]", "{}"], ["15.1"]],
    [16, ["14.0 3 [16.0]", "{}"], ["16.0"]],
    [17, ["{}"], []],
  ];
  const tombstones = new Set([6, 12, 16]);

  test("§9.2 #24 TestKeyIndexCompactAndKeep: continuous compaction", () => {
    const keyIndex = newTestKeyIndex();
    for (const [revision, wantGenerations, wantAvailable] of compactAndKeep) {
      const before = generations(keyIndex);
      const kept = new Set<number>();
      keyIndex.keep(revision, kept);
      expect(generations(keyIndex)).toEqual(before);
      expect({ revision, kept: revisions(kept) }).toEqual({ revision, kept: tombstones.has(revision) ? [] : wantAvailable });
      const available = new Set<number>();
      keyIndex.compact(revision, available);
      expect({ revision, generations: generations(keyIndex), available: revisions(available) }).toEqual({ revision, generations: wantGenerations, available: wantAvailable });
    }
  });

  test("§9.2 #24 TestKeyIndexCompactAndKeep: each compaction on a fresh keyIndex", () => {
    for (const [revision, wantGenerations, wantAvailable] of compactAndKeep) {
      const keyIndex = newTestKeyIndex();
      const available = new Set<number>();
      keyIndex.compact(revision, available);
      expect({ revision, generations: generations(keyIndex), available: revisions(available) }).toEqual({ revision, generations: wantGenerations, available: wantAvailable });
    }
  });

  test("a key deleted and re-created in one revision keeps its live put when compacted at that revision", () => {
    const keyIndex = new KeyIndex("e");
    keyIndex.put(2, 0);
    keyIndex.tombstone(3, 1);
    keyIndex.put(3, 2);
    const available = new Set<number>();
    keyIndex.compact(3, available);
    expect(revisions(available)).toEqual(["3.2"]);
    expect(generations(keyIndex)).toEqual(["3.2 1 [3.2]"]);
    const lookup = newKeyIndexLookup();
    expect(keyIndex.get(3, lookup)).toBe(true);
    expect(formatRevision(lookup.modified)).toBe("3.2");
  });

  test("TestKeyIndexFindGeneration", () => {
    const keyIndex = newTestKeyIndex();
    const generationOf = (revision: number): number => {
      const found = keyIndex.findGeneration(revision);
      return found === undefined ? -1 : keyIndex.generations.indexOf(found);
    };
    const expected: Array<[number, number]> = [
      [0, -1], [1, -1], [2, 0], [3, 0], [4, 0], [5, 0], [6, -1], [7, -1], [8, 1], [9, 1], [10, 1], [11, 1], [12, -1], [13, -1],
    ];
    for (const [revision, generation] of expected) expect({ revision, generation: generationOf(revision) }).toEqual({ revision, generation });
  });
});

describe("treeIndex", () => {
  test("revisions, counts and keys over ranges at a revision", () => {
    const index = new TreeIndex();
    index.put("a", packRevision(2, 0));
    index.put("b", packRevision(3, 0));
    index.put("c", packRevision(4, 0));
    expect(index.tombstone("b", packRevision(5, 0))).toBe(true);
    expect(index.tombstone("b", packRevision(6, 0))).toBe(false);
    expect(index.tombstone("zz", packRevision(6, 0))).toBe(false);
    expect(index.keys("a", "", 5)).toEqual(["a", "c"]);
    expect(index.keys("a", "", 4)).toEqual(["a", "b", "c"]);
    expect(index.keys("a", "c", 4)).toEqual(["a", "b"]);
    expect(index.keys("c", "a", 4)).toEqual([]);
    expect(index.keys("b", undefined, 3)).toEqual(["b"]);
    const limited = index.revisions("a", "", 4, 2);
    expect({ revisions: limited.revisions.map(formatRevision), total: limited.total }).toEqual({ revisions: ["2.0", "3.0"], total: 3 });
    expect(index.countRevisions("a", "", 5)).toBe(2);
    const kept = index.compact(5);
    expect(revisions(kept)).toEqual(["2.0", "4.0", "5.0"]);
    expect(index.size).toBe(3);
    index.compact(6);
    expect(index.size).toBe(2);
  });
});
