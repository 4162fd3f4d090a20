/**
 * The live UI's `:` prompt keeps a history of the lines run: up and down recall them, as in a
 * shell (PromptHistory's rules, then the keys in the App over a real cluster).
 */
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { ShellSession } from "../../src/shell/session.js";
import { App } from "../../src/tui/components/App.js";
import { LiveController } from "../../src/tui/live.js";
import { PromptHistory } from "../../src/tui/prompt-history.js";
import { delay, DOWN, ENTER, ESCAPE, press, type Rendered, strip, track, UP } from "./ink.js";

/** The prompt's line in the status bar. */
function promptLine(frame: string): string {
  return frame.split("\n").find((line) => line.startsWith(":") && line.includes("enter runs")) ?? "(no prompt)";
}

describe("the prompt's history", () => {
  it("recalls older and newer lines, skips blanks and repeats, and gives back the draft", () => {
    const history = new PromptHistory();
    for (const line of ["put a 1", "  ", "get a", "get a", "del a"]) history.add(line);
    expect(history.size).toBe(3);
    expect(history.down()).toBeUndefined();
    expect(history.up("ge")).toBe("del a");
    expect(history.up("del a")).toBe("get a");
    expect(history.up("get a")).toBe("put a 1");
    expect(history.up("put a 1")).toBeUndefined();
    expect(history.down()).toBe("get a");
    expect(history.down()).toBe("del a");
    expect(history.down()).toBe("ge");
    expect(history.down()).toBeUndefined();
    history.reset();
    expect(history.up("")).toBe("del a");
  });

  it("lets up and down recall the lines run at the : prompt of the live UI", async () => {
    const live = new LiveController((listener) => new ShellSession({ members: 3, seed: 1, listener }));
    const app = track(render(<App timeline={live.timeline} live={live} title="shell, seed 1" colors={false} columns={100} rows={30} />));
    for (let waited = 0; waited < 500 && app.frames.length === 0; waited += 5) await delay(5);
    await press(app, ":", ..."put k v", ENTER);
    let frame = await press(app, ":", ..."get k", ENTER);
    expect(frame).toContain(": get k");
    frame = await press(app, ":", UP);
    expect(promptLine(frame)).toMatch(/^:get k_/);
    frame = await press(app, UP);
    expect(promptLine(frame)).toMatch(/^:put k v_/);
    frame = await press(app, UP);
    expect(promptLine(frame)).toMatch(/^:put k v_/);
    frame = await press(app, DOWN, DOWN);
    expect(promptLine(frame)).toMatch(/^:_/);
    frame = await press(app, UP, ENTER);
    expect(frame).toContain(": get k");
    frame = await press(app, ":", UP, ESCAPE);
    expect(promptLine(frame)).toBe("(no prompt)");
  });
});
