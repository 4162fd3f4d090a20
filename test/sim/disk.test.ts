/**
 * The simulated disk: literal cases for the rules a crash depends on (an fsync makes durable exactly
 * the writes issued before it, fsyncs complete in order, a crash keeps only durable data, a log cut
 * below its durable length keeps its durable content), then a model-based test (fast-check
 * `commands` + `modelRun`) of random interleavings of writes, reads, fsyncs and crashes against a
 * naive reference disk that keeps a separate durable copy of everything and replays each write.
 * Seed fixed; `ETCDLAB_PROPERTY_RUNS` raises the number of runs.
 */
import fc from "fast-check";
import { describe, expect, it, test } from "vitest";
import { Disk } from "../../src/sim/disk.js";
import { integerFromEnvironment } from "../property-knobs.js";

/** A disk with `items` appended to "wal" and made durable. */
function durableLog(items: readonly string[]): Disk {
  const disk = new Disk();
  disk.append("wal", items);
  disk.beginFsync();
  disk.completeFsync();
  return disk;
}

describe("Disk", () => {
  it("makes durable exactly the writes issued before an fsync, fsync by fsync in issue order", () => {
    const disk = new Disk();
    disk.append("wal", ["a"]);
    disk.set("state", { term: 1 });
    expect(disk.beginFsync()).toBe(1);
    disk.append("wal", ["b"]);
    expect(disk.beginFsync()).toBe(2);
    disk.append("wal", ["c"]);
    expect([disk.readList("wal"), disk.readDurable("wal"), disk.pendingWrites]).toEqual([["a", "b", "c"], undefined, 4]);
    disk.completeFsync();
    expect([disk.readDurable("wal"), disk.readDurable("state"), disk.pendingWrites, disk.fsyncsCompleted]).toEqual([["a"], { term: 1 }, 2, 1]);
    disk.completeFsync();
    expect([disk.readDurable("wal"), disk.pendingWrites, disk.fsyncsCompleted]).toEqual([["a", "b"], 1, 2]);
    disk.crash();
    expect([disk.readList("wal"), disk.read("state"), disk.pendingWrites]).toEqual([["a", "b"], { term: 1 }, 0]);
  });

  it("keeps a log's durable content when it is cut below its durable length, until an fsync covers the cut", () => {
    const disk = durableLog(["a", "b", "c"]);
    disk.truncate("wal", 1);
    disk.append("wal", ["x"]);
    expect([disk.readList("wal"), disk.readDurable("wal")]).toEqual([["a", "x"], ["a", "b", "c"]]);
    disk.crash();
    expect(disk.readList("wal")).toEqual(["a", "b", "c"]);
    disk.truncate("wal", 2);
    disk.beginFsync();
    disk.append("wal", ["y"]);
    disk.completeFsync();
    expect([disk.readList("wal"), disk.readDurable("wal")]).toEqual([["a", "b", "y"], ["a", "b"]]);
    disk.crash();
    expect(disk.readList("wal")).toEqual(["a", "b"]);
  });

  it("keeps a pending append's items when a later truncate cuts them and only the append is made durable", () => {
    const disk = new Disk();
    disk.append("wal", ["a", "b"]);
    disk.beginFsync();
    disk.truncate("wal", 1);
    disk.append("wal", ["x", "y"]);
    disk.completeFsync();
    expect([disk.readList("wal"), disk.readDurable("wal")]).toEqual([["a", "x", "y"], ["a", "b"]]);
    disk.crash();
    expect(disk.readList("wal")).toEqual(["a", "b"]);
  });

  it("loses a list replaced by set([]) on a crash before an fsync, and not after one", () => {
    const disk = durableLog(["a", "b"]);
    disk.set("wal", []);
    expect([disk.readList("wal"), disk.readDurable("wal")]).toEqual([[], ["a", "b"]]);
    disk.crash();
    expect(disk.readList("wal")).toEqual(["a", "b"]);
    disk.set("wal", []);
    disk.beginFsync();
    disk.completeFsync();
    disk.crash();
    expect([disk.readList("wal"), disk.files()]).toEqual([[], ["wal"]]);
  });

  it("keeps no reference to the lists it is given, and hands out a copy of durable data", () => {
    const disk = new Disk();
    const items = ["a", "b"];
    const value = ["s"];
    disk.append("wal", items);
    disk.set("list", value);
    items.push("changed after append");
    value.push("changed after set");
    disk.beginFsync();
    disk.completeFsync();
    const durable = disk.readDurable("wal") as string[];
    durable.push("changed by the reader");
    expect([disk.readList("wal"), disk.readDurable("wal"), disk.read("list"), disk.readDurable("list")]).toEqual([["a", "b"], ["a", "b"], ["s"], ["s"]]);
  });

  it("lists the files the process sees, sorted, and reads a missing or non-list file as no items", () => {
    const disk = durableLog(["a"]);
    disk.set("state", 3);
    disk.set("snapshot", "s");
    disk.remove("wal");
    expect([disk.files(), disk.read("wal"), disk.readList("wal"), disk.readList("state"), disk.readDurable("wal")]).toEqual([["snapshot", "state"], undefined, [], [], ["a"]]);
    disk.crash();
    expect([disk.files(), disk.readList("wal"), disk.read("state")]).toEqual([["wal"], ["a"], undefined]);
  });

  it("refuses an fsync completion with no fsync in flight, including one a crash cancelled", () => {
    const disk = new Disk();
    expect(() => disk.completeFsync()).toThrow("assertion failed: fsync completion without an fsync in flight");
    disk.set("state", 1);
    disk.beginFsync();
    disk.crash();
    expect(() => disk.completeFsync()).toThrow("assertion failed: fsync completion without an fsync in flight");
    expect([disk.files(), disk.fsyncsCompleted]).toEqual([[], 0]);
  });

  it("compacts its queue of outstanding fsyncs while it never drains", () => {
    const disk = new Disk();
    disk.append("wal", [0]);
    disk.beginFsync();
    for (let index = 1; index <= 200; index++) {
      disk.append("wal", [index]);
      disk.beginFsync();
      disk.completeFsync();
      expect((disk.readDurable("wal") as number[]).length).toBe(index);
    }
    expect([disk.pendingWrites, disk.fsyncsCompleted]).toEqual([1, 200]);
  });
});

// ---- Model-based test ----------------------------------------------------------------------------

type ReferenceOperation =
  | { readonly kind: "set"; readonly file: string; readonly value: unknown }
  | { readonly kind: "append"; readonly file: string; readonly items: readonly unknown[] }
  | { readonly kind: "truncate"; readonly file: string; readonly length: number }
  | { readonly kind: "remove"; readonly file: string };

/** The straightforward disk: a durable map, a page-cache map, and every write replayed on both. */
class ReferenceDisk {
  readonly durable = new Map<string, unknown>();
  readonly current = new Map<string, unknown>();
  pending: ReferenceOperation[] = [];
  readonly fsyncCovers: number[] = [];
  fsyncsCompleted = 0;

  write(operation: ReferenceOperation): void {
    if (operation.kind === "append" && operation.items.length === 0) return;
    apply(this.current, operation);
    this.pending.push(operation);
  }

  beginFsync(): void {
    this.fsyncCovers.push(this.pending.length);
  }

  completeFsync(): void {
    const covers = this.fsyncCovers.shift() as number;
    for (const operation of this.pending.slice(0, covers)) apply(this.durable, operation);
    this.pending = this.pending.slice(covers);
    for (let index = 0; index < this.fsyncCovers.length; index++) this.fsyncCovers[index] = (this.fsyncCovers[index] as number) - covers;
    this.fsyncsCompleted++;
  }

  crash(): void {
    this.pending = [];
    this.fsyncCovers.length = 0;
    this.current.clear();
    for (const [file, value] of this.durable) this.current.set(file, Array.isArray(value) ? value.slice() : value);
  }
}

function apply(target: Map<string, unknown>, operation: ReferenceOperation): void {
  const list = target.get(operation.file);
  switch (operation.kind) {
    case "set":
      target.set(operation.file, Array.isArray(operation.value) ? operation.value.slice() : operation.value);
      return;
    case "append":
      target.set(operation.file, Array.isArray(list) ? [...list, ...operation.items] : operation.items.slice());
      return;
    case "truncate":
      if (Array.isArray(list)) target.set(operation.file, list.slice(0, operation.length));
      return;
    case "remove":
      target.delete(operation.file);
      return;
  }
}

const FILES = ["hardstate", "snapshot", "wal"] as const;

interface Real {
  readonly disk: Disk;
  /** Items are numbered in append order, so that a wrong item or a wrong order shows. */
  nextItem: number;
  /** Fsync tokens count every fsync begun, including those a crash cancelled. */
  fsyncsBegun: number;
}

/** Everything a caller can observe of the disk. */
function observe(disk: Disk | ReferenceDisk): unknown {
  if (disk instanceof ReferenceDisk) {
    return {
      files: [...disk.current.keys()].sort(),
      current: FILES.map((file) => [disk.current.get(file), disk.current.has(file)]),
      lists: FILES.map((file) => {
        const value = disk.current.get(file);
        return Array.isArray(value) ? value : [];
      }),
      durable: FILES.map((file) => disk.durable.get(file)),
      pendingWrites: disk.pending.length,
      fsyncsCompleted: disk.fsyncsCompleted,
    };
  }
  const files = disk.files();
  return {
    files,
    current: FILES.map((file) => [disk.read(file), files.includes(file)]),
    lists: FILES.map((file) => disk.readList(file)),
    durable: FILES.map((file) => disk.readDurable(file)),
    pendingWrites: disk.pendingWrites,
    fsyncsCompleted: disk.fsyncsCompleted,
  };
}

class WriteCommand implements fc.Command<ReferenceDisk, Real> {
  constructor(readonly operation: ReferenceOperation | { readonly kind: "append-count"; readonly file: string; readonly count: number }) {}
  check(): boolean {
    return true;
  }
  run(model: ReferenceDisk, real: Real): void {
    const operation = this.operation;
    if (operation.kind === "append-count") {
      const items = Array.from({ length: operation.count }, () => real.nextItem++);
      real.disk.append(operation.file, items);
      model.write({ kind: "append", file: operation.file, items: items.slice() });
    } else {
      // A fresh list each run: the command's own data stays as generated, whatever the disk does.
      if (operation.kind === "set") real.disk.set(operation.file, Array.isArray(operation.value) ? operation.value.slice() : operation.value);
      else if (operation.kind === "truncate") real.disk.truncate(operation.file, operation.length);
      else if (operation.kind === "remove") real.disk.remove(operation.file);
      model.write(operation);
    }
    expect(observe(real.disk)).toEqual(observe(model));
  }
  toString(): string {
    return JSON.stringify(this.operation);
  }
}

class BeginFsyncCommand implements fc.Command<ReferenceDisk, Real> {
  check(): boolean {
    return true;
  }
  run(model: ReferenceDisk, real: Real): void {
    model.beginFsync();
    expect(real.disk.beginFsync()).toBe(++real.fsyncsBegun);
  }
  toString(): string {
    return "beginFsync";
  }
}

class CompleteFsyncCommand implements fc.Command<ReferenceDisk, Real> {
  check(model: Readonly<ReferenceDisk>): boolean {
    return model.fsyncCovers.length > 0;
  }
  run(model: ReferenceDisk, real: Real): void {
    model.completeFsync();
    real.disk.completeFsync();
    expect(observe(real.disk)).toEqual(observe(model));
  }
  toString(): string {
    return "completeFsync";
  }
}

class CrashCommand implements fc.Command<ReferenceDisk, Real> {
  check(): boolean {
    return true;
  }
  run(model: ReferenceDisk, real: Real): void {
    model.crash();
    real.disk.crash();
    expect(observe(real.disk)).toEqual(observe(model));
  }
  toString(): string {
    return "crash";
  }
}

const fileArbitrary = fc.constantFrom(...FILES);
const valueArbitrary = fc.oneof(fc.constantFrom(1, "v", undefined), fc.array(fc.integer({ min: 100, max: 103 }), { maxLength: 3 }));
const commandArbitraries = [
  fc.tuple(fileArbitrary, valueArbitrary).map(([file, value]) => new WriteCommand({ kind: "set", file, value })),
  // Appends and truncates, mostly of the log, outnumber the rest: they make the shared-list cases.
  fc.tuple(fc.constantFrom("wal", "wal", "snapshot"), fc.integer({ min: 0, max: 3 })).map(([file, count]) => new WriteCommand({ kind: "append-count", file, count })),
  fc.integer({ min: 1, max: 3 }).map((count) => new WriteCommand({ kind: "append-count", file: "wal", count })),
  fc.tuple(fc.constantFrom("wal", "wal", "hardstate"), fc.integer({ min: 0, max: 6 })).map(([file, length]) => new WriteCommand({ kind: "truncate", file, length })),
  fileArbitrary.map((file) => new WriteCommand({ kind: "remove", file })),
  fc.constant(new BeginFsyncCommand()),
  fc.constant(new BeginFsyncCommand()),
  fc.constant(new CompleteFsyncCommand()),
  fc.constant(new CompleteFsyncCommand()),
  fc.constant(new CrashCommand()),
];

test("Disk: random writes, fsyncs and crashes read and persist as the reference disk does", () => {
  const runs = integerFromEnvironment("ETCDLAB_PROPERTY_RUNS", 300, 1);
  fc.assert(
    fc.property(fc.commands(commandArbitraries, { maxCommands: 60, size: "max" }), (commands) => {
      fc.modelRun(() => ({ model: new ReferenceDisk(), real: { disk: new Disk(), nextItem: 0, fsyncsBegun: 0 } }), commands);
    }),
    { seed: integerFromEnvironment("ETCDLAB_PROPERTY_SEED", 20_260_101, 0), numRuns: runs },
  );
});
