/**
 * The steps and expectations every cluster kind understands: time, faults, narration, and what the
 * network did (read back from the trace).
 */
import { z } from "zod";
import type { Fault } from "../sim/faults.js";
import type { SimEvent } from "../sim/trace.js";
import { defineExpectation, defineStep, type ScenarioRun } from "./registry.js";
import { durationSchema, nodeSchema, partitionSchema, probabilitySchema } from "./values.js";

const none = z.union([z.null(), z.literal(true), z.strictObject({})]).transform(() => null);

function applyFault(run: ScenarioRun, fault: Fault): void {
  run.world.applyFault(fault);
}

defineStep({
  name: "wait",
  summary: "let virtual time pass",
  example: "- wait: 2s",
  schema: durationSchema,
  execute: (run, duration) => {
    run.world.runFor(duration);
  },
});

for (const kind of ["crash", "restart", "pause", "resume"] as const) {
  const summaries = {
    crash: "crash a node: volatile state is lost, un-fsynced writes are lost",
    restart: "restart a crashed node from what its disk made durable",
    pause: "freeze a node (SIGSTOP, a long GC pause): its timers and messages are held",
    resume: "unfreeze a paused node; held timers and messages arrive in order",
  } as const;
  defineStep({
    name: kind,
    summary: summaries[kind],
    example: `- ${kind}: n1`,
    schema: nodeSchema,
    execute: (run, node) => applyFault(run, { kind, node }),
  });
}

defineStep({
  name: "partition",
  summary: "cut the network between nodes (replaces any earlier partition)",
  example: "- partition: n1 n2 | n3 n4 n5",
  schema: partitionSchema,
  execute: (run, partition) => applyFault(run, { kind: "partition", partition }),
});

defineStep({
  name: "heal",
  summary: "remove every partition",
  example: "- heal",
  schema: none,
  execute: (run) => applyFault(run, { kind: "heal" }),
});

defineStep({
  name: "slow-disk",
  summary: "multiply a node's fsync latency (factor 1 restores it)",
  example: "- slow-disk: {node: n1, factor: 50}",
  schema: z.strictObject({ node: nodeSchema, factor: z.number().positive() }),
  execute: (run, { node, factor }) => applyFault(run, { kind: "slow-disk", node, factor }),
});

defineStep({
  name: "drift",
  summary: "make a node's clock and timers run at a rate other than 1 (1 restores it)",
  example: "- drift: {node: n1, rate: 0.5}",
  schema: z.strictObject({ node: nodeSchema, rate: z.number().positive() }),
  execute: (run, { node, rate }) => applyFault(run, { kind: "drift", node, rate }),
});

defineStep({
  name: "network",
  summary: "set message loss, duplication and reordering on every link",
  example: "- network: {loss: 5%, duplicate: 1%, reorder: 2%}",
  schema: z.strictObject({ loss: probabilitySchema.optional(), duplicate: probabilitySchema.optional(), reorder: probabilitySchema.optional() }),
  execute: (run, value) =>
    applyFault(run, { kind: "network", lossPpm: value.loss ?? 0, duplicatePpm: value.duplicate ?? 0, reorderPpm: value.reorder ?? 0 }),
});

defineStep({
  name: "note",
  summary: "a line of narration, shown in the trace, the transcript and the UI",
  example: "- note: the leader is now cut off from the majority",
  schema: z.string().min(1),
  execute: (run, text) => run.emit({ type: "note", text }),
});

defineExpectation({
  name: "status",
  summary: "each named node is up, crashed or paused",
  example: "status: {n1: crashed, n2: up}",
  schema: z.record(nodeSchema, z.enum(["up", "crashed", "paused"])),
  evaluate: (run, expected) => {
    const wrong = Object.entries(expected).filter(([node, status]) => run.world.status(node) !== status);
    const detail = Object.entries(expected)
      .map(([node, status]) => `${node} ${status}${run.world.status(node) === status ? "" : ` (is ${run.world.status(node)})`}`)
      .join(", ");
    return { passed: wrong.length === 0, detail };
  },
});

const countSchema = z.strictObject({
  from: nodeSchema.optional(),
  to: nodeSchema.optional(),
  reason: z.enum(["loss", "partition", "crashed", "unknown-address"]).optional(),
  min: z.number().int().nonnegative().optional(),
  max: z.number().int().nonnegative().optional(),
});
type CountQuery = z.infer<typeof countSchema>;

for (const [name, type] of [
  ["dropped", "net.drop"],
  ["delivered", "net.deliver"],
] as const) {
  defineExpectation({
    name,
    summary: `how many messages were ${name} so far (optionally from/to a node${name === "dropped" ? ", for a reason" : ""})`,
    example: name === "dropped" ? "dropped: {reason: partition, to: n1, min: 1}" : "delivered: {to: n3, min: 10}",
    schema: countSchema,
    evaluate: (run, query) => {
      const count = countMessages(run, type, query);
      const passed = (query.min === undefined || count >= query.min) && (query.max === undefined || count <= query.max);
      const bounds = [query.min !== undefined ? `at least ${query.min}` : "", query.max !== undefined ? `at most ${query.max}` : ""].filter(Boolean).join(" and ");
      const filter = [query.from ? `from ${query.from}` : "", query.to ? `to ${query.to}` : "", query.reason ? `(${query.reason})` : ""].filter(Boolean).join(" ");
      return { passed, detail: `messages ${name}${filter ? ` ${filter}` : ""}: ${bounds || "any number"} expected, saw ${count}` };
    },
  });
}

function countMessages(run: ScenarioRun, type: "net.drop" | "net.deliver", query: CountQuery): number {
  let count = 0;
  for (const event of run.world.trace.events as SimEvent[]) {
    if (event.type !== type) continue;
    if (query.from !== undefined && event.from !== query.from) continue;
    if (query.to !== undefined && event.to !== query.to) continue;
    if (query.reason !== undefined && (event.type !== "net.drop" || event.reason !== query.reason)) continue;
    count++;
  }
  return count;
}
