/**
 * The lesson format: what the loader accepts, the one-line errors it gives for mistakes (file, line,
 * column, problem), and walking: pauses where the lesson says, the same trace as `etcdlab run`, and a
 * wrong expected answer noticed.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SCENARIOS_DIR } from "../../src/cli/paths.js";
import { loadLessonFile, parseLesson } from "../../src/lesson/lesson.js";
import { lessonScenarios, walkLesson } from "../../src/lesson/walk.js";
import { loadScenarioFile, runScenario } from "../../src/scenario/index.js";
import { parseTrace } from "../../src/sim/trace.js";

const FRONT = ["---", "title: A lesson", "summary: One line.", "order: 1", "scenarios: [first-election]", "---"];
const CHECKPOINT = ["```checkpoint", "at: {note: \"a member timed out first\"}", "question: Who leads?", "answer: n1", "answer-from: leader", "explain: The first to time out.", "```"];
const EXERCISE = ["```exercise", "goal: Crash the leader.", "check: {status: {n1: crashed}}", "success: Done.", "solution: [\":crash n1\"]", "```"];

function lesson(lines: readonly string[]): string {
  return `${lines.join("\n")}\n`;
}

function problem(lines: readonly string[]): string {
  try {
    const parsed = parseLesson(lesson(lines), "lessons/x.md");
    walkLesson(parsed, lessonScenarios(parsed, SCENARIOS_DIR));
  } catch (error) {
    return (error as Error).message;
  }
  return "no error";
}

describe("parseLesson", () => {
  it("reads the front matter, the story, the checkpoints and the exercise", () => {
    const parsed = parseLesson(lesson([...FRONT, "The story.", "", "Second paragraph.", ...CHECKPOINT, "After.", ...EXERCISE, "Read next."]), "lessons/x.md");
    expect(parsed.name).toBe("x");
    expect(parsed.segments.map((segment) => (segment.kind === "text" ? segment.text : `checkpoint at ${segment.checkpoint.where}`))).toEqual([
      "The story.\n\nSecond paragraph.",
      "checkpoint at lessons/x.md:11",
      "After.",
    ]);
    expect(parsed.exercise).toMatchObject({ where: "lessons/x.md:19", members: 3, seed: 1, solution: [":crash n1"], setup: [] });
    expect(parsed.epilogue).toBe("Read next.");
  });

  it("refuses mistakes with file, line and column", () => {
    expect(problem(["title: x"])).toBe("lessons/x.md:1:1: a lesson starts with YAML front matter between '---' lines (title, summary, order, scenarios)");
    expect(problem(["---", "titel: A lesson", "summary: s", "order: 1", "scenarios: [first-election]", "---", ...CHECKPOINT, ...EXERCISE])).toBe(
      "lessons/x.md:2:1: unknown front matter key 'titel': did you mean 'title'?",
    );
    expect(problem([...FRONT.slice(0, 3), "order: first", ...FRONT.slice(4), ...CHECKPOINT, ...EXERCISE])).toBe("lessons/x.md:4:8: Invalid input: expected number, received string");
    expect(problem([...FRONT, ...CHECKPOINT.slice(0, 3), "anwser: n1", ...CHECKPOINT.slice(4), ...EXERCISE])).toBe("lessons/x.md:10:1: unknown checkpoint key 'anwser': did you mean 'answer'?");
    expect(problem([...FRONT, ...CHECKPOINT.slice(0, 4), "answer-from: lead", ...CHECKPOINT.slice(5), ...EXERCISE])).toMatch(/^lessons\/x\.md:11:14: expected an answer source: leader, result, output, /);
    expect(problem([...FRONT, ...CHECKPOINT.slice(0, 3), "choices: [yes, no]", "answer: c", "answer-from: leader", "shows: n1", ...CHECKPOINT.slice(5), ...EXERCISE])).toBe(
      "lessons/x.md:11:9: with 2 choices the answer is a letter from a to b (got 'c')",
    );
    expect(problem([...FRONT, ...CHECKPOINT])).toBe("lessons/x.md: the lesson has no exercise (a ```exercise block)");
    expect(problem([...FRONT, ...EXERCISE])).toBe("lessons/x.md: the lesson has no checkpoint (a ```checkpoint block)");
    expect(problem([...FRONT, ...CHECKPOINT, "```exercise", "goal: g"])).toBe("lessons/x.md:14:1: the exercise block is not closed (a line with three backquotes)");
    expect(problem([...FRONT, ...CHECKPOINT, ...EXERCISE.slice(0, 2), "check: {leader: nobody, lead: n1}", ...EXERCISE.slice(3)])).toBe("lessons/x.md:16:25: unknown key 'lead'");
  });

  it("refuses checkpoints that do not fit their run", () => {
    expect(problem([...FRONT.slice(0, 4), "scenarios: [first-elction]", "---", ...CHECKPOINT, ...EXERCISE])).toBe("lessons/x.md: unknown scenario 'first-elction': did you mean 'first-election'?");
    expect(problem([...FRONT, ...CHECKPOINT.slice(0, 1), "at: {note: no such note}", ...CHECKPOINT.slice(2), ...EXERCISE])).toBe(
      "lessons/x.md:8: no note of first-election after the previous pause contains 'no such note'",
    );
    expect(problem([...FRONT, ...CHECKPOINT.slice(0, 1), "at: {step: 99}", ...CHECKPOINT.slice(2), ...EXERCISE])).toBe("lessons/x.md:8: first-election has 22 steps, there is no step 99");
    expect(problem([...FRONT, ...CHECKPOINT.slice(0, 4), "answer-from: output", ...CHECKPOINT.slice(5), ...EXERCISE])).toBe(
      "lessons/x.md:8: 'output' reads a script line's output; in a scenario, use 'result'",
    );
    expect(problem([...FRONT, ...CHECKPOINT.slice(0, 1), "in: quorum-loss", ...CHECKPOINT.slice(1), ...EXERCISE])).toBe("lessons/x.md:8:5: 'quorum-loss' is not one of this lesson's runs (first-election)");
  });
});

describe("walkLesson", () => {
  it("steps a scenario exactly as etcdlab run does: the same trace", () => {
    const parsed = parseLesson(lesson([...FRONT, ...CHECKPOINT, ...EXERCISE]), "lessons/x.md");
    const walk = walkLesson(parsed, lessonScenarios(parsed, SCENARIOS_DIR));
    const scenario = loadScenarioFile(join(SCENARIOS_DIR, "first-election.yaml"), "scenarios/first-election.yaml");
    const run = runScenario(scenario);
    const record = walk.runs.get("first-election");
    const expected = parseTrace(run.traceText, "first-election");
    expect(record?.trace.events.length).toBe(expected.events.length);
    expect(record?.trace).toEqual(expected);
  });

  it("asks the question before the action the pause reveals and before the notes that announce it", () => {
    const front = FRONT.map((line) => (line === "scenarios: [first-election]" ? "scenarios: [quorum-loss]" : line));
    const checkpoint = ["```checkpoint", "at: {step: 9}", "question: What does the client get?", "answer: timed-out", "answer-from: result", "explain: No majority.", "```"];
    const parsed = parseLesson(lesson([...front, ...checkpoint, ...EXERCISE]), "lessons/x.md");
    const walk = walkLesson(parsed, lessonScenarios(parsed, SCENARIOS_DIR));
    const [pause] = walk.pauses;
    const notes = (walk.runs.get("quorum-loss")?.trace.events ?? []).flatMap((event, index) => (event.type === "note" ? [{ index, text: String((event as { text?: unknown }).text) }] : []));
    const announce = notes.find((note) => note.text.startsWith("a write through n1"));
    const crash = notes.find((note) => note.text.startsWith("n2 and n3 crash"));
    expect(pause?.shown).toBe("error: etcdserver: request timed out");
    expect(crash!.index).toBeLessThan(pause!.questionIndex);
    expect(announce!.index).toBeGreaterThanOrEqual(pause!.questionIndex);
    expect(announce!.index).toBeLessThan(pause!.eventIndex);
  });

  it("notices an expected answer the simulation does not show", () => {
    const wrong = CHECKPOINT.map((line) => (line === "answer: n1" ? "answer: n3" : line));
    const parsed = parseLesson(lesson([...FRONT, ...wrong, ...EXERCISE]), "lessons/x.md");
    const [pause] = walkLesson(parsed, lessonScenarios(parsed, SCENARIOS_DIR)).pauses;
    expect({ shown: pause?.shown, agrees: pause?.agrees }).toEqual({ shown: "n1", agrees: false });
  });
});

describe("loadLessonFile", () => {
  it("names a missing file or a directory in one line, as the scenario loader does", () => {
    expect(() => loadLessonFile(join(SCENARIOS_DIR, "no-such-lesson.md"), "lessons/no-such-lesson.md")).toThrow("lesson file 'lessons/no-such-lesson.md' not found");
    expect(() => loadLessonFile(SCENARIOS_DIR, "lessons")).toThrow("'lessons' is a directory, not a lesson file");
    expect(() => loadScenarioFile(SCENARIOS_DIR, "scenarios")).toThrow("'scenarios' is a directory, not a scenario file");
  });
});
