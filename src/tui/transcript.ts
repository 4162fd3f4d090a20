/**
 * The plain transcript of a trace: one line per event, `#<index> <time> <narration>`, with no colour,
 * for a pipe or a file (what `etcdlab replay` prints when its output is not a terminal).
 *
 * The view state is folded in runs of `TRANSCRIPT_CHUNK` events, one immer `produce` per run, and
 * each run's lines are handed to `write` at once, so a long trace streams out in bounded memory.
 */
import { produce } from "immer";
import type { Micros } from "../sim/time.js";
import type { ParsedTrace, TypedEvent } from "../sim/trace.js";
import { formatTime, narrate } from "./narration.js";
import { applyEvent } from "./reducer.js";
import { initialViewState, membersFromHeader, type ViewState } from "./view-state.js";

export const TRANSCRIPT_CHUNK = 512;

export function transcriptLine(index: number, time: Micros, narration: string): string {
  return `#${index} ${formatTime(time)} ${narration}`;
}

/** Writes the transcript of events `from` .. the last (the state is still folded from the first). */
export function writeTranscript(trace: ParsedTrace, write: (text: string) => void, from = 0): void {
  let state: ViewState = initialViewState(membersFromHeader(trace.header));
  for (let start = 0; start < trace.events.length; start += TRANSCRIPT_CHUNK) {
    const end = Math.min(trace.events.length, start + TRANSCRIPT_CHUNK);
    let text = "";
    state = produce(state, (draft) => {
      for (let index = start; index < end; index++) {
        const event = trace.events[index] as TypedEvent;
        const time = trace.times[index] as Micros;
        applyEvent(draft, event, time, index);
        if (index >= from) text += `${transcriptLine(index, time, narrate(event, time, draft as ViewState))}\n`;
      }
    });
    if (text !== "") write(text);
  }
}
