/**
 * The terminal UI's entry: builds the Timeline of a parsed trace and renders the App on the
 * terminal until the user quits (q, or Ctrl-C, which ink turns into an orderly exit). Ink restores
 * the terminal (raw mode off, cursor shown) when the App unmounts.
 */
import { render } from "ink";
import type { ParsedTrace } from "../sim/trace.js";
import { App } from "./components/App.js";
import { Timeline } from "./timeline.js";

export interface OpenReplayOptions {
  readonly trace: ParsedTrace;
  readonly title: string;
  readonly from: number;
  readonly colors: boolean;
  /** The terminal's input; the UI draws on the process's standard output, a terminal. */
  readonly stdin: NodeJS.ReadableStream;
}

export async function openReplay(options: OpenReplayOptions): Promise<void> {
  const timeline = Timeline.fromTrace(options.trace);
  const instance = render(<App timeline={timeline} title={options.title} colors={options.colors} initialIndex={options.from} />, {
    stdin: options.stdin as NodeJS.ReadStream,
    exitOnCtrlC: true,
    patchConsole: false,
  });
  await instance.waitUntilExit();
}
