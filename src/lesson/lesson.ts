/**
 * Lesson files: Markdown with YAML front matter, and fenced blocks for checkpoints and the exercise.
 *
 * ```
 * ---
 * title: "Quorum: why etcd clusters have an odd number of members"
 * summary: one line for the lesson list
 * order: 1
 * scenarios: [quorum-loss]          # shipped scenarios the checkpoints pause (scenarios/*.yaml)
 * scripts:                          # or short shell scripts of their own (etcdlab shell lines)
 *   revisions: {members: 3, lines: ["put foo bar", "get foo -w json"]}   # seed: N pins it against --seed
 * ---
 * The story, in short paragraphs.
 *
 * ```checkpoint
 * in: quorum-loss                   # the run to pause (default: the lesson's first scenario or script)
 * at: {note: "n2 and n3 crash"}     # after the first note containing this text; or {step: 5}; or {line: 2} of a script
 * question: Can n1 still commit a write?
 * choices: ["Yes", "No: the write times out"]
 * answer: b                         # a choice's letter; or, without choices, a member name or a number
 * answer-from: result               # how the simulation shows the answer at that point
 * shows: "error: etcdserver: request timed out"   # with choices: what answer-from reads when the answer is right
 * explain: Why.
 * ```
 *
 * ```exercise
 * goal: Make the cluster lose quorum.
 * check: {leader: none}             # evaluated after each line the learner enters
 * success: The cluster has no leader.
 * solution: [":crash n2", ":crash n3", ":advance 3s"]
 * ```
 * ```
 *
 * Answer sources (probe.ts): leader, result (a scenario's last client step), output (a script line's),
 * revision, compact-revision, leases, voters, learners; {term|commit|applied|role|status: NODE};
 * {value|mod-revision|create-revision|version: KEY}; {keys: PREFIX} (how many keys start with PREFIX);
 * {raft-events: {kind, node}} (a count).
 * Exercise checks (all must hold): leader, status, value, exists, output (a regular expression
 * matched by some line's output), last-output (one matched by the last line's output), term,
 * revision, compact-revision, leases, converged, voters, learners, up (members up), fault (a fault
 * applied during the session).
 *
 * `parseLesson` checks the file's own shape (every mistake is one line, `file:line:column: problem`);
 * `walkLesson` (walk.ts) then ties its checkpoints to the steps of the runs it names.
 */
import { basename } from "node:path";
import { z } from "zod";
import { parseWith, readDefinitionFile } from "../scenario/scenario.js";
import { YamlSource } from "../scenario/source.js";
import { seedSchema } from "../scenario/scenario.js";
import { InputError } from "../sim/errors.js";
import { answerSourceSchema, checkSchema, type AnswerSource, type Check } from "./probe.js";

export interface LessonScript {
  readonly name: string;
  readonly members: number;
  /** kubeadm's PKI: client certificates required (etcdlab shell --secure). */
  readonly secure: boolean;
  readonly seed: number | undefined;
  readonly lines: readonly string[];
}

export type PausePoint = { readonly step: number } | { readonly note: string } | { readonly line: number };

export interface Checkpoint {
  /** `file:line` of the block, for messages. */
  readonly where: string;
  /** The run it pauses: a scenario or a script of the lesson. */
  readonly run: string;
  readonly at: PausePoint;
  readonly question: string;
  readonly choices: readonly string[] | undefined;
  /** The expected answer: a choice's letter, a member's name or a number (as text). */
  readonly answer: string;
  readonly answerFrom: AnswerSource;
  /** With choices: the value `answerFrom` reads when the expected choice is right. */
  readonly shows: string | undefined;
  readonly explain: string;
}

export interface Exercise {
  readonly where: string;
  readonly goal: string;
  readonly members: number;
  readonly secure: boolean;
  readonly seed: number;
  /** Lines run before the learner's first line (not checked). */
  readonly setup: readonly string[];
  readonly check: Check;
  readonly success: string;
  readonly hint: string | undefined;
  /** A reference solution: lines after which the check holds. */
  readonly solution: readonly string[];
}

export type Segment = { readonly kind: "text"; readonly text: string } | { readonly kind: "checkpoint"; readonly checkpoint: Checkpoint };

export interface Lesson {
  readonly file: string;
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  readonly order: number;
  readonly seed: number | undefined;
  readonly scenarios: readonly string[];
  readonly scripts: readonly LessonScript[];
  /** The story and its checkpoints, in order. */
  readonly segments: readonly Segment[];
  readonly exercise: Exercise;
  /** Text after the exercise block (what to read next), possibly empty. */
  readonly epilogue: string;
}

const FRONT_MATTER_KEYS = ["title", "summary", "order", "seed", "scenarios", "scripts"];

const scriptSchema = z.strictObject({
  members: z.number().int().min(1).max(9).default(3),
  secure: z.boolean().default(false),
  seed: seedSchema.optional(),
  /** etcdctl and lab lines; an empty line ends a txn section, as on etcdctl's stdin. */
  lines: z.array(z.string()).min(1),
});

const frontMatterSchema = z.strictObject({
  title: z.string().min(1),
  summary: z.string().min(1),
  order: z.number().int().min(1),
  seed: seedSchema.optional(),
  scenarios: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a scenario's name, such as 'first-election'")).default([]),
  scripts: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a script's name, such as 'revisions'"), scriptSchema).default({}),
});

const pauseSchema = z.union(
  [
    z.strictObject({ step: z.number().int().min(1) }),
    z.strictObject({ note: z.string().min(1) }),
    z.strictObject({ line: z.number().int().min(1) }),
  ],
  { error: "expected where to pause: {step: N} (after step N of a scenario), {note: text} (after the note containing text) or {line: N} (after line N of a script)" },
);

const checkpointSchema = z.strictObject({
  in: z.string().min(1).optional(),
  at: pauseSchema,
  question: z.string().min(1),
  choices: z.array(z.string().min(1)).min(2).max(6).optional(),
  answer: z.union([z.string().min(1), z.number().int()]),
  "answer-from": answerSourceSchema,
  shows: z.union([z.string().min(1), z.number().int()]).optional(),
  explain: z.string().min(1),
});

const exerciseSchema = z.strictObject({
  goal: z.string().min(1),
  members: z.number().int().min(1).max(9).default(3),
  secure: z.boolean().default(false),
  seed: seedSchema.optional(),
  setup: z.array(z.string()).default([]),
  check: checkSchema,
  success: z.string().min(1),
  hint: z.string().min(1).optional(),
  solution: z.array(z.string()).min(1),
});

/** Loads a lesson file; `displayName` is how the file is named in messages. */
export function loadLessonFile(path: string, displayName = path): Lesson {
  return parseLesson(readDefinitionFile(path, displayName, "lesson"), displayName);
}

interface Block {
  readonly kind: "checkpoint" | "exercise";
  /** The line of the block's first YAML line (1-based). */
  readonly line: number;
  readonly text: string;
}

export function parseLesson(text: string, fileName: string): Lesson {
  const lines = text.split(/\r?\n/);
  if (lines[0] !== "---") throw new InputError(`${fileName}:1:1: a lesson starts with YAML front matter between '---' lines (title, summary, order, scenarios)`);
  const end = lines.indexOf("---", 1);
  if (end < 0) throw new InputError(`${fileName}:1:1: the front matter's closing '---' line is missing`);
  const front = parseFrontMatter(lines.slice(1, end).join("\n"), fileName);
  const name = basename(fileName).replace(/\.md$/, "");
  const runs = [...front.scenarios, ...Object.keys(front.scripts)];
  const scripts = Object.entries(front.scripts).map(([scriptName, script]): LessonScript => ({ name: scriptName, members: script.members, secure: script.secure, seed: script.seed, lines: script.lines }));
  const duplicate = front.scenarios.find((scenario, index) => front.scenarios.indexOf(scenario) !== index || front.scripts[scenario] !== undefined);
  if (duplicate !== undefined) throw new InputError(`${fileName}: the run name '${duplicate}' is used twice (scenarios and scripts share one namespace)`);

  const segments: Segment[] = [];
  let exercise: Exercise | undefined;
  let epilogue = "";
  let paragraph: string[] = [];
  const flush = (): void => {
    const story = paragraph.join("\n").trim();
    paragraph = [];
    if (story === "") return;
    if (exercise !== undefined) epilogue = epilogue === "" ? story : `${epilogue}\n\n${story}`;
    else segments.push({ kind: "text", text: story });
  };
  for (let index = end + 1; index < lines.length; index++) {
    const line = lines[index] as string;
    const fence = /^```(checkpoint|exercise)\s*$/.exec(line);
    if (fence === null) {
      paragraph.push(line);
      continue;
    }
    flush();
    const close = lines.indexOf("```", index + 1);
    if (close < 0) throw new InputError(`${fileName}:${index + 1}:1: the ${fence[1]} block is not closed (a line with three backquotes)`);
    const block: Block = { kind: fence[1] as Block["kind"], line: index + 2, text: lines.slice(index + 1, close).join("\n") };
    if (block.kind === "checkpoint") {
      if (exercise !== undefined) throw new InputError(`${fileName}:${index + 1}:1: a checkpoint after the exercise (the exercise ends the lesson)`);
      segments.push({ kind: "checkpoint", checkpoint: parseCheckpoint(block, fileName, runs) });
    } else {
      if (exercise !== undefined) throw new InputError(`${fileName}:${index + 1}:1: a lesson has one exercise, and this is a second one`);
      exercise = parseExercise(block, fileName, front.seed);
    }
    index = close;
  }
  flush();
  if (exercise === undefined) throw new InputError(`${fileName}: the lesson has no exercise (a \`\`\`exercise block)`);
  if (!segments.some((segment) => segment.kind === "checkpoint")) throw new InputError(`${fileName}: the lesson has no checkpoint (a \`\`\`checkpoint block)`);
  return { file: fileName, name, title: front.title, summary: front.summary, order: front.order, seed: front.seed, scenarios: front.scenarios, scripts, segments, exercise, epilogue };
}

/** A YAML source whose line numbers are the file's: `line` blank lines, then the text. */
function sourceAt(text: string, line: number, fileName: string): YamlSource {
  return YamlSource.parse(`${"\n".repeat(line - 1)}${text}`, fileName);
}

function parseFrontMatter(text: string, fileName: string): z.infer<typeof frontMatterSchema> {
  const source = sourceAt(text, 2, fileName);
  const value = source.value();
  if (typeof value !== "object" || value === null || Array.isArray(value)) source.fail([], "the front matter must be a YAML mapping with 'title', 'summary', 'order' and 'scenarios'");
  source.checkKeys([], value as Record<string, unknown>, FRONT_MATTER_KEYS, "front matter key");
  for (const required of ["title", "summary", "order"]) {
    if ((value as Record<string, unknown>)[required] === undefined) source.fail([], `missing '${required}'`);
  }
  const front = parseWith(source, [], frontMatterSchema, value);
  if (front.scenarios.length === 0 && Object.keys(front.scripts).length === 0) source.fail([], "a lesson needs at least one run: 'scenarios: [name]' or 'scripts: {name: {lines: [...]}}'");
  return front;
}

function blockSource(block: Block, fileName: string): { source: YamlSource; value: Record<string, unknown> } {
  const source = sourceAt(block.text, block.line, fileName);
  const value = source.value();
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(`${fileName}:${block.line}:1: a ${block.kind} block is a YAML mapping (${block.kind === "checkpoint" ? "at, question, answer, answer-from, explain" : "goal, check, success, solution"})`);
  }
  return { source, value: value as Record<string, unknown> };
}

const LETTERS = "abcdef";

function parseCheckpoint(block: Block, fileName: string, runs: readonly string[]): Checkpoint {
  const { source, value } = blockSource(block, fileName);
  source.checkKeys([], value, Object.keys(checkpointSchema.shape), "checkpoint key");
  const parsed = parseWith(source, [], checkpointSchema, value);
  const run = parsed.in ?? (runs[0] as string);
  if (!runs.includes(run)) source.fail(["in"], `'${run}' is not one of this lesson's runs (${runs.join(", ")})`);
  const answer = String(parsed.answer);
  if (parsed.choices !== undefined) {
    const letters = LETTERS.slice(0, parsed.choices.length);
    if (!(answer.length === 1 && letters.includes(answer))) source.fail(["answer"], `with ${parsed.choices.length} choices the answer is a letter from a to ${letters.at(-1)} (got '${answer}')`);
    if (parsed.shows === undefined) source.fail([], "a multiple-choice checkpoint needs 'shows': what 'answer-from' reads in the simulation when the answer is right");
  } else if (parsed.shows !== undefined) {
    source.fail(["shows"], "'shows' belongs to multiple-choice checkpoints; without choices the answer itself is compared with 'answer-from'");
  }
  return {
    where: `${fileName}:${block.line}`,
    run,
    at: parsed.at,
    question: parsed.question,
    choices: parsed.choices,
    answer,
    answerFrom: parsed["answer-from"],
    shows: parsed.shows === undefined ? undefined : String(parsed.shows),
    explain: parsed.explain,
  };
}

function parseExercise(block: Block, fileName: string, lessonSeed: number | undefined): Exercise {
  const { source, value } = blockSource(block, fileName);
  source.checkKeys([], value, Object.keys(exerciseSchema.shape), "exercise key");
  const parsed = parseWith(source, [], exerciseSchema, value);
  return {
    where: `${fileName}:${block.line}`,
    goal: parsed.goal,
    members: parsed.members,
    secure: parsed.secure,
    seed: parsed.seed ?? lessonSeed ?? 1,
    setup: parsed.setup,
    check: parsed.check,
    success: parsed.success,
    hint: parsed.hint,
    solution: parsed.solution,
  };
}

/** The letter of choice number `index` (0: a). */
export function choiceLetter(index: number): string {
  return LETTERS[index] ?? "?";
}
