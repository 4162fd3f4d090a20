/**
 * What a lesson reads from a running cluster: the answer sources of checkpoints ("who leads?",
 * "n1's commit index", "how many votes were granted") and the success checks of exercises ("no
 * leader", "key k holds v", "a compare failed").
 *
 * Both read a `Probe`: the world and the cluster of a scenario run or of a shell session, the last
 * client outcome (scenarios) or the output of the lines run so far (scripts, exercises), and the
 * trace events seen so far. Store values are read from the leader's applied state, as a
 * linearizable read would return them; without a leader there is nothing to read.
 */
import { z } from "zod";
import type { EtcdCluster } from "../etcd/cluster.js";
import { bytesFromText, prefixEnd, textFromBytes } from "../mvcc/bytes.js";
import type { KeyValue } from "../mvcc/types.js";
import { nodeSchema } from "../scenario/values.js";
import { assertNever } from "../sim/errors.js";
import type { Fault } from "../sim/faults.js";
import type { SimEvent, TypedEvent } from "../sim/trace.js";
import type { World } from "../sim/world.js";

export interface Probe {
  readonly world: World;
  readonly cluster: EtcdCluster;
  /** The trace events so far (for event counts). */
  events(): readonly TypedEvent[];
  /** Scenarios: the outcome of the last client step, in words ("ok", "value: hello", "error: ..."). */
  result(): string | undefined;
  /** Scripts and exercises: what each line run so far printed (stdout then stderr), trimmed. */
  outputs(): readonly string[];
}

const keySchema = z.string().min(1);
const NODE_FIELDS = ["term", "commit", "applied", "role", "status"] as const;
const KEY_FIELDS = ["value", "mod-revision", "create-revision", "version", "keys"] as const;
const NAMED_SOURCES = ["leader", "result", "output", "revision", "compact-revision", "leases", "voters", "learners"] as const;

export type AnswerSource =
  | (typeof NAMED_SOURCES)[number]
  | { readonly kind: (typeof NODE_FIELDS)[number]; readonly node: string }
  | { readonly kind: (typeof KEY_FIELDS)[number]; readonly key: string }
  | { readonly kind: "raft-events"; readonly event: string; readonly node: string | undefined };

export const answerSourceSchema: z.ZodType<AnswerSource> = z.union(
  [
    z.enum(NAMED_SOURCES),
    ...NODE_FIELDS.map((field) => z.strictObject({ [field]: nodeSchema }).transform((value) => ({ kind: field, node: value[field] as string }))),
    ...KEY_FIELDS.map((field) => z.strictObject({ [field]: keySchema }).transform((value) => ({ kind: field, key: value[field] as string }))),
    z
      .strictObject({ "raft-events": z.strictObject({ kind: z.string().min(1), node: nodeSchema.optional() }) })
      .transform((value) => ({ kind: "raft-events" as const, event: value["raft-events"].kind, node: value["raft-events"].node })),
  ],
  {
    error: `expected an answer source: ${NAMED_SOURCES.join(", ")}; {term|commit|applied|role|status: NODE}; {value|mod-revision|create-revision|version: KEY}; {keys: PREFIX}; {raft-events: {kind: KIND, node: NODE}}`,
  },
);

/** Where a source can be read: `result` in scenario runs only, `output` in scripts only. */
export function sourceFits(source: AnswerSource, run: "scenario" | "script"): string | undefined {
  if (source === "result" && run === "script") return "'result' reads a scenario's last client step; in a script, use 'output'";
  if (source === "output" && run === "scenario") return "'output' reads a script line's output; in a scenario, use 'result'";
  return undefined;
}

/** What the simulation shows for `source` now, as text (numbers in decimal). */
export function readAnswer(probe: Probe, source: AnswerSource): string {
  if (typeof source === "string") {
    switch (source) {
      case "leader":
        return probe.cluster.leader() ?? "none";
      case "result":
        return probe.result() ?? "(no client step yet)";
      case "output":
        return probe.outputs().at(-1) ?? "(no line yet)";
      case "revision":
        return storeRead(probe, (store) => String(store.currentRevision));
      case "compact-revision":
        return storeRead(probe, (store) => String(store.compactRevision));
      case "leases":
        return storeRead(probe, (store) => String(store.lessor.leases().length));
      case "voters":
      case "learners": {
        const leader = probe.cluster.leader();
        const conf = leader === undefined ? undefined : probe.cluster.member(leader)?.raft.status().confState;
        return conf === undefined ? "no leader" : String(conf[source].length);
      }
      default:
        return assertNever(source, "answer source");
    }
  }
  switch (source.kind) {
    case "term":
    case "commit":
    case "applied":
    case "role": {
      const status = probe.cluster.member(source.node)?.raft.status();
      return status === undefined ? `(${source.node} is not running)` : String(status[source.kind]);
    }
    case "status":
      return probe.world.status(source.node);
    case "value":
    case "mod-revision":
    case "create-revision":
    case "version":
    case "keys":
      return readKey(probe, source.key, source.kind);
    case "raft-events": {
      let count = 0;
      for (const event of probe.events()) {
        if (event.type === "raft.event" && (event as { kind?: unknown }).kind === source.event && (source.node === undefined || (event as { node?: unknown }).node === source.node)) count++;
      }
      return String(count);
    }
    default:
      return assertNever(source, "answer source");
  }
}

type Store = NonNullable<ReturnType<EtcdCluster["member"]>>["stateMachine"]["store"];

/** Reads the leader's store; "no leader" without one. */
function storeRead(probe: Probe, read: (store: Store) => string): string {
  const leader = probe.cluster.leader();
  const member = leader === undefined ? undefined : probe.cluster.member(leader);
  if (member === undefined) return "no leader";
  return read(member.stateMachine.store);
}

function keyValue(store: Store, key: string): KeyValue | undefined {
  const answer = store.range({ key: bytesFromText(key) });
  return answer.ok ? answer.value.kvs[0] : undefined;
}

function readKey(probe: Probe, key: string, field: (typeof KEY_FIELDS)[number]): string {
  return storeRead(probe, (store) => {
    if (field === "keys") {
      const answer = store.range({ key: bytesFromText(key), rangeEnd: prefixEnd(bytesFromText(key)), countOnly: true });
      return answer.ok ? String(answer.value.count) : "0";
    }
    const kv = keyValue(store, key);
    if (kv === undefined) return field === "value" ? "(absent)" : "0";
    if (field === "value") return textFromBytes(kv.value);
    return String(field === "mod-revision" ? kv.modRevision : field === "create-revision" ? kv.createRevision : kv.version);
  });
}

/* ---------------------------------------------------------------- exercise checks */

const boundsSchema = z.strictObject({ min: z.number().int().optional(), max: z.number().int().optional() });
type Bounds = z.infer<typeof boundsSchema>;

export const checkSchema = z
  .strictObject({
    leader: z.union([z.literal("any"), z.literal("none"), nodeSchema, z.strictObject({ not: nodeSchema })]).optional(),
    status: z.record(nodeSchema, z.enum(["up", "crashed", "paused"])).optional(),
    value: z.strictObject({ key: keySchema, is: z.string().nullable() }).optional(),
    output: z
      .string()
      .min(1)
      .refine((pattern) => isRegExp(pattern), "expected a regular expression")
      .optional(),
    /** A regular expression matched by the output of the last line run (not of any earlier one). */
    "last-output": z
      .string()
      .min(1)
      .refine((pattern) => isRegExp(pattern), "expected a regular expression")
      .optional(),
    term: z.record(nodeSchema, boundsSchema).optional(),
    revision: boundsSchema.optional(),
    "compact-revision": boundsSchema.optional(),
    leases: boundsSchema.optional(),
    converged: z.literal(true).optional(),
    exists: keySchema.optional(),
    voters: boundsSchema.optional(),
    learners: boundsSchema.optional(),
    up: boundsSchema.optional(),
    /** A fault of this kind (on this node) was applied during the session: `{kind: crash, node: n3}`. */
    fault: z.strictObject({ kind: z.enum(["crash", "restart", "pause", "resume", "partition", "heal", "slow-disk", "drift"]), node: nodeSchema.optional() }).optional(),
  })
  .refine((check) => Object.values(check).some((value) => value !== undefined), {
    message: "a check names at least one condition: leader, status, value, exists, output, last-output, term, revision, compact-revision, leases, converged, voters, learners, up or fault",
  });

export type Check = z.infer<typeof checkSchema>;

function faultHappened(probe: Probe, wanted: NonNullable<Check["fault"]>): boolean {
  return (probe.events() as readonly SimEvent[]).some((event) => {
    if (event.type !== "fault") return false;
    const fault: Fault = event.fault;
    return fault.kind === wanted.kind && (wanted.node === undefined || ("node" in fault && fault.node === wanted.node));
  });
}

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

function within(value: number, bounds: Bounds): boolean {
  return (bounds.min === undefined || value >= bounds.min) && (bounds.max === undefined || value <= bounds.max);
}

function storeNumber(probe: Probe, read: (store: Store) => number): number | undefined {
  const text = storeRead(probe, (store) => String(read(store)));
  return text === "no leader" ? undefined : Number(text);
}

/** True when every condition of `check` holds now. */
export function checkHolds(probe: Probe, check: Check): boolean {
  const { cluster, world } = probe;
  if (check.leader !== undefined) {
    const leader = cluster.leader();
    const wanted = check.leader;
    const ok =
      wanted === "any" ? leader !== undefined : wanted === "none" ? leader === undefined : typeof wanted === "string" ? leader === wanted : leader !== undefined && leader !== wanted.not;
    if (!ok) return false;
  }
  if (check.status !== undefined && !Object.entries(check.status).every(([node, status]) => world.has(node) && world.status(node) === status)) return false;
  if (check.value !== undefined) {
    const seen = readKey(probe, check.value.key, "value");
    if (seen === "no leader" || seen !== (check.value.is ?? "(absent)")) return false;
  }
  if (check.fault !== undefined && !faultHappened(probe, check.fault)) return false;
  if (check.up !== undefined && !within(cluster.members.filter((node) => world.status(node) === "up").length, check.up)) return false;
  if (check.exists !== undefined) {
    const seen = readKey(probe, check.exists, "value");
    if (seen === "no leader" || seen === "(absent)") return false;
  }
  for (const [bounds, field] of [
    [check.voters, "voters"],
    [check.learners, "learners"],
  ] as const) {
    if (bounds === undefined) continue;
    const count = readAnswer(probe, field);
    if (count === "no leader" || !within(Number(count), bounds)) return false;
  }
  if (check.output !== undefined) {
    const pattern = new RegExp(check.output, "m");
    if (!probe.outputs().some((output) => pattern.test(output))) return false;
  }
  if (check["last-output"] !== undefined && !new RegExp(check["last-output"], "m").test(probe.outputs().at(-1) ?? "")) return false;
  if (check.term !== undefined) {
    for (const [node, bounds] of Object.entries(check.term)) {
      const term = cluster.member(node)?.raft.status().term;
      if (term === undefined || !within(term, bounds)) return false;
    }
  }
  if (check.converged === true) {
    const applied = new Set(cluster.members.filter((node) => world.status(node) === "up").map((node) => cluster.member(node)?.raft.status().applied ?? -1));
    if (applied.size !== 1) return false;
  }
  for (const [bounds, read] of [
    [check.revision, (store: Store) => store.currentRevision],
    [check["compact-revision"], (store: Store) => store.compactRevision],
    [check.leases, (store: Store) => store.lessor.leases().length],
  ] as const) {
    if (bounds === undefined) continue;
    const value = storeNumber(probe, read);
    if (value === undefined || !within(value, bounds)) return false;
  }
  return true;
}
