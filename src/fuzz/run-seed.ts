/**
 * One fuzz run: a cluster, a random workload and a random fault plan, all drawn from one seed.
 *
 * Swarm testing: each seed draws its own fault rates and switches some fault kinds off entirely, so
 * that over many seeds every combination gets room to show its bugs. A run has two phases, as
 * TigerBeetle's simulator does: a safety phase with faults, checked event by event; then a liveness
 * phase in which every fault is undone and the cluster must elect a leader within 10 election
 * timeouts and apply every acknowledged write on every member. The client history is then checked
 * for linearizability.
 *
 * Faults happen as a scenario's timed steps do (src/fuzz/schedule.ts), so that a failing seed's
 * plan, shrunk and written as a scenario (src/fuzz/artifacts.ts), runs exactly as it ran here.
 */
import { checkHistory } from "../check/linearizability/index.js";
import { toEtcdHistory } from "../check/etcd-history.js";
import { DEFAULT_SETTINGS, EtcdCluster, type ClusterSettings, type Violation } from "../etcd/cluster.js";
import { DEFAULT_NEMESIS, drawFaultPlan, NEMESIS_KINDS, type NemesisKind, type NemesisOptions, type TimedFault } from "../sim/faults.js";
import type { Prng } from "../sim/prng.js";
import { MICROS_PER_MS, type Micros } from "../sim/time.js";
import { Trace, type TypedEvent } from "../sim/trace.js";
import { World } from "../sim/world.js";
import type { History } from "../etcd/history.js";
import type { LatencyDistribution } from "../sim/network.js";
import { applyLeaderFault, faultSchedule, type LeaderFault, livenessPhase, type ScheduledFault } from "./schedule.js";
import { DEFAULT_WORKLOAD, Workload } from "./workload.js";

export type { LeaderFault } from "./schedule.js";

export interface FuzzOptions {
  readonly members: number;
  readonly bugs: readonly string[];
  /** Check the client history for linearizability (with this budget per seed, when a clock is given). */
  readonly checkLinearizability: boolean;
  readonly historyBudgetMs?: number;
  readonly now?: () => number;
  /** Record the whole trace (for a failing seed's trace file). */
  readonly recordTrace?: boolean;
  /** Replay this plan instead of drawing one (shrinking and repro scenarios). */
  readonly plan?: readonly TimedFault[];
  readonly leaderFaults?: readonly LeaderFault[];
}

export interface SeedResult {
  readonly seed: number;
  readonly violations: readonly Violation[];
  readonly events: number;
  readonly virtualUs: Micros;
  readonly operations: number;
  readonly linearizable: boolean | null;
  readonly plan: readonly TimedFault[];
  readonly leaderFaults: readonly LeaderFault[];
  readonly settings: ClusterSettings;
  readonly trace: Trace<TypedEvent>;
  readonly history: History;
}

/** The fuzz cluster runs etcd's Raft with a faster tick, so that 10 virtual seconds hold 50 election timeouts. */
export const FUZZ_SETTINGS: ClusterSettings = {
  ...DEFAULT_SETTINGS,
  tickUs: 20 * MICROS_PER_MS,
  requestTimeoutUs: 1_400 * MICROS_PER_MS,
  snapshotEntries: 100,
  catchUpEntries: 20,
};

export const FAULTS_FROM_US: Micros = 1_000 * MICROS_PER_MS;
export const FAULTS_UNTIL_US: Micros = 6_000 * MICROS_PER_MS;
/** The fuzz cluster's disks: every fsync takes 1 to 3 ms. */
export const FUZZ_FSYNC: Extract<LatencyDistribution, { kind: "uniform" }> = { kind: "uniform", minUs: 1_000, maxUs: 3_000 };

export function fuzzSeed(seed: number, options: FuzzOptions): SeedResult {
  const trace = new Trace<TypedEvent>(options.recordTrace === true);
  const world = new World({ seed, trace, fsyncLatency: FUZZ_FSYNC });
  // The swarm stream is drawn in the same order whether or not a plan is given, so that a replayed
  // plan runs with the seed's own settings.
  const swarm = world.random("swarm");
  const settings = swarmSettings(swarm, options.bugs);
  const nemesis = swarmNemesis(swarm, settings.readOnly === "lease-based", options.bugs);
  const drawnLeaderFaults = drawLeaderFaults(swarm, options.bugs);
  const cluster = new EtcdCluster(world, { members: options.members, bugs: options.bugs, observe: options.recordTrace === true, settings });
  const plan = options.plan ?? drawFaultPlan(world.random("nemesis"), cluster.members, nemesis);
  const leaderFaults = options.leaderFaults ?? drawnLeaderFaults;
  const workload = new Workload(cluster, world.random("workload"), DEFAULT_WORKLOAD);
  // A seed that has broken a property has said what it had to say: stop there (a planted bug can
  // otherwise send a cluster into a storm of messages).
  const violated = (): boolean => cluster.violations().length > 0;
  safetyPhase(cluster, faultSchedule(plan, leaderFaults), faultsEndUs(plan), violated);
  if (!violated()) livenessPhase(cluster, workload);
  const linearizable = options.checkLinearizability ? checkLinearizability(cluster, options) : null;
  return {
    seed,
    violations: cluster.violations(),
    events: world.eventsProcessed,
    virtualUs: world.now,
    operations: cluster.history.size,
    linearizable,
    plan,
    leaderFaults,
    settings,
    trace,
    history: cluster.history,
  };
}

/** When the liveness phase starts: at the end of the fault window, or at the plan's last record if later. */
export function faultsEndUs(plan: readonly TimedFault[]): Micros {
  return plan.reduce((latest, record) => Math.max(latest, record.at), FAULTS_UNTIL_US);
}

/** Applies each scheduled fault at its time, until `endUs` or until `stop` says the run is over. */
function safetyPhase(cluster: EtcdCluster, schedule: readonly ScheduledFault[], endUs: Micros, stop: () => boolean): void {
  const world = cluster.world;
  for (const entry of schedule) {
    if (world.runUntil(entry.at, stop)) return;
    if (entry.kind === "fault") world.applyFault(entry.fault);
    else applyLeaderFault(cluster, entry.leaderFault);
  }
  world.runUntil(endUs, stop);
}

/**
 * Leader bounces for a seed: none in most seeds, a few in some; more with the planted bugs whose
 * damage shows only when leaders die at the wrong moment (a forgotten vote lets a lagging candidate
 * win a term that already had a leader; an entry committed by counting old-term replicas is lost
 * when the next leaders come and go in Figure 8's order).
 */
function drawLeaderFaults(random: Prng, bugs: readonly string[]): LeaderFault[] {
  const aimed = bugs.some((bug) => AIMED_AT_LEADERS.includes(bug));
  const count = aimed ? random.range(6, 16) : random.pick([0, 0, 1, 3]);
  const quick = bugs.includes("forget-vote-on-restart");
  const isolating = bugs.includes("lease-read-under-drift") || bugs.includes("stale-leader-read");
  const faults: LeaderFault[] = [];
  for (let index = 0; index < count; index++) {
    const at = FAULTS_FROM_US + random.int(FAULTS_UNTIL_US - FAULTS_FROM_US);
    const kind = isolating || random.chance(1, 3) ? "isolate" : "bounce";
    const downUs = quick ? random.range(1, 30) * MICROS_PER_MS : random.range(20, 600) * MICROS_PER_MS;
    faults.push({ at, kind, downUs });
  }
  return faults.sort((a, b) => a.at - b.at);
}

/** Planted bugs whose damage needs the leader itself to fail. */
const AIMED_AT_LEADERS: readonly string[] = ["forget-vote-on-restart", "commit-old-term-by-count", "lease-read-under-drift", "stale-leader-read"];

/**
 * Each seed's own Raft configuration: pre-vote and check-quorum on or off, lease or ReadIndex
 * reads, and a message size limit from one entry (where flow control shows: an acknowledgement may
 * then stop at an entry of an older term) to etcd's usual batches.
 */
function swarmSettings(random: Prng, bugs: readonly string[]): ClusterSettings {
  const leaseReads = bugs.includes("lease-read-under-drift") || random.chance(1, 4);
  const settings: ClusterSettings = {
    ...FUZZ_SETTINGS,
    preVote: random.chance(3, 4),
    checkQuorum: leaseReads || random.chance(3, 4),
    readOnly: leaseReads ? "lease-based" : "safe",
    maxEntriesPerMessage: random.pick([1, 2, 4, 64]),
  };
  return bugs.reduce((biased, bug) => ({ ...biased, ...(BUG_SETTINGS[bug] ?? {}) }), settings);
}

/**
 * With a planted bug, the swarm leans towards the conditions that bug needs to show, as Jepsen picks
 * its nemeses per test: a forgotten vote matters only when two candidates share a term (pre-vote
 * keeps terms apart), and counting old-term replicas only when an acknowledgement can stop at an
 * old entry (one entry per message).
 */
const BUG_SETTINGS: Readonly<Record<string, Partial<ClusterSettings>>> = {
  "forget-vote-on-restart": { preVote: false, checkQuorum: false, readOnly: "safe" },
  "commit-old-term-by-count": { maxEntriesPerMessage: 1 },
};

/**
 * ...and its fault mix leans the same way (weights added to the seed's own). A forgotten vote, for
 * one, elects a second leader when a member that voted restarts and a candidate that has not heard
 * of the first leader (cut off from it) asks it again in the same term: crashes, bounces and
 * partitions together.
 */
const BUG_WEIGHTS: Readonly<Record<string, Partial<Record<NemesisKind, number>>>> = {
  "forget-vote-on-restart": { crash: 6, bounce: 8, partition: 4 },
  "commit-old-term-by-count": { crash: 4, partition: 2 },
  "ack-before-fsync": { bounce: 4, "slow-disk": 2 },
  "lease-read-under-drift": { partition: 4, drift: 3 },
  "stale-leader-read": { partition: 4 },
};

/** Each seed's own fault mix: every kind gets a weight from 0 (off) to 3. */
function swarmNemesis(random: Prng, leaseReads: boolean, bugs: readonly string[]): NemesisOptions {
  const weights = {} as Record<NemesisKind, number>;
  for (const kind of NEMESIS_KINDS) weights[kind] = random.int(4);
  for (const bug of bugs) for (const [kind, weight] of Object.entries(BUG_WEIGHTS[bug] ?? {})) weights[kind as NemesisKind] += weight;
  // Lease reads count time in ticks, which a paused process does not see pass: they are only safe
  // when pauses stay shorter than the lease margin, so lease-read seeds do not pause members.
  if (leaseReads) weights.pause = 0;
  if (NEMESIS_KINDS.every((kind) => weights[kind] === 0)) weights[random.pick(NEMESIS_KINDS)] = 1;
  return {
    ...DEFAULT_NEMESIS,
    startUs: FAULTS_FROM_US,
    endUs: FAULTS_UNTIL_US,
    meanGapUs: (bugs.some((bug) => bug in BUG_WEIGHTS) ? random.range(60, 200) : random.range(150, 800)) * MICROS_PER_MS,
    weights,
    maxDrift: 0.04,
  };
}

function checkLinearizability(cluster: EtcdCluster, options: FuzzOptions): boolean | null {
  const history = toEtcdHistory(cluster.history);
  const budget = options.historyBudgetMs !== undefined && options.now !== undefined ? { timeoutMs: options.historyBudgetMs, now: options.now } : {};
  const result = checkHistory(history, budget);
  if (result.linearizable === false) {
    cluster.reportViolation({ kind: "linearizability", detail: result.explanation?.summary ?? "the client history is not linearizable", timeUs: cluster.world.now });
  }
  return result.linearizable;
}
