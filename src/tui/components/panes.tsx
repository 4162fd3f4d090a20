/**
 * The panes of the replay screen. Each takes read-only props (the view state, a width, a number of
 * lines, whether to colour) and renders lines that `format.ts` computed; none keeps state.
 */
import { Box, Text, type TextProps } from "ink";
import type { ReactElement } from "react";
import { type Line, type SegmentStyle, clusterLines, LOG_LEGEND, logLine } from "../format.js";
import type { ViewState } from "../view-state.js";

function textProps(style: SegmentStyle | undefined, colors: boolean): TextProps {
  if (!colors || style === undefined) return {};
  return { color: style.color, bold: style.bold, dimColor: style.dim, strikethrough: style.strike, inverse: style.inverse };
}

/** One line of styled segments, cut to `width`. Without colours, only the text is written. */
export function LineView(props: { readonly line: Line; readonly width: number; readonly colors: boolean }): ReactElement {
  return (
    <Box width={props.width} height={1} overflow="hidden">
      <Text wrap="truncate-end">
        {props.line.map((segment, position) => (
          <Text key={position} {...textProps(segment.style, props.colors)}>
            {segment.text}
          </Text>
        ))}
      </Text>
    </Box>
  );
}

export function Lines(props: { readonly lines: readonly Line[]; readonly width: number; readonly height: number; readonly colors: boolean }): ReactElement {
  return (
    <Box flexDirection="column" width={props.width} height={props.height} overflow="hidden">
      {props.lines.slice(0, props.height).map((line, position) => (
        <LineView key={position} line={line} width={props.width} colors={props.colors} />
      ))}
    </Box>
  );
}

/** The selection column of live mode: the member's number key, and ▸ on the selected member. */
const SELECT_WIDTH = 3;

export function ClusterPane(props: {
  readonly view: ViewState;
  readonly width: number;
  readonly header: boolean;
  readonly members: number;
  readonly colors: boolean;
  /** Live mode: the selected member (null: none), marked in a column of number keys. */
  readonly selected?: string | null;
}): ReactElement {
  const live = props.selected !== undefined;
  let lines = clusterLines(props.view, live ? Math.max(20, props.width - SELECT_WIDTH) : props.width);
  if (live) {
    lines = lines.map((line, position): Line => {
      if (position === 0) return [{ text: " ".repeat(SELECT_WIDTH) }, ...line];
      const name = props.view.nodes[position - 1]?.name;
      if (name === undefined) return line;
      const number = props.view.members.indexOf(name) + 1;
      const key = number >= 1 && number <= 9 ? String(number) : " ";
      const selected = name === props.selected;
      return [{ text: `${selected ? "▸" : " "}${key} `, style: selected ? { bold: true, color: "cyan" } : { color: "gray" } }, ...line];
    });
  }
  const shown = props.header ? lines : lines.slice(1);
  return <Lines lines={shown} width={props.width} height={(props.header ? 1 : 0) + props.members} colors={props.colors} />;
}

export function LogPane(props: { readonly view: ViewState; readonly width: number; readonly legend: boolean; readonly members: number; readonly colors: boolean }): ReactElement {
  const view = props.view;
  const nameWidth = Math.max(4, ...view.members.map((name) => name.length + 1));
  const lines: Line[] = props.legend ? [[{ text: LOG_LEGEND, style: { bold: true } }]] : [];
  for (const member of view.nodes) lines.push(logLine(member, view.index, nameWidth, props.width));
  return <Lines lines={lines} width={props.width} height={(props.legend ? 1 : 0) + props.members} colors={props.colors} />;
}

export function NarrationPane(props: { readonly text: string; readonly width: number; readonly height: number; readonly colors: boolean }): ReactElement {
  return (
    <Box width={props.width} height={props.height} overflow="hidden">
      <Text wrap="wrap" {...(props.colors ? { color: "cyan" } : {})}>
        {`» ${props.text}`}
      </Text>
    </Box>
  );
}

export const HELP_LINES: readonly string[] = [
  "keys",
  "  space       play / pause",
  "  → / ←       next / previous event (of the filter, when one is set)",
  "  ] / [       next / previous notable event: a leader or candidate, a commit,",
  "              a fault, a violation, a failed request or check, a conflict",
  "              (409), a compaction",
  "  + / -       faster / slower play: 1, 2, 5, 10, 20, 50, 100, 1000 events/s",
  "  home / end  first / last event",
  "  g           go to an event number (123) or a virtual time (2.5s, 250ms)",
  "  f           filter the timeline by node (n1, c1) or event kind (raft.role,",
  "              fault, net.drop, crash, leader); an empty filter clears it",
  "  ?           this help (any key closes it)",
  "  q           quit (Ctrl-C too)",
  "  in a prompt: enter accepts, escape cancels, backspace deletes",
  "the log pane: 3 an entry of term 3, ┃ the commit index, 3* not yet durable,",
  "              ✂ 2 2 entries truncated: they conflicted with the leader's log",
];

export const LIVE_HELP_LINES: readonly string[] = [
  "live keys (the world runs while playing; ← → [ ] look back, end follows again)",
  "  space       run / pause the world     + / -  faster / slower (×0.1 .. ×10)",
  "  1..9        select a member           c  crash it       r  restart it",
  "  p           pause / resume it         i  isolate it (partition)  h  heal",
  "  :           a command: etcdctl (put k v, get k), lab (:leader, :status,",
  "              :partition n1 | n2 n3, :advance 1s); enter runs, escape cancels",
];

export function HelpOverlay(props: { readonly width: number; readonly height: number; readonly colors: boolean; readonly live?: boolean }): ReactElement {
  const texts = props.live === true ? [...LIVE_HELP_LINES, ...HELP_LINES] : HELP_LINES;
  const lines: Line[] = texts.map((text, position) => [{ text, style: position === 0 || text === "keys" ? { bold: true } : {} }]);
  return <Lines lines={lines} width={props.width} height={props.height} colors={props.colors} />;
}
