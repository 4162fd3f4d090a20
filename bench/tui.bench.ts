/**
 * Terminal UI time travel on a 1,000,000-event synthetic cluster trace (5 members; elections every
 * few thousand events; client writes replicated with MsgApp/MsgAppResp, fsyncs, commits, applies;
 * heartbeats; a little loss).
 *
 * - `tui.index_build_ms`: building the Timeline (every event folded once, a checkpoint every 512).
 * - `tui.step_ms`: one step forward or back (random direction) from a random position: the view
 *   state there, the narration of the event, and every pane's lines (all a frame needs but ink's
 *   drawing). Median, with p99 and max; target: max ≤ 16 ms.
 * - `tui.jump_ms`: the same for a jump to a random event from another random one; target ≤ 100 ms.
 * - `tui.rewind_step_ms`: a step back over events just played forward (kept among the recent states).
 */
import { bestOfMs, collectGarbage, nowMs, report } from "./harness.js";
import type { ClusterEvent, LogEntryRef } from "../src/etcd/events.js";
import { Prng } from "../src/sim/prng.js";
import type { SimEvent, TypedEvent } from "../src/sim/trace.js";
import { alertLines, clusterLines, keyspaceLines, logLine, networkLines, timelineLines } from "../src/tui/format.js";
import { narrate } from "../src/tui/narration.js";
import { Timeline } from "../src/tui/timeline.js";

const EVENTS = 1_000_000;
const MEMBERS = ["n1", "n2", "n3", "n4", "n5"];
const SAMPLES = 2_000;

/** A deterministic synthetic trace, in the order a cluster's hosts emit events. */
function syntheticTrace(count: number): { events: TypedEvent[]; times: number[] } {
  const random = new Prng(7);
  const events: TypedEvent[] = [];
  const times: number[] = [];
  let now = 0;
  let term = 0;
  let leader = "n1";
  let lastIndex = 0;
  let op = 0;
  const batches = new Map(MEMBERS.map((name) => [name, 0]));
  const add = (event: SimEvent | ClusterEvent): void => {
    events.push(event as TypedEvent);
    times.push(now);
  };
  const later = (micros: number): void => {
    now += micros;
  };
  const write = (node: string, entries: LogEntryRef[]): void => {
    const batch = (batches.get(node) ?? 0) + 1;
    batches.set(node, batch);
    add({ type: "raft.append", node, batch, entries });
    later(random.range(100, 900));
    add({ type: "raft.persist", node, batch });
  };
  const message = (from: string, to: string, type: string): void => {
    if (random.chance(1, 100)) {
      add({ type: "net.drop", from, to, message: { type, term }, reason: "loss" });
      return;
    }
    const latency = random.range(1_000, 5_000);
    add({ type: "net.send", from, to, message: { type, term }, deliverAt: now + latency });
    later(latency);
    add({ type: "net.deliver", from, to, message: { type, term } });
  };
  for (const node of MEMBERS) add({ type: "node.start", node, term: 0, vote: "", commit: 0, snapshotIndex: 0, lastIndex: 0 });
  while (events.length < count) {
    if (term === 0 || random.chance(1, 150)) {
      const candidate = random.pick(MEMBERS);
      term++;
      later(random.range(150_000, 300_000));
      add({ type: "raft.event", node: candidate, kind: "became-candidate", text: `${candidate} becomes candidate for term ${term}`, detail: { term, transfer: false } });
      add({ type: "raft.role", node: candidate, role: "candidate", term, lead: "", reason: "election timeout" });
      let granted = 1;
      for (const voter of MEMBERS.filter((name) => name !== candidate)) {
        message(candidate, voter, "MsgVote");
        add({ type: "raft.role", node: voter, role: "follower", term, lead: "", reason: "higher term" });
        message(voter, candidate, "MsgVoteResp");
        granted++;
        add({ type: "raft.event", node: candidate, kind: "vote-counted", text: `${candidate} counts ${voter}'s vote`, detail: { kind: "vote", grantedCount: granted } });
      }
      leader = candidate;
      lastIndex++;
      write(leader, [{ index: lastIndex, term, id: "noop" }]);
      add({ type: "raft.role", node: leader, role: "leader", term, lead: leader, reason: "won the election" });
    }
    op++;
    add({ type: "client.invoke", client: "c1", endpoint: leader, op, summary: `put k${op % 100} v${op}` });
    lastIndex++;
    const entry = { index: lastIndex, term, id: `c1#${op}` };
    write(leader, [entry]);
    for (const follower of MEMBERS.filter((name) => name !== leader)) {
      message(leader, follower, "MsgApp");
      write(follower, [entry]);
      message(follower, leader, "MsgAppResp");
      add({ type: "raft.progress", node: leader, peer: follower, state: "replicate", match: lastIndex, next: lastIndex + 1, inflight: 0 });
    }
    add({ type: "raft.commit", node: leader, term, commit: lastIndex });
    add({ type: "raft.apply", node: leader, index: lastIndex, term, id: entry.id });
    add({ type: "client.return", client: "c1", op, outcome: "ok", summary: `put k${op % 100} v${op}: OK` });
    for (const follower of MEMBERS.filter((name) => name !== leader)) {
      message(leader, follower, "MsgHeartbeat");
      add({ type: "raft.commit", node: follower, term, commit: lastIndex });
      add({ type: "raft.apply", node: follower, index: lastIndex, term, id: entry.id });
    }
  }
  return { events: events.slice(0, count), times: times.slice(0, count) };
}

/** Everything a frame needs for the event at `index`, but ink's drawing. */
function frame(timeline: Timeline, index: number): number {
  const view = timeline.stateAt(index);
  let characters = narrate(timeline.event(index), timeline.time(index), view).length;
  const lines = [...clusterLines(view, 120), ...networkLines(view, 3), ...keyspaceLines(view), ...alertLines(view), ...timelineLines(timeline, index, 12, null)];
  for (const member of view.nodes) lines.push(logLine(member, view.index, 4, 120));
  for (const line of lines) for (const segment of line) characters += segment.text.length;
  return characters;
}

function quantiles(samples: number[]): { median: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (fraction: number): number => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] as number;
  return { median: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] as number };
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

const trace = syntheticTrace(EVENTS);
collectGarbage();
const heapBefore = process.memoryUsage().heapUsed;
let timeline = new Timeline(null);
const buildMs = bestOfMs(1, () => {
  timeline = new Timeline(null);
  timeline.appendAll(trace.events, trace.times);
});
collectGarbage();
report({
  name: "tui.index_build_ms",
  unit: "ms",
  value: Math.round(buildMs),
  events: EVENTS,
  checkpointInterval: timeline.checkpointInterval,
  heapMb: Math.round((process.memoryUsage().heapUsed - heapBefore) / 1_048_576),
});

const random = new Prng(11);
const steps: number[] = [];
const forward: number[] = [];
const backward: number[] = [];
const jumps: number[] = [];
let checksum = 0;
for (let sample = 0; sample < SAMPLES; sample++) {
  const position = 1 + random.int(EVENTS - 2);
  checksum += frame(timeline, position);
  const direction = random.chance(1, 2) ? 1 : -1;
  const start = nowMs();
  checksum += frame(timeline, position + direction);
  const elapsed = nowMs() - start;
  steps.push(elapsed);
  (direction > 0 ? forward : backward).push(elapsed);
  const target = random.int(EVENTS);
  const jumpStart = nowMs();
  checksum += frame(timeline, target);
  jumps.push(nowMs() - jumpStart);
}
const step = quantiles(steps);
report({
  name: "tui.step_ms",
  unit: "ms",
  value: round(step.median),
  p99: round(step.p99),
  max: round(step.max),
  forwardMedian: round(quantiles(forward).median),
  backwardMedian: round(quantiles(backward).median),
  samples: SAMPLES,
  target: 16,
  checksum,
});
const rewinds: number[] = [];
for (let sample = 0; sample < SAMPLES / 10; sample++) {
  const position = 20 + random.int(EVENTS - 40);
  for (let offset = 0; offset < 10; offset++) checksum += frame(timeline, position + offset);
  for (let offset = 8; offset >= 0; offset--) {
    const start = nowMs();
    checksum += frame(timeline, position + offset);
    rewinds.push(nowMs() - start);
  }
}
const rewind = quantiles(rewinds);
report({ name: "tui.rewind_step_ms", unit: "ms", value: round(rewind.median), p99: round(rewind.p99), max: round(rewind.max), samples: rewinds.length, checksum });
const jump = quantiles(jumps);
report({ name: "tui.jump_ms", unit: "ms", value: round(jump.median), p99: round(jump.p99), max: round(jump.max), samples: SAMPLES, target: 100 });
