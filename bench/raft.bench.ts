/**
 * `raft.realtime_speedup`: a 5-member cluster with etcd's defaults (100 ms heartbeat, 1000 ms
 * election timeout), 1-5 ms links, 1-3 ms fsyncs and 50 proposals a second for one virtual hour,
 * with the trace on. The figure is virtual time over wall time; `raft.events_per_s` is the rate of
 * the world's events behind it (deliveries, timers that fire, fsyncs).
 *
 * "Trace on" means every trace event is built and consumed: the per-message events (send, deliver)
 * and the narration-grade Raft events included, the Raft invariant checker subscribed. An hour
 * emits about 15 million events, some 2.5 GB if all were kept as objects, so `ETCDLAB_BENCH_TRACE`
 * chooses what happens to them:
 * - `recent` (the default): a bounded recording keeps the most recent `RETAINED_EVENTS`;
 * - `digest`: every event line is serialized into a streaming SHA-256 and dropped;
 * - `full`: every event is kept (about 170 bytes each, so shorten the run);
 * - `checkers`: no recording and no per-message events, only the checkers' subscription
 *   (`ETCDLAB_BENCH_RECORD=0` is the same).
 * `ETCDLAB_BENCH_VIRTUAL_S` shortens the virtual time.
 */
import { collectGarbage, nowMs, report } from "./harness.js";
import { DEFAULT_SETTINGS, EtcdCluster, summarizeMessage } from "../src/etcd/cluster.js";
import { bytesFromText } from "../src/mvcc/bytes.js";
import { Trace, TraceDigest, type TypedEvent } from "../src/sim/trace.js";
import { World } from "../src/sim/world.js";

const VIRTUAL_US = Number(process.env.ETCDLAB_BENCH_VIRTUAL_S ?? 3600) * 1_000_000;
const PROPOSALS_PER_S = 50;
const RETAINED_EVENTS = 10_000;
const TRACE_MODES = ["recent", "digest", "full", "checkers"] as const;
type TraceMode = (typeof TRACE_MODES)[number];

function traceMode(): TraceMode {
  const mode = process.env.ETCDLAB_BENCH_TRACE ?? (process.env.ETCDLAB_BENCH_RECORD === "0" ? "checkers" : "recent");
  if (!(TRACE_MODES as readonly string[]).includes(mode)) throw new Error(`ETCDLAB_BENCH_TRACE must be one of ${TRACE_MODES.join(", ")} (got ${mode})`);
  return mode as TraceMode;
}

function makeTrace(mode: TraceMode): { trace: Trace<TypedEvent>; digest: TraceDigest | undefined } {
  switch (mode) {
    case "recent":
      return { trace: new Trace<TypedEvent>(true, { retain: RETAINED_EVENTS }), digest: undefined };
    case "full":
      return { trace: new Trace<TypedEvent>(true), digest: undefined };
    case "digest": {
      const trace = new Trace<TypedEvent>(false);
      return { trace, digest: new TraceDigest(trace) };
    }
    case "checkers":
      return { trace: new Trace<TypedEvent>(false), digest: undefined };
  }
}

interface RunResult {
  readonly events: number;
  readonly traceEvents: number;
  readonly retainedEvents: number;
  readonly traceSha256: string | undefined;
  readonly proposals: number;
  readonly acknowledged: number;
  readonly violations: number;
}

function run(mode: TraceMode): RunResult {
  const { trace, digest } = makeTrace(mode);
  const world = new World({
    seed: 1,
    trace,
    summarize: summarizeMessage,
    defaultLink: { latency: { kind: "uniform", minUs: 1_000, maxUs: 5_000 }, lossPpm: 0, duplicatePpm: 0, reorderPpm: 0, reorderDelayUs: 0 },
    fsyncLatency: { kind: "uniform", minUs: 1_000, maxUs: 3_000 },
  });
  const cluster = new EtcdCluster(world, { members: 5, bugs: [], observe: true, settings: { ...DEFAULT_SETTINGS } });
  const client = cluster.client("c1");
  let proposals = 0;
  let acknowledged = 0;
  const gapUs = 1_000_000 / PROPOSALS_PER_S;
  let endpoint = "n1";
  const propose = (): void => {
    proposals++;
    if (proposals % PROPOSALS_PER_S === 0) endpoint = cluster.leader() ?? "n1";
    client.call(endpoint, { kind: "put", request: { key: bytesFromText(`k${proposals % 100}`), value: bytesFromText(`v${proposals}`) } }, 5_000_000, (outcome) => {
      if (outcome.ok) acknowledged++;
    });
    if (world.now + gapUs < VIRTUAL_US) world.schedule(world.now + gapUs, propose);
  };
  world.schedule(2_000_000, propose);
  world.runUntil(VIRTUAL_US);
  return {
    events: world.eventsProcessed,
    traceEvents: trace.length,
    retainedEvents: trace.events.length,
    traceSha256: digest?.hex(),
    proposals,
    acknowledged,
    violations: cluster.violations().length,
  };
}

const mode = traceMode();
collectGarbage();
const start = nowMs();
const result = run(mode);
const wallMs = nowMs() - start;
const heapMb = Math.round(process.memoryUsage().heapUsed / 1_048_576);
const nodeFlags = process.execArgv.join(" ");
report({ name: "raft.realtime_speedup", unit: "x", value: Math.round(VIRTUAL_US / 1000 / wallMs), trace: mode, wallMs: Math.round(wallMs), virtualS: VIRTUAL_US / 1_000_000, target: 1000, heapMb, nodeFlags, ...result });
report({ name: "raft.events_per_s", unit: "events/s", value: Math.round(result.events / (wallMs / 1000)), trace: mode, events: result.events });
