import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TypedEvent } from "../../src/sim/trace.js";
import { FilteredEvents, parseGoto } from "../../src/tui/navigation.js";
import { reduce } from "../../src/tui/reducer.js";
import { Timeline } from "../../src/tui/timeline.js";
import { initialViewState, type ViewState } from "../../src/tui/view-state.js";
import { electionTrace, HEADER } from "./fixtures.js";

const NODES = ["n1", "n2", "n3"] as const;
const node = fc.constantFrom(...NODES);
const small = fc.integer({ min: 0, max: 6 });

/** Cluster, network and fault events with random fields, and events of types the UI does not know. */
const eventArbitrary: fc.Arbitrary<TypedEvent> = fc.oneof(
  fc.record({ type: fc.constant("node.start"), node, term: small, vote: fc.constantFrom("", "n1"), commit: small, snapshotIndex: fc.constant(0), lastIndex: small }),
  fc.record({ type: fc.constant("raft.role"), node, role: fc.constantFrom("follower", "pre-candidate", "candidate", "leader"), term: small, lead: fc.constantFrom("", "n1", "n2"), reason: fc.constant("r") }),
  fc.record({
    type: fc.constant("raft.append"),
    node,
    batch: small,
    entries: fc.integer({ min: 1, max: 8 }).chain((first) => fc.array(small, { maxLength: 4 }).map((terms) => terms.map((term, offset) => ({ index: first + offset, term, id: `c#${first + offset}` })))),
  }),
  fc.record({ type: fc.constant("raft.truncate"), node, batch: small, lastIndex: small, removed: fc.constant([{ index: 9, term: 1, id: "x" }]) }),
  fc.record({ type: fc.constant("raft.persist"), node, batch: small }),
  fc.record({ type: fc.constant("raft.commit"), node, term: small, commit: small }),
  fc.record({ type: fc.constant("raft.apply"), node, index: small, term: small, id: fc.constant("noop") }),
  fc.record({ type: fc.constant("raft.progress"), node, peer: node, state: fc.constantFrom("probe", "replicate", "snapshot"), match: small, next: small, inflight: small }),
  fc.record({ type: fc.constant("raft.event"), node, kind: fc.constantFrom("vote-counted", "became-candidate"), text: fc.constant("t"), detail: fc.record({ term: small, grantedCount: small }) }),
  fc.record({ type: fc.constant("net.send"), from: node, to: node, message: fc.record({ type: fc.constantFrom("MsgApp", "MsgVote"), term: small }), deliverAt: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ type: fc.constant("net.deliver"), from: node, to: node, message: fc.record({ type: fc.constantFrom("MsgApp", "MsgVote"), term: small }) }),
  fc.record({ type: fc.constant("net.drop"), from: node, to: node, message: fc.record({ type: fc.constant("MsgApp"), term: small }), reason: fc.constantFrom("loss", "partition", "crashed") }),
  fc.record({ type: fc.constant("fault"), fault: fc.oneof(fc.record({ kind: fc.constantFrom("crash", "restart", "pause", "resume"), node }), fc.constant({ kind: "heal" }), fc.constant({ kind: "partition", partition: { kind: "isolate", node: "n2" } })), text: fc.constant("f") }),
  fc.record({ type: fc.constant("client.invoke"), client: fc.constant("c1"), endpoint: node, op: small, summary: fc.constant("put k v") }),
  fc.record({ type: fc.constant("client.return"), client: fc.constant("c1"), op: small, outcome: fc.constantFrom("ok", "fail", "unknown"), summary: fc.constant("put k v") }),
  fc.record({ type: fc.constant("violation"), kind: fc.constant("log-matching"), detail: fc.constant("d") }),
  fc.record({ type: fc.constantFrom("mvcc.put", "mvcc.compact", "kube.conflict", "future.thing"), key: fc.constantFrom("a", "b"), revision: small }),
) as fc.Arbitrary<TypedEvent>;

function foldAll(events: readonly TypedEvent[], times: readonly number[]): ViewState[] {
  const states: ViewState[] = [initialViewState()];
  events.forEach((event, index) => states.push(reduce(states[index] as ViewState, event, times[index] as number, index)));
  return states;
}

describe("the Timeline", () => {
  it("goes to any event, in any order, to the state that folding from the start gives", () => {
    fc.assert(
      fc.property(
        fc.array(eventArbitrary, { minLength: 1, maxLength: 120 }),
        fc.constantFrom(1, 3, 7, 32, 512),
        fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
        (events, interval, jumps) => {
          const times = events.map((_, index) => index * 10);
          const folded = foldAll(events, times);
          const timeline = new Timeline(null, { checkpointInterval: interval });
          timeline.appendAll(events, times);
          for (const jump of jumps) {
            const index = (jump % (events.length + 1)) - 1;
            expect(timeline.stateAt(index)).toEqual(folded[index + 1]);
          }
        },
      ),
      { seed: 20_240_601, numRuns: 150 },
    );
  });

  it("grows event by event (as a live controller would feed it) to the same states, telling subscribers", () => {
    const trace = electionTrace();
    const whole = new Timeline(null, { checkpointInterval: 4 });
    whole.appendAll(trace.events, trace.times);
    const live = new Timeline(null, { checkpointInterval: 4 });
    let notified = 0;
    const unsubscribe = live.subscribe(() => notified++);
    trace.events.forEach((event, index) => live.append(event, trace.times[index] as number));
    unsubscribe();
    live.append({ type: "note", text: "after" }, 400_000);
    expect(notified).toBe(trace.events.length);
    for (let index = -1; index < trace.events.length; index++) expect(live.stateAt(index)).toEqual(whole.stateAt(index));
  });

  it("keeps every checkpoint frozen, so no step can change another's state", () => {
    const trace = electionTrace();
    const timeline = new Timeline(null, { checkpointInterval: 8 });
    timeline.appendAll(trace.events, trace.times);
    const state = timeline.stateAt(20);
    expect(Object.isFrozen(state)).toBe(true);
    expect(Object.isFrozen(state.nodes[0])).toBe(true);
    expect(Object.isFrozen(state.network.inFlight)).toBe(true);
  });

  it("finds notable events, events by time and by number, and the events a filter keeps", () => {
    const trace = electionTrace();
    const timeline = Timeline.fromTrace(trace.build());
    expect(timeline.notable.next(0)).toBe(trace.index("candidate"));
    expect(timeline.notable.next(trace.index("candidate"))).toBe(trace.index("leader"));
    expect(timeline.notable.previous(trace.index("leader"))).toBe(trace.index("candidate"));
    expect(timeline.notable.previous(trace.index("candidate"))).toBeUndefined();
    expect(timeline.indexAtTime(153_000)).toBe(trace.index("candidate") + 8);
    expect(timeline.indexAtTime(10_000_000)).toBe(trace.events.length - 1);
    expect(parseGoto("#12", timeline)).toEqual({ index: 12 });
    expect(parseGoto("0.3s", timeline)).toEqual({ index: trace.index("crash") });
    expect(parseGoto("300ms", timeline)).toEqual({ index: trace.index("crash") });
    expect(parseGoto("999", timeline)).toEqual({ error: `no event #999: the last is #${trace.events.length - 1}` });
    expect(parseGoto("soon", timeline)).toEqual({ error: "'soon': not an event number or a time (2.5s)" });
    const byNode = new FilteredEvents("n3", timeline).indexes;
    expect(byNode.at(0)).toBe(2);
    expect(byNode.includes(trace.index("crash"))).toBe(true);
    const byKind = new FilteredEvents("raft.role", timeline).indexes;
    expect(byKind.length).toBe(5);
    const crashes = new FilteredEvents("crash", timeline).indexes;
    expect([crashes.length, crashes.at(0)]).toEqual([1, trace.index("crash")]);
  });

  it("takes the members from the header's configuration", () => {
    const timeline = new Timeline({ ...HEADER, config: { cluster: { kind: "pingpong", options: { members: 3 } } } });
    expect(timeline.stateAt(-1).members).toEqual(["n1", "n2", "n3"]);
  });
});
