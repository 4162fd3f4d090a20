/**
 * What each pane shows, as lines of styled segments: pure functions of the view state and the
 * width, so the React components only map segments to ink's `<Text>` and the layout can be tested
 * without rendering. A segment's text is the same with and without colour (NO_COLOR loses only the
 * styling): the log marks a non-durable entry with `*` and truncated entries with `✂`, the timeline
 * marks the selected event with `›`.
 */
import { assertNever } from "../sim/errors.js";
import { formatTime, summarize } from "./narration.js";
import type { Timeline } from "./timeline.js";
import type { IndexList } from "./index-list.js";
import {
  clusterLeader,
  type InFlightView,
  isDurable,
  type LogEntryView,
  type MemberRole,
  type MemberView,
  partitionPeers,
  type ProgressState,
  type ViewState,
  visibleTruncation,
} from "./view-state.js";

export type Color = "red" | "green" | "yellow" | "blue" | "magenta" | "cyan" | "white" | "gray";

export interface SegmentStyle {
  readonly color?: Color;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly strike?: boolean;
  readonly inverse?: boolean;
}

export interface Segment {
  readonly text: string;
  readonly style?: SegmentStyle;
}

export type Line = readonly Segment[];

const TERM_COLORS: readonly Color[] = ["cyan", "magenta", "yellow", "green", "blue", "white"];

export function termColor(term: number): Color {
  return TERM_COLORS[term % TERM_COLORS.length] as Color;
}

export function lineText(line: Line): string {
  return line.map((segment) => segment.text).join("");
}

/** A cell `width` characters wide: cut with "…" or padded. */
function cell(text: string, width: number, alignRight = false): string {
  if (text.length > width) return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
  return alignRight ? text.padStart(width) : text.padEnd(width);
}

const ROLE_WORDS: Readonly<Record<MemberRole, readonly [string, string]>> = {
  leader: ["leader", "lead"],
  follower: ["follower", "foll"],
  candidate: ["candidate", "cand"],
  "pre-candidate": ["pre-cand", "pre"],
  unknown: ["-", "-"],
};

function roleStyle(role: MemberRole): SegmentStyle {
  switch (role) {
    case "leader":
      return { color: "green", bold: true };
    case "candidate":
      return { color: "yellow", bold: true };
    case "pre-candidate":
      return { color: "yellow" };
    case "follower":
      return {};
    case "unknown":
      return { color: "gray" };
    default:
      return assertNever(role, "role");
  }
}

/** "up", "crashed", "paused", with "partitioned", "disk ×5", "clock ×0.5" when they apply. */
export function healthText(state: ViewState, member: MemberView): string {
  const parts: string[] = [member.process];
  const peers = partitionPeers(state, member.name);
  if (peers.cannotReach.length > 0 || peers.unheardFrom.length > 0) parts.push("partitioned");
  if (member.diskFactor !== 1) parts.push(`disk ×${member.diskFactor}`);
  if (member.clockRate !== 1) parts.push(`clock ×${member.clockRate}`);
  return parts.join(", ");
}

function healthStyle(member: MemberView, text: string): SegmentStyle {
  if (member.process === "crashed") return { color: "red", bold: true };
  if (member.process === "paused") return { color: "yellow" };
  return text === "up" ? { color: "green" } : { color: "magenta" };
}

const PROGRESS_SHORT: Readonly<Record<ProgressState, string>> = { probe: "probe", replicate: "repl", snapshot: "snap" };

interface Column {
  readonly title: string;
  readonly width: number;
  readonly right?: boolean;
}

/** The cluster table: a header and one row per member; roles abbreviated under 80 columns. */
export function clusterLines(state: ViewState, width: number): Line[] {
  const narrow = width < 80;
  const nameWidth = Math.max(narrow ? 5 : 7, ...state.members.map((name) => name.length + 1));
  const leader = clusterLeader(state);
  const columns: Column[] = [
    { title: narrow ? "node" : "member", width: nameWidth },
    { title: "role", width: narrow ? 5 : 10 },
    { title: narrow ? "t" : "term", width: narrow ? 4 : 5, right: true },
    { title: "vote", width: 5, right: true },
    { title: narrow ? "cmt" : "commit", width: narrow ? 5 : 7, right: true },
    { title: narrow ? "appl" : "applied", width: narrow ? 5 : 8, right: true },
    { title: "last", width: narrow ? 5 : 6, right: true },
    { title: " health", width: narrow ? 12 : 17 },
  ];
  const used = columns.reduce((sum, column) => sum + column.width, 0);
  const progressWidth = Math.max(0, width - used);
  const header: Segment[] = columns.map((column) => ({ text: cell(column.title, column.width, column.right), style: { bold: true } }));
  if (progressWidth > 0) header.push({ text: cell(leader ? `progress (${leader.name})` : "progress", progressWidth), style: { bold: true } });
  if (state.nodes.length === 0) return [header, [{ text: "(no members yet)", style: { color: "gray" } }]];
  const lines: Line[] = [header];
  for (const member of state.nodes) {
    const health = healthText(state, member);
    const row: Segment[] = [
      { text: cell(member.name, nameWidth), style: { bold: true } },
      { text: cell(ROLE_WORDS[member.role][narrow ? 1 : 0], columns[1]?.width ?? 0), style: roleStyle(member.role) },
      { text: cell(String(member.term), columns[2]?.width ?? 0, true) },
      { text: cell(member.vote || "-", columns[3]?.width ?? 0, true) },
      { text: cell(String(member.commit), columns[4]?.width ?? 0, true) },
      { text: cell(String(member.applied), columns[5]?.width ?? 0, true) },
      { text: cell(String(member.lastIndex), columns[6]?.width ?? 0, true) },
      { text: cell(` ${health}`, columns[7]?.width ?? 0), style: healthStyle(member, health) },
    ];
    const progress = leader?.progress.find((item) => item.peer === member.name);
    if (progressWidth > 0 && progress !== undefined) {
      const inflight = progress.inflight > 0 ? ` ⇡${progress.inflight}` : "";
      const state = progressWidth < 20 ? PROGRESS_SHORT[progress.state] : progress.state;
      row.push({ text: cell(`${state} m${progress.match} n${progress.next}${inflight}`, progressWidth), style: { color: progress.state === "replicate" ? "green" : "yellow" } });
    }
    lines.push(row);
  }
  return lines;
}

export const LOG_LEGEND = "log  3 = entry of term 3  ┃ commit  3* not durable  ✂ truncated";

interface LogCell {
  readonly text: string;
  readonly style: SegmentStyle;
  /** Whether the entry is committed. */
  readonly committed: boolean;
}

/**
 * One member's log as a row: its name, the index of the first entry shown (when not 1), the tail of
 * its entries that fits (each its term, `*` when not yet durable), the commit mark `┃` after the
 * last committed entry, and, for a few events after a conflict, the truncated entries after `✂`.
 */
export function logLine(member: MemberView, index: number, nameWidth: number, width: number): Line {
  const line: Segment[] = [{ text: cell(member.name, nameWidth), style: { bold: true } }];
  const truncation = visibleTruncation(member, index);
  const truncatedText = truncation === null ? "" : ` ✂ ${truncation.entries.map((entry) => String(entry.term)).join(" ")}`;
  const cells: LogCell[] = member.log.map((entry) => {
    const durable = isDurable(member, entry);
    return {
      text: `${entry.term}${durable ? "" : "*"}`,
      style: durable ? { color: termColor(entry.term) } : { color: termColor(entry.term), dim: true },
      committed: entry.index <= member.commit,
    };
  });
  if (cells.length === 0) {
    line.push({ text: member.lastIndex > 0 ? `(log up to ${member.lastIndex}${member.snapshotIndex > 0 ? `, snapshot at ${member.snapshotIndex}` : ""})` : "(empty)", style: { color: "gray" } });
  } else {
    const budget = Math.max(4, width - nameWidth - truncatedText.length - 8);
    let first = cells.length - 1;
    let used = (cells[first] as LogCell).text.length + 1;
    while (first > 0 && used + (cells[first - 1] as LogCell).text.length + 1 <= budget) {
      first--;
      used += (cells[first] as LogCell).text.length + 1;
    }
    const firstIndex = (member.log[first] as LogEntryView).index;
    if (firstIndex > 1) line.push({ text: `${firstIndex}:`, style: { color: "gray" } });
    const commitBeforeFirst = member.commit > 0 && member.commit === firstIndex - 1;
    line.push({ text: commitBeforeFirst ? "┃" : " ", style: { bold: true } });
    for (let position = first; position < cells.length; position++) {
      const current = cells[position] as LogCell;
      const next = cells[position + 1];
      line.push({ text: current.text, style: current.style });
      const mark = current.committed && (next === undefined || !next.committed);
      if (position < cells.length - 1 || mark) line.push({ text: mark ? "┃" : " ", style: { bold: true } });
    }
  }
  if (truncation !== null) line.push({ text: truncatedText, style: { color: "red", strike: true } });
  return line;
}

function flightText(message: Pick<InFlightView, "message" | "from" | "to" | "term">): string {
  return `${message.message} ${message.from}→${message.to}${message.term === null ? "" : ` t${message.term}`}`;
}

/** Runs of equal texts as one text with a count: ["a", "a", "b"] → ["a ×2", "b"]. */
function countedRuns(texts: readonly string[]): string[] {
  const runs: Array<{ text: string; count: number }> = [];
  for (const text of texts) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.text === text) last.count++;
    else runs.push({ text, count: 1 });
  }
  return runs.map((run) => (run.count === 1 ? run.text : `${run.text} ×${run.count}`));
}

/** The network: the partition and counts; messages in flight; recent drops (as `lines` allows). */
export function networkLines(state: ViewState, lines: number): Line[] {
  const network = state.network;
  const partition = network.partition === null ? "no partition" : `partition ${network.partition.text}`;
  const conditions =
    network.conditions === null
      ? ""
      : ` · loss ${network.conditions.lossPpm / 10_000}% dup ${network.conditions.duplicatePpm / 10_000}% reorder ${network.conditions.reorderPpm / 10_000}%`;
  const result: Line[] = [
    [
      { text: "net  ", style: { bold: true } },
      { text: partition, style: network.partition === null ? { color: "green" } : { color: "magenta", bold: true } },
      { text: `${conditions} · sent ${network.sent} delivered ${network.delivered} dropped ${network.dropped}` },
    ],
  ];
  const inFlightCount = network.inFlight.length + network.inFlightHidden;
  const flights = [...network.inFlight].reverse().map(flightText).join(", ");
  result.push([{ text: `in flight (${inFlightCount}): `, style: { bold: true } }, { text: inFlightCount === 0 ? "none" : flights }]);
  if (lines >= 3) {
    const drops = countedRuns([...network.drops].reverse().map((drop) => `${flightText(drop)} ${drop.reason}`));
    result.push([{ text: "drops: ", style: { bold: true } }, { text: drops.length === 0 ? "none" : drops.join(", "), style: drops.length === 0 ? {} : { color: "red" } }]);
  }
  return result.slice(0, lines);
}

/** True when the keyspace pane has something to show. */
export function hasKeyspace(state: ViewState): boolean {
  const keyspace = state.keyspace;
  const clients = state.clients;
  return keyspace.mvccEvents > 0 || keyspace.conflictCount > 0 || keyspace.compactionCount > 0 || clients.pending.length > 0 || clients.recent.length > 0;
}

/** The keyspace: keys and revisions from `mvcc.*` events, client requests, conflicts, compactions. */
export function keyspaceLines(state: ViewState): Line[] {
  const keyspace = state.keyspace;
  const clients = state.clients;
  const lines: Line[] = [];
  if (keyspace.mvccEvents > 0) {
    const keys = [...keyspace.keys].reverse().map((key) => `${key.key}${key.revision === null ? "" : `@${key.revision}`}${key.deleted ? " (deleted)" : ""}`);
    lines.push([{ text: `keys${keyspace.revision === null ? "" : ` rev ${keyspace.revision}`}: `, style: { bold: true } }, { text: keys.length === 0 ? "none named" : keys.join(" ") }]);
  }
  if (clients.pending.length > 0 || clients.recent.length > 0) {
    const last = clients.recent[clients.recent.length - 1];
    const lastText = last === undefined ? "" : ` · last: ${last.client} #${last.op} ${last.outcome} ${last.summary}`;
    lines.push([
      { text: "requests: ", style: { bold: true } },
      { text: `${clients.pending.length} pending · ok ${clients.ok} failed ${clients.failed} unknown ${clients.unknown}` },
      { text: lastText, style: last === undefined || last.outcome === "ok" ? {} : { color: "red" } },
    ]);
  }
  const lastConflict = keyspace.conflicts[keyspace.conflicts.length - 1];
  if (lastConflict !== undefined) {
    lines.push([{ text: `conflicts (${keyspace.conflictCount}): `, style: { bold: true } }, { text: `#${lastConflict.event} ${lastConflict.text}`, style: { color: "yellow" } }]);
  }
  const lastCompaction = keyspace.compactions[keyspace.compactions.length - 1];
  if (lastCompaction !== undefined) {
    lines.push([{ text: `compactions (${keyspace.compactionCount}): `, style: { bold: true } }, { text: `#${lastCompaction.event} ${lastCompaction.text}` }]);
  }
  return lines;
}

/** Violations and failed checks, most recent first. */
export function alertLines(state: ViewState): Line[] {
  const lines: Line[] = [];
  const violation = state.violations[state.violations.length - 1];
  if (violation !== undefined) {
    lines.push([
      { text: `SAFETY VIOLATION${state.violationCount > 1 ? `S (${state.violationCount})` : ""}: `, style: { color: "red", bold: true } },
      { text: `${violation.kind}: ${violation.detail} (#${violation.event})`, style: { color: "red" } },
    ]);
  }
  const failed = state.expectations.lastFailed;
  if (failed !== null) {
    lines.push([{ text: `CHECK FAILED (${state.expectations.failed}): `, style: { color: "red", bold: true } }, { text: `${failed.text} (#${failed.event})`, style: { color: "red" } }]);
  }
  return lines;
}

/**
 * The timeline: `rows` events around the cursor (the filtered ones when `filtered` is given), the
 * cursor's row marked `›` and highlighted, with about a third of the rows before it.
 */
export function timelineLines(timeline: Timeline, cursor: number, rows: number, filtered: IndexList | null): Line[] {
  if (timeline.length === 0) return [[{ text: "(no events)", style: { color: "gray" } }]];
  const indexes: number[] = [];
  const before = Math.floor((rows - 1) / 3);
  if (filtered === null) {
    const start = Math.max(0, Math.min(cursor - before, timeline.length - rows));
    for (let index = start; index < Math.min(timeline.length, start + rows); index++) indexes.push(index);
  } else {
    const position = filtered.lowerBound(cursor);
    const start = Math.max(0, Math.min(position - before, filtered.length - rows));
    for (let at = start; at < Math.min(filtered.length, start + rows); at++) indexes.push(filtered.at(at) as number);
    if (indexes.length === 0) return [[{ text: "(no event matches the filter)", style: { color: "gray" } }]];
  }
  const digits = String(timeline.length - 1).length;
  return indexes.map((index) => {
    const selected = index === cursor;
    const text = `${selected ? "›" : " "}#${String(index).padEnd(digits)} ${formatTime(timeline.time(index))} ${summarize(timeline.event(index))}`;
    const notable = timeline.notable.includes(index);
    return [{ text, style: selected ? { inverse: true, bold: true } : notable ? { color: "yellow" } : {} }];
  });
}
