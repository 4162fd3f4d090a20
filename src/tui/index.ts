/**
 * The terminal UI: a view of a trace, and (later) of a live world.
 *
 * - `Timeline`: a trace's events with instant time travel over their view states; it grows with
 *   `append`, and `subscribe` tells a view that it grew.
 * - `reduce` / `applyEvent` and `ViewState`: the pure view model, folded from trace events.
 * - `narrate`, `summarize`, `isNotable`: events in words.
 * - `App`: the ink screen over a Timeline; `openReplay` renders it on the terminal.
 * - `writeTranscript`: the plain, one-line-per-event text of a trace.
 *
 * A live mode (`etcdlab shell`) plugs in as a controller that advances a world and appends each
 * event it emits to a Timeline (`trace.subscribe((time, event) => timeline.append(event, time))`)
 * while the App renders that same Timeline; the App never runs the simulation itself.
 */
export { App, type AppProps, type Mode, statusLine } from "./components/App.js";
export { classify, type ExpectationEvent, type KnownEvent } from "./events.js";
export { IndexList } from "./index-list.js";
export { FilteredEvents, matchesFilter, parseGoto, SPEEDS } from "./navigation.js";
export { formatTime, isNotable, narrate, summarize } from "./narration.js";
export { openReplay, type OpenReplayOptions } from "./open.js";
export { applyEvent, reduce, reduceRange } from "./reducer.js";
export { CHECKPOINT_INTERVAL, RECENT_STATES, Timeline, type TimelineOptions } from "./timeline.js";
export { transcriptLine, writeTranscript } from "./transcript.js";
export * from "./view-state.js";
