/**
 * Runs a `PropertyPlan` (arbitraries.ts) against a simulated etcd cluster and reports what went
 * wrong, as `fuzzSeed` (src/fuzz/run-seed.ts) does, extended with cluster operations:
 *
 * 1. Safety phase: the random client workload runs while the plan's faults and operations happen at
 *    their times; the oracles (election safety, leader append-only, log matching, leader
 *    completeness, state-machine safety, monotonic commit and apply, stale reads) watch every event.
 * 2. Liveness phase: every fault is undone; a leader must be elected within 10 election timeouts,
 *    and every member of its configuration must apply every committed entry within 10 more.
 * 3. The client history must be linearizable.
 *
 * The run stops at the first violation: a run that broke a property has said what it had to say
 * (and a planted bug can send a cluster into a storm of messages). A run still going after
 * MAX_EVENTS events is reported as a livelock, so a property never hangs.
 *
 * Operations go to the leader's `Member` methods; a refused operation is part of the run, not an
 * error. The operator keeps etcd's guards: a member is never removed while it leads or when fewer
 * than 3 voters would remain, a learner is promoted only once it has caught up, a removed member
 * never rejoins. The newcomer starts with the founding configuration, which is the one the log
 * builds on: replaying the log (or installing a snapshot) gives it the cluster's configuration, as
 * etcd's joining members get theirs from the bootstrap entries at the head of the log.
 */
import { toEtcdHistory } from "../../src/check/etcd-history.js";
import { checkHistory } from "../../src/check/linearizability/index.js";
import { EtcdCluster, type ClusterSettings, type Violation } from "../../src/etcd/cluster.js";
import type { TraceEvent } from "../../src/etcd/events.js";
import type { Member } from "../../src/etcd/member.js";
import { FUZZ_SETTINGS } from "../../src/fuzz/run-seed.js";
import { DEFAULT_WORKLOAD, Workload } from "../../src/fuzz/workload.js";
import type { ConfState, Status } from "../../src/raft/index.js";
import { assert, assertNever } from "../../src/sim/errors.js";
import type { Fault } from "../../src/sim/faults.js";
import { formatDuration, type Micros } from "../../src/sim/time.js";
import { World } from "../../src/sim/world.js";
import { type ClusterOperation, formatTime, memberNames, newcomerOf, PLAN_UNTIL_US, type PropertyPlan, type TimedOperation } from "./arbitraries.js";

const LIVENESS_ELECTION_TIMEOUTS = 10;
/** Voters a membership change must leave. */
const MIN_VOTERS = 3;
/** etcd promotes a learner only once its log matches at least 90% of the leader's (isLearnerReady). */
const LEARNER_READY_PERCENT = 90;
/** The longest runs seen take under 40 thousand events; 25 times that means the simulation no longer advances. */
const MAX_EVENTS = 1_000_000;

/**
 * performed: handed to the member (a transfer or campaign its Raft node then declines still
 * counts); refused: the leader or a guard said no; skipped: nothing to do (no leader, the member
 * is absent, or the change is already made).
 */
export type OperationResult = "performed" | "refused" | "skipped";

export interface PlanRun {
  /** Every violation, as `kind: detail (at time)`; empty when the run is correct. */
  readonly failures: readonly string[];
  readonly violations: readonly Violation[];
  /** What became of each operation, in the plan's order. */
  readonly operationResults: readonly OperationResult[];
  readonly clientOperations: number;
  /** Snapshots members received from their leader and installed. */
  readonly snapshots: number;
  /** Conf-change entries applied, summed over the members. */
  readonly confChangesApplied: number;
  readonly events: number;
  readonly virtualUs: Micros;
}

export function clusterSettings(plan: PropertyPlan): ClusterSettings {
  const { readOnly, preVote, checkQuorum, maxEntriesPerMessage, snapshotEntries, catchUpEntries } = plan;
  return { ...FUZZ_SETTINGS, readOnly, preVote, checkQuorum, maxEntriesPerMessage, snapshotEntries, catchUpEntries };
}

export function runPlan(plan: PropertyPlan, bugs: readonly string[] = []): PlanRun {
  const world = new World({ seed: plan.simulatorSeed, fsyncLatency: { kind: "uniform", minUs: 1_000, maxUs: 3_000 } });
  const cluster = new EtcdCluster(world, { members: plan.members, bugs, observe: false, settings: clusterSettings(plan) });
  const counters = { snapshots: 0, confChangesApplied: 0 };
  world.trace.subscribe((_time, event) => countEvent(event as TraceEvent, counters));
  const operator = new Operator(cluster, plan.members);
  for (const { at, fault } of plan.faults) world.schedule(at, () => applyIfPresent(world, fault));
  plan.operations.forEach((record, index) => world.schedule(record.at, () => operator.perform(record, index)));
  const workload = new Workload(cluster, world.random("workload"), DEFAULT_WORKLOAD);
  const lastRecord = Math.max(PLAN_UNTIL_US, ...plan.faults.map((record) => record.at), ...plan.operations.map((record) => record.at));
  if (advance(cluster, lastRecord) && livenessPhase(cluster, workload)) checkLinearizability(cluster);
  const violations = cluster.violations();
  return {
    failures: violations.map((violation) => `${violation.kind}: ${violation.detail} (at ${formatTime(violation.timeUs)})`),
    violations,
    operationResults: operator.results(plan.operations.length),
    clientOperations: cluster.history.operations.length,
    snapshots: counters.snapshots,
    confChangesApplied: counters.confChangesApplied,
    events: world.eventsProcessed,
    virtualUs: world.now,
  };
}

function countEvent(event: TraceEvent, counters: { snapshots: number; confChangesApplied: number }): void {
  if (event.type === "raft.snapshot") counters.snapshots++;
  else if (event.type === "raft.apply" && event.id === "conf") counters.confChangesApplied++;
}

/** A node fault naming the newcomer before it joined is skipped; every other fault is applied. */
function applyIfPresent(world: World, fault: Fault): void {
  if ("node" in fault && !world.has(fault.node)) return;
  world.applyFault(fault);
}

/**
 * Runs until `time` or until `stop()` holds. False when the run ends here: a violation was reported
 * (a run that broke a property has said what it had to say, and a planted bug can send a cluster
 * into a storm of messages), or the event budget ran out (reported as a livelock).
 */
function advance(cluster: EtcdCluster, time: Micros, stop: () => boolean = () => false): boolean {
  const world = cluster.world;
  const violated = (): boolean => cluster.violations().length > 0;
  world.runUntil(time, () => violated() || world.eventsProcessed >= MAX_EVENTS || stop());
  if (violated()) return false;
  if (world.eventsProcessed < MAX_EVENTS) return true;
  cluster.reportViolation({ kind: "livelock", detail: `the simulation processed ${MAX_EVENTS} events and reached only ${formatDuration(world.now)} of virtual time`, timeUs: world.now });
  return false;
}

/** Heals everything, then requires a leader and convergence; true when the phase passed. */
function livenessPhase(cluster: EtcdCluster, workload: Workload): boolean {
  const world = cluster.world;
  cluster.healAll();
  const bound = LIVENESS_ELECTION_TIMEOUTS * cluster.electionTimeoutUs();
  if (!advance(cluster, world.now + bound, () => leaderOf(cluster) !== undefined)) return false;
  if (leaderOf(cluster) === undefined) {
    cluster.reportViolation({ kind: "liveness", detail: `no leader within ${LIVENESS_ELECTION_TIMEOUTS} election timeouts after the faults stopped`, timeUs: world.now });
    return false;
  }
  workload.stop();
  if (!advance(cluster, world.now + bound + DEFAULT_WORKLOAD.timeoutUs, () => workload.idle)) return false;
  const statusOf = (name: string): Status | undefined => cluster.member(name)?.raft.status();
  const target = Math.max(...cluster.members.map((name) => statusOf(name)?.commit ?? 0));
  /** The members of the leader's configuration that have not applied `target` yet; undefined without a leader. */
  const lagging = (): string[] | undefined => {
    const leader = leaderOf(cluster);
    return leader === undefined ? undefined : configurationOf(cluster, leader).filter((name) => (statusOf(name)?.applied ?? 0) < target);
  };
  if (!advance(cluster, world.now + bound, () => lagging()?.length === 0)) return false;
  const behind = lagging();
  if (behind?.length === 0) return true;
  const state = behind === undefined ? "there is no leader" : `applied ${behind.map((name) => `${name}=${statusOf(name)?.applied ?? "down"}`).join(" ")}`;
  cluster.reportViolation({
    kind: "liveness",
    detail: `committed entries not applied on every member within ${LIVENESS_ELECTION_TIMEOUTS} election timeouts of healing: commit ${target}, ${state}`,
    timeUs: world.now,
  });
  return false;
}

function checkLinearizability(cluster: EtcdCluster): void {
  const result = checkHistory(toEtcdHistory(cluster.history.operations));
  if (result.linearizable === false) {
    cluster.reportViolation({ kind: "linearizability", detail: result.explanation?.summary ?? "the client history is not linearizable", timeUs: cluster.world.now });
  }
}

/**
 * The leader a majority of its configuration follows: the live leader of the highest term, when no
 * member of its configuration has moved to a later term. Unlike `EtcdCluster.leader`, members
 * removed from the configuration do not count (a removed member may sit in a later term forever).
 */
export function leaderOf(cluster: EtcdCluster): string | undefined {
  const top = cluster.leaders()[0];
  if (top === undefined) return undefined;
  const conf = (cluster.member(top.name) as Member).raft.status().confState;
  const ahead = membersOf(conf).some((name) => (cluster.member(name)?.raft.status().term ?? 0) > top.term);
  return ahead ? undefined : top.name;
}

function membersOf(conf: ConfState): string[] {
  return [...new Set([...conf.voters, ...conf.votersOutgoing, ...conf.learners, ...conf.learnersNext])];
}

/** The members of `leader`'s configuration. */
function configurationOf(cluster: EtcdCluster, leader: string): string[] {
  return membersOf((cluster.member(leader) as Member).raft.status().confState);
}

/** Performs a plan's cluster operations at the leader, with etcd's guards. */
class Operator {
  private readonly outcomes = new Map<number, OperationResult>();
  /** Members whose removal a leader accepted: never added back (etcd never reuses a member ID). */
  private readonly removed = new Set<string>();
  private readonly founders: readonly string[];
  private readonly newcomer: string;

  constructor(
    private readonly cluster: EtcdCluster,
    members: number,
  ) {
    this.founders = memberNames(members);
    this.newcomer = newcomerOf(members);
  }

  results(count: number): OperationResult[] {
    return Array.from({ length: count }, (_, index) => this.outcomes.get(index) ?? "skipped");
  }

  perform(record: TimedOperation, index: number): void {
    this.outcomes.set(index, this.attempt(record.operation));
  }

  private attempt(operation: ClusterOperation): OperationResult {
    if (operation.kind === "campaign") {
      const member = this.live(operation.node);
      if (member === undefined) return "skipped";
      member.campaign();
      return "performed";
    }
    const leaderName = leaderOf(this.cluster);
    const leader = leaderName === undefined ? undefined : this.live(leaderName);
    if (leader === undefined) return "skipped";
    const status = leader.raft.status();
    switch (operation.kind) {
      case "transfer-leader":
        leader.transferLeader(operation.to);
        return "performed";
      case "add-learner":
        return this.addLearner(leader, status, operation.node);
      case "promote":
        return this.promote(leader, status, operation.node);
      case "remove-member":
        return this.remove(leader, status, operation.node);
      default:
        return assertNever(operation, "cluster operation");
    }
  }

  private addLearner(leader: Member, status: Status, node: string): OperationResult {
    if (this.removed.has(node) || membersOf(status.confState).includes(node)) return "skipped";
    const result = leader.proposeConfChange({ transition: "auto", changes: [{ type: "add-learner", node }] });
    if (!result.ok) return "refused";
    if (!this.cluster.world.has(node)) {
      assert(node === this.newcomer, `only ${this.newcomer} may join, not ${node}`);
      this.cluster.spawnMember(node, this.founders, []);
    }
    return "performed";
  }

  private promote(leader: Member, status: Status, node: string): OperationResult {
    if (!status.confState.learners.includes(node)) return "skipped";
    const match = status.progress?.find((peer) => peer.id === node)?.match ?? 0;
    if (match * 100 < status.lastIndex * LEARNER_READY_PERCENT) return "refused";
    return leader.proposeConfChange({ transition: "auto", changes: [{ type: "add-node", node }] }).ok ? "performed" : "refused";
  }

  private remove(leader: Member, status: Status, node: string): OperationResult {
    const conf = status.confState;
    if (!membersOf(conf).includes(node)) return "skipped";
    if (node === leader.name || (conf.voters.includes(node) && conf.voters.length - 1 < MIN_VOTERS)) return "refused";
    const result = leader.proposeConfChange({ transition: "auto", changes: [{ type: "remove-node", node }] });
    if (!result.ok) return "refused";
    this.removed.add(node);
    return "performed";
  }

  /** The member, if it is running (neither crashed, paused nor panicked under a planted bug). */
  private live(name: string): Member | undefined {
    if (!this.cluster.world.has(name) || this.cluster.world.status(name) !== "up") return undefined;
    const member = this.cluster.member(name);
    return member === undefined || member.isPanicked ? undefined : member;
  }
}
