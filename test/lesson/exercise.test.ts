/**
 * An exercise in live mode: the lines typed at the `:` prompt run through the exercise's session,
 * and the line that first makes the check hold prints the success line (once).
 */
import { describe, expect, it } from "vitest";
import { LESSONS_DIR } from "../../src/cli/commands/lesson.js";
import { findLesson, loadCatalog } from "../../src/lesson/catalog.js";
import { liveExercise } from "../../src/lesson/exercise.js";

describe("liveExercise", () => {
  it("prints the success line after the line that solves the exercise, and only then", () => {
    const lesson = findLesson(loadCatalog(LESSONS_DIR), "quorum");
    const events: string[] = [];
    const live = liveExercise(lesson.exercise, { listener: (_time, event) => events.push(event.type) });
    expect(live.members).toEqual(["n1", "n2", "n3", "n4", "n5"]);
    expect(events.length).toBeGreaterThan(0);
    expect(live.execute(":leader")).toEqual({ stdout: "n5\n", stderr: "" });
    expect(live.execute(":crash n5")).toEqual({ stdout: "", stderr: "" });
    expect(live.execute(":crash n4")).toEqual({ stdout: "", stderr: "" });
    expect(live.execute(":crash n9")).toEqual({ stdout: "", stderr: "etcdlab shell: unknown node 'n9' (members: n1, n2, n3, n4, n5)\n" });
    expect(live.execute(":crash n3")).toEqual({ stdout: "✔ Quorum lost: a five-member cluster survives two failures, not three.\n", stderr: "" });
    expect(live.execute(":leader")).toEqual({ stdout: "no leader\n", stderr: "" });
  });
});
