/**
 * A model is the sequential specification of an object: the checker asks whether some order of
 * the history's operations, consistent with real time, is a legal run of the model.
 *
 * `step` is the heart: from `state`, does `input` answered with `output` make sense, and in which
 * state does it leave the object? It returns the next state, or `ILLEGAL` (a sentinel rather than
 * a `[ok, state]` pair, so that the search allocates nothing per step). An operation with an
 * unknown outcome has `output === undefined`: the step must then accept it and return the state
 * as if it took effect (whether it took effect at all is the search's business: such an operation
 * may be placed last, after everything that could observe it).
 *
 * States are immutable. `hash` and `equal` let the search cache the states it has visited; equal
 * states must have equal hashes.
 *
 * A model whose operations can lead to several states uses `NondeterministicModel`, whose step
 * returns every possible next state; `determinize` turns it into a `Model` whose state is the set
 * of possible states (as Porcupine does).
 */
import type { Operation } from "../history/history.js";
import type { Budget, SearchResult } from "./search.js";

export const ILLEGAL: unique symbol = Symbol("illegal");
export type Illegal = typeof ILLEGAL;

/** One independent part of a history, checked alone (P-compositionality). */
export interface Partition<Input, Output> {
  /** How the part is named to a person, e.g. `key "a"`; undefined when there is one part. */
  readonly label: string | undefined;
  readonly operations: ReadonlyArray<Operation<Input, Output>>;
}

interface ModelDescription<State, Input, Output> {
  readonly name: string;
  init(): State;
  /** A 32-bit integer; equal states hash equally. */
  hash(state: State): number;
  equal(a: State, b: State): boolean;
  /**
   * Splits the history into parts that can be checked alone: a history is linearizable iff each
   * part is. Absent: one part.
   */
  partition?(operations: ReadonlyArray<Operation<Input, Output>>): ReadonlyArray<Partition<Input, Output>>;
  /** Whether the operation never changes the state (so with no known output it constrains nothing). */
  isReadOnly(input: Input): boolean;
  /** The operation in words, e.g. `read → 3` or `write 3`; `output` undefined if unknown. */
  describeOperation(input: Input, output: Output | undefined): string;
  /** Why `step(state, input, output)` is `ILLEGAL`, in words, e.g. `the register held 3`. */
  explainIllegal(state: State, input: Input, output: Output): string;
}

export interface Model<State, Input, Output> extends ModelDescription<State, Input, Output> {
  step(state: State, input: Input, output: Output | undefined): State | Illegal;
  /**
   * A search specialised to this model, which the checker runs on each partition instead of the
   * generic `searchLinearization`. It must reach the same verdict on every history (and may only
   * give up when the budget runs out); a not-linearizable result must name a linearizable prefix
   * after which `step` refuses the culprit. Absent: the generic search.
   */
  search?(operations: ReadonlyArray<Operation<Input, Output>>, budget: Budget | undefined): SearchResult<State>;
}

export interface NondeterministicModel<State, Input, Output> extends ModelDescription<State, Input, Output> {
  /** Every state the operation may leave; none if it is illegal. */
  step(state: State, input: Input, output: Output | undefined): readonly State[];
}

/** A model of any state type, as the checker's entry points take it. */
export type AnyModel<Input, Output> = Model<unknown, Input, Output>;

/** Groups operations by `keyOf`, in increasing key order (by UTF-16 code units). */
export function partitionByKey<Input, Output>(
  operations: ReadonlyArray<Operation<Input, Output>>,
  keyOf: (input: Input) => string,
): Array<Partition<Input, Output>> {
  const byKey = new Map<string, Array<Operation<Input, Output>>>();
  for (const operation of operations) {
    const key = keyOf(operation.input);
    let group = byKey.get(key);
    if (group === undefined) {
      group = [];
      byKey.set(key, group);
    }
    group.push(operation);
  }
  return [...byKey.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => ({ label: `key ${JSON.stringify(key)}`, operations: byKey.get(key) as Array<Operation<Input, Output>> }));
}

/**
 * The deterministic model over sets of states of `model`: a step maps every possible state
 * through `model.step` and keeps the distinct results; it is illegal when none remains.
 * A set is held as an array sorted by hash, without duplicates.
 */
export function determinize<State, Input, Output>(
  model: NondeterministicModel<State, Input, Output>,
): Model<readonly State[], Input, Output> {
  const { partition } = model;
  return {
    name: model.name,
    init: () => [model.init()],
    step(states, input, output) {
      const next: State[] = [];
      for (const state of states) {
        for (const candidate of model.step(state, input, output)) addState(model, next, candidate);
      }
      return next.length === 0 ? ILLEGAL : next;
    },
    hash(states) {
      let hash = states.length;
      for (const state of states) hash = (Math.imul(hash, 0x01000193) ^ model.hash(state)) | 0;
      return hash;
    },
    equal(a, b) {
      if (a.length !== b.length) return false;
      return a.every((state) => b.some((other) => model.equal(state, other)));
    },
    ...(partition === undefined ? {} : { partition: (operations) => partition.call(model, operations) }),
    isReadOnly: (input) => model.isReadOnly(input),
    describeOperation: (input, output) => model.describeOperation(input, output),
    explainIllegal(states, input, output) {
      const reasons = states.map((state) => model.explainIllegal(state, input, output));
      if (reasons.length === 1) return reasons[0] as string;
      return `in each of the ${reasons.length} possible states it fails: ${reasons.join("; ")}`;
    },
  };
}

function addState<State, Input, Output>(model: NondeterministicModel<State, Input, Output>, states: State[], candidate: State): void {
  const hash = model.hash(candidate);
  let index = 0;
  while (index < states.length && model.hash(states[index] as State) < hash) index++;
  for (let scan = index; scan < states.length && model.hash(states[scan] as State) === hash; scan++) {
    if (model.equal(states[scan] as State, candidate)) return;
  }
  states.splice(index, 0, candidate);
}
