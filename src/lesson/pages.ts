/**
 * A walked lesson as the lesson UI pages it: one page per paragraph of story, one per checkpoint,
 * and the exercise; and which run and event each page shows. Pure: the UI only draws the page.
 */
import type { LessonWalk, Pause } from "./walk.js";

export type LessonPage =
  | { readonly kind: "text"; readonly text: string; readonly run: string; readonly cursor: number }
  | { readonly kind: "checkpoint"; readonly pause: Pause; readonly number: number }
  | { readonly kind: "exercise"; readonly run: string; readonly cursor: number };

/** The lesson as pages: one per paragraph of story, one per checkpoint, and the exercise. */
export function lessonPages(walk: LessonWalk): LessonPage[] {
  const pages: LessonPage[] = [];
  const lastIndex = new Map<string, number>();
  let checkpoint = 0;
  const firstRun = walk.pauses[0]?.checkpoint.run ?? (walk.runs.keys().next().value as string);
  let run = firstRun;
  for (const segment of walk.lesson.segments) {
    if (segment.kind === "checkpoint") {
      const pause = walk.pauses[checkpoint] as Pause;
      checkpoint++;
      pages.push({ kind: "checkpoint", pause, number: checkpoint });
      lastIndex.set(pause.checkpoint.run, pause.eventIndex);
      run = walk.pauses[checkpoint]?.checkpoint.run ?? pause.checkpoint.run;
      continue;
    }
    for (const paragraph of segment.text.split(/\n\s*\n/)) {
      // Story before a checkpoint shows its run as of that run's previous pause.
      const upcoming = walk.pauses[checkpoint]?.checkpoint.run ?? run;
      pages.push({ kind: "text", text: paragraph.trim(), run: upcoming, cursor: Math.max(0, (lastIndex.get(upcoming) ?? 1) - 1) });
    }
  }
  const last = walk.pauses.at(-1) as Pause;
  pages.push({ kind: "exercise", run: last.checkpoint.run, cursor: Math.max(0, last.eventIndex - 1) });
  return pages;
}

/**
 * The run a page shows and the event selected in it (before clamping to the run's length). A
 * checkpoint shows the event before its question while it is open (the learner predicts without
 * seeing), and the event before its pause once answered.
 */
export function pageView(page: LessonPage, answered: boolean): { readonly run: string; readonly cursor: number } {
  if (page.kind !== "checkpoint") return { run: page.run, cursor: page.cursor };
  return { run: page.pause.checkpoint.run, cursor: Math.max(0, (answered ? page.pause.eventIndex : page.pause.questionIndex) - 1) };
}
