/**
 * The common representation of a client history, whatever file it came from.
 *
 * A history is a list of operations. Each operation was invoked by one process (a Jepsen process
 * number or a simulated client's name) at `invokeTime` and, if it completed, returned at
 * `returnTime`. Times are only compared with each other: line numbers for Jepsen files, virtual
 * microseconds for etcdlab's own histories.
 *
 * The outcome decides what the checker may assume:
 * - `ok`: the operation took effect exactly once, between invocation and return, and `output` is
 *   what the client was told.
 * - `fail`: the operation definitely did not take effect (Jepsen's `:fail`); the checker drops it.
 * - `unknown`: a timeout, Jepsen's `:info`, or no completion at all. The operation may or may not
 *   have taken effect, possibly after the client gave up, so `returnTime` is `Infinity` and
 *   `output` is `undefined`.
 */
import type { EtcdEpoch, ModelName, ModelShapes } from "./operations.js";

export type Outcome = "ok" | "fail" | "unknown";

/** A Jepsen process number or a client's name. */
export type ProcessId = number | string;

export interface Operation<Input = unknown, Output = unknown> {
  /** The position in `History.operations` (operations are in order of invocation). */
  readonly id: number;
  readonly process: ProcessId;
  readonly invokeTime: number;
  /** `Infinity` unless the outcome is `ok` or `fail`. Never before `invokeTime`. */
  readonly returnTime: number;
  readonly input: Input;
  /** Present exactly when the outcome is `ok`. */
  readonly output: Output | undefined;
  readonly outcome: Outcome;
  /** Why the operation failed or has no known outcome, when the source says (e.g. `timed-out`). */
  readonly error: string | undefined;
  /** The source line that invoked the operation (1-based). */
  readonly line: number;
  /** The source line that completed it, if any (for `unknown`: where the client gave up). */
  readonly returnLine: number | undefined;
}

export type OperationOf<M extends ModelName> = Operation<ModelShapes[M]["input"], ModelShapes[M]["output"]>;

/** The file formats a history can be read from. */
export type HistoryFormat = "jepsen-log" | "edn" | "jsonl";

interface HistoryBase<M extends ModelName> {
  readonly model: M;
  readonly operations: readonly OperationOf<M>[];
  /** Where the history came from (a file name), for messages. */
  readonly source: string;
}

export type RegisterHistory = HistoryBase<"register">;
export type KvHistory = HistoryBase<"kv">;
export interface EtcdHistory extends HistoryBase<"etcd"> {
  /** The restores, in time order: each starts a new epoch (see `EtcdEpoch`). Absent: none. */
  readonly epochs?: readonly EtcdEpoch[];
}

export type History = RegisterHistory | KvHistory | EtcdHistory;

/** How an operation's process is shown to a person: `p3` for Jepsen's process 3, else the name. */
export function processLabel(process: ProcessId): string {
  return typeof process === "number" ? `p${process}` : process;
}
