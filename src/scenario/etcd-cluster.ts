/**
 * The `etcd` cluster kind: simulated etcd members running Raft and the MVCC store, with clients,
 * and the steps and expectations that drive and check them.
 */
import { z } from "zod";
import { DEFAULT_SETTINGS, EtcdCluster } from "../etcd/cluster.js";
import { RAFT_MUTANTS } from "../raft/types.js";
import { HOST_BUGS } from "../etcd/member.js";
import { bytesFromText, textFromBytes } from "../mvcc/bytes.js";
import type { CallOutcome } from "../etcd/client.js";
import type { KvRequest } from "../etcd/protocol.js";
import { InputError } from "../sim/errors.js";
import type { Micros } from "../sim/time.js";
import { toEtcdHistory } from "../check/etcd-history.js";
import { checkHistory } from "../check/linearizability/index.js";
import { defineCluster, defineExpectation, defineStep, type ExpectationResult, type FinishOptions, type Lab, type LabHistory, type ScenarioRun } from "./registry.js";
import { durationSchema, nodeSchema } from "./values.js";

export const ETCD_BUGS: readonly string[] = [...RAFT_MUTANTS, ...HOST_BUGS];

/** A Lab over an EtcdCluster, remembering the outcome of the last client step. */
export class EtcdLab implements Lab {
  lastOutcome: { readonly what: string; readonly outcome: CallOutcome } | undefined;
  /** Violation kinds a scenario declares it expects (a planted bug's demonstration). */
  readonly expectedViolations = new Set<string>();

  constructor(readonly cluster: EtcdCluster) {}

  get world() {
    return this.cluster.world;
  }

  get members(): readonly string[] {
    return this.cluster.members;
  }

  violations() {
    return this.cluster.violations().filter((violation) => !this.expectedViolations.has(violation.kind));
  }

  /** The client history, checked for linearizability when asked (a failure is a violation). */
  finish(options: FinishOptions): LabHistory {
    const history = toEtcdHistory(this.cluster.history);
    if (options.historyCheck === undefined) return { history, verdict: null };
    const result = checkHistory(history, options.historyCheck);
    if (result.linearizable === false) {
      const detail = result.explanation?.summary ?? "the client history is not linearizable";
      this.cluster.reportViolation({ kind: "linearizability", detail, timeUs: this.world.now });
    }
    return { history, verdict: result.verdict };
  }
}

function labOf(run: ScenarioRun): EtcdLab {
  return run.lab as EtcdLab;
}

const ETCD = ["etcd"] as const;

defineCluster({
  name: "etcd",
  summary: "etcd members (Raft + MVCC) and clients",
  bugs: ETCD_BUGS,
  schema: z.strictObject({
    members: z.number().int().min(1).max(9).default(3),
    tick: durationSchema.default(DEFAULT_SETTINGS.tickUs),
    "election-ticks": z.number().int().min(2).default(DEFAULT_SETTINGS.electionTicks),
    "heartbeat-ticks": z.number().int().min(1).default(DEFAULT_SETTINGS.heartbeatTicks),
    "pre-vote": z.boolean().default(DEFAULT_SETTINGS.preVote),
    "check-quorum": z.boolean().default(DEFAULT_SETTINGS.checkQuorum),
    "read-only": z.enum(["safe", "lease-based"]).default(DEFAULT_SETTINGS.readOnly),
    "clock-drift-bound": z.number().min(0).max(0.9).default(DEFAULT_SETTINGS.clockDriftBound),
    "max-entries-per-message": z.number().int().min(1).default(DEFAULT_SETTINGS.maxEntriesPerMessage),
    "max-inflight": z.number().int().min(1).default(DEFAULT_SETTINGS.maxInflightMessages),
    "request-timeout": durationSchema.default(DEFAULT_SETTINGS.requestTimeoutUs),
    "snapshot-entries": z.number().int().min(1).default(DEFAULT_SETTINGS.snapshotEntries),
    "catch-up-entries": z.number().int().min(0).default(DEFAULT_SETTINGS.catchUpEntries),
    "quota-backend-bytes": z.number().int().min(1).optional(),
    /** A secure cluster (src/etcd/pki.ts): kubeadm's etcd PKI under /etc/kubernetes/pki, https client URLs, client certificates required. */
    secure: z.boolean().default(false),
  }),
  create: (world, options, bugs): Lab => {
    if (options["heartbeat-ticks"] >= options["election-ticks"]) {
      throw new InputError(`cluster: heartbeat-ticks (${options["heartbeat-ticks"]}) must be below election-ticks (${options["election-ticks"]})`);
    }
    if (options["read-only"] === "lease-based" && !options["check-quorum"]) {
      throw new InputError("cluster: read-only: lease-based needs check-quorum: true");
    }
    const cluster = new EtcdCluster(world, {
      members: options.members,
      bugs,
      observe: true,
      secure: options.secure,
      ...(options["quota-backend-bytes"] !== undefined ? { server: { quotaBackendBytes: options["quota-backend-bytes"] } } : {}),
      settings: {
        tickUs: options.tick,
        electionTicks: options["election-ticks"],
        heartbeatTicks: options["heartbeat-ticks"],
        preVote: options["pre-vote"],
        checkQuorum: options["check-quorum"],
        readOnly: options["read-only"],
        clockDriftBound: options["clock-drift-bound"],
        maxEntriesPerMessage: options["max-entries-per-message"],
        maxInflightMessages: options["max-inflight"],
        requestTimeoutUs: options["request-timeout"],
        snapshotEntries: options["snapshot-entries"],
        catchUpEntries: options["catch-up-entries"],
      },
    });
    return new EtcdLab(cluster);
  },
});

/** The member a client step talks to: the one named, else the leader, else the first member. */
function endpoint(run: ScenarioRun, on: string | undefined): string {
  const cluster = labOf(run).cluster;
  if (on !== undefined) {
    if (!cluster.members.includes(on)) throw new InputError(`${run.where}: unknown member '${on}'`);
    return on;
  }
  return cluster.leader() ?? (cluster.members[0] as string);
}

/** Sends one request from client c1 (or the one named) and runs the world until it is answered. */
function callAndWait(run: ScenarioRun, what: string, on: string | undefined, client: string | undefined, request: KvRequest, timeoutUs: Micros): void {
  const lab = labOf(run);
  let result: CallOutcome | undefined;
  lab.cluster.client(client ?? "c1").call(endpoint(run, on), request, timeoutUs, (outcome) => {
    result = outcome;
  });
  run.world.runFor(timeoutUs + 1, () => result !== undefined);
  if (result === undefined) throw new Error("assertion failed: a client call always ends by its own timeout");
  lab.lastOutcome = { what, outcome: result };
}

const clientFields = { on: nodeSchema.optional(), client: z.string().regex(/^c\d+$/, "clients are named c1, c2, ...").optional(), timeout: durationSchema.default(5_000_000) };

defineStep({
  name: "put",
  summary: "a client writes a key through a member (the leader unless `on` names one) and waits for the answer",
  example: "- put: {key: k1, value: v1, on: n2}",
  clusters: ETCD,
  schema: z.strictObject({ key: z.string().min(1), value: z.string(), ...clientFields }),
  execute: (run, step) =>
    callAndWait(run, `put ${step.key} ${step.value}`, step.on, step.client, { kind: "put", request: { key: bytesFromText(step.key), value: bytesFromText(step.value) } }, step.timeout),
});

defineStep({
  name: "get",
  summary: "a client reads a key (linearizable, or `serializable: true` for a local read) and waits for the answer",
  example: "- get: {key: k1, on: n3, serializable: true}",
  clusters: ETCD,
  schema: z.strictObject({ key: z.string().min(1), serializable: z.boolean().default(false), ...clientFields }),
  execute: (run, step) =>
    callAndWait(run, `get ${step.key}`, step.on, step.client, { kind: "range", request: { key: bytesFromText(step.key), serializable: step.serializable } }, step.timeout),
});

defineStep({
  name: "delete",
  summary: "a client deletes a key and waits for the answer",
  example: "- delete: {key: k1}",
  clusters: ETCD,
  schema: z.strictObject({ key: z.string().min(1), ...clientFields }),
  execute: (run, step) => callAndWait(run, `delete ${step.key}`, step.on, step.client, { kind: "deleteRange", request: { key: bytesFromText(step.key) } }, step.timeout),
});

defineStep({
  name: "wait-for-leader",
  summary: "let time pass until a leader that a majority follows exists (at most the given time)",
  example: "- wait-for-leader: 10s",
  clusters: ETCD,
  schema: durationSchema,
  execute: (run, within) => {
    run.world.runFor(within, () => labOf(run).cluster.leader() !== undefined);
  },
});

defineStep({
  name: "campaign",
  summary: "make a member start an election now, as if its election timer had fired",
  example: "- campaign: n2",
  clusters: ETCD,
  schema: nodeSchema,
  execute: (run, node) => memberOf(run, node).campaign(),
});

defineStep({
  name: "transfer-leader",
  summary: "ask the current leader to hand leadership over to a member (etcdctl move-leader)",
  example: "- transfer-leader: n3",
  clusters: ETCD,
  schema: nodeSchema,
  execute: (run, node) => {
    const leader = labOf(run).cluster.leader();
    if (leader === undefined) throw new InputError(`${run.where}: transfer-leader needs a leader, and there is none`);
    memberOf(run, leader).transferLeader(node);
  },
});

function memberOf(run: ScenarioRun, node: string) {
  const member = labOf(run).cluster.member(node);
  if (member === undefined) throw new InputError(`${run.where}: member '${node}' is not running`);
  return member;
}

function statusOf(run: ScenarioRun, node: string) {
  return memberOf(run, node).raft.status();
}

defineExpectation({
  name: "leader",
  summary: "who leads: a member's name, 'any', 'none', or {not: n1}",
  example: "leader: {not: n1}",
  clusters: ETCD,
  schema: z.union([z.literal("any"), z.literal("none"), nodeSchema, z.strictObject({ not: nodeSchema })]),
  evaluate: (run, expected): ExpectationResult => {
    const leader = labOf(run).cluster.leader();
    const seen = leader ?? "none";
    if (expected === "any") return { passed: leader !== undefined, detail: `a leader exists (${seen})` };
    if (expected === "none") return { passed: leader === undefined, detail: `no leader (${leader ? `${leader} leads` : "none"})` };
    if (typeof expected === "string") return { passed: leader === expected, detail: `${expected} leads${leader === expected ? "" : ` (leader: ${seen})`}` };
    return { passed: leader !== undefined && leader !== expected.not, detail: `a leader other than ${expected.not} (leader: ${seen})` };
  },
});

defineExpectation({
  name: "role",
  summary: "each named member's Raft role",
  example: "role: {n1: follower, n2: leader}",
  clusters: ETCD,
  schema: z.record(nodeSchema, z.enum(["follower", "pre-candidate", "candidate", "leader"])),
  evaluate: (run, expected) => compareEach(expected, (node) => statusOf(run, node).role),
});

const boundsSchema = z.union([z.number().int(), z.strictObject({ min: z.number().int().optional(), max: z.number().int().optional() })]);
type Bounds = z.infer<typeof boundsSchema>;

function within(value: number, bounds: Bounds): boolean {
  if (typeof bounds === "number") return value === bounds;
  return (bounds.min === undefined || value >= bounds.min) && (bounds.max === undefined || value <= bounds.max);
}

export function describeBounds(bounds: Bounds): string {
  if (typeof bounds === "number") return `= ${bounds}`;
  return [bounds.min !== undefined ? `>= ${bounds.min}` : "", bounds.max !== undefined ? `<= ${bounds.max}` : ""].filter(Boolean).join(" and ");
}

for (const [name, field, what] of [
  ["term", "term", "current term"],
  ["commit", "commit", "commit index"],
  ["applied", "applied", "applied index"],
] as const) {
  defineExpectation({
    name,
    summary: `each named member's ${what} (a number, or {min, max})`,
    example: `${name}: {n1: {min: 2}}`,
    clusters: ETCD,
    schema: z.record(nodeSchema, boundsSchema),
    evaluate: (run, expected) => {
      const results = Object.entries(expected).map(([node, bounds]) => {
        const value = statusOf(run, node)[field];
        return { passed: within(value, bounds), text: `${node} ${what} ${describeBounds(bounds)} (is ${value})` };
      });
      return { passed: results.every((result) => result.passed), detail: results.map((result) => result.text).join(", ") };
    },
  });
}

function compareEach(expected: Record<string, string>, actual: (node: string) => string): ExpectationResult {
  const parts = Object.entries(expected).map(([node, value]) => {
    const seen = actual(node);
    return { passed: seen === value, text: `${node} ${value}${seen === value ? "" : ` (is ${seen})`}` };
  });
  return { passed: parts.every((part) => part.passed), detail: parts.map((part) => part.text).join(", ") };
}

defineExpectation({
  name: "result",
  summary: "the outcome of the last client step: ok, timed-out, {error: message} or {value: v} (a get's value; null when absent)",
  example: 'result: {error: "etcdserver: request timed out"}',
  clusters: ETCD,
  schema: z.union([z.literal("ok"), z.literal("timed-out"), z.strictObject({ error: z.string() }), z.strictObject({ value: z.string().nullable() })]),
  evaluate: (run, expected): ExpectationResult => {
    const last = labOf(run).lastOutcome;
    if (last === undefined) return { passed: false, detail: "a client step ran before this expectation (none did)" };
    const { outcome, what } = last;
    const seen = !outcome.ok ? (outcome.timedOut ? "timed out on the client (context deadline exceeded)" : `error: ${outcome.error.message}`) : `ok${valueOf(outcome) === undefined ? "" : `, value ${valueOf(outcome) ?? "(absent)"}`}`;
    let passed: boolean;
    if (expected === "ok") passed = outcome.ok;
    else if (expected === "timed-out") passed = !outcome.ok && outcome.timedOut;
    else if ("error" in expected) passed = !outcome.ok && outcome.error.message === expected.error;
    else passed = outcome.ok && valueOf(outcome) === expected.value;
    return { passed, detail: `${what}: expected ${JSON.stringify(expected)}, got ${seen}` };
  },
});

function valueOf(outcome: CallOutcome): string | null | undefined {
  if (!outcome.ok || outcome.value.kind !== "range") return undefined;
  const kv = outcome.value.response.kvs[0];
  return kv === undefined ? null : textFromBytes(kv.value);
}

/** The step budget of a history check made in the middle of a run: deterministic, unlike a wall-clock budget. */
const HISTORY_CHECK_STEPS = 1_000_000;

/** Checks the client history so far for linearizability (the check `etcdlab run` makes after the last step). */
function historyNotLinearizable(lab: EtcdLab): ExpectationResult {
  let steps = 0;
  const result = checkHistory(toEtcdHistory(lab.cluster.history), { timeoutMs: HISTORY_CHECK_STEPS, now: () => steps++ });
  if (result.linearizable === false) return { passed: true, detail: `linearizability caught: ${result.explanation?.summary ?? "the client history is not linearizable"}` };
  return { passed: false, detail: `linearizability expected, but the client history so far is ${result.linearizable === true ? "linearizable" : "not decided within the check's budget"}` };
}

defineExpectation({
  name: "violation",
  summary: "a checker caught this violation (to demonstrate a planted bug); the run then does not fail because of it (linearizability: the client history so far is checked at this point)",
  example: "violation: state-machine-safety",
  clusters: ETCD,
  schema: z.enum(["election-safety", "leader-append-only", "log-matching", "leader-completeness", "state-machine-safety", "commit-rule", "monotonic-commit", "monotonic-apply", "stale-read", "durability", "liveness", "linearizability"]),
  evaluate: (run, kind) => {
    const lab = labOf(run);
    lab.expectedViolations.add(kind);
    if (kind === "linearizability") return historyNotLinearizable(lab);
    const found = lab.cluster.violations().filter((violation) => violation.kind === kind);
    return { passed: found.length > 0, detail: found.length > 0 ? `${kind} caught: ${found[0]?.detail}` : `${kind} expected, none caught` };
  },
});

defineExpectation({
  name: "converged",
  summary: "every running member has applied the same entries (same applied index)",
  example: "converged: true",
  clusters: ETCD,
  schema: z.literal(true),
  evaluate: (run) => {
    const cluster = labOf(run).cluster;
    const applied = cluster.members.filter((node) => run.world.status(node) === "up" && cluster.member(node) !== undefined).map((node) => `${node}=${statusOf(run, node).applied}`);
    const values = new Set(applied.map((text) => text.split("=")[1]));
    return { passed: values.size === 1, detail: `applied indexes ${applied.join(" ")}` };
  },
});

/** Proposes a membership change at the leader; a new member is started with the configuration it joins. */
function changeMembership(run: ScenarioRun, node: string, type: "add-node" | "add-learner" | "remove-node"): void {
  const cluster = labOf(run).cluster;
  const leader = cluster.leader();
  if (leader === undefined) throw new InputError(`${run.where}: a membership change needs a leader, and there is none`);
  const conf = statusOf(run, leader).confState;
  const result = memberOf(run, leader).proposeConfChange({ transition: "auto", changes: [{ type, node }] });
  if (!result.ok) throw new InputError(`${run.where}: the leader refused the membership change: ${result.reason}`);
  if (type !== "remove-node" && !run.world.has(node)) {
    const voters = type === "add-node" ? [...conf.voters, node] : conf.voters;
    const learners = type === "add-learner" ? [...conf.learners, node] : conf.learners;
    cluster.spawnMember(node, voters, learners);
  }
}

for (const [name, type, summary] of [
  ["add-learner", "add-learner", "add a new member as a learner (it receives the log but does not vote); etcdctl member add --learner"],
  ["add-member", "add-node", "add a new voting member; etcdctl member add"],
  ["promote", "add-node", "promote a learner to a voting member; etcdctl member promote"],
  ["remove-member", "remove-node", "remove a member from the cluster; etcdctl member remove"],
] as const) {
  defineStep({
    name,
    summary,
    example: `- ${name}: n4`,
    clusters: ETCD,
    schema: nodeSchema,
    execute: (run, node) => changeMembership(run, node, type),
  });
}

defineExpectation({
  name: "members",
  summary: "the voters and learners in the leader's applied configuration",
  example: "members: {voters: [n1, n2, n3], learners: [n4]}",
  clusters: ETCD,
  schema: z.strictObject({ voters: z.array(nodeSchema).optional(), learners: z.array(nodeSchema).optional() }),
  evaluate: (run, expected) => {
    const leader = labOf(run).cluster.leader();
    if (leader === undefined) return { passed: false, detail: "a leader to read the configuration from (there is none)" };
    const conf = statusOf(run, leader).confState;
    const same = (a: readonly string[] | undefined, b: readonly string[]) => a === undefined || [...a].sort().join(" ") === [...b].sort().join(" ");
    const passed = same(expected.voters, conf.voters) && same(expected.learners, conf.learners);
    return { passed, detail: `voters ${conf.voters.join(" ")}${conf.learners.length > 0 ? `, learners ${conf.learners.join(" ")}` : ""}` };
  },
});
