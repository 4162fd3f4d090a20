/**
 * The live mode's controller: a running world, the Timeline its trace feeds, and the commands the
 * live keys and the `:` prompt send to it. Pure: it never reads a clock or sets a timer; the App's
 * play timer calls `advance` (and tests call it directly, so they stay deterministic).
 *
 * The world comes from a session (the shell's: a World, an EtcdCluster and the line executor),
 * built by `start` with a trace listener that appends every event to the Timeline as it is emitted
 * (`(time, event) => timeline.append(event, time)`), the events of the first election included.
 */
import type { Fault } from "../sim/faults.js";
import type { Micros } from "../sim/time.js";
import { TRACE_FORMAT, TRACE_FORMAT_VERSION, type TraceHeader, type TraceListener, type TypedEvent } from "../sim/trace.js";
import type { World } from "../sim/world.js";
import { PACKAGE_VERSION } from "../version.js";
import { Timeline } from "./timeline.js";

/** What live mode needs of a session: its world, its members, and a line executor. */
export interface LiveSession {
  readonly world: World;
  readonly members: readonly string[];
  /** Runs an etcdctl line or a lab command (`:crash n1`) to completion; returns its output. */
  execute(line: string): { stdout: string; stderr: string };
  /**
   * Where the session's background jobs (watches, lease keep-alives) print between lines, as the
   * world runs: the controller passes its own sink (see `LiveController.onOutput`).
   */
  setBackgroundOutput?(out: { write(text: string): void; error(text: string): void }): void;
}

export type LiveStart = (listener: TraceListener<TypedEvent>) => LiveSession;

/** Virtual time one play tick advances the world at speed ×1. */
export const LIVE_TICK_US: Micros = 50_000;
/** Real time between two play ticks. */
export const LIVE_TICK_MS = 50;
/** Play speeds of live mode: multiples of LIVE_TICK_US per tick (×1: virtual time runs as real time). */
export const LIVE_SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10] as const;
export const LIVE_DEFAULT_SPEED_LEVEL = 3;

export type NodeAction = "crash" | "restart" | "pause" | "isolate" | "heal";

/** Lines of command output kept for the output pane of live mode. */
export const OUTPUT_LINES = 4;

/** The output pane after a `:` line ran: the line (": put k v") and what it printed, or "(no output)"; the last OUTPUT_LINES lines. */
export function commandOutput(line: string, result: { readonly stdout: string; readonly stderr: string }): string[] {
  const lines = `${result.stdout}${result.stderr}`.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return [`: ${line.trim()}`, ...(lines.length === 0 ? ["(no output)"] : lines)].slice(-OUTPUT_LINES);
}

/** The output pane with lines the background jobs printed added: the last OUTPUT_LINES lines. */
export function appendOutput(previous: readonly string[], lines: readonly string[]): string[] {
  return [...previous, ...lines].slice(-OUTPUT_LINES);
}

export class LiveController {
  readonly timeline: Timeline;
  readonly session: LiveSession;
  private readonly outputListeners = new Set<(lines: readonly string[]) => void>();
  /** Background output not yet ended by a newline. */
  private partial = "";

  constructor(start: LiveStart) {
    let timeline: Timeline | undefined;
    const pending: Array<{ event: TypedEvent; time: Micros }> = [];
    // The session emits events while it is built (the first election), before its members are known.
    const session = start((time, event) => {
      if (timeline === undefined) pending.push({ event, time });
      else timeline.append(event, time);
    });
    this.session = session;
    const header: TraceHeader = {
      format: TRACE_FORMAT,
      formatVersion: TRACE_FORMAT_VERSION,
      packageVersion: PACKAGE_VERSION,
      seed: session.world.seed,
      scenario: "shell (live)",
      config: { cluster: { kind: "etcd", members: [...session.members] } },
    };
    timeline = new Timeline(header, { members: session.members });
    timeline.appendAll(
      pending.map((item) => item.event),
      pending.map((item) => item.time),
    );
    this.timeline = timeline;
    const background = (text: string): void => this.background(text);
    session.setBackgroundOutput?.({ write: background, error: background });
  }

  /**
   * Calls `listener` with each complete line background jobs print between command lines (a
   * watch's events, a keep-alive's answers) as the world runs; returns the unsubscribe function.
   */
  onOutput(listener: (lines: readonly string[]) => void): () => void {
    this.outputListeners.add(listener);
    return () => {
      this.outputListeners.delete(listener);
    };
  }

  private background(text: string): void {
    const lines = `${this.partial}${text}`.split("\n");
    this.partial = lines.pop() ?? "";
    if (lines.length === 0) return;
    for (const listener of this.outputListeners) listener(lines);
  }

  get members(): readonly string[] {
    return this.session.members;
  }

  get now(): Micros {
    return this.session.world.now;
  }

  /** Runs the world for `us` of virtual time; its events land in the Timeline. */
  advance(us: Micros): void {
    if (us > 0) this.session.world.runFor(us);
  }

  /** Applies a fault to a member now; returns a notice (what happened, or why nothing did). */
  act(action: NodeAction, node: string): string {
    const world = this.session.world;
    const status = world.status(node);
    let fault: Fault;
    switch (action) {
      case "crash":
        if (status === "crashed") return `${node} is already crashed`;
        fault = { kind: "crash", node };
        break;
      case "restart":
        if (status !== "crashed") return `cannot restart ${node}: it is ${status} (crash it first)`;
        fault = { kind: "restart", node };
        break;
      case "pause":
        if (status === "crashed") return `cannot pause ${node}: it is crashed`;
        fault = status === "paused" ? { kind: "resume", node } : { kind: "pause", node };
        break;
      case "isolate":
        fault = { kind: "partition", partition: { kind: "isolate", node } };
        break;
      case "heal":
        fault = { kind: "heal" };
        break;
    }
    try {
      world.applyFault(fault);
    } catch (error) {
      return (error as Error).message;
    }
    const done = { crash: "crashed", restart: "restarted", pause: fault.kind === "resume" ? "resumed" : "paused", isolate: "isolated", heal: "healed the network" }[action];
    return action === "heal" ? done : `${done} ${node}`;
  }

  /** Runs a `:` prompt line: etcdctl, kubectl or a lab command, as the piped shell runs it. */
  execute(line: string): { stdout: string; stderr: string } {
    return this.session.execute(line.trim());
  }
}
