/**
 * The terminal UI's entry: builds the Timeline of a parsed trace (or, live, of a running world)
 * and renders the App on the terminal until the user quits (q, or Ctrl-C, which ink turns into an orderly exit). Ink restores
 * the terminal (raw mode off, cursor shown) when the App unmounts.
 */
import { render } from "ink";
import type { ParsedTrace } from "../sim/trace.js";
import { App } from "./components/App.js";
import { LiveController, type LiveStart } from "./live.js";
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

export interface OpenLiveOptions {
  readonly title: string;
  readonly colors: boolean;
  /** The terminal's input; the UI draws on the process's standard output, a terminal. */
  readonly stdin: NodeJS.ReadableStream;
  /** Builds the session (world, cluster, line executor) with a listener on its trace. */
  readonly start: LiveStart;
}

/** Live mode: the App over a running world (see `LiveController`), until the user quits. */
export async function openLive(options: OpenLiveOptions): Promise<void> {
  const live = new LiveController(options.start);
  const instance = render(<App timeline={live.timeline} title={options.title} colors={options.colors} live={live} />, {
    stdin: options.stdin as NodeJS.ReadStream,
    exitOnCtrlC: true,
    patchConsole: false,
  });
  await instance.waitUntilExit();
}
