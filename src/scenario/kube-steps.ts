/**
 * Kubernetes on the `etcd` cluster kind: API servers over the members, kubectl lines, manifests in
 * the host files, controllers (counter writers, controller-managers with leader election, watchers),
 * and expectations on what kubectl printed, on the `kube.*` trace events and on the controllers.
 */
import { z } from "zod";
import { DEFAULT_COMPACTION_INTERVAL_US } from "../kube/apiserver.js";
import { KubeEnv } from "../kube/env.js";
import { InputError } from "../sim/errors.js";
import type { TypedEvent } from "../sim/trace.js";
import { runKubectl, type KubectlOutput } from "../shell/kubectl-commands.js";
import { KUBE_EVENT_TYPES } from "../kube/events.js";
import type { EtcdLab } from "./etcd-cluster.js";
import { defineExpectation, defineStep, type ExpectationResult, type ScenarioRun } from "./registry.js";
import { durationSchema, nodeSchema } from "./values.js";

const ETCD = ["etcd"] as const;
const actorName = z.string().regex(/^[a-z][a-z0-9-]*$/, "expected an actor name such as 'apiserver-1' or 'kcm-1'");

function envOf(run: ScenarioRun): KubeEnv {
  return KubeEnv.of((run.lab as EtcdLab).cluster);
}

/** The last kubectl step's output, per run. */
const lastOutputs = new WeakMap<object, { readonly line: string; readonly output: KubectlOutput }>();

function guard(run: ScenarioRun, action: () => void): void {
  try {
    action();
  } catch (error) {
    if (error instanceof InputError) throw new InputError(`${run.where}: ${error.message}`);
    throw error;
  }
}

defineStep({
  name: "kube-apiserver",
  summary: "start a kube-apiserver actor over etcd endpoints (all members by default), with its compactor (every 5m by default; 0 disables it)",
  example: "- kube-apiserver: {name: apiserver-1, endpoints: [n1, n2, n3], compaction-interval: 5m}",
  clusters: ETCD,
  schema: z.strictObject({ name: actorName, endpoints: z.array(nodeSchema).min(1).optional(), "compaction-interval": durationSchema.default(DEFAULT_COMPACTION_INTERVAL_US) }),
  execute: (run, step) =>
    guard(run, () => envOf(run).startApiServer({ name: step.name, endpoints: step.endpoints ?? run.lab.members, compactionIntervalUs: step["compaction-interval"] })),
});

defineStep({
  name: "kubectl",
  summary: "run a kubectl line through the first API server (started over every member if there is none) and keep its output",
  example: "- kubectl: kubectl create configmap cfg --from-literal=color=blue",
  clusters: ETCD,
  schema: z.string().regex(/^kubectl(\s|$)/, "a kubectl line starts with 'kubectl'"),
  execute: (run, line) => guard(run, () => lastOutputs.set(run.lab, { line, output: runKubectl((run.lab as EtcdLab).cluster, line) })),
});

defineStep({
  name: "host-file",
  summary: "write a file on the cluster's hosts (a manifest for kubectl -f)",
  example: "- host-file: {path: cm.yaml, content: \"apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: cfg}\\n\"}",
  clusters: ETCD,
  schema: z.strictObject({ path: z.string().min(1), content: z.string() }),
  execute: (run, step) => guard(run, () => (run.lab as EtcdLab).cluster.files.write(step.path, Buffer.from(step.content, "utf8"))),
});

defineStep({
  name: "counter-writers",
  summary: "start writers that each increment data.count of a ConfigMap by read-modify-write: with RetryOnConflict (retry: true) or naively (one try)",
  example: "- counter-writers: {names: [w1, w2], configmap: counter, increments: 5, retry: true, gap: 50ms}",
  clusters: ETCD,
  schema: z.strictObject({
    names: z.array(actorName).min(1),
    configmap: z.string().min(1),
    namespace: z.string().default("default"),
    increments: z.number().int().min(1).max(1000),
    retry: z.boolean(),
    gap: durationSchema.default(50_000),
    server: actorName.optional(),
  }),
  execute: (run, step) =>
    guard(run, () => {
      for (const name of step.names) envOf(run).startCounterWriter(name, { namespace: step.namespace, configmap: step.configmap, increments: step.increments, retry: step.retry, gapUs: step.gap, ...(step.server === undefined ? {} : { server: step.server }) });
    }),
});

defineStep({
  name: "controller-manager",
  summary: "start a kube-controller-manager instance: leader election on Lease kube-system/kube-controller-manager, then the deployment and replicaset controllers while it leads",
  example: "- controller-manager: {name: kcm-1, server: apiserver-1}",
  clusters: ETCD,
  schema: z.strictObject({ name: actorName, server: actorName.optional() }),
  execute: (run, step) => guard(run, () => envOf(run).startControllerManager(step.name, step.server)),
});

defineStep({
  name: "kube-nodes",
  summary: "start nodes: a kube-scheduler that binds pods to them and a kubelet per node that starts its pods (ContainerCreating, then Running and ready 1 s to 2 s later)",
  example: "- kube-nodes: {names: [node-1, node-2]}",
  clusters: ETCD,
  schema: z.strictObject({ names: z.array(actorName).min(1), server: actorName.optional() }),
  execute: (run, step) => guard(run, () => envOf(run).startNodes(step.names, step.server)),
});

defineStep({
  name: "kube-watch",
  summary: "start a watcher (a reflector) of a resource from a resourceVersion; on 410 Gone it lists again and watches from the list",
  example: "- kube-watch: {name: watcher, resource: configmaps, resource-version: \"5\"}",
  clusters: ETCD,
  schema: z.strictObject({ name: actorName, resource: z.string().min(1), namespace: z.string().default("default"), "resource-version": z.string().regex(/^\d*$/), server: actorName.optional() }),
  execute: (run, step) =>
    guard(run, () =>
      envOf(run).startWatcher(step.name, { resource: step.resource, namespace: step.namespace, resourceVersion: step["resource-version"], ...(step.server === undefined ? {} : { server: step.server }) }),
    ),
});

defineExpectation({
  name: "kubectl-output",
  summary: "what the last kubectl step printed: stdout and/or stderr exactly, or a part of them (stdout-contains)",
  example: "kubectl-output: {stderr: \"Error from server (AlreadyExists): configmaps \\\"cfg\\\" already exists\\n\"}",
  clusters: ETCD,
  schema: z.strictObject({ stdout: z.string().optional(), stderr: z.string().optional(), "stdout-contains": z.string().optional() }),
  evaluate: (run, expected): ExpectationResult => {
    const last = lastOutputs.get(run.lab);
    if (last === undefined) return { passed: false, detail: "a kubectl step ran before this expectation (none did)" };
    const { stdout, stderr } = last.output;
    const passed =
      (expected.stdout === undefined || stdout === expected.stdout) &&
      (expected.stderr === undefined || stderr === expected.stderr) &&
      (expected["stdout-contains"] === undefined || stdout.includes(expected["stdout-contains"]));
    return { passed, detail: `${last.line}: expected ${JSON.stringify(expected)}, got stdout ${JSON.stringify(stdout)} stderr ${JSON.stringify(stderr)}` };
  },
});

defineExpectation({
  name: "kube-events",
  summary: `how many kube.* trace events of a type happened so far (${KUBE_EVENT_TYPES.join(", ")}), optionally by an actor`,
  example: "kube-events: {type: kube.conflict, min: 1}",
  clusters: ETCD,
  schema: z.strictObject({ type: z.enum(KUBE_EVENT_TYPES as [string, ...string[]]), by: z.string().optional(), min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() }),
  evaluate: (run, query) => {
    let count = 0;
    for (const event of run.world.trace.events as TypedEvent[]) {
      if (event.type !== query.type) continue;
      if (query.by !== undefined && event["by"] !== query.by && event["server"] !== query.by && event["to"] !== query.by) continue;
      count++;
    }
    const passed = (query.min === undefined || count >= query.min) && (query.max === undefined || count <= query.max);
    return { passed, detail: `${query.type}${query.by === undefined ? "" : ` by ${query.by}`}: ${query.min ?? 0}..${query.max ?? "any"} expected, saw ${count}` };
  },
});

defineExpectation({
  name: "counter-writers",
  summary: "the writers' reports, summed over the named writers: increments that succeeded, failed, settled (finished: succeeded + failed), at least so many succeeded, at least so many 409s",
  example: "counter-writers: {names: [w1, w2], succeeded: 10, failed: 0}",
  clusters: ETCD,
  schema: z.strictObject({
    names: z.array(actorName).min(1),
    succeeded: z.number().int().nonnegative().optional(),
    failed: z.number().int().nonnegative().optional(),
    finished: z.number().int().nonnegative().optional(),
    "min-succeeded": z.number().int().nonnegative().optional(),
    "min-conflicts": z.number().int().nonnegative().optional(),
  }),
  evaluate: (run, expected) => {
    const reports = expected.names.map((name) => envOf(run).writers.get(name));
    if (reports.some((report) => report === undefined)) return { passed: false, detail: `writers ${expected.names.join(", ")} were started` };
    const sum = (field: "succeeded" | "failed" | "conflicts"): number => reports.reduce((total, report) => total + (report?.[field] ?? 0), 0);
    const passed =
      (expected.succeeded === undefined || sum("succeeded") === expected.succeeded) &&
      (expected.failed === undefined || sum("failed") === expected.failed) &&
      (expected.finished === undefined || sum("succeeded") + sum("failed") === expected.finished) &&
      (expected["min-succeeded"] === undefined || sum("succeeded") >= expected["min-succeeded"]) &&
      (expected["min-conflicts"] === undefined || sum("conflicts") >= expected["min-conflicts"]);
    return { passed, detail: `writers ${expected.names.join(", ")}: ${sum("succeeded")} increments succeeded, ${sum("failed")} failed, ${sum("conflicts")} 409s (expected ${JSON.stringify(expected)})` };
  },
});

defineExpectation({
  name: "counter",
  summary: "data.count of a ConfigMap (read from etcd through the API server) equals the increments that reported success: no update lost, none counted twice",
  example: "counter: {configmap: counter, writers: [w1, w2]}",
  clusters: ETCD,
  schema: z.strictObject({ configmap: z.string().min(1), namespace: z.string().default("default"), writers: z.array(actorName).min(1), value: z.number().int().nonnegative().optional() }),
  evaluate: (run, expected) => {
    const env = envOf(run);
    const succeeded = expected.writers.reduce((total, name) => total + (env.writers.get(name)?.succeeded ?? 0), 0);
    const outcome = env.request({ verb: "get", resource: "configmaps", namespace: expected.namespace, name: expected.configmap });
    if (!outcome.ok || outcome.value.kind !== "object") return { passed: false, detail: `configmap ${expected.configmap} could be read (${outcome.ok ? "not an object" : outcome.status.message})` };
    const count = Number(((outcome.value.object["data"] ?? {}) as Record<string, string>)["count"] ?? "0");
    const passed = count === succeeded && (expected.value === undefined || count === expected.value);
    return { passed, detail: `data.count ${count}, increments that reported success ${succeeded}${expected.value === undefined ? "" : `, expected ${expected.value}`}` };
  },
});

defineExpectation({
  name: "lease-holder",
  summary: "which controller-manager instance leads (its report), and that no other named instance believes it leads",
  example: "lease-holder: {leader: kcm-2, others: [kcm-1]}",
  clusters: ETCD,
  schema: z.strictObject({ leader: actorName, others: z.array(actorName).default([]) }),
  evaluate: (run, expected) => {
    const env = envOf(run);
    const leads = (name: string): boolean => run.world.status(name) === "up" && env.managers.get(name)?.leading === true;
    const passed = leads(expected.leader) && expected.others.every((name) => !leads(name));
    const seen = [expected.leader, ...expected.others].map((name) => `${name} ${leads(name) ? "leads" : "does not lead"}`).join(", ");
    return { passed, detail: `${expected.leader} leads alone (${seen})` };
  },
});

defineExpectation({
  name: "watcher",
  summary: "a watcher's report: 410s it got, relists it made, events it saw (each a number or {min, max})",
  example: "watcher: {name: watcher, gone: 1, relists: 1}",
  clusters: ETCD,
  schema: z.strictObject({ name: actorName, gone: z.number().int().nonnegative().optional(), relists: z.number().int().nonnegative().optional(), "min-events": z.number().int().nonnegative().optional() }),
  evaluate: (run, expected) => {
    const report = envOf(run).watchers.get(expected.name);
    if (report === undefined) return { passed: false, detail: `watcher ${expected.name} was started` };
    const passed =
      (expected.gone === undefined || report.gone === expected.gone) &&
      (expected.relists === undefined || report.relists === expected.relists) &&
      (expected["min-events"] === undefined || report.events >= expected["min-events"]);
    return { passed, detail: `watcher ${expected.name}: ${report.gone} 410s, ${report.relists} relists, ${report.events} events, now at resourceVersion ${report.resourceVersion} (expected ${JSON.stringify(expected)})` };
  },
});
