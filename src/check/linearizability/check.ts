/**
 * The linearizability checker: is there an order of the history's operations, consistent with
 * real time (an operation that returned before another was invoked comes first), in which the
 * model accepts every operation with the output the client saw?
 *
 * Before searching, operations that failed (they definitely did not happen) and read-only
 * operations with an unknown outcome (they neither changed nor observed anything) are dropped.
 * The model then splits the history into independent partitions (P-compositionality), and each
 * is searched alone (`search.ts`, or the model's own specialised search when it has one, as the
 * etcd model does: `models/etcd-search.ts`), smallest first, until one is found not linearizable.
 *
 * The search is deterministic. A time budget (a deadline against an injected clock, in
 * milliseconds) turns a search that takes too long into the verdict "unknown", never into a
 * wrong verdict.
 */
import type { History, Operation } from "../history/history.js";
import { registerModel } from "./models/register.js";
import { kvModel } from "./models/kv.js";
import { checkEtcdHistory } from "./etcd-history-check.js";
import { explain, type Explanation } from "./explain.js";
import type { AnyModel, Model, Partition } from "./model.js";
import { searchLinearization, type Budget } from "./search.js";
import { assert, assertNever } from "../../sim/errors.js";

export interface CheckOptions {
  /** Give up after this many milliseconds of `now()` (the verdict is then unknown). */
  readonly timeoutMs?: number;
  /** The clock that measures the budget, in milliseconds; required with `timeoutMs`. */
  readonly now?: () => number;
  /**
   * Run the generic Wing-Gong-Lowe search even when the model has a specialised one (the etcd
   * model does); for checking the specialised search against it.
   */
  readonly genericSearch?: boolean;
}

export type Verdict = "linearizable" | "not-linearizable" | "unknown";

export interface CheckResult {
  readonly verdict: Verdict;
  /** true, false, or null when the budget ran out first. */
  readonly linearizable: boolean | null;
  /** How many operations the history has. */
  readonly operations: number;
  /** How many operations were searched (without failed ones and unknown reads). */
  readonly checkedOperations: number;
  /** How many independent partitions the model split them into. */
  readonly partitions: number;
  /** Why the history is not linearizable; null otherwise. */
  readonly explanation: Explanation | null;
}

/** Checks a history with the model it names. */
export function checkHistory(history: History, options: CheckOptions = {}): CheckResult {
  switch (history.model) {
    case "register":
      return checkOperations(registerModel, history.operations, options);
    case "kv":
      return checkOperations(kvModel, history.operations, options);
    case "etcd":
      return checkEtcdHistory(history, options);
    default:
      return assertNever(history, "history");
  }
}

/** Checks `operations` against `model` (explanations name operations by their `id`). */
export function checkOperations<State, Input, Output>(
  model: Model<State, Input, Output>,
  operations: ReadonlyArray<Operation<Input, Output>>,
  options: CheckOptions = {},
): CheckResult {
  assert(options.timeoutMs === undefined || options.now !== undefined, "a time budget needs a clock");
  const budget: Budget | undefined =
    options.timeoutMs === undefined || options.now === undefined
      ? undefined
      : { now: options.now, deadline: options.now() + options.timeoutMs };
  const relevant = operations.filter(
    (operation) => operation.outcome === "ok" || (operation.outcome === "unknown" && !model.isReadOnly(operation.input)),
  );
  const partitions: ReadonlyArray<Partition<Input, Output>> = model.partition?.(relevant) ?? [{ label: undefined, operations: relevant }];
  const result = { operations: operations.length, checkedOperations: relevant.length, partitions: partitions.length };
  const order = partitions.map((_, index) => index).sort((a, b) => size(partitions, a) - size(partitions, b) || a - b);
  for (const index of order) {
    if (budget !== undefined && budget.now() >= budget.deadline) return { verdict: "unknown", linearizable: null, ...result, explanation: null };
    const partition = partitions[index] as Partition<Input, Output>;
    const outcome =
      model.search === undefined || options.genericSearch === true
        ? searchLinearization(model, partition.operations, budget)
        : model.search(partition.operations, budget);
    if (outcome.kind === "out-of-time") return { verdict: "unknown", linearizable: null, ...result, explanation: null };
    if (outcome.kind === "not-linearizable") {
      const explanation = explain(model as AnyModel<Input, Output>, partition, index, outcome);
      return { verdict: "not-linearizable", linearizable: false, ...result, explanation };
    }
  }
  return { verdict: "linearizable", linearizable: true, ...result, explanation: null };
}

function size<Input, Output>(partitions: ReadonlyArray<Partition<Input, Output>>, index: number): number {
  return (partitions[index] as Partition<Input, Output>).operations.length;
}
