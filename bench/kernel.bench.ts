/**
 * Kernel throughput: a ping-pong among 5 actors with uniform 1-5 ms latency and 1% loss.
 * `kernel.events_per_s.trace_off` runs with no trace consumer; `trace_on` records every event
 * (sends, deliveries, drops) in an in-memory trace.
 */
import { bestOfMs, collectGarbage, report } from "./harness.js";
import { spawnPingPong } from "../src/sim/pingpong.js";
import { Trace, type TypedEvent } from "../src/sim/trace.js";
import { World } from "../src/sim/world.js";

const NAMES = ["n1", "n2", "n3", "n4", "n5"];
const VIRTUAL_US = 20_000_000;

function run(traceOn: boolean): { events: number; traceEvents: number } {
  const world = new World({
    seed: 7,
    trace: new Trace<TypedEvent>(traceOn),
    defaultLink: { latency: { kind: "uniform", minUs: 1_000, maxUs: 5_000 }, lossPpm: 10_000, duplicatePpm: 0, reorderPpm: 0, reorderDelayUs: 0 },
  });
  spawnPingPong(world, NAMES, 2_000);
  world.runUntil(VIRTUAL_US);
  return { events: world.eventsProcessed, traceEvents: world.trace.length };
}

for (const traceOn of [false, true]) {
  collectGarbage();
  let result = { events: 0, traceEvents: 0 };
  const ms = bestOfMs(3, () => {
    result = run(traceOn);
  });
  report({
    name: `kernel.events_per_s.${traceOn ? "trace_on" : "trace_off"}`,
    unit: "events/s",
    value: Math.round(result.events / (ms / 1000)),
    events: result.events,
    traceEvents: result.traceEvents,
    wallMs: Math.round(ms),
    target: traceOn ? 1_000_000 : 3_000_000,
  });
}
