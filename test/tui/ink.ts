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
