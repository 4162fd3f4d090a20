/**
 * Every shipped lesson: it parses, its scenarios exist, each checkpoint's expected answer is what
 * the simulation shows at that pause (at the lesson's seed), and its exercise's check fails on a
 * fresh cluster and passes once the lesson's reference solution has been run through the shell.
 */
import { describe, expect, it } from "vitest";
import { LESSONS_DIR } from "../../src/cli/commands/lesson.js";
import { SCENARIOS_DIR } from "../../src/cli/paths.js";
import { loadCatalog } from "../../src/lesson/catalog.js";
import { ExerciseRun } from "../../src/lesson/exercise.js";
import { lessonScenarios, walkLesson } from "../../src/lesson/walk.js";

const lessons = loadCatalog(LESSONS_DIR);

describe("the shipped lessons", () => {
  it("are at least twelve, with distinct orders", () => {
    expect(lessons.length).toBeGreaterThanOrEqual(12);
    expect(new Set(lessons.map((lesson) => lesson.order)).size).toBe(lessons.length);
  });

  for (const lesson of lessons) {
    describe(lesson.name, () => {
      it("pauses where the simulation shows each expected answer", () => {
        const walk = walkLesson(lesson, lessonScenarios(lesson, SCENARIOS_DIR));
        const disagreements = walk.pauses
          .filter((pause) => !pause.agrees)
          .map((pause) => `${pause.checkpoint.where}: expected ${pause.checkpoint.shows ?? pause.checkpoint.answer}, the simulation shows ${pause.shown}`);
        expect(disagreements).toEqual([]);
      });

      it("has an exercise whose check fails on a fresh cluster and passes after the reference solution", () => {
        const run = new ExerciseRun(lesson.exercise);
        expect(run.holds()).toBe(false);
        const lines = lesson.exercise.solution;
        const solvedAt: number[] = [];
        let index = 0;
        while (index < lines.length) {
          const result = run.enter(lines[index] as string, lines.slice(index + 1));
          index += 1 + result.used;
          if (result.solved) solvedAt.push(index);
        }
        expect({ solvedAt, outputs: run.succeeded ? [] : run.run.outputs() }).toEqual({ solvedAt: [lines.length], outputs: [] });
      });
    });
  }
});

