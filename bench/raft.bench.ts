/**
 * `raft.realtime_speedup`: a 5-member cluster with etcd's defaults (100 ms heartbeat, 1000 ms
 * election timeout), 1-5 ms links, 1-3 ms fsyncs and 50 proposals a second for one virtual hour,
 * with the trace on (recorded in memory, checkers subscribed). The figure is virtual time over wall
 * time; `raft.events_per_s` is the event rate behind it.
 */
import { collectGarbage, nowMs, report } from "./harness.js";
import { DEFAULT_SETTINGS, EtcdCluster } from "../src/etcd/cluster.js";
import { bytesFromText } from "../src/mvcc/bytes.js";
import { Trace, type TypedEvent } from "../src/sim/trace.js";
import { World } from "../src/sim/world.js";

const VIRTUAL_US = Number(process.env.ETCDLAB_BENCH_VIRTUAL_S ?? 3600) * 1_000_000;
const PROPOSALS_PER_S = 50;

function run(): { events: number; traceEvents: number; proposals: number; acknowledged: number; violations: number } {
  const trace = new Trace<TypedEvent>(process.env.ETCDLAB_BENCH_RECORD !== "0");
  const world = new World({
    seed: 1,
    trace,
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
  return { events: world.eventsProcessed, traceEvents: trace.length, proposals, acknowledged, violations: cluster.violations().length };
}

collectGarbage();
const start = nowMs();
const result = run();
const wallMs = nowMs() - start;
report({ name: "raft.realtime_speedup", unit: "x", value: Math.round(VIRTUAL_US / 1000 / wallMs), wallMs: Math.round(wallMs), virtualS: VIRTUAL_US / 1_000_000, target: 1000, ...result });
report({ name: "raft.events_per_s", unit: "events/s", value: Math.round(result.events / (wallMs / 1000)), events: result.events });
