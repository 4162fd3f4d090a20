/**
 * Steps and expectations for the Raft teaching scenarios (Figure 7, Figure 8 and friends), on top
 * of the etcd cluster kind.
 *
 * - `when` arms a trigger: the moment a member becomes leader, or writes a given log index, the
 *   trigger's network faults happen, before that member sends anything more. This is how a script
 *   says "n1 wins, but its first entry reaches n2 only" without depending on latencies: the paper's
 *   figures deliver messages one by one, and a trigger pins the one moment that matters. Only
 *   faults that change the network (and narration) may be triggered: they take effect at once and
 *   never run a member in the middle of another member's work.
 * - `log` checks a member's log as the list of the terms of its entries, index 1 first, as the
 *   paper draws logs. It reads the member's disk (its write-ahead log and its snapshot), so it
 *   works for a crashed member too: a crashed member's log is what its disk made durable.
 * - `progress` checks what a leader knows of its followers (match, next, replication state): the
 *   numbers a leader commits by.
 * - `raft-events-where` counts Raft events whose details have given values ("n2 refused n5's vote
 *   for term 5 because n5's log is not up to date"), where `raft-events` counts a kind only.
 */
import { z } from "zod";
import type { LogEntryRef, TraceEvent } from "../etcd/events.js";
import { SNAPSHOT_FILE, WAL_FILE } from "../etcd/member.js";
import type { RaftEvent } from "../raft/events.js";
import type { Entry, Snapshot } from "../raft/types.js";
import { describeBounds, type EtcdLab } from "./etcd-cluster.js";
import { defineExpectation, defineStep, type ExpectationResult, type ScenarioRun, stepKinds } from "./registry.js";
import { unknownWord } from "./scenario.js";
import { nodeSchema } from "./values.js";


function labOf(run: ScenarioRun): EtcdLab {
  return run.lab as EtcdLab;
}

/** The step kinds a trigger may run: they change only the network or narrate. */
const TRIGGERED_STEPS = ["partition", "heal", "note"] as const;

interface TriggeredStep {
  readonly kind: (typeof TRIGGERED_STEPS)[number];
  readonly value: unknown;
}

/** A list of steps (`- partition: ...`, `- heal`, `- note: ...`) parsed with the steps' own schemas. */
const triggeredStepsSchema = z
  .array(z.unknown(), { error: "'then' is a list of steps, e.g. '- partition: {one-way: {from: [n1], to: [n3]}}'" })
  .min(1)
  .transform((items, context): TriggeredStep[] => {
    const steps: TriggeredStep[] = [];
    items.forEach((item, index) => {
      const fields: Record<string, unknown> | undefined =
        typeof item === "string" ? { [item]: null } : typeof item === "object" && item !== null && !Array.isArray(item) ? (item as Record<string, unknown>) : undefined;
      const kinds = fields === undefined ? [] : Object.keys(fields);
      if (fields === undefined || kinds.length !== 1) {
        context.addIssue({ code: "custom", path: [index], message: "a triggered step is a mapping with one key, such as '- partition: n1 | n2 n3', or the bare word '- heal'" });
        return;
      }
      const kind = kinds[0] as string;
      const allowed = TRIGGERED_STEPS.find((name) => name === kind);
      const definition = stepKinds().get(kind);
      if (allowed === undefined || definition === undefined) {
        context.addIssue({ code: "custom", path: [index], message: `a trigger may only run ${TRIGGERED_STEPS.join(", ")} (got '${kind}')` });
        return;
      }
      const parsed = definition.schema.safeParse(fields[kind]);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        context.addIssue({ code: "custom", path: [index, kind, ...((issue?.path ?? []) as Array<string | number>)], message: issue?.message ?? "invalid step" });
        return;
      }
      steps.push({ kind: allowed, value: parsed.data });
    });
    return steps;
  });

const whenSchema = z
  .strictObject({
    leader: nodeSchema.optional(),
    appended: z.strictObject({ node: nodeSchema, index: z.number().int().positive() }).optional(),
    then: triggeredStepsSchema,
  })
  .refine((value) => (value.leader === undefined) !== (value.appended === undefined), {
    message: "'when' needs exactly one condition: 'leader: n1' or 'appended: {node: n3, index: 2}'",
  });

type Trigger = z.infer<typeof whenSchema>;

function conditionText(trigger: Trigger): string {
  if (trigger.leader !== undefined) return `${trigger.leader} became leader`;
  const appended = trigger.appended as NonNullable<Trigger["appended"]>;
  return `${appended.node} wrote entry ${appended.index} to its log`;
}

function matches(trigger: Trigger, event: TraceEvent): boolean {
  if (trigger.leader !== undefined) return event.type === "raft.role" && event.node === trigger.leader && event.role === "leader";
  const appended = trigger.appended as NonNullable<Trigger["appended"]>;
  return event.type === "raft.append" && event.node === appended.node && event.entries.some((entry: LogEntryRef) => entry.index === appended.index);
}

defineStep({
  name: "when",
  summary:
    "arm a one-shot trigger: the moment a member becomes leader (before its first entry leaves) or writes a log index (before it acknowledges it), run the network steps of 'then'",
  example: "- when: {leader: n1, then: [{partition: {one-way: {from: [n1], to: [n3, n4, n5]}}}]}",
  clusters: ["etcd"],
  schema: whenSchema,
  execute: (run, trigger) => {
    let fired = false;
    run.world.trace.subscribe((_time, event) => {
      if (fired || !matches(trigger, event as TraceEvent)) return;
      fired = true;
      run.emit({ type: "note", text: `trigger: ${conditionText(trigger)}` });
      for (const step of trigger.then) runTriggered(run, step);
    });
  },
});

function runTriggered(run: ScenarioRun, step: TriggeredStep): void {
  const definition = stepKinds().get(step.kind);
  if (definition === undefined) throw new Error(`assertion failed: triggered step ${step.kind} was validated`);
  definition.execute(run, step.value);
}

/** Terms written as a YAML list ([1, 1, 4]) or as the paper prints them (1 1 4); [] is an empty log. */
const termsSchema = z.union(
  [
    z.array(z.number().int().positive()),
    z.number().int().positive().transform((term) => [term]),
    z
      .string()
      .regex(/^\s*[1-9]\d*(\s+[1-9]\d*)*\s*$/)
      .transform((text) => text.trim().split(/\s+/).map(Number)),
  ],
  { error: "expected the terms of the log's entries, index 1 first: a list such as [1, 1, 4], or 1 1 4" },
);

/** A member's log as its disk holds it: the snapshot it starts after, and the terms of the entries after that. */
interface DiskLog {
  readonly snapshotIndex: number;
  readonly snapshotTerm: number;
  readonly terms: readonly number[];
}

function diskLog(run: ScenarioRun, node: string): DiskLog {
  const disk = run.world.disk(node);
  const snapshot = disk.read(SNAPSHOT_FILE) as Snapshot | undefined;
  const entries = disk.readList(WAL_FILE) as readonly Entry[];
  const snapshotIndex = snapshot?.metadata.index ?? 0;
  return { snapshotIndex, snapshotTerm: snapshot?.metadata.term ?? 0, terms: entries.filter((entry) => entry.index > snapshotIndex).map((entry) => entry.term) };
}

function showLog(log: DiskLog): string {
  const tail = log.terms.length === 0 ? "" : log.terms.join(" ");
  if (log.snapshotIndex === 0) return tail === "" ? "empty" : tail;
  return `[snapshot up to ${log.snapshotIndex}, term ${log.snapshotTerm}]${tail === "" ? "" : ` ${tail}`}`;
}

/** Entries covered by a snapshot are checked through the snapshot's last term only. */
function sameLog(log: DiskLog, expected: readonly number[]): boolean {
  if (log.snapshotIndex + log.terms.length !== expected.length) return false;
  if (log.snapshotIndex > 0 && expected[log.snapshotIndex - 1] !== log.snapshotTerm) return false;
  return log.terms.every((term, position) => term === expected[log.snapshotIndex + position]);
}

defineExpectation({
  name: "log",
  summary: "each named member's log, as the terms of its entries from index 1 (read from its disk, so a crashed member's durable log)",
  example: "log: {n1: '1 1 1 4 4 5 5 6 6 6', n2: [1, 1, 1, 4]}",
  clusters: ["etcd"],
  schema: z.record(nodeSchema, termsSchema),
  evaluate: (run, expected): ExpectationResult => {
    const parts = Object.entries(expected).map(([node, terms]) => {
      const log = diskLog(run, node);
      const passed = sameLog(log, terms);
      const wanted = terms.length === 0 ? "empty" : terms.join(" ");
      return { passed, text: `${node} log ${wanted}${passed ? "" : ` (is ${showLog(log)})`}` };
    });
    return { passed: parts.every((part) => part.passed), detail: parts.map((part) => part.text).join(", ") };
  },
});

const peerProgressSchema = z.strictObject({
  match: z.number().int().nonnegative().optional(),
  next: z.number().int().positive().optional(),
  state: z.enum(["probe", "replicate", "snapshot"]).optional(),
});

defineExpectation({
  name: "progress",
  summary: "a leader's view of its followers (etcd's progress tracker): each named peer's match index, next index and replication state",
  example: "progress: {n1: {n2: {match: 3}, n3: {match: 2, state: replicate}}}",
  clusters: ["etcd"],
  schema: z.record(nodeSchema, z.record(nodeSchema, peerProgressSchema)),
  evaluate: (run, expected): ExpectationResult => {
    const parts: Array<{ passed: boolean; text: string }> = [];
    for (const [leader, peers] of Object.entries(expected)) {
      const member = labOf(run).cluster.member(leader);
      const progress = member?.raft.status().progress ?? null;
      if (progress === null) {
        const actually = member === undefined ? run.world.status(leader) : `a ${member.raft.status().role}`;
        parts.push({ passed: false, text: `${leader} is a running leader (it is ${actually})` });
        continue;
      }
      for (const [peer, wanted] of Object.entries(peers)) {
        const row = progress.find((candidate) => candidate.id === peer);
        const seen = row === undefined ? "not tracked" : `match ${row.match}, next ${row.next}, ${row.state}`;
        const passed =
          row !== undefined &&
          (wanted.match === undefined || row.match === wanted.match) &&
          (wanted.next === undefined || row.next === wanted.next) &&
          (wanted.state === undefined || row.state === wanted.state);
        const want = [wanted.match !== undefined ? `match ${wanted.match}` : "", wanted.next !== undefined ? `next ${wanted.next}` : "", wanted.state ?? ""].filter(Boolean).join(", ");
        parts.push({ passed, text: `${leader} sees ${peer} at ${want || "any progress"}${passed ? "" : ` (${seen})`}` });
      }
    }
    return { passed: parts.every((part) => part.passed), detail: parts.map((part) => part.text).join("; ") };
  },
});

const scalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Every kind of RaftEvent (a kind added to src/raft/events.ts but not here fails to compile). */
const RAFT_EVENT_KIND_TABLE: Readonly<Record<RaftEvent["type"], true>> = {
  "election-timeout": true,
  "campaign-refused": true,
  "became-follower": true,
  "became-pre-candidate": true,
  "became-candidate": true,
  "became-leader": true,
  "vote-granted": true,
  "vote-rejected": true,
  "vote-counted": true,
  "entries-appended": true,
  "entries-truncated": true,
  "append-rejected": true,
  "commit-advanced": true,
  "progress-changed": true,
  "snapshot-sent": true,
  "snapshot-restored": true,
  "snapshot-ignored": true,
  "leader-transfer-started": true,
  "leader-transfer-aborted": true,
  "read-index-postponed": true,
  "read-index-served": true,
  "proposal-dropped": true,
  "conf-change-applied": true,
  "message-ignored": true,
};
const RAFT_EVENT_KINDS: readonly string[] = Object.keys(RAFT_EVENT_KIND_TABLE);

/** A Raft event kind, refused with the nearest known kind when misspelt (a typo would otherwise count nothing). */
const raftEventKindSchema = z.string().superRefine((kind, context) => {
  if (!RAFT_EVENT_KINDS.includes(kind)) context.addIssue({ code: "custom", message: unknownWord("Raft event kind", kind, RAFT_EVENT_KINDS) });
});

defineExpectation({
  name: "raft-events",
  summary: "how many Raft events of a kind happened so far (optionally on one member)",
  example: "raft-events: {kind: snapshot-sent, min: 1}",
  clusters: ["etcd"],
  schema: z.strictObject({ kind: raftEventKindSchema, node: nodeSchema.optional(), min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() }),
  evaluate: (run, query) => {
    let count = 0;
    for (const event of run.world.trace.events) {
      if (event.type === "raft.event" && event.kind === query.kind && (query.node === undefined || event.node === query.node)) count++;
    }
    const passed = (query.min === undefined || count >= query.min) && (query.max === undefined || count <= query.max);
    return { passed, detail: `${query.kind} events${query.node ? ` on ${query.node}` : ""}: ${describeBounds({ ...(query.min !== undefined ? { min: query.min } : {}), ...(query.max !== undefined ? { max: query.max } : {}) }) || "any number"} expected, saw ${count}` };
  },
});

defineExpectation({
  name: "raft-events-where",
  summary: "how many Raft events of a kind happened so far whose details have the given values (optionally on one member)",
  example: 'raft-events-where: {kind: became-follower, node: n1, where: {reason: "check-quorum: quorum not active"}, min: 1}',
  clusters: ["etcd"],
  schema: z.strictObject({
    kind: raftEventKindSchema,
    node: nodeSchema.optional(),
    where: z.record(z.string(), scalarSchema).refine((fields) => Object.keys(fields).length > 0, {
      message: "'where' names at least one detail, e.g. {reason: higher term} (to count a kind alone, use raft-events)",
    }),
    min: z.number().int().nonnegative().optional(),
    max: z.number().int().nonnegative().optional(),
  }),
  evaluate: (run, query): ExpectationResult => {
    const wanted = Object.entries(query.where);
    let count = 0;
    for (const event of run.world.trace.events as TraceEvent[]) {
      if (event.type !== "raft.event" || event.kind !== query.kind || (query.node !== undefined && event.node !== query.node)) continue;
      if (wanted.every(([field, value]) => event.detail[field] === value)) count++;
    }
    const passed = (query.min === undefined || count >= query.min) && (query.max === undefined || count <= query.max);
    const bounds = [query.min !== undefined ? `at least ${query.min}` : "", query.max !== undefined ? `at most ${query.max}` : ""].filter(Boolean).join(" and ") || "any number";
    const filter = wanted.map(([field, value]) => `${field}=${String(value)}`).join(", ");
    return { passed, detail: `${query.kind} events${query.node ? ` on ${query.node}` : ""} with ${filter}: ${bounds} expected, saw ${count}` };
  },
});
