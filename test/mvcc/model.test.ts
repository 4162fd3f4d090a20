/**
 * Model-based test of the store (fast-check `commands` + `modelRun`): random sequences of put,
 * delete, txn, range at a revision, compact, watch replay and snapshot-restore, each checked against a naive
 * reference model that keeps every change ever made and recomputes reads from the whole list.
 * Seed fixed; `ETCDLAB_PROPERTY_RUNS` raises the number of runs.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type CompareResult, type CompareTarget, etcdErrors, type Event, type KeyValue, MvccStore, type RequestOp, type Result } from "../../src/mvcc/index.js";
import { integerFromEnvironment } from "../property-knobs.js";

interface Change {
  readonly main: number;
  readonly key: string;
  /** undefined: a tombstone. */
  readonly value: string | undefined;
}

interface Model {
  current: number;
  compact: number;
  readonly changes: Change[];
}

interface Real {
  store: MvccStore;
}

function stateAt(changes: readonly Change[], key: string, revision: number): KeyValue | undefined {
  let live: KeyValue | undefined;
  for (const change of changes) {
    if (change.main > revision || change.key !== key) continue;
    if (change.value === undefined) live = undefined;
    else if (live === undefined) live = { key, value: change.value, createRevision: change.main, modRevision: change.main, version: 1, lease: 0 };
    else live = { ...live, value: change.value, modRevision: change.main, version: live.version + 1 };
  }
  return live;
}

function inRange(key: string, start: string, end: string | undefined): boolean {
  if (end === undefined) return key === start;
  if (end === "\x00") return key >= start;
  return key >= start && key < end;
}

function liveAt(changes: readonly Change[], start: string, end: string | undefined, revision: number): KeyValue[] {
  const keys = [...new Set(changes.map((change) => change.key))].filter((key) => inRange(key, start, end)).sort();
  return keys.flatMap((key) => {
    const state = stateAt(changes, key, revision);
    return state === undefined ? [] : [state];
  });
}

function ok<T>(result: Result<T>): T {
  expect(result.ok ? "ok" : result.error.message).toBe("ok");
  return (result as { value: T }).value;
}

/**
 * Revisions are chosen relative to the model's current revision so that they hit the interesting
 * places (just compacted, just written, the future): -3 is current + 1, -2 is -1 (latest), -1 is 0
 * (latest), and n >= 0 is current - n.
 */
const revisionSelector = fc.integer({ min: -3, max: 12 });

function resolveRevision(model: Model, selector: number): number {
  if (selector === -3) return model.current + 1;
  if (selector < 0) return selector + 1;
  return model.current - selector;
}

const keyArbitrary = fc.constantFrom("a", "b", "c", "d", "e");
const endArbitrary = fc.option(fc.constantFrom("b", "d", "f", "\x00"), { nil: undefined });
const valueArbitrary = fc.constantFrom("", "x", "y", "zz");

class PutCommand implements fc.Command<Model, Real> {
  constructor(
    readonly key: string,
    readonly value: string,
  ) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const previous = stateAt(model.changes, this.key, model.current);
    const response = ok(real.store.put({ key: this.key, value: this.value, prevKv: true }));
    model.current++;
    model.changes.push({ main: model.current, key: this.key, value: this.value });
    expect(response).toEqual(previous === undefined ? { header: { revision: model.current } } : { header: { revision: model.current }, prevKv: previous });
  }
  toString(): string {
    return `put(${this.key}, ${JSON.stringify(this.value)})`;
  }
}

class DeleteCommand implements fc.Command<Model, Real> {
  constructor(
    readonly key: string,
    readonly end: string | undefined,
  ) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const live = liveAt(model.changes, this.key, this.end, model.current);
    const response = ok(real.store.deleteRange({ key: this.key, rangeEnd: this.end, prevKv: true }));
    if (live.length > 0) model.current++;
    for (const kv of live) model.changes.push({ main: model.current, key: kv.key, value: undefined });
    expect(response).toEqual({ header: { revision: model.current }, deleted: live.length, prevKvs: live });
  }
  toString(): string {
    return `delete(${this.key}, ${JSON.stringify(this.end)})`;
  }
}

type ModelOp = { readonly type: "put"; readonly key: string; readonly value: string } | { readonly type: "delete" | "range"; readonly key: string; readonly end: string | undefined };

function compareNumbers(left: number, right: number): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

class TxnCommand implements fc.Command<Model, Real> {
  constructor(
    readonly key: string,
    readonly target: CompareTarget,
    readonly result: CompareResult,
    readonly operand: number,
    readonly success: readonly ModelOp[],
    readonly failure: readonly ModelOp[],
  ) {}
  check(): boolean {
    return true;
  }
  private compare(model: Model): boolean {
    const kv = stateAt(model.changes, this.key, model.current);
    if (kv === undefined && this.target === "VALUE") return false;
    const current = kv ?? { key: this.key, value: "", createRevision: 0, modRevision: 0, version: 0, lease: 0 };
    const order = this.target === "VALUE" ? compareNumbers(current.value < String(this.operand) ? -1 : current.value > String(this.operand) ? 1 : 0, 0)
      : compareNumbers({ VERSION: current.version, CREATE: current.createRevision, MOD: current.modRevision, LEASE: current.lease }[this.target], this.operand);
    return { EQUAL: order === 0, NOT_EQUAL: order !== 0, GREATER: order > 0, LESS: order < 0 }[this.result];
  }
  private request(operations: readonly ModelOp[]): RequestOp[] {
    return operations.map((operation): RequestOp => {
      if (operation.type === "put") return { type: "put", request: { key: operation.key, value: operation.value } };
      if (operation.type === "delete") return { type: "deleteRange", request: { key: operation.key, rangeEnd: operation.end } };
      return { type: "range", request: { key: operation.key, rangeEnd: operation.end } };
    });
  }
  run(model: Model, real: Real): void {
    const succeeded = this.compare(model);
    const operand = this.target === "VALUE" ? { value: String(this.operand) } : { version: this.operand, createRevision: this.operand, modRevision: this.operand, lease: this.operand };
    const response = ok(real.store.txn({ compare: [{ target: this.target, result: this.result, key: this.key, ...operand }], success: this.request(this.success), failure: this.request(this.failure) }));
    expect(response.succeeded).toBe(succeeded);
    const main = model.current + 1;
    let changed = false;
    (succeeded ? this.success : this.failure).forEach((operation, index) => {
      const readRevision = changed ? main : model.current;
      const actual = response.responses[index];
      if (operation.type === "put") {
        model.changes.push({ main, key: operation.key, value: operation.value });
        changed = true;
        return;
      }
      const live = liveAt(model.changes, operation.key, operation.end, readRevision);
      if (operation.type === "range") {
        expect(actual).toEqual({ type: "range", response: { header: { revision: readRevision }, kvs: live, more: false, count: live.length } });
        return;
      }
      for (const kv of live) model.changes.push({ main, key: kv.key, value: undefined });
      changed ||= live.length > 0;
      expect(actual?.type === "deleteRange" && actual.response.deleted).toBe(live.length);
    });
    if (changed) model.current = main;
    expect(response.header.revision).toBe(model.current);
  }
  toString(): string {
    return `txn(${this.target}(${this.key}) ${this.result} ${this.operand}, ${JSON.stringify(this.success)}, ${JSON.stringify(this.failure)})`;
  }
}

class RangeCommand implements fc.Command<Model, Real> {
  constructor(
    readonly key: string,
    readonly end: string | undefined,
    readonly selector: number,
    readonly limit: number,
  ) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const requested = resolveRevision(model, this.selector);
    const result = real.store.range({ key: this.key, rangeEnd: this.end, revision: requested, limit: this.limit });
    if (requested > model.current) {
      expect(result.ok ? "ok" : result.error).toBe(etcdErrors.futureRevision);
      return;
    }
    const revision = requested <= 0 ? model.current : requested;
    if (revision < model.compact) {
      expect(result.ok ? "ok" : result.error).toBe(etcdErrors.compacted);
      return;
    }
    const live = liveAt(model.changes, this.key, this.end, revision);
    const more = this.limit > 0 && live.length > this.limit;
    expect(ok(result)).toEqual({ header: { revision: model.current }, kvs: more ? live.slice(0, this.limit) : live, more, count: live.length });
  }
  toString(): string {
    return `range(${this.key}, ${JSON.stringify(this.end)}, revision selector ${this.selector}, limit ${this.limit})`;
  }
}

class CompactCommand implements fc.Command<Model, Real> {
  constructor(readonly selector: number) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const revision = resolveRevision(model, this.selector);
    const result = real.store.compact({ revision });
    if (revision <= model.compact) expect(result.ok ? "ok" : result.error).toBe(etcdErrors.compacted);
    else if (revision > model.current) expect(result.ok ? "ok" : result.error).toBe(etcdErrors.futureRevision);
    else {
      expect(ok(result)).toEqual({ header: { revision: model.current } });
      model.compact = revision;
    }
  }
  toString(): string {
    return `compact(revision selector ${this.selector})`;
  }
}

/**
 * The events a watcher from `start` must replay: every change from `start` on, in order, except
 * that at the compact revision only the last change of each key survived compaction.
 */
function eventsSince(changes: readonly Change[], start: number, compact: number): Event[] {
  const live = new Map<string, KeyValue>();
  const events: Event[] = [];
  for (const [index, change] of changes.entries()) {
    const superseded = change.main === compact && changes.slice(index + 1).some((later) => later.main === compact && later.key === change.key);
    const emit = change.main >= start && !superseded;
    const previous = live.get(change.key);
    if (change.value === undefined) {
      live.delete(change.key);
      if (emit) events.push({ type: "DELETE", kv: { key: change.key, value: "", createRevision: 0, modRevision: change.main, version: 0, lease: 0 } });
      continue;
    }
    const kv: KeyValue =
      previous === undefined
        ? { key: change.key, value: change.value, createRevision: change.main, modRevision: change.main, version: 1, lease: 0 }
        : { ...previous, value: change.value, modRevision: change.main, version: previous.version + 1 };
    live.set(change.key, kv);
    if (emit) events.push({ type: "PUT", kv });
  }
  return events;
}

class WatchReplayCommand implements fc.Command<Model, Real> {
  constructor(readonly selector: number) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const startRevision = Math.max(resolveRevision(model, this.selector), 0);
    const stream = real.store.newWatchStream(0);
    const id = stream.watch({ key: "\x00", rangeEnd: "\x00", startRevision });
    real.store.syncWatchers();
    const responses = stream.takeResponses().slice(1);
    stream.close();
    if (startRevision > 0 && startRevision < model.compact) {
      expect(responses.map((response) => [response.watchId, response.canceled, response.compactRevision])).toEqual([[id, true, model.compact]]);
      return;
    }
    const start = startRevision === 0 ? model.current + 1 : startRevision;
    expect(responses.flatMap((response) => response.events)).toEqual(eventsSince(model.changes, start, model.compact));
  }
  toString(): string {
    return `watch-replay(revision selector ${this.selector})`;
  }
}

class RestoreCommand implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  run(_model: Model, real: Real): void {
    const hash = real.store.hash();
    real.store = MvccStore.fromSnapshot(JSON.parse(JSON.stringify(real.store.snapshot())));
    expect(real.store.hash()).toBe(hash);
  }
  toString(): string {
    return "snapshot-restore";
  }
}

const operationArbitrary: fc.Arbitrary<ModelOp> = fc.oneof(
  fc.record({ type: fc.constant("put" as const), key: keyArbitrary, value: valueArbitrary }),
  fc.record({ type: fc.constantFrom("delete" as const, "range" as const), key: keyArbitrary, end: endArbitrary }),
);

const commandArbitraries = [
  fc.tuple(keyArbitrary, valueArbitrary).map(([key, value]) => new PutCommand(key, value)),
  fc.tuple(keyArbitrary, endArbitrary).map(([key, end]) => new DeleteCommand(key, end)),
  fc
    .tuple(
      keyArbitrary,
      fc.constantFrom<CompareTarget>("VERSION", "CREATE", "MOD", "VALUE", "LEASE"),
      fc.constantFrom<CompareResult>("EQUAL", "NOT_EQUAL", "GREATER", "LESS"),
      fc.integer({ min: 0, max: 6 }),
      fc.array(operationArbitrary, { maxLength: 4 }),
      fc.array(operationArbitrary, { maxLength: 4 }),
    )
    .map((fields) => new TxnCommand(...fields)),
  fc.tuple(keyArbitrary, endArbitrary, revisionSelector, fc.integer({ min: 0, max: 3 })).map(([key, end, selector, limit]) => new RangeCommand(key, end, selector, limit)),
  revisionSelector.map((selector) => new CompactCommand(selector)),
  fc.constant(new RestoreCommand()),
  revisionSelector.map((selector) => new WatchReplayCommand(selector)),
];

describe("model-based test against a naive reference", () => {
  test("put/delete/txn/range-at-revision/compact/watch-replay/restore agree with the model", () => {
    const numRuns = integerFromEnvironment("ETCDLAB_PROPERTY_RUNS", 100, 1);
    fc.assert(
      fc.property(fc.commands(commandArbitraries, { maxCommands: 60, size: "max" }), (commands) => {
        fc.modelRun(() => ({ model: { current: 1, compact: -1, changes: [] }, real: { store: new MvccStore() } }), commands);
      }),
      { seed: 1, numRuns },
    );
  });
});
