import { describe, expect, it } from "vitest";
import {
  DROP_REASONS,
  MESSAGE_DELIVERED,
  MESSAGE_DROPPED,
  MESSAGE_DUPLICATED,
  MESSAGE_SENT,
  parseTrace,
  serializeTrace,
  sha256Hex,
  Trace,
  TraceDigest,
  TRACE_FORMAT,
  type TraceHeader,
  type TypedEvent,
} from "../../src/sim/trace.js";

const HEADER: TraceHeader = { format: TRACE_FORMAT, formatVersion: 1, packageVersion: "0.1.0", seed: 3, scenario: "demo", config: { members: 3 } };

function sample(): string {
  const trace = new Trace<TypedEvent>(true);
  trace.emit(0, { type: "note", text: "start" });
  trace.emit(1500, { type: "fault", fault: { kind: "crash", node: "n1" }, text: "crash n1" });
  return serializeTrace(HEADER, trace).text;
}

describe("trace files", () => {
  it("writes a header, one line per event with index and time first, and a checksummed footer", () => {
    const lines = sample().trimEnd().split("\n");
    expect(JSON.parse(lines[0] as string)).toEqual(HEADER);
    expect(lines[1]).toBe('{"i":0,"t":0,"type":"note","text":"start"}');
    expect(lines[2]).toBe('{"i":1,"t":1500,"type":"fault","fault":{"kind":"crash","node":"n1"},"text":"crash n1"}');
    expect(JSON.parse(lines[3] as string)).toMatchObject({ type: "trace.end", events: 2 });
  });

  it("reads back exactly what it wrote", () => {
    const parsed = parseTrace(sample(), "t.jsonl");
    expect(parsed.header).toEqual(HEADER);
    expect(parsed.times).toEqual([0, 1500]);
    expect(parsed.events).toEqual([
      { type: "note", text: "start" },
      { type: "fault", fault: { kind: "crash", node: "n1" }, text: "crash n1" },
    ]);
  });

  it("gives the same SHA-256 for the same trace", () => {
    const trace = new Trace<TypedEvent>(true);
    trace.emit(5, { type: "note", text: "x" });
    expect(serializeTrace(HEADER, trace).sha256).toBe(serializeTrace(HEADER, trace).sha256);
  });

  it("refuses a foreign, corrupt, edited or truncated file with one clear line", () => {
    const text = sample();
    expect(() => parseTrace("", "t.jsonl")).toThrow("t.jsonl: empty file, not an etcdlab trace");
    expect(() => parseTrace('{"hello":1}\n', "t.jsonl")).toThrow('t.jsonl: not an etcdlab trace (the first line has no "format":"etcdlab-trace")');
    expect(() => parseTrace("not json\n", "t.jsonl")).toThrow(/^t\.jsonl:1: corrupt trace line \(/);
    expect(() => parseTrace(text.replace('"formatVersion":1', '"formatVersion":9'), "t.jsonl")).toThrow(
      "t.jsonl: trace format version 9 is not supported (this etcdlab reads version 1)",
    );
    expect(() => parseTrace(text.replace("crash n1", "crash n2"), "t.jsonl")).toThrow("t.jsonl: corrupt trace (its checksum does not match its contents)");
    const lines = text.trimEnd().split("\n");
    expect(() => parseTrace(lines.slice(0, 3).join("\n"), "t.jsonl")).toThrow("t.jsonl: truncated trace (no footer line)");
    expect(() => parseTrace([lines[0], lines[2], lines[3]].join("\n"), "t.jsonl")).toThrow(
      "t.jsonl:2: corrupt trace line (expected event 0 with a time and a type)",
    );
  });
});

describe("long runs", () => {
  it("a bounded recording keeps the most recent events, in order, and cannot be written as a trace file", () => {
    const trace = new Trace<TypedEvent>(true, { retain: 3 });
    for (let index = 0; index < 7; index++) trace.emit(index * 10, { type: "note", text: `e${index}` });
    expect(trace.length).toBe(7);
    expect(trace.firstIndex).toBe(4);
    expect(trace.events.map((event) => event.text)).toEqual(["e4", "e5", "e6"]);
    expect(trace.times).toEqual([40, 50, 60]);
    expect(() => serializeTrace(HEADER, trace)).toThrow("a trace file holds every event, but this trace dropped its first 4");
  });

  it("a bounded recording that wraps around its ring keeps exactly the most recent events, in order", () => {
    const trace = new Trace<TypedEvent>(true, { retain: 2500 });
    for (let index = 0; index < 10_000; index++) trace.emit(index, { type: "note", text: `e${index}` });
    expect(trace.firstIndex).toBe(7500);
    const events = trace.events;
    expect(events.length).toBe(2500);
    expect([events[0]?.text, events[2499]?.text]).toEqual(["e7500", "e9999"]);
    expect(trace.times).toEqual(Array.from({ length: 2500 }, (_, position) => 7500 + position));
    trace.emit(10_000, { type: "note", text: "e10000" });
    // The ring's oldest event is no longer at its start: the events still come oldest first.
    const wrapped = trace.events;
    expect([trace.firstIndex, wrapped.length]).toEqual([7501, 2500]);
    expect(wrapped.map((event) => event.text)).toEqual(Array.from({ length: 2500 }, (_, position) => `e${7501 + position}`));
    expect(trace.times).toEqual(Array.from({ length: 2500 }, (_, position) => 7501 + position));
  });

  it("a digest hashes the event lines a trace file would hold, without recording them", () => {
    const recorded = new Trace<TypedEvent>(true);
    const digested = new Trace<TypedEvent>(false);
    const digest = new TraceDigest(digested);
    for (const trace of [recorded, digested]) {
      trace.emit(0, { type: "note", text: "start" });
      trace.emit(1500, { type: "fault", fault: { kind: "crash", node: "n1" }, text: "crash n1" });
    }
    const lines = serializeTrace(HEADER, recorded).text.split("\n").slice(1, 3);
    expect(digest.hex()).toBe(sha256Hex(`${lines.join("\n")}\n`));
    expect(digested.events).toEqual([]);
    expect(digested.messages).toBe(true);
  });
});

describe("listeners", () => {
  it("per-message events reach only the listeners that asked for them, numbered and recorded like the rest", () => {
    const trace = new Trace<TypedEvent>(true);
    const checker: string[] = [];
    const viewer: string[] = [];
    trace.subscribe((time, event, index) => checker.push(`${index}@${time} ${event.type}`));
    trace.subscribe((time, event, index) => viewer.push(`${index}@${time} ${event.type}`), { messages: true });
    trace.emit(0, { type: "note", text: "start" });
    trace.emitMessage(10, MESSAGE_SENT, "n1", "n2", { type: "MsgApp" }, 12);
    trace.emitMessage(12, MESSAGE_DELIVERED, "n1", "n2", { type: "MsgApp" }, 0);
    trace.emit(12, { type: "disk.fsync", node: "n2", latencyUs: 1000 });
    expect(checker).toEqual(["0@0 note", "3@12 disk.fsync"]);
    expect(viewer).toEqual(["0@0 note", "1@10 net.send", "2@12 net.deliver", "3@12 disk.fsync"]);
    expect(trace.events.map((event) => event.type)).toEqual(["note", "net.send", "net.deliver", "disk.fsync"]);
    expect(trace.length).toBe(4);
  });
});

describe("per-message events kept as columns in a bounded recording", () => {
  /** Emits a mix of events: a note, then per event number k a send, delivery, duplicate or drop (each reason in turn). */
  function emitMix(trace: Trace<TypedEvent>, from: number, to: number): void {
    for (let k = from; k < to; k++) {
      const time = 3_000_000_000 + k * 7;
      const message = { type: "MsgApp", term: 2, index: k };
      if (k % 6 === 0) trace.emit(time, { type: "note", text: `n${k}` });
      else if (k % 6 === 1) trace.emitMessage(time, MESSAGE_SENT, "n1", "n2", message, time + 2_500);
      else if (k % 6 === 2) trace.emitMessage(time, MESSAGE_DELIVERED, "n1", "n2", message, 0);
      else if (k % 6 === 3) trace.emitMessage(time, MESSAGE_DUPLICATED, "n2", "n3", message, 0);
      else trace.emitMessage(time, MESSAGE_DROPPED + (k % DROP_REASONS.length), "n3", "n1", message, 0);
    }
  }

  /** The same events as objects, as the world built them before the columns (the line format of every trace so far). */
  function expectedEvent(k: number): TypedEvent {
    const time = 3_000_000_000 + k * 7;
    const message = { type: "MsgApp", term: 2, index: k };
    if (k % 6 === 0) return { type: "note", text: `n${k}` };
    if (k % 6 === 1) return { type: "net.send", from: "n1", to: "n2", message, deliverAt: time + 2_500 };
    if (k % 6 === 2) return { type: "net.deliver", from: "n1", to: "n2", message };
    if (k % 6 === 3) return { type: "net.duplicate", from: "n2", to: "n3", message };
    return { type: "net.drop", from: "n3", to: "n1", message, reason: DROP_REASONS[k % DROP_REASONS.length] };
  }

  it("a complete recording reads back the same events, key for key, as a listener receives them", () => {
    const recorded = new Trace<TypedEvent>(true);
    const heard: string[] = [];
    const listened = new Trace<TypedEvent>(true);
    listened.subscribe((_time, event) => heard.push(JSON.stringify(event)), { messages: true });
    emitMix(recorded, 0, 40);
    emitMix(listened, 0, 40);
    const expected = Array.from({ length: 40 }, (_, k) => JSON.stringify(expectedEvent(k)));
    expect(recorded.events.map((event) => JSON.stringify(event))).toEqual(expected);
    expect(listened.events.map((event) => JSON.stringify(event))).toEqual(expected);
    expect(heard).toEqual(expected);
    expect(serializeTrace(HEADER, recorded).text).toBe(serializeTrace(HEADER, listened).text);
    // Read again after more events: the list has grown, and the earlier events are unchanged.
    emitMix(recorded, 40, 100);
    expect(recorded.events.map((event) => JSON.stringify(event))).toEqual(Array.from({ length: 100 }, (_, k) => JSON.stringify(expectedEvent(k))));
    expect(recorded.times[99]).toBe(3_000_000_000 + 99 * 7);
  });

  it("a bounded recording keeps the most recent events, messages included, across many wrap-arounds", () => {
    const trace = new Trace<TypedEvent>(true, { retain: 7 });
    emitMix(trace, 0, 23);
    expect(trace.events.map((event) => JSON.stringify(event))).toEqual(Array.from({ length: 7 }, (_, k) => JSON.stringify(expectedEvent(16 + k))));
    emitMix(trace, 23, 1000);
    expect(trace.firstIndex).toBe(993);
    expect(trace.events.map((event) => JSON.stringify(event))).toEqual(Array.from({ length: 7 }, (_, k) => JSON.stringify(expectedEvent(993 + k))));
    expect(trace.times).toEqual(Array.from({ length: 7 }, (_, k) => 3_000_000_000 + (993 + k) * 7));
  });
});
