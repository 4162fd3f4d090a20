/** The live UI over a real shell session, for ink-testing-library tests. */
import { render } from "ink-testing-library";
import { ShellSession } from "../../src/shell/session.js";
import { App } from "../../src/tui/components/App.js";
import { LiveController } from "../../src/tui/live.js";
import { ENTER, firstFrame, press, type Rendered, track } from "./ink.js";

/** A live controller over a 3-member shell session at seed 1. */
export function liveController(): LiveController {
  return new LiveController((listener) => new ShellSession({ members: 3, seed: 1, listener }));
}

/** Renders the live UI (100 × 30, no colours); unmounted after the test. */
export function showLive(live: LiveController): Rendered {
  const app = render(<App timeline={live.timeline} live={live} title="shell, seed 1" colors={false} columns={100} rows={30} />);
  track(app);
  return app;
}

/** The first frame, once the UI has settled. */
export function settle(app: Rendered): Promise<string> {
  return firstFrame(app, 30);
}

/** Types `:` then the line, then Enter, and returns the frame after it. */
export async function runLine(app: Rendered, line: string): Promise<string> {
  await press(app, ":", ...[...line]);
  return press(app, ENTER);
}
