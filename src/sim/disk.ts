/**
 * A simulated disk, one per actor, that outlives the actor's crashes.
 *
 * Files hold values (records for a single value, lists for append-only logs). A write changes what
 * the process reads back at once (the page cache) but is *pending*: it becomes durable only when an
 * fsync issued after it completes, after a sampled latency. Fsyncs complete in the order they were
 * issued. A crash throws away every pending write, and the restarted process sees only durable data.
 * A slow-disk fault multiplies the fsync latency.
 *
 * The world schedules fsync completions; the disk only keeps the bookkeeping.
 */
import { assert } from "./errors.js";

type DiskOperation =
  | { readonly kind: "set"; readonly file: string; readonly value: unknown }
  | { readonly kind: "append"; readonly file: string; readonly items: readonly unknown[] }
  | { readonly kind: "truncate"; readonly file: string; readonly length: number }
  | { readonly kind: "remove"; readonly file: string };

export class Disk {
  private readonly durable = new Map<string, unknown>();
  private readonly current = new Map<string, unknown>();
  private pending: DiskOperation[] = [];
  /** Pending operations covered by each outstanding fsync, in issue order. */
  private readonly fsyncCovers: number[] = [];
  private nextToken = 1;
  /** Count of fsyncs completed since the disk was made; a figure for metrics. */
  fsyncsCompleted = 0;
  bytesWritten = 0;

  /** Replaces a file's value. */
  set(file: string, value: unknown): void {
    const operation: DiskOperation = { kind: "set", file, value };
    this.apply(this.current, operation);
    this.pending.push(operation);
  }

  /** Appends items to a list file. */
  append(file: string, items: readonly unknown[]): void {
    if (items.length === 0) return;
    const operation: DiskOperation = { kind: "append", file, items };
    this.apply(this.current, operation);
    this.pending.push(operation);
  }

  /** Keeps the first `length` items of a list file. */
  truncate(file: string, length: number): void {
    const operation: DiskOperation = { kind: "truncate", file, length };
    this.apply(this.current, operation);
    this.pending.push(operation);
  }

  remove(file: string): void {
    const operation: DiskOperation = { kind: "remove", file };
    this.apply(this.current, operation);
    this.pending.push(operation);
  }

  /** What the process reads: durable data with its pending writes on top. */
  read(file: string): unknown {
    return this.current.get(file);
  }

  readList(file: string): readonly unknown[] {
    const value = this.current.get(file);
    return Array.isArray(value) ? value : [];
  }

  /** What would survive a crash right now. */
  readDurable(file: string): unknown {
    return this.durable.get(file);
  }

  files(): string[] {
    return [...this.current.keys()].sort();
  }

  get pendingWrites(): number {
    return this.pending.length;
  }

  /** Starts an fsync covering every write issued so far; returns its token. */
  beginFsync(): number {
    this.fsyncCovers.push(this.pending.length);
    return this.nextToken++;
  }

  /** The oldest outstanding fsync completed: its writes become durable. */
  completeFsync(): void {
    const covers = this.fsyncCovers.shift();
    assert(covers !== undefined, "fsync completion without an fsync in flight");
    const pending = this.pending;
    for (let index = 0; index < covers; index++) this.apply(this.durable, pending[index] as DiskOperation);
    // Usually every pending write is covered: a fresh list costs less than shifting this one.
    if (covers === pending.length) {
      this.pending = [];
    } else {
      pending.copyWithin(0, covers);
      pending.length -= covers;
    }
    for (let index = 0; index < this.fsyncCovers.length; index++) {
      this.fsyncCovers[index] = (this.fsyncCovers[index] as number) - covers;
    }
    this.fsyncsCompleted++;
  }

  /** Power loss: pending writes and in-flight fsyncs are gone; the page cache is rebuilt from durable data. */
  crash(): void {
    this.pending.length = 0;
    this.fsyncCovers.length = 0;
    this.current.clear();
    for (const [file, value] of this.durable) this.current.set(file, Array.isArray(value) ? value.slice() : value);
  }

  private apply(target: Map<string, unknown>, operation: DiskOperation): void {
    switch (operation.kind) {
      case "set":
        target.set(operation.file, Array.isArray(operation.value) ? operation.value.slice() : operation.value);
        return;
      case "append": {
        const list = target.get(operation.file);
        if (Array.isArray(list)) {
          for (const item of operation.items) list.push(item);
        } else {
          target.set(operation.file, operation.items.slice());
        }
        return;
      }
      case "truncate": {
        const list = target.get(operation.file);
        if (Array.isArray(list) && list.length > operation.length) list.length = operation.length;
        return;
      }
      case "remove":
        target.delete(operation.file);
        return;
    }
  }
}
