/**
 * A lesson as plain text, for a pipe or a file (what `etcdlab lesson NAME` prints when its output is
 * not a terminal): the story, each question with its choices, then "Answer: ..." with what the
 * simulation showed and the explanation, and the exercise.
 */
import { assertNever } from "../sim/errors.js";
import { choiceLetter, type Checkpoint } from "./lesson.js";
import type { AnswerSource } from "./probe.js";
import type { LessonWalk, Pause } from "./walk.js";

/** How an answer source reads in words: "the leader", "n2's term". */
export function describeSource(source: AnswerSource): string {
  if (typeof source === "string") {
    switch (source) {
      case "leader":
        return "the leader";
      case "result":
        return "the last client request";
      case "output":
        return "the last line's output";
      case "revision":
        return "the store's revision";
      case "compact-revision":
        return "the compacted revision";
      case "leases":
        return "the number of leases";
      case "voters":
        return "the number of voting members";
      case "learners":
        return "the number of learners";
      default:
        return assertNever(source, "answer source");
    }
  }
  switch (source.kind) {
    case "term":
      return `${source.node}'s term`;
    case "commit":
      return `${source.node}'s commit index`;
    case "applied":
      return `${source.node}'s applied index`;
    case "role":
      return `${source.node}'s role`;
    case "status":
      return `${source.node}'s status`;
    case "value":
      return `the value of ${source.key}`;
    case "mod-revision":
      return `${source.key}'s mod_revision`;
    case "create-revision":
      return `${source.key}'s create_revision`;
    case "version":
      return `${source.key}'s version`;
    case "keys":
      return `the number of keys under ${source.key}`;
    case "raft-events":
      return `${source.event} events${source.node === undefined ? "" : ` on ${source.node}`}`;
    default:
      return assertNever(source, "answer source");
  }
}

/** "Answer: b) No: ..." or "Answer: n2"; at another seed than the lesson's, the simulation decides. */
export function answerLine(pause: Pause): string {
  const checkpoint = pause.checkpoint;
  if (checkpoint.choices === undefined) return `Answer: ${pause.shown}`;
  if (!pause.agrees) return `Answer: none of the choices as the lesson expects: at this seed the simulation shows ${pause.shown}`;
  const index = choiceIndex(checkpoint);
  return `Answer: ${checkpoint.answer}) ${checkpoint.choices[index] as string}`;
}

export function choiceIndex(checkpoint: Checkpoint): number {
  return checkpoint.answer.charCodeAt(0) - "a".charCodeAt(0);
}

/** True when a learner's answer is right: a choice's letter, a member's name, or a number. */
export function isRight(pause: Pause, given: string): boolean {
  const answer = given.trim().toLowerCase().replace(/\)$/, "");
  if (pause.checkpoint.choices === undefined) return answer === pause.shown.toLowerCase();
  return pause.agrees && answer === pause.checkpoint.answer;
}

export function questionLines(checkpoint: Checkpoint): string[] {
  return [`Question: ${checkpoint.question}`, ...(checkpoint.choices ?? []).map((choice, index) => `  ${choiceLetter(index)}) ${choice}`)];
}

/** Text folded to `width` columns, paragraph by paragraph (lines already short are kept). */
export function wrapText(text: string, width = 100): string {
  return text
    .replace(/^\s*\n/, "")
    .replace(/\s+$/, "")
    .split(/\n\s*\n/)
    .map((paragraph) => {
      if (paragraph.split("\n").every((line) => line.length <= width)) return paragraph;
      const lines: string[] = [];
      let current = "";
      for (const word of paragraph.split(/\s+/)) {
        if (current !== "" && current.length + 1 + word.length > width) {
          lines.push(current);
          current = word;
        } else current = current === "" ? word : `${current} ${word}`;
      }
      if (current !== "") lines.push(current);
      return lines.join("\n");
    })
    .join("\n\n");
}

/** One line folded to `width` columns, its continuation lines indented under its text ("  b) " choices). */
function wrapHanging(line: string, width = 100): string {
  const indent = " ".repeat(/^\s*(?:[a-f]\) )?/.exec(line)?.[0].length ?? 0);
  const folded = wrapText(line.slice(indent.length), width - indent.length).split("\n");
  return folded.map((text, index) => (index === 0 ? `${line.slice(0, indent.length)}${text}` : `${indent}${text}`)).join("\n");
}

export function lessonTranscript(walk: LessonWalk, exerciseCommand: string): string {
  const lesson = walk.lesson;
  const out: string[] = [`# ${lesson.title}`, "", wrapText(lesson.summary), ""];
  let checkpointNumber = 0;
  for (const segment of lesson.segments) {
    if (segment.kind === "text") {
      out.push(segment.text, "");
      continue;
    }
    const pause = walk.pauses[checkpointNumber] as Pause;
    checkpointNumber++;
    const run = walk.runs.get(segment.checkpoint.run);
    out.push(`## Checkpoint ${checkpointNumber} (${segment.checkpoint.run}, seed ${run?.seed ?? "?"})`, "", ...questionLines(segment.checkpoint).map((line) => wrapHanging(line)), "");
    if (pause.happened.length > 0) out.push("What the simulation did:", ...pause.happened.flatMap((line) => line.split("\n").map((text) => `  ${text}`.replace(/\s+$/, ""))), "");
    out.push(wrapText(`${answerLine(pause)} (${describeSource(segment.checkpoint.answerFrom)}: ${pause.shown})`), wrapText(segment.checkpoint.explain), "");
  }
  const exercise = lesson.exercise;
  out.push("## Exercise", "", wrapText(exercise.goal), "");
  if (exercise.hint !== undefined) out.push(wrapText(`Hint: ${exercise.hint}`), "");
  out.push(`Try it: ${exerciseCommand}`, "");
  if (lesson.epilogue !== "") out.push(lesson.epilogue, "");
  return `${out.join("\n").replace(/\n+$/, "")}\n`;
}
