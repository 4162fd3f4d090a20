/**
 * How a fuzz run's faults happen, shared by `fuzzSeed` and the scenario steps that replay a fuzz
 * run (src/scenario/fuzz-steps.ts), so that a shrunk plan written as a scenario file runs exactly as
 * it ran in the fuzzer:
 *
 * - the schedule: the nemesis plan's records and the leader-aimed faults merged into one list in
 *   time order (at equal times, plan records first, each list in its own order); the run advances
 *   the world to each entry's time (events at that very time included) and then applies it, as the
 *   scenario runner does with a timed step;
 * - a leader-aimed fault resolves its target when it happens and schedules its own undo;
 * - the liveness phase: every fault is undone, then a leader must be elected within a number of
 *   election timeouts, the workload stops, and every member must apply every committed entry.
 */
import type { EtcdCluster } from "../etcd/cluster.js";
import type { Fault, TimedFault } from "../sim/faults.js";
import type { Micros } from "../sim/time.js";
import type { Workload } from "./workload.js";

/**
 * A fault aimed at whoever leads at the time, as Jepsen's "kill the primary" and "isolate the
 * primary": at `at` the leader crashes (and restarts `downUs` later) or is cut off from every other
 * member (and the network heals `downUs` later). Plain data, so plans still shrink; the target is
 * resolved when the fault happens (no leader, no fault).
 */
export interface LeaderFault {
  readonly at: Micros;
  readonly kind: "bounce" | "isolate";
  readonly downUs: Micros;
}

export type ScheduledFault =
  | { readonly at: Micros; readonly kind: "fault"; readonly fault: Fault }
  | { readonly at: Micros; readonly kind: "leader"; readonly leaderFault: LeaderFault };

/** The plan and the leader-aimed faults as one list in time order (plan records first on ties). */
export function faultSchedule(plan: readonly TimedFault[], leaderFaults: readonly LeaderFault[]): ScheduledFault[] {
  const schedule: ScheduledFault[] = [];
  let planIndex = 0;
  let leaderIndex = 0;
  while (planIndex < plan.length || leaderIndex < leaderFaults.length) {
    const record = plan[planIndex];
    const leaderFault = leaderFaults[leaderIndex];
    if (record !== undefined && (leaderFault === undefined || record.at <= leaderFault.at)) {
      schedule.push({ at: record.at, kind: "fault", fault: record.fault });
      planIndex++;
    } else if (leaderFault !== undefined) {
      schedule.push({ at: leaderFault.at, kind: "leader", leaderFault });
      leaderIndex++;
    }
  }
  return schedule;
}

export function applyLeaderFault(cluster: EtcdCluster, fault: LeaderFault): void {
  const leader = cluster.leader();
  if (leader === undefined) return;
  const world = cluster.world;
  if (fault.kind === "bounce") {
    world.applyFault({ kind: "crash", node: leader });
    world.schedule(world.now + fault.downUs, () => world.applyFault({ kind: "restart", node: leader }));
  } else {
    world.applyFault({ kind: "partition", partition: { kind: "isolate", node: leader } });
    world.schedule(world.now + fault.downUs, () => world.applyFault({ kind: "heal" }));
  }
}

export const LIVENESS_ELECTION_TIMEOUTS = 10;

/**
 * The liveness phase: heals every fault, then requires a leader within `electionTimeouts` election
 * timeouts; stops the workload (if any) and lets its outstanding requests finish; then requires
 * every member to apply everything the most advanced one committed, within as long again. A
 * failure is reported to the cluster as a `liveness` violation.
 */
export function livenessPhase(cluster: EtcdCluster, workload: Workload | undefined, electionTimeouts = LIVENESS_ELECTION_TIMEOUTS): void {
  const world = cluster.world;
  cluster.healAll();
  const bound = electionTimeouts * cluster.electionTimeoutUs();
  world.runUntil(world.now + bound, () => cluster.leader() !== undefined);
  if (cluster.leader() === undefined) {
    cluster.reportViolation({ kind: "liveness", detail: `no leader within ${electionTimeouts} election timeouts after the faults stopped`, timeUs: world.now });
    return;
  }
  if (workload !== undefined) {
    workload.stop();
    world.runUntil(world.now + bound + workload.options.timeoutUs, () => workload.idle);
  }
  const target = Math.max(...cluster.members.map((name) => cluster.member(name)?.raft.status().commit ?? 0));
  const converged = (): boolean => cluster.members.every((name) => (cluster.member(name)?.raft.status().applied ?? 0) >= target);
  world.runUntil(world.now + bound, converged);
  if (!converged()) {
    const applied = cluster.members.map((name) => `${name}=${cluster.member(name)?.raft.status().applied ?? "down"}`).join(" ");
    cluster.reportViolation({
      kind: "liveness",
      detail: `acknowledged writes not applied on every member within ${electionTimeouts} election timeouts of healing: commit ${target}, applied ${applied}`,
      timeUs: world.now,
    });
  }
}
