/**
 * Explanations of a non-linearizable history that a learner can follow: the longest linearizable
 * prefix the search found (how many operations, in which order, with their values) and the
 * operation that cannot be placed after it, with the model's reason, e.g.
 *
 *     After write 3 (p2) and read → 3 (p0), no order explains read → 1 by p4 (invoked at line 57):
 *     the register held 3.
 *
 * The culprit is the operation that returns first among those not in the prefix: it must come
 * next (everything else still pending was invoked before it returned, or after), yet the model
 * refuses it.
 */
import { processLabel, type Operation } from "../history/history.js";
import type { AnyModel, Partition } from "./model.js";
import type { SearchResult } from "./search.js";
import { assert } from "../../sim/errors.js";

export interface Explanation {
  /** The index of the partition that is not linearizable (in the model's partition order). */
  readonly partition: number;
  /** Its name, e.g. `key "a"`; null when the model does not partition. */
  readonly partitionLabel: string | null;
  /** The ids of the operations of the longest linearizable prefix, in linearization order. */
  readonly prefix: readonly number[];
  /** The id of the operation that cannot be placed after the prefix. */
  readonly culprit: number;
  /** One sentence. */
  readonly summary: string;
  /** The sentence, then the prefix as a numbered list (the last `PREFIX_LINES_MAX` of it). */
  readonly text: string;
}

/** How many operations of the prefix the text lists, at most. */
export const PREFIX_LINES_MAX = 20;

/** How many of the prefix's last operations the sentence names before "no order explains". */
const SENTENCE_OPERATIONS_MAX = 3;

type NotLinearizable<State> = Extract<SearchResult<State>, { kind: "not-linearizable" }>;

export function explain<Input, Output>(
  model: AnyModel<Input, Output>,
  partition: Partition<Input, Output>,
  partitionIndex: number,
  outcome: NotLinearizable<unknown>,
): Explanation {
  const operationAt = (index: number): Operation<Input, Output> => partition.operations[index] as Operation<Input, Output>;
  const prefix = outcome.prefix.map(operationAt);
  const culprit = operationAt(outcome.culprit);
  assert(culprit.output !== undefined, "the culprit of a non-linearizable history has a known output");
  const describe = (operation: Operation<Input, Output>): string => model.describeOperation(operation.input, operation.output);
  const short = (operation: Operation<Input, Output>): string => `${describe(operation)} (${processLabel(operation.process)})`;

  const named = prefix.slice(-SENTENCE_OPERATIONS_MAX).map(short);
  let opening: string;
  if (prefix.length === 0) opening = "At the start";
  else if (prefix.length <= SENTENCE_OPERATIONS_MAX) opening = `After ${joinWords(named)}`;
  else opening = `After ${prefix.length} operations ending in ${joinWords(named)}`;
  const where = partition.label === undefined ? "" : `On ${partition.label}: `;
  const reason = model.explainIllegal(outcome.state, culprit.input, culprit.output);
  const sentence = `${opening}, no order explains ${describe(culprit)} by ${processLabel(culprit.process)} (invoked at line ${culprit.line}): ${reason}.`;
  const summary = where === "" ? sentence : `${where}${sentence[0]?.toLowerCase() ?? ""}${sentence.slice(1)}`;

  const lines = [summary];
  if (prefix.length > 0) {
    const shown = prefix.slice(-PREFIX_LINES_MAX);
    const first = prefix.length - shown.length;
    lines.push(
      first === 0
        ? `The longest linearizable prefix found has ${prefix.length} operation${prefix.length === 1 ? "" : "s"}, in this order:`
        : `The longest linearizable prefix found has ${prefix.length} operations; the last ${shown.length}, in order:`,
    );
    shown.forEach((operation, index) => {
      lines.push(`  ${first + index + 1}. ${describe(operation)} by ${processLabel(operation.process)} (line ${operation.line})`);
    });
  }
  return {
    partition: partitionIndex,
    partitionLabel: partition.label ?? null,
    prefix: prefix.map((operation) => operation.id),
    culprit: culprit.id,
    summary,
    text: `${lines.join("\n")}\n`,
  };
}

/** "a", "a and b", "a, b and c". */
function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1] ?? ""}`;
}
