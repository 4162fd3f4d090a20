/**
 * Shared helpers for tests that render the App with ink-testing-library: key codes, frames
 * without colour codes, and unmounting every rendered app after each test.
 */
import { render } from "ink-testing-library";
import { afterEach } from "vitest";

export const ENTER = "\r";
export const ESCAPE = "\u001B";
export const RIGHT = "\u001B[C";
export const LEFT = "\u001B[D";
export const BACKSPACE = "\u007F";
export const UP = "\u001B[A";
export const DOWN = "\u001B[B";
const ESCAPE_CODE = /\u001B\[[0-9;?]*[ -/]*[@-~]/g;

/** A frame as the user reads it: the text without colour and cursor codes. */
export function strip(frame: string | undefined): string {
  return (frame ?? "").replace(ESCAPE_CODE, "");
}

export type Rendered = ReturnType<typeof render>;
const mounted: Rendered[] = [];

afterEach(() => {
  for (const app of mounted.splice(0)) app.unmount();
});

/** Remembers `app` so that it is unmounted after the test. */
export function track(app: Rendered): Rendered {
  mounted.push(app);
  return app;
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes each key, waiting after each for ink to draw (then `pauseMs` more), and returns the last frame without colours. */
export async function press(app: Rendered, ...keys: string[]): Promise<string> {
  return pressWith(app, 10, keys);
}

export async function pressWith(app: Rendered, pauseMs: number, keys: readonly string[]): Promise<string> {
  for (const key of keys) {
    const frames = app.frames.length;
    app.stdin.write(key);
    for (let waited = 0; waited < 500 && app.frames.length === frames; waited += 5) await delay(5);
    await delay(pauseMs);
  }
  return strip(app.lastFrame());
}

/** Waits for the first frame (then `pauseMs` more) and returns the last frame without colours. */
export async function firstFrame(app: Rendered, pauseMs = 10): Promise<string> {
  for (let waited = 0; waited < 500 && app.frames.length === 0; waited += 5) await delay(5);
  await delay(pauseMs);
  return strip(app.lastFrame());
}
