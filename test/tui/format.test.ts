import { describe, expect, it } from "vitest";
import { clusterLines, lineText, logLine } from "../../src/tui/format.js";
import { computeLayout } from "../../src/tui/layout.js";
import { reduceRange } from "../../src/tui/reducer.js";
import { initialViewState, type MemberView } from "../../src/tui/view-state.js";
import { TraceBuilder } from "./fixtures.js";

/** A member whose log holds entries 1..count (terms 1, then 2 from index 40), committed up to `commit`. */
function longLog(count: number, commit: number): { member: MemberView; index: number } {
  const trace = new TraceBuilder().add({ type: "node.start", node: "n1", term: 2, vote: "", commit: 0, snapshotIndex: 0, lastIndex: 0 });
  const entries = Array.from({ length: count }, (_, offset) => ({ index: offset + 1, term: offset + 1 < 40 ? 1 : 2, id: `e${offset + 1}` }));
  trace.add({ type: "raft.append", node: "n1", batch: 1, entries }).add({ type: "raft.persist", node: "n1", batch: 1 });
  trace.add({ type: "raft.append", node: "n1", batch: 2, entries: [{ index: count + 1, term: 2, id: "last" }] });
  trace.add({ type: "raft.commit", node: "n1", term: 2, commit });
  const state = reduceRange(initialViewState(), trace.events, trace.times, 0, trace.events.length);
  return { member: state.nodes[0] as MemberView, index: state.index };
}

describe("pane lines", () => {
  it("shows the tail of a long log that fits, from its first index shown, with the commit mark and pending entries", () => {
    const { member, index } = longLog(60, 58);
    expect(lineText(logLine(member, index, 4, 40))).toBe("n1  49: 2 2 2 2 2 2 2 2 2 2┃2 2 2*");
    expect(lineText(logLine(member, index, 4, 80)).startsWith("n1  29: 1 1 1 1 1 1 1 1 1 1 1 2 2")).toBe(true);
  });

  it("always shows the last entry, however narrow", () => {
    const { member, index } = longLog(3, 3);
    expect(lineText(logLine(member, index, 4, 5))).toBe("n1  4:┃2*");
  });

  it("abbreviates the cluster table under 80 columns", () => {
    const trace = new TraceBuilder().add({ type: "raft.role", node: "n1", role: "candidate", term: 3, lead: "", reason: "election timeout" });
    const state = reduceRange(initialViewState(), trace.events, trace.times, 0, 1);
    expect(clusterLines(state, 60).map(lineText)).toEqual(["node role    t vote  cmt appl last health     progress      ", "n1   cand    3    -    0    0    0 up         "]);
  });
});

describe("the layout", () => {
  it("stacks the panes at 80×24 and gives the timeline what is left", () => {
    expect(computeLayout({ columns: 80, rows: 24, members: 5, keyspaceLines: 0, alertLines: 1 })).toEqual({
      wide: false,
      width: 80,
      height: 23,
      clusterHeader: true,
      logLegend: true,
      memberLines: 5,
      networkLines: 3,
      keyspaceLines: 0,
      alertLines: 1,
      timelineLines: 4,
      narrationLines: 2,
    });
  });

  it("shrinks the other panes to fit nine members in 80×24", () => {
    const layout = computeLayout({ columns: 80, rows: 24, members: 9, keyspaceLines: 2, alertLines: 2 });
    expect(layout).toMatchObject({ networkLines: 1, keyspaceLines: 0, alertLines: 1, narrationLines: 1, logLegend: false, clusterHeader: false, timelineLines: 1 });
    const used = 9 + 9 + layout.networkLines + layout.keyspaceLines + layout.alertLines + layout.narrationLines + layout.timelineLines + 1;
    expect(used).toBe(23);
  });

  it("puts the cluster beside the logs on a wide terminal", () => {
    expect(computeLayout({ columns: 160, rows: 40, members: 5, keyspaceLines: 2, alertLines: 0 })).toMatchObject({ wide: true, height: 39, timelineLines: 27 });
  });
});
