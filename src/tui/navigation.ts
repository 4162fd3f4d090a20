/**
 * Moving through a Timeline: the timeline filter (by node or event kind), the "go to" prompt (an
 * event number or a virtual time), and play speeds. Pure: the components call these and keep only
 * the cursor, the mode and the speed in React state.
 */
import { InputError } from "../sim/errors.js";
import { type Micros, parseDuration } from "../sim/time.js";
import type { TypedEvent } from "../sim/trace.js";
import { eventKinds, eventNodes } from "./events.js";
import { IndexList } from "./index-list.js";
import type { Timeline } from "./timeline.js";

/** Play speeds, in events per second of real time. */
export const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 1000] as const;
export const DEFAULT_SPEED_LEVEL = 3;

/**
 * True when the event involves the node named `text` (as member, sender, receiver, client...) or
 * its kind starts with `text` ("raft" keeps raft.*, "net.drop" the drops, "crash" the crash faults,
 * "leader" the role changes to leader, "vote" the vote events).
 */
export function matchesFilter(event: TypedEvent, text: string): boolean {
  if (eventNodes(event).includes(text)) return true;
  return eventKinds(event).some((kind) => kind.startsWith(text));
}

/** The events of a Timeline that a filter keeps, scanned as far as the Timeline has grown. */
export class FilteredEvents {
  private readonly list = new IndexList();
  private scanned = 0;

  constructor(
    readonly text: string,
    private readonly timeline: Timeline,
  ) {
    this.update();
  }

  /** Scans the events appended since the last call. */
  update(): IndexList {
    const events = this.timeline.events;
    for (; this.scanned < events.length; this.scanned++) {
      if (matchesFilter(events[this.scanned] as TypedEvent, this.text)) this.list.push(this.scanned);
    }
    return this.list;
  }

  get indexes(): IndexList {
    return this.update();
  }
}

export type GotoTarget = { readonly index: number } | { readonly error: string };

/** Where "g" goes: "123" or "#123" is event 123; "2.5s", "250ms" the first event at or after that time. */
export function parseGoto(text: string, timeline: Pick<Timeline, "length" | "indexAtTime">): GotoTarget {
  const trimmed = text.trim().replace(/^#/, "");
  if (timeline.length === 0) return { error: "the trace has no events" };
  if (/^\d+$/.test(trimmed)) {
    const index = Number(trimmed);
    return index < timeline.length ? { index } : { error: `no event #${trimmed}: the last is #${timeline.length - 1}` };
  }
  let time: Micros;
  try {
    time = parseDuration(trimmed);
  } catch (error) {
    if (error instanceof InputError) return { error: `'${trimmed}': not an event number or a time (2.5s)` };
    throw error;
  }
  return { index: timeline.indexAtTime(time) as number };
}
