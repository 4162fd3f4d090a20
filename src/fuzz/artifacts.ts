/**
 * What `etcdlab fuzz` leaves behind for a failing seed, as text (the command writes the files):
 *
 * - the trace of the failing run (a trace header naming the seed, the swarm settings and the fault
 *   plan, then every event), which `etcdlab replay` steps through;
 * - the client history, in etcdlab's history JSON Lines and in Jepsen EDN;
 * - the shrunk fault plan as a scenario file: the etcd cluster kind with the seed's swarm settings
 *   as cluster options, the fuzz workload, each fault as a timed step (leader-aimed faults as
 *   `crash-leader` / `isolate-leader`), and the liveness phase. `etcdlab run` of the file fails
 *   with the same violation (it declares no `expect: {violation: ...}`, which would turn the run
 *   into a pass), and passes once the bug is gone: a regression test.
 */
import { toEtcdHistory } from "../check/etcd-history.js";
import { formatHistoryJsonl, historyToEdn } from "../check/history/index.js";
import type { ClusterSettings } from "../etcd/cluster.js";
import type { Fault, TimedFault } from "../sim/faults.js";
import type { PartitionSpec } from "../sim/network.js";
import { assertNever } from "../sim/errors.js";
import { MICROS_PER_MS, MICROS_PER_SECOND, type Micros } from "../sim/time.js";
import { serializeTrace, TRACE_FORMAT, TRACE_FORMAT_VERSION, type TraceHeader } from "../sim/trace.js";
import { PACKAGE_VERSION } from "../version.js";
import { FUZZ_FSYNC, faultsEndUs, type SeedResult } from "./run-seed.js";
import { faultSchedule, LIVENESS_ELECTION_TIMEOUTS, type LeaderFault } from "./schedule.js";
import { faultCount } from "./shrink.js";
import { DEFAULT_WORKLOAD } from "./workload.js";

/** The sweep a seed belongs to. */
export interface FuzzConfig {
  readonly members: number;
  readonly bugs: readonly string[];
}

/** The command that runs one seed again. */
export function reproduceCommand(seed: number, config: FuzzConfig): string {
  return ["etcdlab fuzz --seeds 1", `--from ${seed}`, `--members ${config.members}`, ...config.bugs.map((bug) => `--bug ${bug}`)].join(" ");
}

/** The trace of a run made with `recordTrace`, with a header that says how to make it again. */
export function fuzzTraceText(result: SeedResult, config: FuzzConfig): string {
  const header: TraceHeader = {
    format: TRACE_FORMAT,
    formatVersion: TRACE_FORMAT_VERSION,
    packageVersion: PACKAGE_VERSION,
    seed: result.seed,
    scenario: `fuzz-seed-${result.seed}`,
    config: {
      command: reproduceCommand(result.seed, config),
      members: config.members,
      bugs: config.bugs,
      settings: result.settings,
      workload: DEFAULT_WORKLOAD,
      fsync: FUZZ_FSYNC,
      faultPlan: result.plan,
      leaderFaults: result.leaderFaults,
    },
  };
  return serializeTrace(header, result.trace).text;
}

export function historyJsonl(result: SeedResult): string {
  return formatHistoryJsonl(toEtcdHistory(result.history));
}

export function historyEdn(result: SeedResult): string {
  return historyToEdn(toEtcdHistory(result.history));
}

export interface ScenarioSource extends FuzzConfig {
  readonly seed: number;
  readonly settings: ClusterSettings;
  readonly plan: readonly TimedFault[];
  readonly leaderFaults: readonly LeaderFault[];
  /** The first violation of the failing run. */
  readonly kind: string;
  readonly detail: string;
  /** How many faults the seed's own plan had, before shrinking. */
  readonly originalFaults: number;
}

/** The shrunk plan as a scenario file (YAML) that runs exactly as the fuzz run did. */
export function scenarioYaml(source: ScenarioSource): string {
  const faults = faultCount(source);
  const planted = source.bugs.length > 0 ? ` with planted bug${source.bugs.length > 1 ? "s" : ""} ${source.bugs.join(", ")}` : "";
  const lines = [
    `# Written by etcdlab ${PACKAGE_VERSION} fuzz: seed ${source.seed} failed with ${source.kind}; its fault plan shrunk from ${source.originalFaults} to ${faults} fault${faults === 1 ? "" : "s"}.`,
    `# 'etcdlab run <this file>' fails with the same violation (exit 1) while the bug is there, and passes once it is gone.`,
    ...(source.kind === "linearizability"
      ? []
      : [`# To make it a passing demonstration of the bug instead, add a last step '- expect: {violation: ${source.kind}}'.`]),
    `title: ${quote(`fuzz seed ${source.seed}: ${source.kind}${planted}`)}`,
    "description: |",
    `  Found by '${reproduceCommand(source.seed, source)}':`,
    `  ${source.kind}: ${source.detail.replace(/\s+/g, " ")}`,
    `  The seed's fault plan (${source.originalFaults} faults) was shrunk to these ${faults}, with the seed's own cluster`,
    `  settings and workload; this scenario still fails with ${source.kind}.`,
    `seed: ${source.seed}`,
    `bugs: [${source.bugs.join(", ")}]`,
    "cluster:",
    ...clusterLines(source.members, source.settings),
    `disk: {fsync: {uniform: [${duration(FUZZ_FSYNC.minUs)}, ${duration(FUZZ_FSYNC.maxUs)}]}}`,
    "steps:",
    ...stepLines(source),
  ];
  return `${lines.join("\n")}\n`;
}

function clusterLines(members: number, settings: ClusterSettings): string[] {
  return [
    "  kind: etcd",
    `  members: ${members}`,
    `  tick: ${duration(settings.tickUs)}`,
    `  election-ticks: ${settings.electionTicks}`,
    `  heartbeat-ticks: ${settings.heartbeatTicks}`,
    `  pre-vote: ${settings.preVote}`,
    `  check-quorum: ${settings.checkQuorum}`,
    `  read-only: ${settings.readOnly}`,
    `  clock-drift-bound: ${settings.clockDriftBound}`,
    `  max-entries-per-message: ${settings.maxEntriesPerMessage}`,
    `  max-inflight: ${settings.maxInflightMessages}`,
    `  request-timeout: ${duration(settings.requestTimeoutUs)}`,
    `  snapshot-entries: ${settings.snapshotEntries}`,
    `  catch-up-entries: ${settings.catchUpEntries}`,
  ];
}

function stepLines(source: ScenarioSource): string[] {
  const workload = DEFAULT_WORKLOAD;
  const lines = [
    `  - workload: {clients: ${workload.clients}, keys: ${workload.keys}, read-percent: ${workload.readPercent}, think: ${duration(workload.thinkUs)}, timeout: ${duration(workload.timeoutUs)}}`,
  ];
  for (const entry of faultSchedule(source.plan, source.leaderFaults)) {
    if (entry.kind === "fault") lines.push(`  - {at: ${time(entry.at)}, ${faultStep(entry.fault)}}`);
    else lines.push(`  - {at: ${time(entry.at)}, ${entry.leaderFault.kind === "bounce" ? "crash-leader" : "isolate-leader"}: ${duration(entry.leaderFault.downUs)}}`);
  }
  lines.push(`  - {at: ${time(faultsEndUs(source.plan))}, liveness: {election-timeouts: ${LIVENESS_ELECTION_TIMEOUTS}}}`);
  return lines;
}

/** A fault as the kernel's scenario step (the key and value of a flow mapping). */
export function faultStep(fault: Fault): string {
  switch (fault.kind) {
    case "crash":
    case "restart":
    case "pause":
    case "resume":
      return `${fault.kind}: ${fault.node}`;
    case "partition":
      return partitionStep(fault.partition);
    case "heal":
      return "heal: true";
    case "slow-disk":
      return `slow-disk: {node: ${fault.node}, factor: ${fault.factor}}`;
    case "drift":
      return `drift: {node: ${fault.node}, rate: ${fault.rate}}`;
    case "network":
      return `network: {loss: ${perMillion(fault.lossPpm)}, duplicate: ${perMillion(fault.duplicatePpm)}, reorder: ${perMillion(fault.reorderPpm)}}`;
    default:
      return assertNever(fault, "fault");
  }
}

function partitionStep(partition: PartitionSpec): string {
  const list = (nodes: readonly string[]): string => `[${nodes.join(", ")}]`;
  switch (partition.kind) {
    case "isolate":
      return `partition: {isolate: ${partition.node}}`;
    case "split":
      return `partition: {split: ${list(partition.minority)}}`;
    case "bridge":
      return `partition: {bridge: {left: ${list(partition.left)}, bridge: ${partition.bridge}, right: ${list(partition.right)}}}`;
    case "ring":
      return `partition: {ring: ${list(partition.order)}}`;
    case "one-way":
      return `partition: {one-way: {from: ${list(partition.from)}, to: ${list(partition.to)}}}`;
    case "groups":
      // One group cuts nothing: the partition replaces any earlier one with none, as a heal does.
      return partition.groups.length < 2 ? "heal: true" : `partition: {groups: [${partition.groups.map(list).join(", ")}]}`;
    default:
      return assertNever(partition, "partition");
  }
}

/** A virtual time, exactly, in seconds ("1.234567s"). */
function time(us: Micros): string {
  return `${decimal(us, MICROS_PER_SECOND)}s`;
}

/** A duration, exactly, in milliseconds ("230ms", "12.5ms") or whole seconds ("1s"). */
function duration(us: Micros): string {
  return us > 0 && us % MICROS_PER_SECOND === 0 ? `${us / MICROS_PER_SECOND}s` : `${decimal(us, MICROS_PER_MS)}ms`;
}

/** Parts per million as a fraction ("0.012345"), exactly. */
function perMillion(ppm: number): string {
  return decimal(ppm, 1_000_000);
}

/** `value / unit` as an exact decimal, for integers `value` >= 0 and `unit` a power of ten. */
function decimal(value: number, unit: number): string {
  const whole = Math.floor(value / unit);
  const fraction = value % unit;
  if (fraction === 0) return String(whole);
  const digits = String(unit).length - 1;
  return `${whole}.${String(fraction).padStart(digits, "0").replace(/0+$/, "")}`;
}

/** A YAML double-quoted scalar (JSON's escapes are YAML's). */
function quote(text: string): string {
  return JSON.stringify(text);
}
