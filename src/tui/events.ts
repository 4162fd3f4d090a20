/**
 * The events the terminal UI knows, and how it recognizes them.
 *
 * A trace holds the kernel's events (`SimEvent`), the cluster's (`ClusterEvent`), the runner's
 * `expectation` records, and whatever a newer layer adds. `classify` turns a trace event into a
 * `KnownEvent` only when its type is known and its fields have the expected shapes; anything else
 * (a type from a newer layer, or a known type with unexpected fields) stays a plain `TypedEvent`
 * that the reducer and the narration show generically, field by field. Nothing here throws on a
 * trace's contents.
 *
 * Also here: the few facts about an event that several parts need (which nodes it involves, its
 * kind for filtering, a compact label for a message).
 */
import type { TraceEvent } from "../etcd/events.js";
import { assertNever } from "../sim/errors.js";
import type { MessageSummary, TypedEvent } from "../sim/trace.js";

/**
 * The scenario runner's record of one checked expectation (src/scenario/runner.ts emits it), with
 * where the expectation is written: `position` ("48:5", line and column in the scenario file) or
 * `where` (a file and position).
 */
export interface ExpectationEvent {
  readonly type: "expectation";
  readonly kind: string;
  readonly passed: boolean;
  readonly detail: string;
  readonly position?: string;
  readonly where?: string;
}

export type KnownEvent = TraceEvent | ExpectationEvent;
export type KnownType = KnownEvent["type"];

type FieldKind = "string" | "number" | "boolean" | "object" | "entries";

/** The fields every known event type must carry, with their shapes. Exhaustive over `KnownType`. */
const FIELDS: { readonly [Type in KnownType]: Readonly<Record<string, FieldKind>> } = {
  "net.send": { from: "string", to: "string", message: "object", deliverAt: "number" },
  "net.deliver": { from: "string", to: "string", message: "object" },
  "net.drop": { from: "string", to: "string", message: "object", reason: "string" },
  "net.duplicate": { from: "string", to: "string", message: "object" },
  fault: { fault: "object", text: "string" },
  "disk.fsync": { node: "string", latencyUs: "number" },
  note: { text: "string" },
  "node.start": { node: "string", term: "number", vote: "string", commit: "number", snapshotIndex: "number", lastIndex: "number" },
  "raft.role": { node: "string", role: "string", term: "number", lead: "string", reason: "string" },
  "raft.append": { node: "string", batch: "number", entries: "entries" },
  "raft.truncate": { node: "string", batch: "number", lastIndex: "number", removed: "entries" },
  "raft.hardstate": { node: "string", batch: "number", term: "number", vote: "string", commit: "number" },
  "raft.snapshot": { node: "string", batch: "number", index: "number", term: "number" },
  "raft.persist": { node: "string", batch: "number" },
  "raft.commit": { node: "string", term: "number", commit: "number" },
  "raft.apply": { node: "string", index: "number", term: "number", id: "string" },
  "raft.progress": { node: "string", peer: "string", state: "string", match: "number", next: "number", inflight: "number" },
  "client.invoke": { client: "string", endpoint: "string", op: "number", summary: "string" },
  "client.return": { client: "string", op: "number", outcome: "string", summary: "string" },
  "raft.event": { node: "string", kind: "string", text: "string", detail: "object" },
  violation: { kind: "string", detail: "string" },
  expectation: { kind: "string", passed: "boolean", detail: "string" },
};

/** Values a field with a fixed vocabulary may take (a value outside it makes the event unknown). */
const VOCABULARY: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  "net.drop": { reason: ["loss", "partition", "crashed", "unknown-address"] },
  "raft.role": { role: ["follower", "pre-candidate", "candidate", "leader"] },
  "raft.progress": { state: ["probe", "replicate", "snapshot"] },
  "client.return": { outcome: ["ok", "fail", "unknown"] },
};

const FAULT_FIELDS: Readonly<Record<string, Readonly<Record<string, "string" | "number" | "object">>>> = {
  crash: { node: "string" },
  restart: { node: "string" },
  pause: { node: "string" },
  resume: { node: "string" },
  partition: { partition: "object" },
  heal: {},
  "slow-disk": { node: "string", factor: "number" },
  drift: { node: "string", rate: "number" },
  network: { lossPpm: "number", duplicatePpm: "number", reorderPpm: "number" },
};

const PARTITION_FIELDS: Readonly<Record<string, Readonly<Record<string, "string" | "names" | "groups">>>> = {
  isolate: { node: "string" },
  split: { minority: "names" },
  bridge: { left: "names", bridge: "string", right: "names" },
  ring: { order: "names" },
  "one-way": { from: "names", to: "names" },
  groups: { groups: "groups" },
};

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNames(value: unknown): boolean {
  return Array.isArray(value) && value.every((name) => typeof name === "string");
}

function isEntries(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every((entry) => isRecord(entry) && typeof entry.index === "number" && typeof entry.term === "number" && typeof entry.id === "string")
  );
}

function hasField(record: Readonly<Record<string, unknown>>, name: string, kind: FieldKind): boolean {
  const value = record[name];
  switch (kind) {
    case "string":
    case "number":
    case "boolean":
      return typeof value === kind;
    case "object":
      return isRecord(value);
    case "entries":
      return isEntries(value);
    default:
      return assertNever(kind, "field kind");
  }
}

function validPartition(value: unknown): boolean {
  if (!isRecord(value) || typeof value.kind !== "string") return false;
  const fields = PARTITION_FIELDS[value.kind];
  if (fields === undefined) return false;
  return Object.entries(fields).every(([name, kind]) => {
    const field = value[name];
    if (kind === "string") return typeof field === "string";
    if (kind === "names") return isNames(field);
    return Array.isArray(field) && field.every(isNames);
  });
}

function validFault(value: unknown): boolean {
  if (!isRecord(value) || typeof value.kind !== "string") return false;
  const fields = FAULT_FIELDS[value.kind];
  if (fields === undefined) return false;
  if (!Object.entries(fields).every(([name, kind]) => (kind === "object" ? isRecord(value[name]) : typeof value[name] === kind))) return false;
  return value.kind !== "partition" || validPartition(value.partition);
}

function isKnownType(type: string): type is KnownType {
  return Object.hasOwn(FIELDS, type);
}

/** `FIELDS` and `VOCABULARY` as lists, made once (classify runs for every event of a trace). */
const FIELD_LISTS = new Map(Object.entries(FIELDS).map(([type, fields]) => [type, Object.entries(fields)]));
const VOCABULARY_LISTS = new Map(Object.entries(VOCABULARY).map(([type, fields]) => [type, Object.entries(fields)]));

/** The event as a `KnownEvent` when its type and fields are the ones this UI knows, else undefined. */
export function classify(event: TypedEvent): KnownEvent | undefined {
  const type = event.type;
  if (!isKnownType(type)) return undefined;
  for (const [name, kind] of FIELD_LISTS.get(type) ?? []) if (!hasField(event, name, kind)) return undefined;
  for (const [name, words] of VOCABULARY_LISTS.get(type) ?? []) if (!words.includes(event[name] as string)) return undefined;
  if (type === "fault" && !validFault(event.fault)) return undefined;
  return event as unknown as KnownEvent;
}

/** Field names whose string values name an actor, for events this UI does not know. */
const NODE_FIELDS = ["node", "from", "to", "peer", "client", "endpoint", "member", "leader", "candidate", "voter"] as const;

/** The actors an event involves (a member, a client, a message's ends), for the node filter. */
export function eventNodes(event: TypedEvent): string[] {
  const nodes: string[] = [];
  for (const field of NODE_FIELDS) {
    const value = event[field];
    if (typeof value === "string" && value !== "") nodes.push(value);
  }
  const fault = event.fault;
  if (event.type === "fault" && isRecord(fault)) {
    if (typeof fault.node === "string") nodes.push(fault.node);
    if (isRecord(fault.partition)) {
      for (const [name, value] of Object.entries(fault.partition)) {
        if (name === "kind") continue;
        if (typeof value === "string") nodes.push(value);
        if (Array.isArray(value)) for (const item of value.flat()) if (typeof item === "string") nodes.push(item);
      }
    }
  }
  return nodes;
}

/** The words an event's kind goes by, for the kind filter: its type, and a fault's or a Raft event's kind. */
export function eventKinds(event: TypedEvent): string[] {
  const kinds = [event.type];
  if (event.type === "fault" && isRecord(event.fault) && typeof event.fault.kind === "string") kinds.push(event.fault.kind);
  if ((event.type === "raft.event" || event.type === "violation") && typeof event.kind === "string") kinds.push(event.kind);
  if (event.type === "raft.role" && typeof event.role === "string") kinds.push(event.role);
  return kinds;
}

/** A message in a few characters: its type and term ("MsgApp t3", "ball"). */
export function messageLabel(message: MessageSummary): string {
  return typeof message.term === "number" ? `${message.type} t${message.term}` : message.type;
}

/** A message's identity for matching a delivery to its send: its type and every scalar field. */
export function messageKey(message: MessageSummary): string {
  let key = message.type;
  for (const name in message) if (name !== "type") key += `|${name}=${String(message[name])}`;
  return key;
}

/** A message in words, with its fields: "MsgApp (term 3, index 7)". */
export function messageWords(message: MessageSummary): string {
  const fields: string[] = [];
  for (const name in message) if (name !== "type") fields.push(`${name} ${String(message[name])}`);
  return fields.length === 0 ? message.type : `${message.type} (${fields.join(", ")})`;
}

/** A value in a few characters, for showing the fields of an event this UI does not know. */
export function fieldText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** An event's own fields (all but its type) as "name=value" pairs. */
export function describeFields(event: TypedEvent, skip: readonly string[] = []): string {
  const parts: string[] = [];
  for (const name in event) {
    if (name === "type" || skip.includes(name)) continue;
    parts.push(`${name}=${fieldText(event[name])}`);
  }
  return parts.join(" ");
}

/** True for the events that record a 409: `kube.conflict`, or any type naming a conflict or 409. */
export function isConflictType(type: string): boolean {
  return type.includes("409") || type.toLowerCase().includes("conflict");
}

/** True for the events that record a compaction (`mvcc.compact`, `kube.compact`, ...). */
export function isCompactionType(type: string): boolean {
  return type.toLowerCase().includes("compact");
}
