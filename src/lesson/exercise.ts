/**
 * A lesson's exercise in the live shell: a fresh cluster (the exercise's members and seed), its
 * setup lines, then the learner's lines one by one; after each, the exercise's check is evaluated,
 * and the first time it holds the learner has succeeded.
 */
import type { ShellOutput } from "../shell/session.js";
import type { TraceListener, TypedEvent } from "../sim/trace.js";
import type { Exercise } from "./lesson.js";
import { checkHolds } from "./probe.js";
import { ScriptRun } from "./walk.js";

export class ExerciseRun {
  readonly run: ScriptRun;
  private solved = false;

  constructor(readonly exercise: Exercise, options: { seed?: number; listener?: TraceListener<TypedEvent> } = {}) {
    this.run = new ScriptRun({ members: exercise.members, seed: options.seed ?? exercise.seed, secure: exercise.secure, ...(options.listener === undefined ? {} : { listener: options.listener }) });
    for (const line of exercise.setup) this.run.run(line);
  }

  /** True once the check has held after a line. */
  get succeeded(): boolean {
    return this.solved;
  }

  /** Whether the check holds now (a fresh cluster should not pass it). */
  holds(): boolean {
    return checkHolds(this.run, this.exercise.check);
  }

  /**
   * Runs one learner line (`following`: the lines after it, for txn) and returns its output and how
   * many following lines it read; `solved` is true when this line made the check hold first.
   */
  enter(line: string, following: readonly string[] = [], out?: ShellOutput): { output: string; used: number; solved: boolean } {
    const used = this.run.run(line, following, out);
    const output = this.run.outputs().at(-1) ?? "";
    const solved = !this.solved && this.holds();
    if (solved) this.solved = true;
    return { output, used, solved };
  }
}

/** A session for live mode's `:` prompt: each line runs through the exercise, and the line that solves it prints the success line. */
export interface LiveExercise {
  readonly world: ScriptRun["world"];
  readonly members: readonly string[];
  execute(line: string): { stdout: string; stderr: string };
}

export function liveExercise(exercise: Exercise, options: { seed?: number; listener?: TraceListener<TypedEvent> } = {}): LiveExercise {
  const run = new ExerciseRun(exercise, options);
  return {
    world: run.run.world,
    members: run.run.session.members,
    execute: (line) => {
      let stdout = "";
      let stderr = "";
      const { solved } = run.enter(line, [], {
        write: (text) => {
          stdout += text;
        },
        error: (text) => {
          stderr += text;
        },
      });
      return { stdout: solved ? `${stdout}✔ ${exercise.success.trim().replace(/\s+/g, " ")}\n` : stdout, stderr };
    },
  };
}
