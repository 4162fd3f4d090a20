/**
 * Audit of issue #4 (live shell): what background jobs print while the world plays between prompt
 * lines (a watch's events, a lease keep-alive's answers) reaches the live UI's output area as it
 * arrives. The App over the shell's session, the world advanced by explicit `advance` calls.
 */
import { describe, expect, it } from "vitest";
import { ShellSession } from "../../src/shell/session.js";
import { LiveController } from "../../src/tui/live.js";
import { delay, press, type Rendered, strip } from "../tui/ink.js";
import { runLine as run, settle, showLive as show } from "../tui/live-harness.js";

/** The output area: its `count` lines, above the status bar (the frame's last line). */
function outputArea(frame: string, count: number): string[] {
  const lines = frame.split("\n").map((text) => text.trimEnd());
  return lines.slice(-1 - count, -1);
}

describe("live UI: background output", () => {
  it("shows a watch's events that arrive while the world plays, after the line that started it", async () => {
    const live = new LiveController((listener) => new ShellSession({ members: 3, seed: 1, listener }));
    const app = show(live);
    await settle(app);
    let frame = await run(app, "watch k --prefix");
    expect(outputArea(frame, 2)).toEqual([": watch k --prefix", "(no output)"]);
    // Another client writes while the world plays: no prompt line is running.
    (live.session as ShellSession).cluster.client("c2").call("n2", { kind: "put", request: { key: "k1", value: "v1" } }, 5_000_000, () => undefined);
    live.advance(200_000);
    frame = await settle(app);
    expect(outputArea(frame, 4)).toEqual(["(no output)", "PUT", "k1", "v1"]);
  });

  it("shows a lease keep-alive's answers as they come, and :unwatch ends them", async () => {
    const live = new LiveController((listener) => new ShellSession({ members: 3, seed: 1, listener }));
    const app = show(live);
    await settle(app);
    let frame = await run(app, "lease grant 3");
    const id = /lease ([0-9a-f]{16}) granted with TTL\(3s\)/.exec(frame)?.[1] ?? "(no lease granted)";
    frame = await run(app, `lease keep-alive ${id}`);
    expect(outputArea(frame, 2)).toEqual([`: lease keep-alive ${id}`, `lease ${id} keepalived with TTL(3)`]);
    // TTL 3: the next keep-alive is due 1 s later, sent at the send loop's next tick (1.5 s).
    live.advance(1_600_000);
    frame = await settle(app);
    expect(outputArea(frame, 3)).toEqual([`: lease keep-alive ${id}`, `lease ${id} keepalived with TTL(3)`, `lease ${id} keepalived with TTL(3)`]);
    frame = await run(app, ":unwatch");
    live.advance(5_000_000);
    frame = await settle(app);
    expect(outputArea(frame, 2)).toEqual([": :unwatch", "(no output)"]);
    expect(live.execute(`lease timetolive ${id}`).stdout).toBe(`lease ${id} already expired\n`);
  });
});
