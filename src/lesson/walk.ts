/**
 * Walking a lesson: every run it names (a scenario, or a script of shell lines) is run once at its
 * seed, pausing at each checkpoint to read what the simulation shows there (the checkpoint's
 * `answer-from`), and recording where in the run's trace the pause fell, so that the transcript can
 * print the answer and the UI can show the cluster at that moment.
 *
 * A scenario is stepped as `runScenario` steps it (same world, same steps, same expectations, so
 * the same trace for the same seed), with pauses between steps. A script runs through a
 * `ShellSession`, one line at a time.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { EtcdLab } from "../scenario/etcd-cluster.js";
import { loadScenarioFile, type Scenario } from "../scenario/index.js";
import { clusterKinds, expectationKinds, type ScenarioRun, stepKinds } from "../scenario/registry.js";
import { traceHeader } from "../scenario/runner.js";
import type { LoadedExpectation } from "../scenario/scenario.js";
import { unknownWord } from "../scenario/scenario.js";
import { ShellSession, type ShellOutput } from "../shell/session.js";
import { assert, InputError } from "../sim/errors.js";
import type { Micros } from "../sim/time.js";
import { type ParsedTrace, serializeTrace, Trace, TRACE_FORMAT, TRACE_FORMAT_VERSION, type TraceListener, type TypedEvent, parseTrace } from "../sim/trace.js";
import { World } from "../sim/world.js";
import { PACKAGE_VERSION } from "../version.js";
import type { Checkpoint, Lesson, LessonScript } from "./lesson.js";
import { type Probe, readAnswer, sourceFits } from "./probe.js";

export interface Pause {
  readonly checkpoint: Checkpoint;
  /** What `answer-from` reads at the pause. */
  readonly shown: string;
  /** True when the lesson's stated answer is what the simulation shows. */
  readonly agrees: boolean;
  /** Events of the run's trace before the pause. */
  readonly eventIndex: number;
  /** Events before the previous pause of the same run (0 for its first). */
  readonly previousIndex: number;
  /**
   * Events before the question is asked: before the action the pause reveals (the pause step, or,
   * when it pauses at a note or an expectation, the last step before it that acted) and the notes
   * that announce it, and never before the previous pause. The UI shows the cluster there while the learner predicts.
   */
  readonly questionIndex: number;
  /** What happened since the previous pause: the scenario's notes, or a script's lines and their output. */
  readonly happened: readonly string[];
}

export interface RunRecord {
  readonly name: string;
  readonly kind: "scenario" | "script";
  readonly title: string;
  readonly seed: number;
  readonly trace: ParsedTrace;
}

export interface LessonWalk {
  readonly lesson: Lesson;
  readonly runs: ReadonlyMap<string, RunRecord>;
  /** One per checkpoint, in the lesson's order. */
  readonly pauses: readonly Pause[];
}

/** Loads the scenarios a lesson names, refusing a missing one with the nearest shipped name. */
export function lessonScenarios(lesson: Lesson, scenariosDir: string): Map<string, Scenario> {
  const scenarios = new Map<string, Scenario>();
  for (const name of lesson.scenarios) {
    const path = join(scenariosDir, `${name}.yaml`);
    if (!existsSync(path)) {
      const known = readdirSync(scenariosDir).filter((file) => file.endsWith(".yaml")).map((file) => file.slice(0, -".yaml".length));
      throw new InputError(`${lesson.file}: ${unknownWord("scenario", name, known)}`);
    }
    scenarios.set(name, loadScenarioFile(path, `scenarios/${name}.yaml`));
  }
  return scenarios;
}

/**
 * Runs every run of the lesson once. `options.seed` (etcdlab lesson --seed) replaces the seeds of
 * the scenarios and of the scripts that do not pin their own (a script that depends on a
 * seed-derived value, such as a lease ID, pins its seed).
 */
export function walkLesson(lesson: Lesson, scenarios: ReadonlyMap<string, Scenario>, options: { seed?: number } = {}): LessonWalk {
  const checkpoints = lesson.segments.flatMap((segment) => (segment.kind === "checkpoint" ? [segment.checkpoint] : []));
  const pauses = new Map<Checkpoint, Pause>();
  const runs = new Map<string, RunRecord>();
  for (const name of [...lesson.scenarios, ...lesson.scripts.map((script) => script.name)]) {
    const mine = checkpoints.filter((checkpoint) => checkpoint.run === name);
    const scenario = scenarios.get(name);
    const script = lesson.scripts.find((candidate) => candidate.name === name);
    const record =
      scenario !== undefined
        ? walkScenario(scenario, options.seed ?? lesson.seed ?? scenario.seed, mine, pauses)
        : walkScript(lesson, script as LessonScript, script?.seed ?? options.seed ?? lesson.seed ?? 1, mine, pauses);
    runs.set(name, record);
  }
  return { lesson, runs, pauses: checkpoints.map((checkpoint) => pauses.get(checkpoint) as Pause) };
}

function agrees(checkpoint: Checkpoint, shown: string): boolean {
  return shown === (checkpoint.choices === undefined ? checkpoint.answer : checkpoint.shows);
}

/** The step index (0-based) after which each checkpoint pauses, in increasing order. */
function scenarioPauseSteps(scenario: Scenario, checkpoints: readonly Checkpoint[]): number[] {
  let previous = -1;
  return checkpoints.map((checkpoint) => {
    const problem = sourceFits(checkpoint.answerFrom, "scenario");
    if (problem !== undefined) throw new InputError(`${checkpoint.where}: ${problem}`);
    let index: number;
    if ("step" in checkpoint.at) {
      index = checkpoint.at.step - 1;
      if (index >= scenario.steps.length) throw new InputError(`${checkpoint.where}: ${scenario.name} has ${scenario.steps.length} steps, there is no step ${checkpoint.at.step}`);
    } else if ("note" in checkpoint.at) {
      const text = checkpoint.at.note;
      index = scenario.steps.findIndex((step, position) => position >= previous && step.kind === "note" && String(step.value).includes(text));
      if (index < 0) throw new InputError(`${checkpoint.where}: no note of ${scenario.name} after the previous pause contains '${text}'`);
    } else {
      throw new InputError(`${checkpoint.where}: {line: N} pauses a script; ${scenario.name} is a scenario (use {step: N} or {note: text})`);
    }
    if (index < previous) throw new InputError(`${checkpoint.where}: this checkpoint pauses ${scenario.name} at step ${index + 1}, before the previous checkpoint's step ${previous + 1}`);
    previous = index;
    return index;
  });
}

function outcomeText(lab: EtcdLab): string | undefined {
  const last = lab.lastOutcome;
  if (last === undefined) return undefined;
  const outcome = last.outcome;
  if (!outcome.ok) return outcome.timedOut ? "timed-out" : `error: ${outcome.error.message}`;
  if (outcome.value.kind !== "range") return "ok";
  const kv = outcome.value.response.kvs[0];
  return `value: ${kv === undefined ? "(absent)" : Buffer.from(kv.value).toString("utf8")}`;
}

function walkScenario(scenario: Scenario, seed: number, checkpoints: readonly Checkpoint[], pauses: Map<Checkpoint, Pause>): RunRecord {
  const steps = scenarioPauseSteps(scenario, checkpoints);
  const cluster = clusterKinds().get(scenario.cluster.kind);
  assert(cluster !== undefined, `cluster kind ${scenario.cluster.kind} was validated`);
  if (scenario.cluster.kind !== "etcd" || scenario.nemesis !== undefined) {
    throw new InputError(`${checkpoints[0]?.where ?? scenario.file}: a lesson pauses scenarios of etcd members without a nemesis, and ${scenario.name} is not one`);
  }
  const trace = new Trace<TypedEvent>(true);
  const world = new World({ seed, trace, defaultLink: scenario.network, fsyncLatency: scenario.fsync });
  const lab = cluster.create(world, scenario.cluster.options, scenario.bugs) as EtcdLab;
  const probe: Probe = { world, cluster: lab.cluster, events: () => trace.events, result: () => outcomeText(lab), outputs: () => [] };
  let next = 0;
  let previousIndex = 0;
  let notes: string[] = [];
  // Events before the last step that acted (not a note or an expectation), or before the notes
  // just ahead of it: a note announces the action that follows it ("a write through n1: never
  // committed"), so the learner must not read it before predicting.
  let beforeAction = 0;
  let beforeNotes: number | undefined;
  scenario.steps.forEach((step, position) => {
    if (step.kind === "note") beforeNotes ??= trace.length;
    else if (step.kind !== "expect") {
      beforeAction = beforeNotes ?? trace.length;
      beforeNotes = undefined;
    }
    if (step.at !== undefined) world.runUntil(step.at);
    const run: ScenarioRun = { world, lab, seed, where: step.where, emit: (event) => world.emit(event) };
    if (step.kind === "expect") {
      for (const expectation of step.value as LoadedExpectation[]) {
        const definition = expectationKinds().get(expectation.kind);
        assert(definition !== undefined, `expectation ${expectation.kind} was validated`);
        const outcome = definition.evaluate(run, expectation.value);
        run.emit({ type: "expectation", kind: expectation.kind, passed: outcome.passed, detail: outcome.detail, position: step.position });
      }
    } else {
      const definition = stepKinds().get(step.kind);
      assert(definition !== undefined, `step ${step.kind} was validated`);
      definition.execute(run, step.value);
    }
    if (step.kind === "note") notes.push(String(step.value));
    // Several checkpoints may pause at one step: the first of them tells what happened.
    while (steps[next] === position) {
      const checkpoint = checkpoints[next] as Checkpoint;
      const shown = readAnswer(probe, checkpoint.answerFrom);
      const questionIndex = Math.max(previousIndex, beforeAction);
      pauses.set(checkpoint, { checkpoint, shown, agrees: agrees(checkpoint, shown), eventIndex: trace.length, previousIndex, questionIndex, happened: notes });
      previousIndex = trace.length;
      notes = [];
      next++;
    }
  });
  if (scenario.runUntil !== undefined) world.runUntil(scenario.runUntil);
  const { text } = serializeTrace(traceHeader(scenario, seed, scenario.bugs, []), trace);
  return { name: scenario.name, kind: "scenario", title: scenario.title, seed, trace: parseTrace(text, `${scenario.name} (seed ${seed})`) };
}

function walkScript(lesson: Lesson, script: LessonScript, seed: number, checkpoints: readonly Checkpoint[], pauses: Map<Checkpoint, Pause>): RunRecord {
  let previous = 0;
  const pauseLines = checkpoints.map((checkpoint) => {
    const problem = sourceFits(checkpoint.answerFrom, "script");
    if (problem !== undefined) throw new InputError(`${checkpoint.where}: ${problem}`);
    if (!("line" in checkpoint.at)) throw new InputError(`${checkpoint.where}: a script pauses after a line: use {line: N}`);
    const line = checkpoint.at.line;
    if (line > script.lines.length) throw new InputError(`${checkpoint.where}: script ${script.name} has ${script.lines.length} lines, there is no line ${line}`);
    if (line < previous) throw new InputError(`${checkpoint.where}: this checkpoint pauses ${script.name} at line ${line}, before the previous checkpoint's line ${previous}`);
    previous = line;
    return line;
  });
  const run = new ScriptRun({ members: script.members, seed, secure: script.secure });
  let next = 0;
  let previousIndex = 0;
  let happened: string[] = [];
  let index = 0;
  while (index < script.lines.length) {
    const line = script.lines[index] as string;
    const beforeLine = run.eventList.length;
    index++;
    const used = run.run(line, script.lines.slice(index));
    const output = run.outputs().at(-1) ?? "";
    happened.push(`$ ${[line, ...script.lines.slice(index, index + used)].join("\n  ")}`, ...(output === "" ? [] : [output]));
    index += used;
    while (pauseLines[next] !== undefined && (pauseLines[next] as number) <= index) {
      const checkpoint = checkpoints[next] as Checkpoint;
      const shown = readAnswer(run, checkpoint.answerFrom);
      pauses.set(checkpoint, { checkpoint, shown, agrees: agrees(checkpoint, shown), eventIndex: run.eventList.length, previousIndex, questionIndex: Math.max(previousIndex, beforeLine), happened });
      previousIndex = run.eventList.length;
      happened = [];
      next++;
    }
  }
  const trace: ParsedTrace = {
    header: {
      format: TRACE_FORMAT,
      formatVersion: TRACE_FORMAT_VERSION,
      packageVersion: PACKAGE_VERSION,
      seed,
      scenario: `${lesson.name}/${script.name}`,
      config: { cluster: { kind: "etcd", members: [...run.session.members] } },
    },
    events: run.eventList,
    times: run.timeList,
  };
  return { name: script.name, kind: "script", title: `${lesson.title}: ${script.name}`, seed, trace };
}

/**
 * A shell session that remembers its events and every line's output: the probe of a script run and
 * of an exercise.
 */
export class ScriptRun implements Probe {
  readonly session: ShellSession;
  readonly eventList: TypedEvent[] = [];
  readonly timeList: Micros[] = [];
  private readonly outputList: string[] = [];

  /** `listener` also hears every event (live mode's Timeline). */
  constructor(options: {
    readonly members: number;
    readonly seed: number;
    readonly secure: boolean;
    readonly listener?: TraceListener<TypedEvent>;
  }) {
    const listener = options.listener;
    this.session = new ShellSession({
      members: options.members,
      seed: options.seed,
      secure: options.secure,
      listener: (time, event, index) => {
        this.eventList.push(event);
        this.timeList.push(time);
        listener?.(time, event, index);
      },
    });
  }

  get world(): World {
    return this.session.world;
  }

  get cluster() {
    return this.session.cluster;
  }

  events(): readonly TypedEvent[] {
    return this.eventList;
  }

  result(): string | undefined {
    return undefined;
  }

  outputs(): readonly string[] {
    return this.outputList;
  }

  /** Runs one line (`following`: the lines after it, for txn); returns how many of them it read, and records its output. */
  run(line: string, following: readonly string[] = [], out?: ShellOutput): number {
    let text = "";
    const used = this.session.run(line, following, {
      write: (chunk) => {
        text += chunk;
        out?.write(chunk);
      },
      error: (chunk) => {
        text += chunk;
        out?.error(chunk);
      },
    });
    this.outputList.push(text.replace(/\s+$/, ""));
    return used;
  }
}
