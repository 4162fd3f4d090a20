/**
 * The replay screen as a user sees it: render the App on a synthetic trace at 80×24, press keys,
 * await the frame, strip the colours and read the text.
 */
import { render } from "ink-testing-library";
import { BACKSPACE, delay, ENTER, firstFrame, LEFT, press, type Rendered, RIGHT, strip, track } from "./ink.js";
import { afterAll, describe, expect, it, vi } from "vitest";
import { App } from "../../src/tui/components/App.js";
import { Timeline } from "../../src/tui/timeline.js";
import { conflictTrace, electionTrace, type TraceBuilder } from "./fixtures.js";

// Colour on, whatever the terminal running the tests, so that the NO_COLOR test means something
// (set before ink is imported; restored for the test files that may run after this one).
const previousForceColor = vi.hoisted(() => {
  const previous = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR = "1";
  return previous;
});

afterAll(() => {
  if (previousForceColor === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = previousForceColor;
});

function show(trace: TraceBuilder, options: { at?: number; colors?: boolean; columns?: number; rows?: number } = {}): { app: Rendered; timeline: Timeline } {
  const timeline = Timeline.fromTrace(trace.build());
  const app = render(
    <App timeline={timeline} title="synthetic-election, seed 11" colors={options.colors ?? true} columns={options.columns ?? 80} rows={options.rows ?? 24} initialIndex={options.at ?? 0} />,
  );
  track(app);
  return { app, timeline };
}

/** A member's row in the log pane (the lines after the log legend). */
function logRow(frame: string, name: string): string {
  const lines = frame.split("\n");
  const legend = lines.findIndex((text) => text.startsWith("log "));
  return lines.slice(legend + 1).find((text) => text.startsWith(`${name} `)) ?? `(no log row for ${name})`;
}

function line(frame: string, start: string): string {
  return frame.split("\n").find((text) => text.startsWith(start)) ?? `(no line starting with '${start}')`;
}

describe("the replay screen", () => {
  it("shows roles and terms in the cluster pane and the narration of the selected event", async () => {
    const trace = electionTrace();
    const { app } = show(trace, { at: trace.index("leader") });
    const frame = await firstFrame(app);
    expect(line(frame, "n2 ")).toMatch(/^n2\s+leader\s+1\s+n2\s+0\s+0\s+1 up/);
    expect(line(frame, "n1 ")).toMatch(/^n1\s+follower\s+1\s+n2\s+0\s+0\s+0 up/);
    expect(frame).toContain("» n2 won the election for term 1 with votes from a majority (2 of 3)");
    expect(frame).toContain(`›#${trace.index("leader")} 0.153000s n2 → leader t1`);
    expect(frame).toContain(`#${trace.index("leader")}/${trace.events.length} 0.153000s ❚❚ paused 10/s │ synthetic-election, seed 11`);
  });

  it("moves the commit mark in the log pane from notable event to notable event (] and [)", async () => {
    const trace = electionTrace();
    const { app } = show(trace, { at: trace.index("leader") });
    expect(logRow(await firstFrame(app), "n2")).toBe("n2   1*");
    const first = await press(app, "]");
    expect(first).toContain(`›#${trace.index("first-commit")} `);
    expect(logRow(first, "n2")).toBe("n2   1┃");
    expect(first).toContain("» n2 (leader, term 1) commits up to index 1: a majority has stored it");
    const second = await press(app, "]");
    expect(logRow(second, "n2")).toBe("n2   1 1┃");
    expect(line(second, "n2 ")).toMatch(/^n2\s+leader\s+1\s+n2\s+2\s+1\s+2 up/);
    const back = await press(app, "[");
    expect(logRow(back, "n2")).toBe("n2   1┃");
  });

  it("shows a crash as crashed and a violation, reached with g and an event number", async () => {
    const trace = electionTrace();
    const { app } = show(trace);
    const prompt = await press(app, "g", ..."4", "7");
    expect(prompt.split("\n").at(-1)).toBe("go to event number or time (123, 2.5s): 47_");
    const frame = await press(app, ENTER);
    expect(line(frame, "n3 ")).toMatch(/^n3\s+-\s+1\s+n2\s+0\s+0\s+0 crashed/);
    expect(frame).toContain("SAFETY VIOLATION: election-safety: two leaders in term 1: n2 and n3 (#47)");
    expect(frame).toContain("» SAFETY VIOLATION: election-safety: two leaders in term 1: n2 and n3");
    const byTime = await press(app, "g", ..."0.3s", ENTER);
    expect(byTime).toContain(`›#${trace.index("crash")} 0.300000s fault: crash n3`);
    const wrong = await press(app, "g", ..."later", ENTER);
    expect(wrong.split("\n").at(-1)).toBe("#45/48 0.300000s ❚❚ paused 10/s │ 'later': not an event number or a time (2.5s)");
  });

  it("shows messages in flight, a partition, truncated entries struck, the keyspace and a conflict", async () => {
    const election = electionTrace();
    const voting = show(election, { at: election.index("candidate") + 2 });
    expect(line(await firstFrame(voting.app), "in flight")).toBe("in flight (2): MsgVote n2→n1 t1, MsgVote n2→n3 t1");

    const trace = conflictTrace()
      .add({ type: "fault", fault: { kind: "partition", partition: { kind: "isolate", node: "n3" } }, text: "partition n3 | n1 n2" })
      .add({ type: "mvcc.put", key: "/registry/pods/default/web", revision: 7 })
      .add({ type: "kube.conflict", resource: "pods/web", status: 409 });
    const { app } = show(trace, { at: trace.index("truncate") + 1 });
    const truncated = await firstFrame(app);
    expect(logRow(truncated, "n3")).toBe("n3  2:┃2* ✂ 1 1");
    expect(truncated).toContain("» n3 appends entry 2 (term 2, the new leader's empty entry) to its log;");
    const frame = await press(app, RIGHT, RIGHT, RIGHT);
    expect(line(frame, "net ")).toBe("net  partition n3 | n1 n2 · sent 0 delivered 0 dropped 0");
    expect(line(frame, "n3 ")).toMatch(/^n3\s+follower\s+1\s+n3\s+1\s+0\s+2 up, partitioned\s*$/);
    expect(line(frame, "keys")).toBe("keys rev 7: /registry/pods/default/web@7");
    expect(line(frame, "conflicts")).toBe("conflicts (1): #11 kube.conflict resource=pods/web status=409");
  });

  it("gives back exactly the first frame after five steps forward and five back", async () => {
    const trace = electionTrace();
    const { app } = show(trace, { at: trace.index("candidate") });
    await firstFrame(app);
    const first = app.lastFrame();
    await press(app, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT);
    const forward = strip(app.lastFrame());
    expect(forward).toContain(`›#${trace.index("candidate") + 5} `);
    await press(app, LEFT, LEFT, LEFT, LEFT, LEFT);
    expect(app.lastFrame()).toBe(first);
  });

  it("filters the timeline by node with f, steps within the filter, and clears it", async () => {
    const trace = electionTrace();
    const { app } = show(trace);
    const filtered = await press(app, "f", ..."n3", ENTER);
    const rows = filtered.split("\n").filter((text) => /^[ ›]#\d/.test(text));
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) expect(row).toContain("n3");
    expect(filtered).toContain("›#2  0.000000s n3 start t0 commit 0 last 0");
    expect(filtered.split("\n").at(-1)).toContain("filter:n3");
    const next = await press(app, RIGHT);
    expect(next).toContain("›#8  0.150000s send MsgVote t1 n2→n3");
    const cleared = await press(app, "f", BACKSPACE, BACKSPACE, ENTER);
    expect(cleared.split("\n").at(-1)).not.toContain("filter:");
    expect(cleared).toContain(" #9  0.150000s send MsgVote t1 n2→n1");
  });

  it("opens a help overlay listing every key with ?, and closes it with any key", async () => {
    const { app } = show(electionTrace());
    await firstFrame(app);
    const help = await press(app, "?");
    for (const key of ["space", "→ / ←", "] / [", "+ / -", "home / end", "  g ", "  f ", "  ?  ", "  q "]) expect(help).toContain(key);
    const closed = await press(app, "x");
    expect(closed).toContain("›#0  ");
  });

  it("plays with space at the chosen speed and pauses with space", async () => {
    const trace = electionTrace();
    const { app } = show(trace);
    await firstFrame(app);
    const faster = await press(app, "+", "+", "+");
    expect(faster.split("\n").at(-1)).toContain("❚❚ paused 100/s");
    const playing = await press(app, " ");
    expect(playing.split("\n").at(-1)).toContain("▶ playing 100/s");
    await delay(250);
    const paused = await press(app, " ");
    const position = Number(/#(\d+)\//.exec(paused.split("\n").at(-1) ?? "")?.[1]);
    expect(position).toBeGreaterThanOrEqual(5);
    expect(paused.split("\n").at(-1)).toContain("❚❚ paused 100/s");
    await delay(150);
    expect(strip(app.lastFrame())).toBe(paused);
  });

  it("writes no escape code at all without colours (NO_COLOR), and styles with them", async () => {
    const trace = electionTrace();
    const plain = show(trace, { at: trace.index("violation"), colors: false });
    const coloured = show(trace, { at: trace.index("violation"), colors: true });
    const plainFrame = await firstFrame(plain.app);
    await firstFrame(coloured.app);
    expect(plain.app.lastFrame()).not.toContain("\u001B");
    expect(coloured.app.lastFrame()).toContain("\u001B[");
    const trimmed = (frame: string): string => frame.replace(/ +$/gm, "");
    expect(trimmed(strip(coloured.app.lastFrame()))).toBe(trimmed(plainFrame));
  });

  it("fits 80×24 and uses the room of a larger terminal: the cluster and the logs side by side", async () => {
    const trace = electionTrace();
    const small = show(trace, { at: trace.index("violation") });
    const frame = await firstFrame(small.app);
    expect(frame.split("\n").length).toBeLessThanOrEqual(23);
    for (const text of frame.split("\n")) expect(text.length).toBeLessThanOrEqual(80);
    const large = show(trace, { at: trace.index("violation"), columns: 160, rows: 40 });
    const wide = await firstFrame(large.app);
    expect(wide.split("\n").length).toBe(39);
    expect(line(wide, "n2 ")).toMatch(/^n2\s+leader .* n2\s+1 1┃$/);
  });

  it("follows the terminal's size when it is resized", async () => {
    const trace = electionTrace();
    const app = render(<App timeline={Timeline.fromTrace(trace.build())} title="t" colors={false} initialIndex={trace.index("violation")} />);
    track(app);
    const narrow = await firstFrame(app);
    expect(narrow.split("\n").length).toBe(23);
    expect(line(narrow, "n2 ")).not.toContain("┃");
    Object.defineProperty(app.stdout, "columns", { value: 160, configurable: true });
    Object.defineProperty(app.stdout, "rows", { value: 40, configurable: true });
    app.stdout.emit("resize");
    for (let waited = 0; waited < 500 && strip(app.lastFrame()).split("\n").length !== 39; waited += 5) await delay(5);
    const wide = strip(app.lastFrame());
    expect(wide.split("\n").length).toBe(39);
    expect(line(wide, "n2 ")).toMatch(/^n2\s+leader .* n2\s+1 1┃$/);
  });

  it("follows a Timeline that grows while shown, as a live controller would feed it", async () => {
    const trace = electionTrace();
    const { app, timeline } = show(trace);
    await firstFrame(app);
    timeline.append({ type: "note", text: "a live event" }, 400_000);
    for (let waited = 0; waited < 500 && !strip(app.lastFrame()).includes(`#0/${trace.events.length + 1}`); waited += 5) await delay(5);
    expect(strip(app.lastFrame()).split("\n").at(-1)).toContain(`#0/${trace.events.length + 1} `);
    const end = await press(app, "g", ..."48", ENTER);
    expect(end).toContain("» a live event");
  });

  it("quits with q", async () => {
    const { app } = show(electionTrace());
    await firstFrame(app);
    await press(app, "q");
    const frames = app.frames.length;
    app.stdin.write(RIGHT);
    await delay(50);
    expect(app.frames.length).toBe(frames);
  });
});
