/**
 * Traces: the single source of truth for everything etcdlab shows and checks.
 *
 * A trace is a header line followed by one JSON line per event. The header records the format
 * version, the package version, the seed, the scenario and the full resolved configuration, so the
 * same header and the same code produce a byte-identical trace. The last line is a footer with the
 * event count and the SHA-256 of every line before it, so a truncated or edited file is refused.
 *
 * In memory, events are kept as objects plus a parallel array of virtual times; an event line is
 * `{"i":<index>,"t":<time>,` followed by the event's own fields in their creation order. A long run
 * cannot keep every event (an hour of a busy cluster emits about 15 million): a bounded recording
 * (`retain`) keeps only the most recent ones, and a `TraceDigest` hashes every line as it is emitted
 * without keeping any, so two long runs can still be compared event for event.
 *
 * The world emits the kernel's own events (`SimEvent`); higher layers add theirs. Emission sites
 * check `trace.enabled` (any consumer at all) and, for per-message events, `trace.messages`, before
 * building an event, so a run without consumers allocates nothing for tracing. Per-message events
 * (`emitMessage`: sends, deliveries, drops, about 60% of a busy run's events) reach only the
 * listeners that asked for them.
 */
import { createHash } from "node:crypto";
import { assert, InputError } from "./errors.js";
import type { Fault } from "./faults.js";
import type { Micros } from "./time.js";

export const TRACE_FORMAT = "etcdlab-trace";
export const TRACE_FORMAT_VERSION = 1;

export interface TraceHeader {
  readonly format: typeof TRACE_FORMAT;
  readonly formatVersion: number;
  readonly packageVersion: string;
  readonly seed: number;
  readonly scenario: string;
  readonly config: unknown;
}

/** What a message looks like in a trace: its type plus a few scalar fields (term, index, ...). */
export interface MessageSummary {
  readonly type: string;
  readonly [field: string]: string | number | boolean | null;
}

export type DropReason = "loss" | "partition" | "crashed" | "unknown-address";

/** The kernel's events. Higher layers extend the union with their own. */
export type SimEvent =
  | { readonly type: "net.send"; readonly from: string; readonly to: string; readonly message: MessageSummary; readonly deliverAt: Micros }
  | { readonly type: "net.deliver"; readonly from: string; readonly to: string; readonly message: MessageSummary }
  | { readonly type: "net.drop"; readonly from: string; readonly to: string; readonly message: MessageSummary; readonly reason: DropReason }
  | { readonly type: "net.duplicate"; readonly from: string; readonly to: string; readonly message: MessageSummary }
  | { readonly type: "fault"; readonly fault: Fault; readonly text: string }
  | { readonly type: "disk.fsync"; readonly node: string; readonly latencyUs: Micros }
  | { readonly type: "note"; readonly text: string };

export interface TypedEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

export type TraceListener<E extends TypedEvent> = (time: Micros, event: E, index: number) => void;

export interface TraceOptions {
  /** Per-message events (send, deliver, drop); by default, whenever the trace records. */
  readonly messages?: boolean;
  /** Keep only the most recent `retain` events (a ring). By default every event is kept. */
  readonly retain?: number;
}

/** What a per-message event says happened to the message (`Trace.emitMessage`). */
export const MESSAGE_SENT = 0;
export const MESSAGE_DELIVERED = 1;
export const MESSAGE_DUPLICATED = 2;
/** A drop: `MESSAGE_DROPPED + DROP_REASONS.indexOf(reason)`. */
export const MESSAGE_DROPPED = 3;
export const DROP_REASONS: readonly DropReason[] = ["loss", "partition", "crashed", "unknown-address"];

/** The event of a per-message record, built exactly as the world used to build it (same keys, same order). */
function messageEvent(what: number, from: string, to: string, message: MessageSummary, deliverAt: Micros): SimEvent {
  switch (what) {
    case MESSAGE_SENT:
      return { type: "net.send", from, to, message, deliverAt };
    case MESSAGE_DELIVERED:
      return { type: "net.deliver", from, to, message };
    case MESSAGE_DUPLICATED:
      return { type: "net.duplicate", from, to, message };
    default:
      return { type: "net.drop", from, to, message, reason: DROP_REASONS[what - MESSAGE_DROPPED] as DropReason };
  }
}

export class Trace<E extends TypedEvent = TypedEvent> {
  /** True when anything consumes events: a recording or a listener. */
  enabled: boolean;
  /** True when per-message events (send, deliver, drop) are wanted. */
  messages: boolean;
  /**
   * The recorded events. In a bounded recording, a per-message event nobody but the recording
   * wanted is stored as a number until it is read (see `emitMessage`): its position in the message
   * columns below.
   */
  private readonly eventList: Array<E | number> = [];
  private readonly timeList: Micros[] = [];
  /** Once a bounded recording is full: the position of its oldest event, overwritten next. */
  private oldest = 0;
  /** Per-message events, as columns: what happened (MESSAGE_*), from, to, summary, delivery time. */
  private readonly messageWhat: number[] = [];
  private readonly messageFrom: string[] = [];
  private readonly messageTo: string[] = [];
  private readonly messageSummary: MessageSummary[] = [];
  private readonly messageDeliverAt: Micros[] = [];
  /** Per-message events recorded as columns so far (bounded recordings only); the columns are a ring. */
  private messageCount = 0;
  private readonly listeners: Array<TraceListener<E>> = [];
  /** The listeners subscribed with `messages: true`, in subscription order. */
  private readonly messageListeners: Array<TraceListener<E>> = [];
  private readonly retain: number;
  private count = 0;

  constructor(readonly recording: boolean, options: TraceOptions = {}) {
    this.enabled = recording;
    this.messages = recording && options.messages !== false;
    this.retain = options.retain ?? Infinity;
    assert(this.retain >= 1, `a bounded trace retains at least one event (got ${this.retain})`);
  }

  get length(): number {
    return this.count;
  }

  /**
   * The recorded events, oldest first: `events[k]` is event number `firstIndex + k`. A complete
   * recording returns its own list (read it again after more events: it grows); a bounded one a
   * copy in order.
   */
  get events(): E[] {
    if (this.retain === Infinity) return this.eventList as E[];
    return inOrder(this.eventList, this.oldest).map((item) => (typeof item === "number" ? this.messageAt(item) : item));
  }

  /** The virtual time of each recorded event, parallel to `events`. */
  get times(): Micros[] {
    return this.retain === Infinity ? this.timeList : inOrder(this.timeList, this.oldest);
  }

  /** The number of the oldest recorded event: 0 unless a bounded recording dropped older ones. */
  get firstIndex(): number {
    return this.retain === Infinity ? 0 : this.count - this.eventList.length;
  }

  /**
   * Feeds every later event to `listener` (checkers subscribe this way); the per-message events
   * (`emitMessage`) only with `messages: true`.
   */
  subscribe(listener: TraceListener<E>, options: { messages?: boolean } = {}): void {
    this.listeners.push(listener);
    this.enabled = true;
    if (options.messages) {
      this.messages = true;
      this.messageListeners.push(listener);
    }
  }

  emit(time: Micros, event: E): void {
    const index = this.count++;
    if (this.recording) this.record(time, event);
    const listeners = this.listeners;
    for (let position = 0; position < listeners.length; position++) (listeners[position] as TraceListener<E>)(time, event, index);
  }

  /**
   * A per-message event (emitted only when `messages`): `what` (MESSAGE_*) happened to a message
   * from `from` to `to`, summarized as `message`; `deliverAt` is a send's delivery time (0 for the
   * others). Recorded and numbered like any other event, fed to the listeners subscribed with
   * `messages: true` only. When only a bounded recording wants it, no event object is made: the
   * recording keeps its fields in columns and builds the event when it is read (a long run emits
   * millions, and keeps only the most recent). A complete recording keeps every event as an object:
   * it holds them all anyway, and one object costs less than five columns growing.
   */
  emitMessage(time: Micros, what: number, from: string, to: string, message: MessageSummary, deliverAt: Micros): void {
    const index = this.count++;
    const listeners = this.messageListeners;
    if (listeners.length === 0 && this.retain !== Infinity) {
      if (this.recording) this.record(time, this.recordMessage(what, from, to, message, deliverAt));
      return;
    }
    const event = messageEvent(what, from, to, message, deliverAt) as unknown as E;
    if (this.recording) this.record(time, event);
    for (let position = 0; position < listeners.length; position++) (listeners[position] as TraceListener<E>)(time, event, index);
  }

  /** Stores a per-message event in the columns; returns its position there. */
  private recordMessage(what: number, from: string, to: string, message: MessageSummary, deliverAt: Micros): number {
    const ordinal = this.messageCount++;
    if (ordinal < this.retain) {
      this.messageWhat.push(what);
      this.messageFrom.push(from);
      this.messageTo.push(to);
      this.messageSummary.push(message);
      this.messageDeliverAt.push(deliverAt);
      return ordinal;
    }
    // A bounded recording holds at most `retain` events, so a ring of `retain` messages outlives
    // every event that refers to it.
    const slot = ordinal % this.retain;
    this.messageWhat[slot] = what;
    this.messageFrom[slot] = from;
    this.messageTo[slot] = to;
    this.messageSummary[slot] = message;
    this.messageDeliverAt[slot] = deliverAt;
    return slot;
  }

  private messageAt(slot: number): E {
    return messageEvent(
      this.messageWhat[slot] as number,
      this.messageFrom[slot] as string,
      this.messageTo[slot] as string,
      this.messageSummary[slot] as MessageSummary,
      this.messageDeliverAt[slot] as Micros,
    ) as unknown as E;
  }

  /** Appends, or once a bounded recording is full, overwrites its oldest event (a ring). */
  private record(time: Micros, item: E | number): void {
    if (this.eventList.length < this.retain) {
      this.eventList.push(item);
      this.timeList.push(time);
      return;
    }
    this.eventList[this.oldest] = item;
    this.timeList[this.oldest] = time;
    this.oldest = this.oldest + 1 === this.retain ? 0 : this.oldest + 1;
  }
}

/** A ring's items, oldest (at position `oldest`) first. */
function inOrder<T>(ring: readonly T[], oldest: number): T[] {
  return oldest === 0 ? ring.slice() : [...ring.slice(oldest), ...ring.slice(0, oldest)];
}

const DIGEST_BATCH_CHARS = 65_536;

/**
 * The SHA-256 of every event line of a trace (the lines `serializeTrace` writes between its header
 * and its footer), computed as events are emitted, without keeping them. Lines are hashed in
 * batches: one native call per line would cost more than making the line.
 */
export class TraceDigest {
  private readonly hash = createHash("sha256");
  private batch = "";

  constructor(trace: Trace) {
    trace.subscribe((time, event, index) => this.add(`${eventLine(index, time, event)}\n`), { messages: true });
  }

  /** The digest of the lines so far (the trace may go on). */
  hex(): string {
    this.flush();
    return this.hash.copy().digest("hex");
  }

  private add(line: string): void {
    this.batch += line;
    if (this.batch.length >= DIGEST_BATCH_CHARS) this.flush();
  }

  private flush(): void {
    this.hash.update(this.batch);
    this.batch = "";
  }
}

/** One trace line for event number `index` at `time`. */
export function eventLine(index: number, time: Micros, event: TypedEvent): string {
  const body = JSON.stringify(event);
  return `{"i":${index},"t":${time},${body.slice(1)}`;
}

/** The whole trace as JSON Lines (header, events, footer) and the SHA-256 of those bytes. */
export function serializeTrace(header: TraceHeader, trace: Trace): { text: string; sha256: string } {
  assert(trace.firstIndex === 0, `a trace file holds every event, but this trace dropped its first ${trace.firstIndex}`);
  const hash = createHash("sha256");
  const lines: string[] = [];
  const add = (line: string): void => {
    lines.push(line);
    hash.update(line);
    hash.update("\n");
  };
  add(JSON.stringify(header));
  // Read once: for a bounded recording each read of `events` or `times` is a fresh copy.
  const events = trace.events;
  const times = trace.times;
  for (let index = 0; index < events.length; index++) {
    add(eventLine(index, times[index] as Micros, events[index] as TypedEvent));
  }
  const bodyHash = hash.copy().digest("hex");
  add(JSON.stringify({ type: "trace.end", events: events.length, sha256: bodyHash }));
  return { text: `${lines.join("\n")}\n`, sha256: hash.digest("hex") };
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export interface ParsedTrace {
  readonly header: TraceHeader;
  readonly events: TypedEvent[];
  readonly times: Micros[];
}

/**
 * Reads a serialized trace, refusing a foreign, corrupt or truncated file with one clear error that
 * names the file and, where it applies, the line.
 */
export function parseTrace(text: string, fileName: string): ParsedTrace {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const first = lines[0];
  if (first === undefined) throw new InputError(`${fileName}: empty file, not an etcdlab trace`);
  const header = parseLine(first, fileName, 1) as Partial<TraceHeader>;
  if (header.format !== TRACE_FORMAT) throw new InputError(`${fileName}: not an etcdlab trace (the first line has no "format":"${TRACE_FORMAT}")`);
  if (header.formatVersion !== TRACE_FORMAT_VERSION) {
    throw new InputError(`${fileName}: trace format version ${String(header.formatVersion)} is not supported (this etcdlab reads version ${TRACE_FORMAT_VERSION})`);
  }
  if (typeof header.seed !== "number" || typeof header.scenario !== "string" || typeof header.packageVersion !== "string") {
    throw new InputError(`${fileName}: trace header is missing its seed, scenario or package version`);
  }
  const hash = createHash("sha256");
  hash.update(first);
  hash.update("\n");
  const events: TypedEvent[] = [];
  const times: Micros[] = [];
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index] as string;
    const record = parseLine(line, fileName, index + 1) as { i?: unknown; t?: unknown; type?: unknown; events?: unknown; sha256?: unknown };
    if (record.type === "trace.end") {
      if (index !== lines.length - 1) throw new InputError(`${fileName}:${index + 1}: trace footer before the end of the file`);
      if (record.events !== events.length || record.sha256 !== hash.digest("hex")) {
        throw new InputError(`${fileName}: corrupt trace (its checksum does not match its contents)`);
      }
      return { header: header as TraceHeader, events, times };
    }
    if (record.i !== events.length || typeof record.t !== "number" || typeof record.type !== "string") {
      throw new InputError(`${fileName}:${index + 1}: corrupt trace line (expected event ${events.length} with a time and a type)`);
    }
    hash.update(line);
    hash.update("\n");
    const { i: _index, t: time, ...event } = record;
    events.push(event as TypedEvent);
    times.push(time);
  }
  throw new InputError(`${fileName}: truncated trace (no footer line)`);
}

function parseLine(line: string, fileName: string, lineNumber: number): unknown {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new SyntaxError("not a JSON object");
    return value;
  } catch (error) {
    throw new InputError(`${fileName}:${lineNumber}: corrupt trace line (${(error as Error).message})`);
  }
}
