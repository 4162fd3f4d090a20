/**
 * The vocabulary of scenario files: step kinds, expectation kinds and cluster kinds.
 *
 * Each kind declares a zod schema for its value and what it does, so a new layer (Raft, etcdctl,
 * kubectl) adds words to the language without touching the loader. The loader refuses unknown words
 * with the nearest known one as a hint.
 */
import type { z } from "zod";
import type { History } from "../check/history/index.js";
import type { Verdict } from "../check/linearizability/index.js";
import type { Micros } from "../sim/time.js";
import type { TypedEvent } from "../sim/trace.js";
import type { World } from "../sim/world.js";

/** A safety or liveness violation found by a checker: it fails the run. */
export interface Violation {
  readonly kind: string;
  readonly detail: string;
  readonly timeUs: Micros;
}

export interface ExpectationResult {
  readonly passed: boolean;
  /** What was expected and, on failure, what was seen instead. */
  readonly detail: string;
}

/** A running cluster of some kind (ping-pong actors, etcd members), as steps and expectations see it. */
export interface Lab {
  readonly world: World;
  readonly members: readonly string[];
  /** Violations found so far by the lab's checkers. */
  violations(): readonly Violation[];
  /**
   * Called once after the last step: final checks (liveness, histories). A lab with clients returns
   * their history, checked for linearizability when the options ask for it.
   */
  finish(options: FinishOptions): LabHistory | undefined;
}

/** What the runner asks of a lab's final checks. */
export interface FinishOptions {
  /**
   * Check the client history for linearizability, giving up after `timeoutMs` milliseconds of the
   * clock `now` (the verdict is then unknown). Without it the history is not checked.
   */
  readonly historyCheck?: { readonly timeoutMs: number; readonly now: () => number };
}

/** A lab's client history, and the linearizability verdict on it (null when it was not checked). */
export interface LabHistory {
  readonly history: History;
  readonly verdict: Verdict | null;
}

export interface ScenarioRun {
  readonly world: World;
  readonly lab: Lab;
  readonly seed: number;
  /** Where the step being run stands in its file, for messages. */
  readonly where: string;
  emit(event: TypedEvent): void;
}

export interface StepKind<T = unknown> {
  readonly name: string;
  /** One line for the scenario format reference. */
  readonly summary: string;
  readonly example: string;
  /** Optional: more explanation and longer examples, in Markdown, for the reference. */
  readonly details?: string;
  /** Which cluster kinds understand this step (undefined: all). */
  readonly clusters?: readonly string[];
  readonly schema: z.ZodType<T>;
  /** Does the step; a step that checks what it did (a shell line's output) returns its checks. */
  execute(run: ScenarioRun, value: T): void | readonly StepCheck[];
}

/** A check a step made of its own result, recorded as an expectation of kind `kind` at the step. */
export interface StepCheck extends ExpectationResult {
  readonly kind: string;
}

export interface ExpectationKind<T = unknown> {
  readonly name: string;
  readonly summary: string;
  readonly example: string;
  readonly clusters?: readonly string[];
  readonly schema: z.ZodType<T>;
  evaluate(run: ScenarioRun, value: T): ExpectationResult;
}

export interface ClusterOptionsKind<T = unknown> {
  readonly name: string;
  readonly summary: string;
  /** The `cluster:` section's schema for this kind (without `kind`). */
  readonly schema: z.ZodType<T>;
  create(world: World, options: T, bugs: readonly string[]): Lab;
  /** Bug (mutant) names this kind understands. */
  readonly bugs: readonly string[];
}

const steps = new Map<string, StepKind>();
const expectations = new Map<string, ExpectationKind>();
const clusters = new Map<string, ClusterOptionsKind>();

export function defineStep<T>(kind: StepKind<T>): void {
  steps.set(kind.name, kind as StepKind);
}

export function defineExpectation<T>(kind: ExpectationKind<T>): void {
  expectations.set(kind.name, kind as ExpectationKind);
}

export function defineCluster<T>(kind: ClusterOptionsKind<T>): void {
  clusters.set(kind.name, kind as ClusterOptionsKind);
}

export function stepKinds(): ReadonlyMap<string, StepKind> {
  return steps;
}

export function expectationKinds(): ReadonlyMap<string, ExpectationKind> {
  return expectations;
}

export function clusterKinds(): ReadonlyMap<string, ClusterOptionsKind> {
  return clusters;
}
