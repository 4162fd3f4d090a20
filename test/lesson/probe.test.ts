/**
 * What lessons read from a cluster: the `{keys: PREFIX}` answer source counts the keys under a
 * prefix, and the `last-output` check looks at the last line's output only, so that an exercise
 * asking for a read of the past cannot be passed by an earlier read of the present.
 */
import { describe, expect, it } from "vitest";
import { ExerciseRun } from "../../src/lesson/exercise.js";
import type { Exercise } from "../../src/lesson/lesson.js";
import { answerSourceSchema, checkSchema, readAnswer } from "../../src/lesson/probe.js";
import { describeSource } from "../../src/lesson/transcript.js";
import { ScriptRun } from "../../src/lesson/walk.js";

function exercise(check: unknown): Exercise {
  return { where: "x.md:1", goal: "g", members: 3, secure: false, seed: 1, setup: [], check: checkSchema.parse(check), success: "s", hint: undefined, solution: ["x"] };
}

describe("the keys answer source", () => {
  it("counts the keys that start with the prefix, in the leader's store", () => {
    const run = new ScriptRun({ members: 3, seed: 1, secure: false });
    const source = answerSourceSchema.parse({ keys: "/registry/pods/" });
    expect(describeSource(source)).toBe("the number of keys under /registry/pods/");
    expect(readAnswer(run, source)).toBe("0");
    for (const line of ["put /registry/pods/default/a x", "put /registry/pods/shop/b x", "put /registry/podsx y", "put /registry/configmaps/default/c z"]) run.run(line);
    expect(readAnswer(run, source)).toBe("2");
    run.run("del /registry/pods/shop/b");
    expect(readAnswer(run, source)).toBe("1");
  });
});

describe("the last-output check", () => {
  it("holds only while the last line's output matches, where output holds for any earlier line", () => {
    const anyLine = new ExerciseRun(exercise({ value: { key: "k", is: "new" }, output: "^k\\nold$" }));
    const lastLine = new ExerciseRun(exercise({ value: { key: "k", is: "new" }, "last-output": "^k\\nold$" }));
    for (const run of [anyLine, lastLine]) {
      run.enter("put k old");
      run.enter("get k");
    }
    // A read of the present, then a write: the any-line check passes without a stale read.
    expect([anyLine.enter("put k new").solved, lastLine.enter("put k new").solved]).toEqual([true, false]);
    lastLine.enter(":partition n2 | n1 n3");
    lastLine.enter("put k newer");
    expect(lastLine.enter("put k new").solved).toBe(false);
    expect(lastLine.enter("get k --endpoints n2 --consistency=s")).toMatchObject({ output: "k\nold", solved: true });
  });

  it("is refused when it is not a regular expression", () => {
    expect(checkSchema.safeParse({ "last-output": "(" }).success).toBe(false);
  });
});
