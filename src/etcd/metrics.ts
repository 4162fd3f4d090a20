/**
 * Prometheus metrics of the simulated members, with etcd's names, HELP texts and types
 * (`server/etcdserver/metrics.go`, `server/storage/mvcc/metrics.go`, `server/storage/wal/metrics.go`,
 * `server/storage/backend/metrics.go`), in the text exposition format (`/metrics`).
 *
 * Gauges are read from the member when printed (leader, indexes, pending requests, db sizes).
 * Counters and histograms are fed by the world's trace, per member process (a restart starts them
 * again from zero, as a new etcd process does):
 * - `etcd_server_leader_changes_seen_total`: a `raft.role` event naming a leader other than the one
 *   the member followed (etcd counts a new non-empty SoftState.Lead);
 * - `etcd_disk_wal_fsync_duration_seconds`: every fsync of the member's disk (`disk.fsync`, with
 *   the simulated latency, slow-disk factor included);
 * - `etcd_disk_backend_commit_duration_seconds`: the first fsync after the member applied entries
 *   (the simulated backend commits what was applied on the same disk).
 * Both histograms use etcd's buckets: 1 ms doubling 14 times (`prometheus.ExponentialBuckets(0.001, 2, 14)`).
 */
import type { Micros } from "../sim/time.js";
import type { World } from "../sim/world.js";
import type { Member } from "./member.js";

const BUCKETS_SECONDS: readonly number[] = Array.from({ length: 14 }, (_, index) => 0.001 * 2 ** index);

/** A Prometheus histogram: cumulative only when printed. */
class Histogram {
  readonly counts = new Array<number>(BUCKETS_SECONDS.length).fill(0);
  sum = 0;
  count = 0;

  /**
   * Called on every fsync: a plain loop (no closure, nothing allocated). Takes the latency in
   * microseconds, as the trace carries it, and converts it here: a fractional number passed as an
   * argument would be boxed.
   */
  observe(latencyUs: Micros): void {
    const seconds = latencyUs / 1_000_000;
    for (let bucket = 0; bucket < BUCKETS_SECONDS.length; bucket++) {
      if (seconds <= (BUCKETS_SECONDS[bucket] as number)) {
        this.counts[bucket] = (this.counts[bucket] as number) + 1;
        break;
      }
    }
    this.sum += seconds;
    this.count++;
  }
}

/** The fields of the traced events the metrics read (node.start, raft.role, raft.apply, disk.fsync). */
interface TracedFields {
  readonly type: string;
  readonly node?: string;
  readonly lead?: string;
  readonly latencyUs?: Micros;
}

interface ProcessMetrics {
  leaderChanges: number;
  lead: string;
  applyPending: boolean;
  readonly walFsync: Histogram;
  readonly backendCommit: Histogram;
}

function freshProcess(): ProcessMetrics {
  return { leaderChanges: 0, lead: "", applyPending: false, walFsync: new Histogram(), backendCommit: new Histogram() };
}

/** Go's `strconv.FormatFloat(value, 'g', -1, 64)`, as the text format writes sample values. */
export function goFloat(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (Number.isNaN(value)) return "NaN";
  if (value === 0) return "0";
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent < -4 || exponent >= 21) {
    const [mantissa, power] = value.toExponential().split("e") as [string, string];
    const sign = power.startsWith("-") ? "-" : "+";
    const digits = power.replace(/^[+-]/, "");
    return `${mantissa}e${sign}${digits.length < 2 ? `0${digits}` : digits}`;
  }
  return String(value);
}

/** The metrics of every member of one world. */
export class ClusterMetrics {
  private readonly processes = new Map<string, ProcessMetrics>();
  /**
   * The process of the node seen last, tried first: a member's events come in runs (its apply and
   * its fsync). A restart (`node.start`) replaces the node's process, here too.
   */
  private lastNode = "";
  private lastProcess: ProcessMetrics | undefined = undefined;

  constructor(world: World) {
    world.trace.subscribe((_time, event) => this.observe(event as TracedFields));
  }

  /** The node's current process, made on first use. */
  private process(node: string): ProcessMetrics {
    return this.existing(node) ?? this.start(node);
  }

  /** The node's current process, if it has one. */
  private existing(node: string): ProcessMetrics | undefined {
    if (node === this.lastNode && this.lastProcess !== undefined) return this.lastProcess;
    const metrics = this.processes.get(node);
    if (metrics !== undefined) {
      this.lastNode = node;
      this.lastProcess = metrics;
    }
    return metrics;
  }

  /** A new process of the node (it started, or is seen first), from zero. */
  private start(node: string): ProcessMetrics {
    const metrics = freshProcess();
    this.processes.set(node, metrics);
    this.lastNode = node;
    this.lastProcess = metrics;
    return metrics;
  }

  /** Sees every event of the run (some 3,500 a virtual second in a busy cluster): most are none of these. */
  private observe(event: TracedFields): void {
    switch (event.type) {
      case "node.start":
        this.start(event.node ?? "");
        return;
      case "raft.role": {
        const lead = event.lead ?? "";
        const metrics = this.process(event.node ?? "");
        if (lead !== "" && lead !== metrics.lead) metrics.leaderChanges++;
        metrics.lead = lead;
        return;
      }
      case "raft.apply":
        this.process(event.node ?? "").applyPending = true;
        return;
      case "disk.fsync": {
        const metrics = this.existing(event.node ?? "");
        if (metrics === undefined) return;
        const latencyUs = event.latencyUs ?? 0;
        metrics.walFsync.observe(latencyUs);
        if (metrics.applyPending) {
          metrics.backendCommit.observe(latencyUs);
          metrics.applyPending = false;
        }
        return;
      }
      default:
        return;
    }
  }

  /** The text exposition of one running member's metrics. */
  exposition(node: string, member: Member): string {
    const metrics = this.process(node);
    const status = member.raft.status();
    const store = member.stateMachine.store.status();
    const lines: string[] = [];
    const single = (name: string, help: string, type: "gauge" | "counter", value: number): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${goFloat(value)}`);
    };
    const histogram = (name: string, help: string, data: Histogram): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
      let cumulative = 0;
      BUCKETS_SECONDS.forEach((bound, index) => {
        cumulative += data.counts[index] as number;
        lines.push(`${name}_bucket{le="${goFloat(bound)}"} ${cumulative}`);
      });
      lines.push(`${name}_bucket{le="+Inf"} ${data.count}`, `${name}_sum ${goFloat(data.sum)}`, `${name}_count ${data.count}`);
    };
    histogram("etcd_disk_backend_commit_duration_seconds", "The latency distributions of commit called by backend.", metrics.backendCommit);
    histogram("etcd_disk_wal_fsync_duration_seconds", "The latency distributions of fsync called by WAL.", metrics.walFsync);
    single("etcd_mvcc_db_total_size_in_bytes", "Total size of the underlying database physically allocated in bytes.", "gauge", store.dbSize);
    single("etcd_mvcc_db_total_size_in_use_in_bytes", "Total size of the underlying database logically in use in bytes.", "gauge", store.dbSizeInUse);
    single("etcd_server_has_leader", "Whether or not a leader exists. 1 is existence, 0 is not.", "gauge", status.lead === null ? 0 : 1);
    single("etcd_server_is_leader", "Whether or not this member is a leader. 1 if is, 0 otherwise.", "gauge", status.role === "leader" ? 1 : 0);
    single("etcd_server_leader_changes_seen_total", "The number of leader changes seen.", "counter", metrics.leaderChanges);
    single("etcd_server_proposals_applied_total", "The total number of consensus proposals applied.", "gauge", status.applied);
    single("etcd_server_proposals_committed_total", "The total number of consensus proposals committed.", "gauge", status.commit);
    single("etcd_server_proposals_failed_total", "The total number of failed proposals seen.", "counter", member.proposalsFailed);
    single("etcd_server_proposals_pending", "The current number of pending proposals to commit.", "gauge", member.pendingRequests);
    return `${lines.join("\n")}\n`;
  }
}
