/**
 * `etcdlab lesson [NAME] [--seed N] [--exercise] [--list]`: the lessons of `lessons/*.md`.
 *
 * - `--list` (or no NAME when not on a terminal) prints the lessons, one line each.
 * - `lesson NAME` on a terminal opens the lesson UI: the story beside the cluster, the scenario
 *   stepped to each checkpoint, the learner's answer taken and checked. Otherwise it prints the
 *   lesson's transcript: the story, each question and its choices, "Answer: ..." with what the
 *   simulation showed and the explanation, and the exercise.
 * - `lesson NAME --exercise` runs the exercise in the shell. Piped: it reads lines from stdin, prints
 *   each line's output as `etcdlab shell` does, and as soon as the check passes prints
 *   `✔ <success>` and exits 0; if the input ends first it says so on stderr and exits 1. On a
 *   terminal it opens live mode, and a command line that solves the exercise prints the success line.
 * - `lesson` with no NAME on a terminal opens the lesson picker (as `etcdlab` alone does).
 *
 * An unknown lesson is one error line with the nearest name, exit 2. `--seed` replaces the seeds of
 * the lesson's runs (the answers shown are then what the simulation shows at that seed).
 */
import { flagBoolean, flagInteger, parseArgs, UsageError } from "../args.js";
import { type Command, EXIT_FAILED, EXIT_OK } from "../cli.js";
import { type CommandIo, readLines } from "../io.js";
import { PACKAGE_ROOT, SCENARIOS_DIR } from "../paths.js";
import { join } from "node:path";
import { catalogLines, findLesson, loadCatalog } from "../../lesson/catalog.js";
import { ExerciseRun, liveExercise } from "../../lesson/exercise.js";
import type { Lesson } from "../../lesson/lesson.js";
import { lessonTranscript } from "../../lesson/transcript.js";
import { lessonScenarios, walkLesson } from "../../lesson/walk.js";

export const LESSONS_DIR = join(PACKAGE_ROOT, "lessons");

export const command: Command = {
  name: "lesson",
  usage: "lesson [NAME] [--seed N] [--exercise] [--list]",
  summary: "a lesson: a story over a simulation, questions to answer, an exercise in the shell (no NAME: the list)",
  run: async (argv, io) => lessonCommand(argv, io),
};

async function lessonCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, { seed: { kind: "integer" }, exercise: { kind: "boolean" }, list: { kind: "boolean" } });
  if (args.positionals.length > 1) throw new UsageError(`lesson takes one lesson name, got ${args.positionals.length}`);
  const seed = flagInteger(args, "seed");
  if (seed !== undefined && (seed < 0 || seed > 2 ** 32 - 1)) throw new UsageError(`flag '--seed' must be between 0 and 4294967295 (got ${seed})`);
  const lessons = loadCatalog(LESSONS_DIR);
  const name = args.positionals[0];
  if (flagBoolean(args, "list")) {
    if (name !== undefined) throw new UsageError("flag '--list' takes no lesson name");
    io.write(`${catalogLines(lessons).join("\n")}\n`);
    return EXIT_OK;
  }
  if (name === undefined) {
    if (flagBoolean(args, "exercise")) throw new UsageError("flag '--exercise' needs a lesson name");
    if (io.stdinIsTty && io.stdoutIsTty) return pickAndOpen(lessons, io);
    io.write(`Lessons (etcdlab lesson NAME):\n${catalogLines(lessons).join("\n")}\n`);
    return EXIT_OK;
  }
  const lesson = findLesson(lessons, name);
  if (flagBoolean(args, "exercise")) return exercise(lesson, seed, io);
  return openLesson(lesson, seed, io);
}

/** `etcdlab` with no arguments: the picker on a terminal, else the usage and the lesson list. */
export async function noArguments(io: CommandIo, usage: string): Promise<number> {
  const lessons = loadCatalog(LESSONS_DIR);
  if (io.stdinIsTty && io.stdoutIsTty) return pickAndOpen(lessons, io);
  io.write(`${usage}\nLessons (etcdlab lesson NAME):\n${catalogLines(lessons).join("\n")}\n`);
  return EXIT_OK;
}

async function pickAndOpen(lessons: readonly Lesson[], io: CommandIo): Promise<number> {
  const { pickLesson } = await import("../../tui/components/LessonPicker.js");
  const { colorsWanted } = await import("./replay.js");
  const picked = await pickLesson({ lessons, colors: colorsWanted(io.env), stdin: io.stdin });
  if (picked === undefined) return EXIT_OK;
  return openLesson(picked, undefined, io);
}

function exerciseCommand(lesson: Lesson): string {
  return `etcdlab lesson ${lesson.name} --exercise`;
}

async function openLesson(lesson: Lesson, seed: number | undefined, io: CommandIo): Promise<number> {
  const walk = walkLesson(lesson, lessonScenarios(lesson, SCENARIOS_DIR), seed === undefined ? {} : { seed });
  if (io.stdinIsTty && io.stdoutIsTty) {
    const { openLessonUi } = await import("../../tui/components/LessonApp.js");
    const { colorsWanted } = await import("./replay.js");
    await openLessonUi({ walk, colors: colorsWanted(io.env), stdin: io.stdin, exerciseCommand: exerciseCommand(lesson) });
    return EXIT_OK;
  }
  io.write(lessonTranscript(walk, exerciseCommand(lesson)));
  return EXIT_OK;
}

async function exercise(lesson: Lesson, seed: number | undefined, io: CommandIo): Promise<number> {
  const goal = lesson.exercise.goal.trim().replace(/\s+/g, " ");
  if (io.stdinIsTty && io.stdoutIsTty) {
    const { openLive } = await import("../../tui/open.js");
    const { colorsWanted } = await import("./replay.js");
    await openLive({
      title: `exercise: ${lesson.name}`,
      colors: colorsWanted(io.env),
      stdin: io.stdin,
      start: (listener) => liveExercise(lesson.exercise, { ...(seed === undefined ? {} : { seed }), listener }),
    });
    return EXIT_OK;
  }
  const run = new ExerciseRun(lesson.exercise, seed === undefined ? {} : { seed });
  io.write(`Exercise: ${goal}\n`);
  const lines = await readLines(io.stdin);
  let index = 0;
  while (index < lines.length) {
    const line = (lines[index] as string).trim();
    index++;
    const result = run.enter(line, lines.slice(index), io);
    index += result.used;
    if (result.solved) {
      io.write(`✔ ${lesson.exercise.success.trim().replace(/\s+/g, " ")}\n`);
      return EXIT_OK;
    }
  }
  io.error(`etcdlab: exercise not solved: the input ended before the goal was reached (${goal})\n`);
  return EXIT_FAILED;
}

