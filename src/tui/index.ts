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
 * Live mode (`etcdlab shell` on a terminal): a `LiveController` advances a world and appends each
 * event it emits to a Timeline (`trace.subscribe((time, event) => timeline.append(event, time))`)
 * while the App (given `live`) renders that same Timeline; `openLive` renders it on the terminal.
 * The App's play timer calls the controller's `advance`; the App never runs the simulation itself.
 */
export { App, type AppProps, type Mode, statusLine } from "./components/App.js";
export { classify, type ExpectationEvent, type KnownEvent } from "./events.js";
export { IndexList } from "./index-list.js";
export { FilteredEvents, matchesFilter, parseGoto, SPEEDS } from "./navigation.js";
export { formatTime, isNotable, narrate, summarize } from "./narration.js";
export { LIVE_SPEEDS, LIVE_TICK_MS, LIVE_TICK_US, LiveController, type LiveSession, type LiveStart, type NodeAction } from "./live.js";
export { openLive, type OpenLiveOptions, openReplay, type OpenReplayOptions } from "./open.js";
export { applyEvent, reduce, reduceRange } from "./reducer.js";
export { CHECKPOINT_INTERVAL, RECENT_STATES, Timeline, type TimelineOptions } from "./timeline.js";
export { transcriptLine, writeTranscript } from "./transcript.js";
export * from "./view-state.js";
