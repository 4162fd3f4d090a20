/**
 * The replay screen: the panes of the view state at the selected event, the timeline around it, the
 * narration of it, and a status bar; keys move the selection through the Timeline (see HELP_LINES).
 *
 * The App never runs a simulation: it reads a `Timeline`, which may grow while shown (a live
 * controller appends the events of a running world; the App re-renders with the new length through
 * `Timeline.subscribe`). Its own state is the selection, the mode (normal, a prompt, the help), play
 * and speed, and the filter (`useControls`). Playing is a real-time interval timer (`usePlay`),
 * cleared when paused or unmounted. `Screen` draws, from read-only props.
 */
import { Box, useApp, useInput, useStdout } from "ink";
import { type ReactElement, type ReactNode, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { assertNever } from "../../sim/errors.js";
import { alertLines, hasKeyspace, keyspaceLines, type Line, networkLines, timelineLines } from "../format.js";
import type { IndexList } from "../index-list.js";
import { computeLayout } from "../layout.js";
import { formatTime, narrate } from "../narration.js";
import { appendOutput, commandOutput, LIVE_DEFAULT_SPEED_LEVEL, LIVE_SPEEDS, LIVE_TICK_MS, LIVE_TICK_US, type LiveController, type NodeAction, OUTPUT_LINES } from "../live.js";
import { DEFAULT_SPEED_LEVEL, FilteredEvents, parseGoto, SPEEDS } from "../navigation.js";
import type { Timeline } from "../timeline.js";
import { PromptHistory } from "../prompt-history.js";
import { ClusterPane, HelpOverlay, Lines, LineView, LogPane, NarrationPane } from "./panes.js";

export interface AppProps {
  /** The events to show; it may grow while shown. */
  readonly timeline: Timeline;
  /** What is shown, for the status bar: "network-faults, seed 7". */
  readonly title: string;
  /** False under NO_COLOR: then no colour or style code is written at all. */
  readonly colors: boolean;
  /** The event selected first (default: the first). */
  readonly initialIndex?: number;
  /** A fixed size instead of the terminal's (tests, embedding). */
  readonly columns?: number;
  readonly rows?: number;
  /**
   * Live mode: the controller of a running world whose events feed `timeline`. Space runs the world
   * (a real-time timer calls `live.advance`), the view follows the newest event, and the live keys
   * (1..9, c, r, p, i, h, :) act on it.
   */
  readonly live?: LiveController;
}

export type Mode =
  | { readonly kind: "normal" }
  | { readonly kind: "goto"; readonly text: string }
  | { readonly kind: "filter"; readonly text: string }
  | { readonly kind: "command"; readonly text: string }
  | { readonly kind: "help" };

const LIVE_ACTIONS: Readonly<Record<string, NodeAction>> = { c: "crash", r: "restart", p: "pause", i: "isolate", h: "heal" };

/** The shortest real interval between two play steps; faster speeds move several events per step. */
const PLAY_TICK_MS_MIN = 40;

export function App(props: AppProps): ReactElement {
  const { timeline } = props;
  const size = useTerminalSize(props.columns, props.rows);
  const subscribe = useCallback((listener: () => void) => timeline.subscribe(listener), [timeline]);
  const length = useSyncExternalStore(subscribe, () => timeline.length);
  const live = props.live;
  const controls = useControls(timeline, props.initialIndex ?? (live === undefined ? 0 : length - 1), length, live);
  const status = statusLine({
    cursor: controls.cursor,
    length,
    time: controls.cursor < 0 ? 0 : timeline.time(controls.cursor),
    playing: controls.playing,
    speed: live === undefined ? (SPEEDS[controls.speedLevel] as number) : (LIVE_SPEEDS[controls.speedLevel] as number),
    filter: controls.filter?.text ?? null,
    title: props.title,
    notice: controls.notice,
    mode: controls.mode,
    ...(live === undefined ? {} : { live: { follow: controls.follow, now: live.now } }),
  });
  return (
    <Screen
      timeline={timeline}
      cursor={controls.cursor}
      filtered={controls.filter === null ? null : controls.filter.update()}
      help={controls.mode.kind === "help"}
      status={status}
      colors={props.colors}
      columns={size.columns}
      rows={size.rows}
      {...(live === undefined ? {} : { selected: live.members[controls.selected] ?? null, output: controls.output })}
    />
  );
}

/** The terminal's size, following resizes, unless fixed by the caller. */
function useTerminalSize(columns: number | undefined, rows: number | undefined): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = useCallback(() => ({ columns: columns ?? (stdout.columns || 80), rows: rows ?? (stdout.rows || 24) }), [stdout, columns, rows]);
  const [size, setSize] = useState(read);
  useEffect(() => {
    setSize(read());
    const onResize = (): void => setSize(read());
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout, read]);
  return size;
}

interface Controls {
  readonly cursor: number;
  readonly mode: Mode;
  readonly playing: boolean;
  readonly speedLevel: number;
  readonly filter: FilteredEvents | null;
  readonly notice: string | null;
  /** Live mode: the view follows the newest event. */
  readonly follow: boolean;
  /** Live mode: the selected member's position in the members. */
  readonly selected: number;
  /** Live mode: the last lines of command output. */
  readonly output: readonly string[];
}

/** The selection and the keys that move it, one `useInput` per mode. */
function useControls(timeline: Timeline, initialIndex: number, length: number, live: LiveController | undefined): Controls {
  const { exit } = useApp();
  const [storedCursor, setStoredCursor] = useState(() => Math.min(Math.max(0, initialIndex), timeline.length - 1));
  const [mode, setMode] = useState<Mode>({ kind: "normal" });
  const [playing, setPlaying] = useState(false);
  const [speedLevel, setSpeedLevel] = useState(live === undefined ? DEFAULT_SPEED_LEVEL : LIVE_DEFAULT_SPEED_LEVEL);
  const [filter, setFilter] = useState<FilteredEvents | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [follow, setFollow] = useState(live !== undefined);
  const [selected, setSelected] = useState(0);
  const [output, setOutput] = useState<readonly string[]>([]);
  // Live mode: what background watches and keep-alives print as the world runs joins the output.
  useEffect(() => live?.onOutput((lines) => setOutput((previous) => appendOutput(previous, lines))), [live]);
  const [history] = useState(() => new PromptHistory());
  const following = live !== undefined && follow;
  // Following, the cursor is the newest event (of the filter, when one is set).
  const followed = filter === null ? length - 1 : (filter.indexes.at(filter.indexes.length - 1) ?? storedCursor);
  const cursor = following ? followed : storedCursor;
  /** Moves the cursor by hand: in live mode, that stops following the newest event. */
  const setCursor = useCallback(
    (target: number) => {
      setStoredCursor(target);
      if (live !== undefined) setFollow(false);
    },
    [live],
  );
  /** The event one step from `from` (of the filter, when set), if any. */
  const step = useCallback(
    (from: number, direction: 1 | -1): number | undefined => {
      if (filter !== null) return direction > 0 ? filter.indexes.next(from) : filter.indexes.previous(from);
      const target = from + direction;
      return target >= 0 && target < timeline.length ? target : undefined;
    },
    [filter, timeline],
  );
  const select = (target: number | undefined, missing: string): void => {
    if (target === undefined) setNotice(missing);
    else {
      setCursor(target);
      setNotice(null);
    }
  };
  usePlay(live === undefined && playing, SPEEDS[speedLevel] as number, cursor, length, step, setCursor, setPlaying);
  useLiveRun(live, playing, LIVE_SPEEDS[speedLevel] as number);

  useInput(
    (input, key) => {
      if (live === undefined) return;
      const digit = /^[1-9]$/.test(input) ? Number(input) - 1 : undefined;
      const action = LIVE_ACTIONS[input];
      if (digit !== undefined) {
        if (digit < live.members.length) {
          setSelected(digit);
          setNotice(`selected ${live.members[digit] as string}`);
        } else setNotice(`no member ${digit + 1} (there are ${live.members.length})`);
      } else if (action !== undefined) {
        const node = live.members[selected];
        if (node === undefined) setNotice("no member selected");
        else setNotice(live.act(action, node));
      } else if (input === ":") {
        history.reset();
        setMode({ kind: "command", text: "" });
      }
      else if (key.end) {
        setFollow(true);
        setNotice(null);
      } else if (input === " ") {
        setPlaying((value) => !value);
        setFollow(true);
      } else if (input === "+" || input === "=") setSpeedLevel((level) => Math.min(LIVE_SPEEDS.length - 1, level + 1));
      else if (input === "-" || input === "_") setSpeedLevel((level) => Math.max(0, level - 1));
    },
    { isActive: live !== undefined && mode.kind === "normal" },
  );

  useInput(
    (input, key) => {
      if (live !== undefined && (/^[1-9: +=_-]$/.test(input) || LIVE_ACTIONS[input] !== undefined || key.end)) return;
      const filtered = filter?.indexes;
      if (key.rightArrow) select(step(cursor, 1), "at the last event");
      else if (key.leftArrow) select(step(cursor, -1), "at the first event");
      else if (input === "]") select(timeline.notable.next(cursor), "no notable event after this one");
      else if (input === "[") select(timeline.notable.previous(cursor), "no notable event before this one");
      else if (key.home) select(filtered === undefined ? (timeline.length > 0 ? 0 : undefined) : filtered.at(0), "no events");
      else if (key.end) select(filtered === undefined ? (timeline.length > 0 ? timeline.length - 1 : undefined) : filtered.at(filtered.length - 1), "no events");
      else if (input === " ") setPlaying((value) => !value);
      else if (input === "+" || input === "=") setSpeedLevel((level) => Math.min(SPEEDS.length - 1, level + 1));
      else if (input === "-" || input === "_") setSpeedLevel((level) => Math.max(0, level - 1));
      else if (input === "g") setMode({ kind: "goto", text: "" });
      else if (input === "f") setMode({ kind: "filter", text: filter?.text ?? "" });
      else if (input === "?") setMode({ kind: "help" });
      else if (input === "q") exit();
    },
    { isActive: mode.kind === "normal" },
  );

  useInput(() => setMode({ kind: "normal" }), { isActive: mode.kind === "help" });

  const submit = (text: string): void => {
    setMode({ kind: "normal" });
    if (mode.kind === "command") {
      if (live === undefined || text.trim() === "") return;
      history.add(text);
      setOutput(commandOutput(text, live.execute(text)));
      setNotice(null);
      return;
    }
    if (mode.kind === "goto") {
      const target = parseGoto(text, timeline);
      if ("error" in target) setNotice(target.error);
      else select(target.index, "");
      return;
    }
    const words = text.trim();
    if (words === "") {
      setFilter(null);
      setNotice(null);
      return;
    }
    const next = new FilteredEvents(words, timeline);
    const matches = next.indexes;
    if (matches.length === 0) {
      setNotice(`no event matches '${words}'`);
      return;
    }
    setFilter(next);
    select(matches.includes(cursor) ? cursor : (matches.next(cursor) ?? matches.previous(cursor)), "");
  };

  useInput(
    (input, key) => {
      if (mode.kind !== "goto" && mode.kind !== "filter" && mode.kind !== "command") return;
      if (key.return) submit(mode.text);
      else if (key.escape) setMode({ kind: "normal" });
      else if (mode.kind === "command" && (key.upArrow || key.downArrow)) {
        const recalled = key.upArrow ? history.up(mode.text) : history.down();
        if (recalled !== undefined) setMode({ kind: "command", text: recalled });
      } else if (key.backspace || key.delete) setMode({ ...mode, text: mode.text.slice(0, -1) });
      else if (!key.ctrl && !key.meta && input !== "") setMode({ ...mode, text: mode.text + input });
    },
    { isActive: mode.kind === "goto" || mode.kind === "filter" || mode.kind === "command" },
  );
  return { cursor, mode, playing, speedLevel, filter, notice, follow: following, selected, output };
}

/** Live mode, while playing: advances the world by LIVE_TICK_US × speed every LIVE_TICK_MS of real time. */
function useLiveRun(live: LiveController | undefined, playing: boolean, speed: number): void {
  useEffect(() => {
    if (live === undefined || !playing) return;
    const timer = setInterval(() => live.advance(Math.max(1, Math.round(LIVE_TICK_US * speed))), LIVE_TICK_MS);
    return () => clearInterval(timer);
  }, [live, playing, speed]);
}

/** While playing, moves the cursor forward at `speed` events per second; stops at the end. */
function usePlay(
  playing: boolean,
  speed: number,
  cursor: number,
  length: number,
  step: (from: number, direction: 1 | -1) => number | undefined,
  setCursor: (cursor: number) => void,
  setPlaying: (playing: boolean) => void,
): void {
  const cursorRef = useRef(cursor);
  cursorRef.current = cursor;
  useEffect(() => {
    if (!playing) return;
    const intervalMs = Math.max(1000 / speed, PLAY_TICK_MS_MIN);
    const steps = Math.max(1, Math.round((speed * intervalMs) / 1000));
    const timer = setInterval(() => {
      let next = cursorRef.current;
      for (let count = 0; count < steps; count++) {
        const target = step(next, 1);
        if (target === undefined) break;
        next = target;
      }
      if (next === cursorRef.current) setPlaying(false);
      else setCursor(next);
    }, intervalMs);
    return () => clearInterval(timer);
  }, [playing, speed, step, length, setCursor, setPlaying]);
}

export interface ScreenProps {
  readonly timeline: Timeline;
  readonly cursor: number;
  /** The events the filter keeps, when one is set. */
  readonly filtered: IndexList | null;
  readonly help: boolean;
  readonly status: Line;
  readonly colors: boolean;
  readonly columns: number;
  readonly rows: number;
  /** Live mode: the selected member (null: none); its presence marks live mode. */
  readonly selected?: string | null;
  /** Live mode: the last lines of command output, shown above the status bar. */
  readonly output?: readonly string[];
}

/** Draws the screen for the selected event; keeps no state. */
export function Screen(props: ScreenProps): ReactElement {
  const { timeline, cursor, colors } = props;
  const view = useMemo(() => timeline.stateAt(cursor), [timeline, cursor]);
  const keyspace = hasKeyspace(view) ? keyspaceLines(view) : [];
  const alerts = alertLines(view);
  const live = props.selected !== undefined;
  const output = props.output ?? [];
  const outputLines = Math.min(OUTPUT_LINES, output.length);
  const layout = computeLayout({ columns: props.columns, rows: props.rows - outputLines, members: view.members.length, keyspaceLines: keyspace.length, alertLines: alerts.length });
  const width = layout.width;
  if (props.help) {
    return (
      <Box flexDirection="column" width={width} height={layout.height + outputLines}>
        <HelpOverlay width={width} height={layout.height + outputLines - 1} colors={colors} live={live} />
        <LineView line={props.status} width={width} colors={colors} />
      </Box>
    );
  }
  const narration = cursor < 0 ? "the trace has no events yet" : narrate(timeline.event(cursor), timeline.time(cursor), view);
  const leftWidth = layout.wide ? Math.min(110, Math.floor(width * 0.55)) : width;
  const rightWidth = layout.wide ? width - leftWidth - 1 : width;
  const Row = layout.wide ? SideBySide : Stacked;
  return (
    <Box flexDirection="column" width={width} height={layout.height + outputLines}>
      <Row>
        <ClusterPane
          view={view}
          width={leftWidth}
          header={layout.clusterHeader}
          members={layout.memberLines}
          colors={colors}
          {...(props.selected === undefined ? {} : { selected: props.selected })}
        />
        <LogPane view={view} width={rightWidth} legend={layout.logLegend} members={layout.memberLines} colors={colors} />
      </Row>
      <Row>
        <Lines lines={networkLines(view, layout.networkLines)} width={leftWidth} height={layout.networkLines} colors={colors} />
        {layout.keyspaceLines > 0 ? <Lines lines={keyspace} width={rightWidth} height={layout.keyspaceLines} colors={colors} /> : null}
      </Row>
      {layout.alertLines > 0 ? <Lines lines={alerts} width={width} height={layout.alertLines} colors={colors} /> : null}
      <Lines lines={timelineLines(timeline, cursor, layout.timelineLines, props.filtered)} width={width} height={layout.timelineLines} colors={colors} />
      <NarrationPane text={narration} width={width} height={layout.narrationLines} colors={colors} />
      {outputLines > 0 ? (
        <Lines lines={output.slice(-outputLines).map((text): Line => [{ text, style: text.startsWith(": ") ? { bold: true } : {} }])} width={width} height={outputLines} colors={colors} />
      ) : null}
      <LineView line={props.status} width={width} colors={colors} />
    </Box>
  );
}

function SideBySide(props: { readonly children: ReactNode }): ReactElement {
  return (
    <Box flexDirection="row" gap={1}>
      {props.children}
    </Box>
  );
}

function Stacked(props: { readonly children: ReactNode }): ReactElement {
  return <>{props.children}</>;
}

interface StatusInput {
  readonly cursor: number;
  readonly length: number;
  readonly time: number;
  readonly playing: boolean;
  readonly speed: number;
  readonly filter: string | null;
  readonly title: string;
  readonly notice: string | null;
  readonly mode: Mode;
  /** Live mode: whether the view follows the newest event, and the world's virtual time. */
  readonly live?: { readonly follow: boolean; readonly now: number };
}

/** The status bar: position, virtual time, play state, speed, filter; or the open prompt. */
export function statusLine(input: StatusInput): Line {
  const mode = input.mode;
  switch (mode.kind) {
    case "goto":
      return [{ text: "go to event number or time (123, 2.5s): ", style: { bold: true } }, { text: `${mode.text}_` }];
    case "filter":
      return [{ text: "filter by node or kind (n1, raft.role, fault; empty clears): ", style: { bold: true } }, { text: `${mode.text}_` }];
    case "command":
      return [{ text: ":", style: { bold: true } }, { text: `${mode.text}_` }, { text: "  (etcdctl, :lab command; enter runs, escape cancels)", style: { color: "gray" } }];
    case "help":
    case "normal": {
      const position = input.length === 0 ? "no events" : `#${input.cursor}/${input.length}`;
      if (input.live !== undefined) {
        const run = input.playing ? "▶ live" : "❚❚ paused";
        return [
          { text: `${position} ${formatTime(input.time)} `, style: { bold: true } },
          { text: `${run} ×${input.speed}`, style: input.playing ? { color: "green" } : {} },
          { text: input.live.follow ? " following" : ` past (world at ${formatTime(input.live.now)}; end follows)`, style: input.live.follow ? { color: "gray" } : { color: "yellow" } },
          { text: input.filter === null ? "" : ` filter:${input.filter}`, style: { color: "yellow" } },
          {
            text: input.notice === null ? ` │ ${input.title} │ : command  ? help  q quit` : ` │ ${input.notice}`,
            style: input.notice === null ? { color: "gray" } : { color: "yellow" },
          },
        ];
      }
      const play = input.playing ? "▶ playing" : "❚❚ paused";
      return [
        { text: `${position} ${formatTime(input.time)} `, style: { bold: true } },
        { text: `${play} ${input.speed}/s`, style: input.playing ? { color: "green" } : {} },
        { text: input.filter === null ? "" : ` filter:${input.filter}`, style: { color: "yellow" } },
        { text: input.notice === null ? ` │ ${input.title} │ ? help  q quit` : ` │ ${input.notice}`, style: input.notice === null ? { color: "gray" } : { color: "yellow" } },
      ];
    }
    default:
      return assertNever(mode, "mode");
  }
}
