/**
 * The metrics fed by the trace, per member process: fsyncs and applies land in the process of the
 * node that traced them, a restart starts a new process from zero (also for the node whose process
 * was looked up last), and a node that never started counts nothing.
 */
import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../src/etcd/events.js";
import type { Member } from "../../src/etcd/member.js";
import { ClusterMetrics } from "../../src/etcd/metrics.js";
import { World } from "../../src/sim/world.js";

/** The member fields the gauges read: a follower with nothing applied. */
const idleMember = {
  raft: { status: () => ({ lead: null, role: "follower", applied: 0, commit: 0 }) },
  stateMachine: { store: { status: () => ({ dbSize: 0, dbSizeInUse: 0 }) } },
  proposalsFailed: 0,
  pendingRequests: 0,
} as unknown as Member;

function feed(events: readonly TraceEvent[]): ClusterMetrics {
  const world = new World({ seed: 1 });
  const metrics = new ClusterMetrics(world);
  events.forEach((event, position) => world.trace.emit(position, event));
  return metrics;
}

/** The lines of one member's exposition that the trace feeds: counts and the buckets they fell in. */
function fed(metrics: ClusterMetrics, node: string): string[] {
  const wanted = /^etcd_(disk_\w+_(count|sum)|disk_\w+_bucket\{le="0\.00[12]"\}|server_leader_changes_seen_total) /;
  return metrics.exposition(node, idleMember).split("\n").filter((line) => wanted.test(line));
}

const start = (node: string): TraceEvent => ({ type: "node.start", node, term: 1, vote: "", commit: 0, snapshotIndex: 0, lastIndex: 0 });
const fsync = (node: string, latencyUs: number): TraceEvent => ({ type: "disk.fsync", node, latencyUs });
const apply = (node: string, index: number): TraceEvent => ({ type: "raft.apply", node, index, term: 1, id: `c1#${index}` });
const leader = (node: string, lead: string): TraceEvent => ({ type: "raft.role", node, role: node === lead ? "leader" : "follower", term: 1, lead, reason: "won the election" });

describe("ClusterMetrics", () => {
  it("counts each node's fsyncs, and its first fsync after applying as a backend commit", () => {
    const metrics = feed([start("n1"), start("n2"), leader("n1", "n1"), apply("n1", 1), fsync("n1", 1_500), fsync("n2", 700), fsync("n1", 900), fsync("n3", 800)]);
    expect(fed(metrics, "n1")).toEqual([
      'etcd_disk_backend_commit_duration_seconds_bucket{le="0.001"} 0',
      'etcd_disk_backend_commit_duration_seconds_bucket{le="0.002"} 1',
      "etcd_disk_backend_commit_duration_seconds_sum 0.0015",
      "etcd_disk_backend_commit_duration_seconds_count 1",
      'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.001"} 1',
      'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.002"} 2',
      // Summed in float64 seconds, as Prometheus's client sums what etcd observes.
      "etcd_disk_wal_fsync_duration_seconds_sum 0.0024000000000000002",
      "etcd_disk_wal_fsync_duration_seconds_count 2",
      "etcd_server_leader_changes_seen_total 1",
    ]);
    expect(fed(metrics, "n2")).toEqual([
      'etcd_disk_backend_commit_duration_seconds_bucket{le="0.001"} 0',
      'etcd_disk_backend_commit_duration_seconds_bucket{le="0.002"} 0',
      "etcd_disk_backend_commit_duration_seconds_sum 0",
      "etcd_disk_backend_commit_duration_seconds_count 0",
      'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.001"} 1',
      'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.002"} 1',
      "etcd_disk_wal_fsync_duration_seconds_sum 0.0007",
      "etcd_disk_wal_fsync_duration_seconds_count 1",
      "etcd_server_leader_changes_seen_total 0",
    ]);
    // n3 never started: its fsync counted for no process.
    expect(fed(metrics, "n3")).toContain("etcd_disk_wal_fsync_duration_seconds_count 0");
  });

  it("starts a restarted node's counters from zero, also right after its own events", () => {
    const metrics = feed([start("n1"), leader("n1", "n1"), apply("n1", 1), fsync("n1", 1_500), apply("n1", 2), start("n1"), fsync("n1", 700), leader("n1", "n2")]);
    expect(fed(metrics, "n1")).toEqual([
      'etcd_disk_backend_commit_duration_seconds_bucket{le="0.001"} 0',
      'etcd_disk_backend_commit_duration_seconds_bucket{le="0.002"} 0',
      "etcd_disk_backend_commit_duration_seconds_sum 0",
      "etcd_disk_backend_commit_duration_seconds_count 0",
      'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.001"} 1',
      'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.002"} 1',
      "etcd_disk_wal_fsync_duration_seconds_sum 0.0007",
      "etcd_disk_wal_fsync_duration_seconds_count 1",
      "etcd_server_leader_changes_seen_total 1",
    ]);
  });
});
