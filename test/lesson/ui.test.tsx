/**
 * The lesson UI and the picker as a learner sees them: render with ink-testing-library, press keys,
 * read the frame without colours.
 */
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { LESSONS_DIR } from "../../src/cli/commands/lesson.js";
import { SCENARIOS_DIR } from "../../src/cli/paths.js";
import { findLesson, loadCatalog } from "../../src/lesson/catalog.js";
import type { Lesson } from "../../src/lesson/lesson.js";
import { lessonScenarios, walkLesson } from "../../src/lesson/walk.js";
import { lessonPages } from "../../src/lesson/pages.js";
import { LessonApp } from "../../src/tui/components/LessonApp.js";
import { LessonPicker } from "../../src/tui/components/LessonPicker.js";
import { BACKSPACE, ENTER, LEFT, RIGHT, type Rendered, strip, track } from "../tui/ink.js";

const DOWN = "\u001B[B";
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function press(app: Rendered, ...keys: string[]): Promise<string> {
  for (const key of keys) {
    const frames = app.frames.length;
    app.stdin.write(key);
    for (let waited = 0; waited < 500 && app.frames.length === frames; waited += 5) await delay(5);
    await delay(5);
  }
  return strip(app.lastFrame());
}

async function firstFrame(app: Rendered): Promise<string> {
  for (let waited = 0; waited < 500 && app.frames.length === 0; waited += 5) await delay(5);
  await delay(10);
  return strip(app.lastFrame());
}

const lessons = loadCatalog(LESSONS_DIR);

describe("the lesson UI", () => {
  const lesson = findLesson(lessons, "quorum");
  const walk = walkLesson(lesson, lessonScenarios(lesson, SCENARIOS_DIR));

  it("pages the story, stops at a checkpoint, takes the answer and explains it", async () => {
    const pages = lessonPages(walk);
    expect(pages.map((page) => page.kind)).toEqual(["text", "text", "text", "checkpoint", "text", "text", "checkpoint", "text", "checkpoint", "text", "checkpoint", "exercise"]);
    const app = track(render(<LessonApp walk={walk} colors={false} exerciseCommand="etcdlab lesson quorum --exercise" columns={100} rows={40} />));
    const start = await firstFrame(app);
    expect(start).toContain("etcd keeps your cluster's state");
    expect(start).toContain("Quorum: why etcd clusters have an odd number of members │ quorum-loss, seed 4 │ 1/12 │ enter cont");
    const question = await press(app, ENTER, ENTER, ENTER);
    expect(question).toContain("Checkpoint 1: With n2 and n3 down, a client writes a=1 through n1. What does the client get?");
    expect(question).toContain("  c) After a while, 'etcdserver: request timed out'");
    expect(question).toContain("your answer (a letter): _");
    // While the learner predicts, the panes show the cluster just before the write: n2 and n3 down.
    expect(question).toMatch(/^n2 .* crashed/m);
    expect(question).toMatch(/^n3 .* crashed/m);
    const questionEvent = Number(/›#(\d+)/.exec(question)?.[1]);
    expect(await press(app, "b", BACKSPACE, "c")).toContain("your answer (a letter): c_");
    const answered = await press(app, ENTER);
    expect(answered).toContain("✔ Right (c).");
    expect(answered).toContain("Answer: c) After a while, 'etcdserver: request timed out' (the last client request: error:");
    expect(answered).toContain("n1 appends a=1 to its log and sends it to n2 and n3");
    // Answered: the panes jump to the pause, after the write timed out.
    expect(Number(/›#(\d+)/.exec(answered)?.[1])).toBe(walk.pauses[0]!.eventIndex - 1);
    expect(walk.pauses[0]!.eventIndex - 1).toBeGreaterThan(questionEvent);
    // ← and → step through the events shown so far, never past the pause.
    expect(Number(/›#(\d+)/.exec(await press(app, LEFT, LEFT))?.[1])).toBe(walk.pauses[0]!.eventIndex - 3);
    expect(Number(/›#(\d+)/.exec(await press(app, RIGHT, RIGHT, RIGHT))?.[1])).toBe(walk.pauses[0]!.eventIndex - 1);
    const second = await press(app, ENTER, ENTER, ENTER);
    expect(second).toContain("Checkpoint 2: A few seconds later, who leads the cluster? (a member's name, or none)");
    const wrong = await press(app, "n", "1", ENTER);
    expect(wrong).toContain("✘ Not quite (you said n1).");
    expect(wrong).toContain("Answer: none (the leader: none)");
  });
});

describe("the lesson picker", () => {
  it("moves with the arrows and opens the selected lesson with enter", async () => {
    let picked: Lesson | undefined;
    const app = track(render(<LessonPicker lessons={lessons} colors={false} onPick={(lesson) => (picked = lesson)} />));
    const frame = await firstFrame(app);
    expect(frame.split("\n").slice(0, 3)).toEqual([
      "etcdlab lessons: ↑ ↓ choose, enter opens, q quits",
      "▸  1. kubernetes       What Kubernetes keeps in etcd, and where",
      "   2. quorum           Quorum: why etcd clusters have an odd number of members",
    ]);
    const moved = await press(app, DOWN, DOWN, DOWN);
    expect(moved).toContain("▸  4. replication      Log replication: append, replicate, commit, apply");
    expect(moved).toContain("Follow one write from the client to the leader's log");
    app.stdin.write(ENTER);
    await delay(20);
    expect(picked?.name).toBe("replication");
  });
});
