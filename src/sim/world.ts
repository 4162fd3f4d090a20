/**
 * The deterministic world: virtual time, an event queue, actors, a network, disks and faults.
 *
 * An actor is created by a factory when it is spawned and again every time it restarts after a
 * crash, so a crash loses every bit of volatile state by construction: only what its disk made
 * durable survives. Actors see time only through their context (`now`, timers), which runs at the
 * actor's clock rate (clock drift). A paused actor (SIGSTOP, a long GC pause) holds its timers and
 * incoming messages until it resumes, then gets them in their original order.
 *
 * Every source of randomness is a named child stream of the run's seed: "network", "actor:<name>",
 * "disk:<name>". Events at equal times run in insertion order. The same seed and the same calls give
 * the same run, event for event.
 */
import { Disk } from "./disk.js";
import { assert, assertionFailed, assertNever, InputError } from "./errors.js";
import { describeFault, type Fault, type FaultPlan, withNetworkFault } from "./faults.js";
import { DEFAULT_LINK, type LatencyDistribution, type LinkModel, PPM, resolvePartition, sampleLatency } from "./network.js";
import { Prng } from "./prng.js";
import { EventQueue, type Queued } from "./queue.js";
import type { Micros } from "./time.js";
import { TimerTable } from "./timer-table.js";
import { DROP_REASONS, MESSAGE_DELIVERED, MESSAGE_DROPPED, MESSAGE_DUPLICATED, MESSAGE_SENT, type MessageSummary, type SimEvent, Trace, type TypedEvent } from "./trace.js";

export interface ActorBehavior {
  onMessage(from: string, message: unknown): void;
  onTimer(tag: number): void;
  /** An fsync this incarnation issued has completed; its writes are durable. */
  onFsync?(token: number): void;
}

export interface ActorContext {
  readonly address: string;
  /** How many times this actor has crashed before this life (0 on its first); a restart starts a new one. */
  readonly incarnation: number;
  readonly random: Prng;
  readonly disk: Disk;
  /** The actor's local clock (virtual time scaled by its clock rate). */
  now(): Micros;
  send(to: string, message: unknown): void;
  /** Fires `onTimer(tag)` after `delayUs` of the actor's local time; returns an id for `cancelTimer`. */
  setTimer(delayUs: Micros, tag: number): number;
  cancelTimer(id: number): void;
  /** Starts an fsync of everything written so far; `onFsync(token)` follows after the disk's latency. */
  fsync(): number;
  /** The world's trace, for the actor's own events. */
  readonly trace: Trace<TypedEvent>;
  emit(event: TypedEvent): void;
}

export type ActorFactory = (context: ActorContext) => ActorBehavior;

export type ActorStatus = "up" | "crashed" | "paused";

export interface SpawnOptions {
  /** Members take part in partitions; clients and other helpers do not unless a spec names them. */
  readonly partitionable?: boolean;
  readonly fsyncLatency?: LatencyDistribution;
}

export interface WorldOptions {
  readonly seed: number;
  readonly trace?: Trace<TypedEvent>;
  readonly defaultLink?: LinkModel;
  readonly fsyncLatency?: LatencyDistribution;
  /** How a message appears in the trace; the kernel knows nothing of message types. */
  readonly summarize?: (message: unknown) => MessageSummary;
}

const DROP_LOSS = MESSAGE_DROPPED + DROP_REASONS.indexOf("loss");
const DROP_PARTITION = MESSAGE_DROPPED + DROP_REASONS.indexOf("partition");
const DROP_CRASHED = MESSAGE_DROPPED + DROP_REASONS.indexOf("crashed");
const DROP_UNKNOWN_ADDRESS = MESSAGE_DROPPED + DROP_REASONS.indexOf("unknown-address");

const KIND_DELIVER = 0;
const KIND_TIMER = 1;
const KIND_FSYNC = 2;
const KIND_CALL = 3;

/**
 * A queued event. Entries are recycled through a free list once dispatched (see `step`), so a
 * run allocates about as many as are queued at once, not one per event.
 */
interface Scheduled extends Queued {
  kind: number;
  target: ActorRecord | undefined;
  incarnation: number;
  from: string;
  payload: unknown;
  /** A timer's id; an fsync's latency. */
  timerId: number;
  cancelled: boolean;
  /** A delivery's message as traced, made once for its `net.send` and its `net.deliver`. */
  summary: MessageSummary | undefined;
}

class ActorRecord {
  status: ActorStatus = "up";
  incarnation = 0;
  behavior: ActorBehavior | undefined;
  context: ActorContext | undefined;
  readonly held: Scheduled[] = [];
  clockRate = 1;
  anchorVirtual: Micros = 0;
  anchorLocal: Micros = 0;
  slowDiskFactor = 1;
  lastFsyncDone: Micros = 0;
  readonly random: Prng;
  readonly diskRandom: Prng;
  readonly disk = new Disk();

  constructor(
    readonly address: string,
    readonly index: number,
    readonly factory: ActorFactory,
    readonly partitionable: boolean,
    readonly fsyncLatency: LatencyDistribution,
    root: Prng,
  ) {
    this.random = root.fork(`actor:${address}`);
    this.diskRandom = root.fork(`disk:${address}`);
  }
}

const DEFAULT_FSYNC: LatencyDistribution = { kind: "uniform", minUs: 1_000, maxUs: 3_000 };

export class World {
  readonly seed: number;
  readonly trace: Trace<TypedEvent>;
  now: Micros = 0;
  /** Events dispatched so far (a cancelled timer is none). */
  eventsProcessed = 0;
  defaultLink: LinkModel;
  private readonly root: Prng;
  private readonly networkRandom: Prng;
  private readonly queue = new EventQueue<Scheduled>();
  private readonly free: Scheduled[] = [];
  private readonly timers = new TimerTable<Scheduled>();
  private readonly actors: ActorRecord[] = [];
  private readonly byAddress = new Map<string, ActorRecord>();
  private readonly linkOverrides = new Map<string, LinkModel>();
  private networkFault: Extract<Fault, { kind: "network" }> | undefined;
  /** cut[from * capacity + to] = 1 when messages from → to are dropped. */
  private cut = new Uint8Array(0);
  private capacity = 0;
  private cutCount = 0;
  private nextTimerId = 1;
  private readonly fsyncLatency: LatencyDistribution;
  private readonly summarize: (message: unknown) => MessageSummary;

  constructor(options: WorldOptions) {
    this.seed = options.seed;
    this.root = new Prng(options.seed);
    this.networkRandom = this.root.fork("network");
    this.trace = options.trace ?? new Trace<TypedEvent>(false);
    this.defaultLink = options.defaultLink ?? DEFAULT_LINK;
    this.fsyncLatency = options.fsyncLatency ?? DEFAULT_FSYNC;
    this.summarize = options.summarize ?? defaultSummary;
  }

  /** A child random stream of the run's seed, for components outside the actors (nemesis, workload). */
  random(name: string): Prng {
    return this.root.fork(name);
  }

  spawn(address: string, factory: ActorFactory, options: SpawnOptions = {}): void {
    assert(!this.byAddress.has(address), `actor ${address} spawned twice`);
    const record = new ActorRecord(address, this.actors.length, factory, options.partitionable === true, options.fsyncLatency ?? this.fsyncLatency, this.root);
    this.actors.push(record);
    this.byAddress.set(address, record);
    this.growCutMatrix();
    this.start(record);
  }

  /** The addresses of partitionable actors (the members), in spawn order. */
  nodes(): string[] {
    return this.actors.filter((record) => record.partitionable).map((record) => record.address);
  }

  addresses(): string[] {
    return this.actors.map((record) => record.address);
  }

  has(address: string): boolean {
    return this.byAddress.has(address);
  }

  status(address: string): ActorStatus {
    return this.record(address).status;
  }

  disk(address: string): Disk {
    return this.record(address).disk;
  }

  clockRate(address: string): number {
    return this.record(address).clockRate;
  }

  slowDiskFactor(address: string): number {
    return this.record(address).slowDiskFactor;
  }

  isCut(from: string, to: string): boolean {
    const source = this.byAddress.get(from);
    const target = this.byAddress.get(to);
    return source !== undefined && target !== undefined && this.cut[source.index * this.capacity + target.index] === 1;
  }

  /** The live behavior of an actor (for hosts and tests that inspect state), if it is not crashed. */
  behavior(address: string): ActorBehavior | undefined {
    return this.record(address).behavior;
  }

  setLink(from: string, to: string, model: LinkModel): void {
    this.linkOverrides.set(`${from}>${to}`, model);
  }

  emit(event: SimEvent | TypedEvent): void {
    this.trace.emit(this.now, event);
  }

  /** A per-message event (net.*): only for the trace's message listeners (Trace.emitMessage). */
  private emitMessage(what: number, from: string, to: string, message: MessageSummary, deliverAt: Micros = 0): void {
    this.trace.emitMessage(this.now, what, from, to, message, deliverAt);
  }

  /** Runs `call` at virtual time `at` (not before now). */
  schedule(at: Micros, call: () => void): void {
    this.enqueue(KIND_CALL, Math.max(at, this.now), undefined, 0, "", call, 0);
  }

  scheduleFaults(plan: FaultPlan): void {
    for (const { at, fault } of plan) this.schedule(at, () => this.applyFault(fault));
  }

  applyFault(fault: Fault): void {
    if (this.trace.enabled) this.emit({ type: "fault", fault, text: describeFault(fault, this.nodes()) });
    switch (fault.kind) {
      case "crash":
        return this.crash(fault.node);
      case "restart":
        return this.restart(fault.node);
      case "pause":
        return this.pause(fault.node);
      case "resume":
        return this.resume(fault.node);
      case "partition":
        return this.setCuts(resolvePartition(fault.partition, this.nodes()));
      case "heal":
        return this.setCuts([]);
      case "slow-disk":
        this.record(fault.node).slowDiskFactor = fault.factor;
        return;
      case "drift":
        return this.setClockRate(fault.node, fault.rate);
      case "network":
        this.networkFault = fault.lossPpm === 0 && fault.duplicatePpm === 0 && fault.reorderPpm === 0 ? undefined : fault;
        return;
      default:
        assertNever(fault, "fault");
    }
  }

  /** Processes the next event; false when the queue is empty. */
  step(): boolean {
    const entry = this.queue.pop();
    if (entry === undefined) return false;
    this.now = entry.time;
    this.eventsProcessed++;
    if (!this.dispatch(entry)) this.release(entry);
    return true;
  }

  /** Processes every event up to and including `time`, then sets the clock to `time`. */
  runUntil(time: Micros, stop?: () => boolean): boolean {
    for (;;) {
      const next = this.queue.peek();
      if (next === undefined || next.time > time) break;
      this.step();
      if (stop !== undefined && stop()) return true;
    }
    if (time > this.now) this.now = time;
    return false;
  }

  runFor(duration: Micros, stop?: () => boolean): boolean {
    return this.runUntil(this.now + duration, stop);
  }

  /**
   * Starts a call that answers through `done` and runs until it has: a call bounded by its own
   * timer, which answers by `timeoutUs` at the latest (a call that does not is a bug).
   */
  runUntilAnswered<Answer>(timeoutUs: Micros, start: (done: (answer: Answer) => void) => void): Answer {
    let answer: Answer | undefined;
    start((outcome) => {
      answer = outcome;
    });
    this.runFor(timeoutUs + 1, () => answer !== undefined);
    if (answer === undefined) assertionFailed(`a call bounded by a ${timeoutUs} µs timeout gave no answer`);
    return answer;
  }

  get pendingEvents(): number {
    return this.queue.size;
  }

  /** Messages on the wire right now (for the network pane): from, to, message, delivery time. */
  inFlight(): Array<{ from: string; to: string; message: unknown; deliverAt: Micros }> {
    return this.queue
      .entries()
      .filter((entry) => entry.kind === KIND_DELIVER && entry.target !== undefined)
      .sort((a, b) => a.time - b.time || a.sequence - b.sequence)
      .map((entry) => ({ from: entry.from, to: (entry.target as ActorRecord).address, message: entry.payload, deliverAt: entry.time }));
  }

  crash(address: string): void {
    const record = this.record(address);
    if (record.status === "crashed") return;
    record.status = "crashed";
    record.incarnation++;
    record.behavior = undefined;
    record.context = undefined;
    for (const entry of record.held) if (entry.kind === KIND_TIMER) this.timers.disarm(entry);
    record.held.length = 0;
    record.disk.crash();
    record.lastFsyncDone = this.now;
  }

  restart(address: string): void {
    const record = this.record(address);
    if (record.status !== "crashed") return;
    record.status = "up";
    this.start(record);
  }

  pause(address: string): void {
    const record = this.record(address);
    if (record.status === "up") record.status = "paused";
  }

  resume(address: string): void {
    const record = this.record(address);
    if (record.status !== "paused") return;
    record.status = "up";
    const held = record.held.splice(0);
    for (const entry of held) {
      if (entry.cancelled) {
        this.release(entry);
        continue;
      }
      entry.time = this.now;
      this.queue.push(entry);
    }
  }

  setClockRate(address: string, rate: number): void {
    if (!(rate > 0)) throw new InputError(`clock rate must be positive (got ${rate})`);
    const record = this.record(address);
    record.anchorLocal = this.localNow(record);
    record.anchorVirtual = this.now;
    record.clockRate = rate;
  }

  private start(record: ActorRecord): void {
    const context = this.makeContext(record);
    record.context = context;
    record.anchorLocal = this.localNow(record);
    record.anchorVirtual = this.now;
    record.behavior = record.factory(context);
  }

  private record(address: string): ActorRecord {
    const record = this.byAddress.get(address);
    if (record === undefined) throw new InputError(`unknown node '${address}'`);
    return record;
  }

  private localNow(record: ActorRecord): Micros {
    if (record.clockRate === 1) return record.anchorLocal + (this.now - record.anchorVirtual);
    return record.anchorLocal + Math.floor((this.now - record.anchorVirtual) * record.clockRate);
  }

  private makeContext(record: ActorRecord): ActorContext {
    const incarnation = record.incarnation;
    const world = this;
    return {
      address: record.address,
      incarnation,
      random: record.random,
      disk: record.disk,
      trace: this.trace,
      now: () => world.localNow(record),
      send: (to, message) => {
        if (record.incarnation === incarnation) world.send(record, to, message);
      },
      setTimer: (delayUs, tag) => world.setTimer(record, incarnation, delayUs, tag),
      cancelTimer: (id) => {
        const entry = world.timers.get(id);
        if (entry !== undefined && entry.target === record) world.cancel(entry);
      },
      fsync: () => world.fsync(record, incarnation),
      emit: (event) => world.trace.emit(world.now, event),
    };
  }

  /**
   * A cancelled timer is no event: it leaves the queue at once, or, held for a paused actor, is
   * dropped when the actor resumes. (Request deadlines are set and cancelled for every request, so
   * the queue would otherwise hold hundreds of dead timers.)
   */
  private cancel(entry: Scheduled): void {
    this.timers.disarm(entry);
    entry.cancelled = true;
    if (entry.position < 0) return;
    this.queue.remove(entry);
    this.release(entry);
  }

  private setTimer(record: ActorRecord, incarnation: number, delayUs: Micros, tag: number): number {
    if (!(delayUs >= 0 && Number.isFinite(delayUs))) assertionFailed(`timer delay ${delayUs}`);
    const virtualDelay = record.clockRate === 1 ? delayUs : Math.ceil(delayUs / record.clockRate);
    const id = this.nextTimerId++;
    const entry = this.enqueue(KIND_TIMER, this.now + virtualDelay, record, incarnation, "", tag, id);
    this.timers.arm(entry);
    return id;
  }

  private fsync(record: ActorRecord, incarnation: number): number {
    const token = record.disk.beginFsync();
    const latency = sampleLatency(record.fsyncLatency, record.diskRandom) * record.slowDiskFactor;
    const done = Math.max(this.now, record.lastFsyncDone) + latency;
    record.lastFsyncDone = done;
    this.enqueue(KIND_FSYNC, done, record, incarnation, "", token, latency);
    return token;
  }

  private send(source: ActorRecord, to: string, message: unknown): void {
    const target = this.byAddress.get(to);
    const traced = this.trace.messages;
    if (target === undefined) {
      if (traced) this.emitMessage(DROP_UNKNOWN_ADDRESS, source.address, to, this.summarize(message));
      return;
    }
    if (this.cutCount > 0 && this.cut[source.index * this.capacity + target.index] === 1) {
      if (traced) this.emitMessage(DROP_PARTITION, source.address, to, this.summarize(message));
      return;
    }
    const link = this.linkFor(source, target);
    const random = this.networkRandom;
    if (link.lossPpm > 0 && random.chance(link.lossPpm, PPM)) {
      if (traced) this.emitMessage(DROP_LOSS, source.address, to, this.summarize(message));
      return;
    }
    const summary = traced ? this.summarize(message) : undefined;
    const deliverAt = this.now + this.transitTime(link);
    this.enqueue(KIND_DELIVER, deliverAt, target, 0, source.address, message, 0).summary = summary;
    if (summary !== undefined) this.emitMessage(MESSAGE_SENT, source.address, to, summary, deliverAt);
    if (link.duplicatePpm > 0 && random.chance(link.duplicatePpm, PPM)) {
      this.enqueue(KIND_DELIVER, this.now + this.transitTime(link), target, 0, source.address, message, 0).summary = summary;
      if (summary !== undefined) this.emitMessage(MESSAGE_DUPLICATED, source.address, to, summary);
    }
  }

  private transitTime(link: LinkModel): Micros {
    let latency = sampleLatency(link.latency, this.networkRandom);
    if (link.reorderPpm > 0 && this.networkRandom.chance(link.reorderPpm, PPM)) {
      latency += this.networkRandom.int(link.reorderDelayUs + 1);
    }
    return latency;
  }

  private linkFor(source: ActorRecord, target: ActorRecord): LinkModel {
    let link = this.defaultLink;
    if (this.linkOverrides.size > 0) link = this.linkOverrides.get(`${source.address}>${target.address}`) ?? link;
    if (this.networkFault !== undefined) link = withNetworkFault(link, this.networkFault);
    return link;
  }

  /** Runs an event; true when the entry was held for a paused actor (so it is not recycled yet). */
  private dispatch(entry: Scheduled): boolean {
    switch (entry.kind) {
      case KIND_DELIVER:
        return this.deliver(entry);
      case KIND_TIMER:
        return this.fireTimer(entry);
      case KIND_FSYNC:
        return this.completeFsync(entry);
      case KIND_CALL:
        (entry.payload as () => void)();
        return false;
      default:
        return assertionFailed(`event kind ${entry.kind}`);
    }
  }

  private deliver(entry: Scheduled): boolean {
    const target = entry.target as ActorRecord;
    const traced = this.trace.messages;
    if (target.status === "crashed") {
      if (traced) this.emitMessage(DROP_CRASHED, entry.from, target.address, this.summaryOf(entry));
      return false;
    }
    if (this.cutCount > 0) {
      const source = this.byAddress.get(entry.from) as ActorRecord;
      if (this.cut[source.index * this.capacity + target.index] === 1) {
        if (traced) this.emitMessage(DROP_PARTITION, entry.from, target.address, this.summaryOf(entry));
        return false;
      }
    }
    if (target.status === "paused") return this.hold(target, entry);
    if (traced) this.emitMessage(MESSAGE_DELIVERED, entry.from, target.address, this.summaryOf(entry));
    (target.behavior as ActorBehavior).onMessage(entry.from, entry.payload);
    return false;
  }

  private summaryOf(entry: Scheduled): MessageSummary {
    return entry.summary ?? this.summarize(entry.payload);
  }

  private fireTimer(entry: Scheduled): boolean {
    const target = entry.target as ActorRecord;
    if (entry.incarnation !== target.incarnation) {
      this.timers.disarm(entry);
      return false;
    }
    if (target.status === "paused") return this.hold(target, entry);
    this.timers.disarm(entry);
    (target.behavior as ActorBehavior).onTimer(entry.payload as number);
    return false;
  }

  private completeFsync(entry: Scheduled): boolean {
    const target = entry.target as ActorRecord;
    if (entry.incarnation !== target.incarnation) return false;
    if (target.status === "paused") return this.hold(target, entry);
    target.disk.completeFsync();
    if (this.trace.enabled) this.emit({ type: "disk.fsync", node: target.address, latencyUs: entry.timerId });
    target.behavior?.onFsync?.(entry.payload as number);
    return false;
  }

  private hold(target: ActorRecord, entry: Scheduled): true {
    target.held.push(entry);
    return true;
  }

  private enqueue(kind: number, time: Micros, target: ActorRecord | undefined, incarnation: number, from: string, payload: unknown, timerId: number): Scheduled {
    const entry = this.free.pop() ?? { time, sequence: 0, position: -1, kind, target, incarnation, from, payload, timerId, cancelled: false, summary: undefined };
    entry.time = time;
    entry.kind = kind;
    entry.target = target;
    entry.incarnation = incarnation;
    entry.from = from;
    entry.payload = payload;
    entry.timerId = timerId;
    entry.cancelled = false;
    entry.summary = undefined;
    this.queue.push(entry);
    return entry;
  }

  /** Returns a dispatched entry to the free list, dropping what it references. */
  private release(entry: Scheduled): void {
    entry.target = undefined;
    entry.payload = undefined;
    entry.summary = undefined;
    this.free.push(entry);
  }

  private setCuts(cuts: ReadonlyArray<{ from: string; to: string }>): void {
    this.cut.fill(0);
    this.cutCount = 0;
    for (const { from, to } of cuts) {
      const index = this.record(from).index * this.capacity + this.record(to).index;
      if (this.cut[index] === 0) {
        this.cut[index] = 1;
        this.cutCount++;
      }
    }
  }

  private growCutMatrix(): void {
    if (this.actors.length <= this.capacity) return;
    const capacity = Math.max(8, this.capacity * 2);
    const grown = new Uint8Array(capacity * capacity);
    for (let from = 0; from < this.capacity; from++) {
      for (let to = 0; to < this.capacity; to++) grown[from * capacity + to] = this.cut[from * this.capacity + to] as number;
    }
    this.cut = grown;
    this.capacity = capacity;
  }
}

/**
 * A message as the trace shows it: its `type` and its scalar fields (numbers, booleans, short
 * strings), with lists shown by their length, e.g. `{type: "MsgApp", term: 3, index: 7, entries: 2}`.
 * The kernel knows nothing of message types; this reads any plain object.
 */
export function defaultSummary(message: unknown): MessageSummary {
  if (typeof message !== "object" || message === null) return { type: typeof message };
  const summary: Record<string, string | number | boolean | null> = {};
  const fields = message as Record<string, unknown>;
  summary.type = typeof fields.type === "string" ? fields.type : "message";
  for (const field in fields) {
    if (field === "type" || field === "from" || field === "to") continue;
    const value = fields[field];
    if (typeof value === "number" || typeof value === "boolean") summary[field] = value;
    else if (typeof value === "string" && value.length <= 40) summary[field] = value;
    else if (Array.isArray(value)) summary[field] = value.length;
  }
  return summary as MessageSummary;
}
