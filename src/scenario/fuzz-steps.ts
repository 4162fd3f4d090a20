/**
 * The steps that let a scenario replay a fuzz run (see src/fuzz/): the fuzzer's random client
 * workload, faults aimed at whoever leads at the time, and the liveness phase. `etcdlab fuzz`
 * writes a failing seed's shrunk fault plan as a scenario made of these steps and the kernel's fault
 * steps; it then runs exactly as the seed ran in the fuzzer (src/fuzz/schedule.ts).
 */
import { z } from "zod";
import { applyLeaderFault, LIVENESS_ELECTION_TIMEOUTS, livenessPhase } from "../fuzz/schedule.js";
import { DEFAULT_WORKLOAD, Workload } from "../fuzz/workload.js";
import { InputError } from "../sim/errors.js";
import type { EtcdLab } from "./etcd-cluster.js";
import { defineStep, type Lab, type ScenarioRun } from "./registry.js";
import { durationSchema } from "./values.js";

const ETCD = ["etcd"] as const;

/** The workload each run started (one per run: it draws from the run's "workload" random stream). */
const workloads = new WeakMap<Lab, Workload>();

function labOf(run: ScenarioRun): EtcdLab {
  return run.lab as EtcdLab;
}

defineStep({
  name: "workload",
  summary:
    "start the fuzzer's random client workload: each client keeps one request outstanding, writing unique values to the keys and reading them back through a random member (once per scenario)",
  example: "- workload: {clients: 3, keys: 4, read-percent: 40, think: 30ms, timeout: 1s}",
  clusters: ETCD,
  schema: z.strictObject({
    clients: z.number().int().min(1).max(100).default(DEFAULT_WORKLOAD.clients),
    keys: z.number().int().min(1).max(1000).default(DEFAULT_WORKLOAD.keys),
    "read-percent": z.number().int().min(0).max(100).default(DEFAULT_WORKLOAD.readPercent),
    think: durationSchema.default(DEFAULT_WORKLOAD.thinkUs),
    timeout: durationSchema.default(DEFAULT_WORKLOAD.timeoutUs),
  }),
  execute: (run, options) => {
    if (workloads.has(run.lab)) throw new InputError(`${run.where}: a scenario starts at most one workload`);
    const workload = new Workload(labOf(run).cluster, run.world.random("workload"), {
      clients: options.clients,
      keys: options.keys,
      readPercent: options["read-percent"],
      thinkUs: options.think,
      timeoutUs: options.timeout,
    });
    workloads.set(run.lab, workload);
  },
});

for (const [name, kind, undo] of [
  ["crash-leader", "bounce", "restarts"],
  ["isolate-leader", "isolate", "rejoins when the network heals"],
] as const) {
  defineStep({
    name,
    summary: `${name === "crash-leader" ? "crash" : "cut off from every other member"} whoever leads now (nothing if no member leads); it ${undo} after the given time`,
    example: `- {at: 2.5s, ${name}: 200ms}`,
    clusters: ETCD,
    schema: durationSchema,
    execute: (run, downUs) => applyLeaderFault(labOf(run).cluster, { at: run.world.now, kind, downUs }),
  });
}

defineStep({
  name: "liveness",
  summary:
    "the fuzzer's liveness phase: heal every fault, then a leader must be elected within N election timeouts, the workload stops, and every member must apply every committed entry (else a liveness violation); skipped once a checker has caught a violation",
  example: "- {at: 6s, liveness: {election-timeouts: 10}}",
  clusters: ETCD,
  schema: z.union([z.null(), z.strictObject({ "election-timeouts": z.number().int().min(1).max(1000).default(LIVENESS_ELECTION_TIMEOUTS) })]),
  execute: (run, options) => {
    if (run.lab.violations().length > 0) return;
    livenessPhase(labOf(run).cluster, workloads.get(run.lab), options?.["election-timeouts"] ?? LIVENESS_ELECTION_TIMEOUTS);
  },
});
