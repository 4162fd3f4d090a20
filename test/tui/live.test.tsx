/**
 * Live mode as a user sees it: the App over a real three-member cluster (the shell's session),
 * driven by explicit `advance` calls on the controller (no real timer), keys pressed through
 * ink-testing-library, frames read without colour.
 */
import { delay, ENTER, ESCAPE, LEFT, press, type Rendered, strip } from "./ink.js";
import { liveController, settle, showLive as show } from "./live-harness.js";
import { describe, expect, it } from "vitest";
import { appendOutput, commandOutput, LiveController } from "../../src/tui/live.js";

async function type(app: Rendered, text: string): Promise<string> {
  return press(app, ...[...text]);
}

/** The cluster pane's row of a member (after the number-key column). */
function memberRow(frame: string, name: string): string {
  return frame.split("\n").find((text) => new RegExp(`^[ ▸]\\d ${name} `).test(text)) ?? `(no cluster row for ${name})`;
}

describe("live mode", () => {
  it("feeds the Timeline from the world's trace, from the first election on", () => {
    const live = liveController();
    expect(live.timeline.length).toBeGreaterThan(0);
    expect(live.members).toEqual(["n1", "n2", "n3"]);
    const before = live.timeline.length;
    live.advance(500_000);
    expect(live.timeline.length).toBeGreaterThan(before);
    expect(live.timeline.time(live.timeline.length - 1)).toBeLessThanOrEqual(live.now);
  });

  it("shows the leader, follows the world as it advances, and crashes and restarts the selected member", async () => {
    const live = liveController();
    const app = show(live);
    let frame = await settle(app);
    expect(frame).toContain("following");
    const length = live.timeline.length;
    live.advance(300_000);
    frame = await settle(app);
    expect(frame).toContain(`#${live.timeline.length - 1}/${live.timeline.length}`);
    expect(live.timeline.length).toBeGreaterThan(length);
    expect(frame.split("\n").filter((text) => /^[ ▸]\d n\d +leader /.test(text))).toHaveLength(1);
    expect(memberRow(frame, "n1")).toMatch(/^▸1 n1 /);

    frame = await press(app, "2");
    expect(memberRow(frame, "n2")).toMatch(/^▸2 n2 /);
    expect(memberRow(frame, "n1")).toMatch(/^ 1 n1 /);
    frame = await press(app, "1", "c");
    expect(memberRow(frame, "n1")).toMatch(/crashed/);
    expect(frame).toContain("crashed n1");
    expect(live.session.world.status("n1")).toBe("crashed");

    frame = await press(app, "c");
    expect(frame).toContain("n1 is already crashed");
    frame = await press(app, "r");
    expect(live.session.world.status("n1")).toBe("up");
    expect(memberRow(frame, "n1")).not.toMatch(/crashed/);
    expect(frame).toContain("restarted n1");

    frame = await press(app, "3", "p");
    expect(live.session.world.status("n3")).toBe("paused");
    expect(memberRow(frame, "n3")).toMatch(/paused/);
    await press(app, "p");
    expect(live.session.world.status("n3")).toBe("up");

    frame = await press(app, "i");
    expect(frame).toContain("isolated n3");
    live.advance(300_000);
    frame = await settle(app);
    expect(memberRow(frame, "n3")).toMatch(/partitioned/);
    frame = await press(app, "h");
    expect(frame).toContain("healed the network");
  });

  it("runs etcdctl, lab and kubectl lines at the : prompt and shows their output", async () => {
    const live = liveController();
    const app = show(live);
    await settle(app);
    let frame = await press(app, ":");
    expect(frame).toContain(":_");
    frame = await type(app, "put k v");
    expect(frame).toContain(":put k v_");
    frame = await press(app, ENTER);
    expect(frame).toContain(": put k v");
    expect(frame.split("\n")).toContain("OK");

    await press(app, ":");
    await type(app, "get k");
    frame = await press(app, ENTER);
    const lines = frame.split("\n");
    const at = lines.indexOf(": get k");
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines.slice(at + 1, at + 3)).toEqual(["k", "v"]);
    // The requests went through the cluster, and so into the Timeline.
    expect(live.timeline.events.filter((event) => event.type === "client.return")).toHaveLength(2);

    await press(app, ":");
    await type(app, ":leader");
    frame = await press(app, ENTER);
    const leader = frame.split("\n")[frame.split("\n").indexOf(": :leader") + 1];
    expect(leader).toMatch(/^n[123]$/);

    await press(app, ":");
    await type(app, "kubectl get pods");
    frame = await press(app, ENTER);
    expect(frame.split("\n")).toContain("No resources found in default namespace.");

    await press(app, ":");
    await type(app, ":crash n9");
    frame = await press(app, ENTER);
    expect(frame).toContain("etcdlab shell: unknown node 'n9'");

    await press(app, ":");
    await type(app, "del k");
    frame = await press(app, ESCAPE);
    expect(frame).not.toContain(": del k");
    expect(frame).toContain("following");
  });

  it("looks back with the arrows, follows again with end, and lists the live keys in the help", async () => {
    const live = liveController();
    const app = show(live);
    await settle(app);
    let frame = await press(app, LEFT);
    expect(frame).toContain("past (world at");
    const length = live.timeline.length;
    live.advance(200_000);
    frame = await settle(app);
    expect(frame).toContain(`#${length - 2}/${live.timeline.length}`);
    frame = await press(app, "\u001B[F");
    expect(frame).toContain("following");
    expect(frame).toContain(`#${live.timeline.length - 1}/${live.timeline.length}`);

    frame = await press(app, "?");
    expect(frame).toContain("live keys");
    expect(frame).toMatch(/c {2}crash it/);
    frame = await press(app, "x");
    expect(frame).not.toContain("live keys");
  });

  it("runs the world on a real timer while playing (space), and stops it with space", async () => {
    const live = liveController();
    const app = show(live);
    await settle(app);
    const before = live.now;
    let frame = await press(app, " ");
    expect(frame).toContain("▶ live ×1");
    await delay(200);
    frame = await press(app, " ");
    expect(frame).toContain("❚❚ paused");
    const stopped = live.now;
    expect(stopped).toBeGreaterThan(before);
    await delay(150);
    expect(live.now).toBe(stopped);
  });
});

describe("the live output pane", () => {
  it("shows the line run and what it printed, or (no output), keeping the last four lines", () => {
    expect(commandOutput("  put k v ", { stdout: "OK\n", stderr: "" })).toEqual([": put k v", "OK"]);
    expect(commandOutput(":crash n1", { stdout: "", stderr: "" })).toEqual([": :crash n1", "(no output)"]);
    expect(commandOutput("get k --prefix", { stdout: "a\n1\nb\n2\n", stderr: "warning\n" })).toEqual(["1", "b", "2", "warning"]);
    expect(appendOutput([": watch k", "(no output)", "PUT"], ["k", "v"])).toEqual(["(no output)", "PUT", "k", "v"]);
  });
});
