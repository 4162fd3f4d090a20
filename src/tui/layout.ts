/**
 * The screen's layout: how many lines each pane gets on a terminal of a given size. Panes stack on a
 * narrow terminal (legible at 80×24); from `WIDE_COLUMNS` on, the cluster table and the logs sit side
 * by side, and so do the network and the keyspace, leaving more lines to the timeline. When lines
 * are short, panes shrink in a fixed order (network details, keyspace, alerts, narration, the log
 * legend, the cluster header, then the keyspace and the network to their last lines) until the
 * timeline has `TIMELINE_MIN_LINES`.
 *
 * The total is one less than the terminal's height: ink redraws the whole screen, flickering, when
 * a frame is as tall as the terminal.
 */
export const WIDE_COLUMNS = 150;
export const TIMELINE_MIN_LINES = 3;
export const NARRATION_LINES = 2;

export interface LayoutInput {
  readonly columns: number;
  readonly rows: number;
  readonly members: number;
  /** Lines the keyspace pane could use (0 hides it). */
  readonly keyspaceLines: number;
  /** Lines of violations and failed checks (0 hides them). */
  readonly alertLines: number;
}

export interface Layout {
  readonly wide: boolean;
  readonly width: number;
  /** The whole frame's height. */
  readonly height: number;
  readonly clusterHeader: boolean;
  readonly logLegend: boolean;
  readonly memberLines: number;
  readonly networkLines: number;
  readonly keyspaceLines: number;
  readonly alertLines: number;
  readonly timelineLines: number;
  readonly narrationLines: number;
}

export function computeLayout(input: LayoutInput): Layout {
  const wide = input.columns >= WIDE_COLUMNS;
  const height = Math.max(8, input.rows - 1);
  const memberLines = Math.max(1, input.members);
  const layout: MutableLayout = {
    wide,
    width: Math.max(20, input.columns),
    height,
    clusterHeader: true,
    logLegend: true,
    memberLines,
    networkLines: 3,
    keyspaceLines: Math.min(4, input.keyspaceLines),
    alertLines: Math.min(2, input.alertLines),
    timelineLines: 0,
    narrationLines: NARRATION_LINES,
  };
  for (;;) {
    layout.timelineLines = height - usedLines(layout);
    if (layout.timelineLines >= TIMELINE_MIN_LINES || !shrinkOnce(layout)) break;
  }
  layout.timelineLines = Math.max(1, layout.timelineLines);
  return layout;
}

type MutableLayout = { -readonly [Field in keyof Layout]: Layout[Field] };

/** Takes one line from the first pane that can spare it; false when none can. */
function shrinkOnce(layout: MutableLayout): boolean {
  if (layout.networkLines > 2) layout.networkLines--;
  else if (layout.keyspaceLines > 1) layout.keyspaceLines--;
  else if (layout.alertLines > 1) layout.alertLines--;
  else if (layout.narrationLines > 1) layout.narrationLines--;
  else if (layout.logLegend) layout.logLegend = false;
  else if (layout.clusterHeader) layout.clusterHeader = false;
  else if (layout.keyspaceLines > 0) layout.keyspaceLines--;
  else if (layout.networkLines > 1) layout.networkLines--;
  else return false;
  return true;
}

/** Lines used by everything but the timeline (the status bar included). */
function usedLines(layout: Omit<Layout, "timelineLines">): number {
  const cluster = (layout.clusterHeader ? 1 : 0) + layout.memberLines;
  const logs = (layout.logLegend ? 1 : 0) + layout.memberLines;
  const top = layout.wide ? Math.max(cluster, logs) : cluster + logs;
  const middle = layout.wide ? Math.max(layout.networkLines, layout.keyspaceLines) : layout.networkLines + layout.keyspaceLines;
  return top + middle + layout.alertLines + layout.narrationLines + 1;
}
