/**
 * The Timeline: a trace's events with instant time travel over their view states.
 *
 * Every `checkpointInterval` events (K, 512 by default) the Timeline keeps the full view state, an
 * immer-frozen snapshot that shares structure with its neighbours. The state after any event is the
 * nearest checkpoint at or before it plus at most K - 1 events replayed in one `produce`, so going
 * to event i costs the same whether i is ahead of the cursor or behind it, and the same at the start
 * of a million-event trace as at its end. The last `RECENT_STATES` states computed are kept, so
 * playing forward applies one event per step and stepping back over them costs nothing.
 *
 * A Timeline grows: `append` adds events (a live controller feeding a running world would call it)
 * and notifies subscribers, so a view rendering it re-renders with the new length. Event times must
 * not decrease (a trace's never do); `indexAtTime` relies on it.
 */
import type { ParsedTrace, TraceHeader, TypedEvent } from "../sim/trace.js";
import { assert } from "../sim/errors.js";
import type { Micros } from "../sim/time.js";
import { IndexList } from "./index-list.js";
import { isNotable } from "./narration.js";
import { reduceRange } from "./reducer.js";
import { initialViewState, membersFromHeader, type ViewState } from "./view-state.js";

export const CHECKPOINT_INTERVAL = 512;
/** States kept from recent lookups (structurally shared, so each costs little memory). */
export const RECENT_STATES = 256;

export interface TimelineOptions {
  /** Events between two checkpoints (K). */
  readonly checkpointInterval?: number;
  /** The members, when the header does not name them. */
  readonly members?: readonly string[];
}

export class Timeline {
  readonly checkpointInterval: number;
  private readonly eventList: TypedEvent[] = [];
  private readonly timeList: Micros[] = [];
  /** `checkpoints[k]` is the state before event k·K (after events 0 .. k·K - 1). */
  private readonly checkpoints: ViewState[];
  /** The state after every event. */
  private tip: ViewState;
  /** Events applied to `tip` (all of them once an append returns). */
  private applied = 0;
  private readonly notableList = new IndexList();
  /** Recently computed states by position, least recently used first. */
  private readonly recent = new Map<number, ViewState>();
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly header: TraceHeader | null,
    options: TimelineOptions = {},
  ) {
    this.checkpointInterval = options.checkpointInterval ?? CHECKPOINT_INTERVAL;
    assert(Number.isSafeInteger(this.checkpointInterval) && this.checkpointInterval >= 1, "checkpoint interval is a positive integer");
    const initial = initialViewState([...membersFromHeader(header), ...(options.members ?? [])]);
    this.checkpoints = [initial];
    this.tip = initial;
  }

  static fromTrace(trace: ParsedTrace, options: TimelineOptions = {}): Timeline {
    const timeline = new Timeline(trace.header, options);
    timeline.appendAll(trace.events, trace.times);
    return timeline;
  }

  get length(): number {
    return this.eventList.length;
  }

  /** The events, in order (read only: grow the Timeline with `append`). */
  get events(): readonly TypedEvent[] {
    return this.eventList;
  }

  event(index: number): TypedEvent {
    const event = this.eventList[index];
    assert(event !== undefined, `event ${index} of ${this.length}`);
    return event;
  }

  time(index: number): Micros {
    const time = this.timeList[index];
    assert(time !== undefined, `time of event ${index} of ${this.length}`);
    return time;
  }

  /** The notable events (see `isNotable`), the stops of `]` and `[`. */
  get notable(): IndexList {
    return this.notableList;
  }

  append(event: TypedEvent, time: Micros): void {
    this.appendAll([event], [time]);
  }

  appendAll(events: readonly TypedEvent[], times: readonly Micros[]): void {
    assert(events.length === times.length, "one time per event");
    if (events.length === 0) return;
    const interval = this.checkpointInterval;
    for (let position = 0; position < events.length; position++) {
      const event = events[position] as TypedEvent;
      const index = this.eventList.length;
      this.eventList.push(event);
      this.timeList.push(times[position] as Micros);
      if (isNotable(event)) this.notableList.push(index);
    }
    while (this.applied < this.eventList.length) {
      const end = Math.min(this.eventList.length, (Math.floor(this.applied / interval) + 1) * interval);
      this.tip = reduceRange(this.tip, this.eventList, this.timeList, this.applied, end);
      this.applied = end;
      if (end % interval === 0) this.checkpoints.push(this.tip);
    }
    assert(this.checkpoints.length === Math.floor(this.applied / interval) + 1, "one checkpoint per full segment");
    for (const listener of [...this.listeners]) listener();
  }

  /** The state after events 0 .. `position` - 1, for `position` in [0, length]. */
  stateBefore(position: number): ViewState {
    assert(Number.isSafeInteger(position) && position >= 0 && position <= this.length, `position ${position} of ${this.length}`);
    if (position === this.length) return this.tip;
    const known = this.recent.get(position);
    if (known !== undefined) {
      this.remember(position, known);
      return known;
    }
    const checkpoint = Math.floor(position / this.checkpointInterval);
    let start = checkpoint * this.checkpointInterval;
    let state = this.checkpoints[checkpoint] as ViewState;
    for (const [before, recentState] of this.recent) {
      if (before > start && before < position) {
        start = before;
        state = recentState;
      }
    }
    state = reduceRange(state, this.eventList, this.timeList, start, position);
    this.remember(position, state);
    return state;
  }

  private remember(position: number, state: ViewState): void {
    this.recent.delete(position);
    this.recent.set(position, state);
    if (this.recent.size > RECENT_STATES) this.recent.delete(this.recent.keys().next().value as number);
  }

  /** The state after event `index` (-1: before the first event). */
  stateAt(index: number): ViewState {
    return this.stateBefore(index + 1);
  }

  /** The first event at or after `time`, else the last event (undefined when there is none). */
  indexAtTime(time: Micros): number | undefined {
    if (this.length === 0) return undefined;
    let low = 0;
    let high = this.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.timeList[middle] as Micros) < time) low = middle + 1;
      else high = middle;
    }
    return Math.min(low, this.length - 1);
  }

  /** Calls `listener` after each append; returns the function that unsubscribes it. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
