/**
 * Jepsen's event model, shared by the log and EDN readers: a process invokes an operation
 * (`:invoke`) and later completes it with `:ok`, `:fail` or `:info`; a process has at most one
 * operation in flight. `JepsenPairing` pairs the events into `Operation`s, and the codecs turn
 * Jepsen's `:f` and `:value` into the register and kv shapes.
 *
 * Outcomes: `:ok` took effect; `:fail` did not (and is dropped by the checker), except a `:fail`
 * whose value is `:timed-out` (Jepsen's etcd client reports timed-out reads so), which like
 * `:info` and an invocation that never completes is an unknown outcome.
 */
import { describeEdn, EdnKeyword, ednEqual, type EdnValue } from "./edn.js";
import type { Operation, Outcome, ProcessId } from "./history.js";
import { LineError } from "./line-error.js";
import type { KvInput, KvOutput, RegisterInput, RegisterOutput, RegisterValue } from "./operations.js";

export type JepsenType = "invoke" | "ok" | "fail" | "info";

export const JEPSEN_TYPES: readonly JepsenType[] = ["invoke", "ok", "fail", "info"];

export interface JepsenEvent {
  readonly process: ProcessId;
  readonly type: JepsenType;
  readonly f: string;
  /** The `:key` of a kv event; undefined for a register event. */
  readonly key: string | undefined;
  readonly value: EdnValue;
  /** An explicit `:error` (EDN only). */
  readonly error: string | undefined;
}

/** Translates Jepsen's `:f`/`:value` (and `:key`) into one model's inputs and outputs. */
export interface JepsenCodec<Input, Output> {
  readonly functions: readonly string[];
  input(event: JepsenEvent): Input;
  /** The output of an `:ok` completion of `input`. */
  output(event: JepsenEvent, input: Input): Output;
}

interface Pending<Input> {
  readonly id: number;
  readonly event: JepsenEvent;
  readonly input: Input;
  readonly line: number;
}

export class JepsenPairing<Input, Output> {
  private readonly pending = new Map<ProcessId, Pending<Input>>();
  private readonly operations: Array<Operation<Input, Output> | Pending<Input>> = [];

  constructor(private readonly codec: JepsenCodec<Input, Output>) {}

  /** Adds the event read at `line`; throws `LineError` if it does not fit. */
  add(event: JepsenEvent, line: number): void {
    if (!this.codec.functions.includes(event.f)) {
      throw new LineError(`expected ${this.codec.functions.map((f) => `':${f}'`).join(", ")} as the operation, got ':${event.f}'`);
    }
    const pending = this.pending.get(event.process);
    if (event.type === "invoke") {
      if (pending !== undefined) {
        throw new LineError(
          `process ${String(event.process)} invokes ':${event.f}' while its ':${pending.event.f}' from line ${pending.line} has not completed`,
        );
      }
      const invoked: Pending<Input> = { id: this.operations.length, event, input: this.codec.input(event), line };
      this.operations.push(invoked);
      this.pending.set(event.process, invoked);
      return;
    }
    if (pending === undefined) {
      throw new LineError(`process ${String(event.process)} completes ':${event.f}' but has no operation in flight`);
    }
    if (pending.event.f !== event.f) {
      throw new LineError(`process ${String(event.process)} completes ':${event.f}' but invoked ':${pending.event.f}' at line ${pending.line}`);
    }
    if (pending.event.key !== event.key) {
      throw new LineError(`the completion is for key "${event.key ?? ""}" but line ${pending.line} invoked key "${pending.event.key ?? ""}"`);
    }
    this.pending.delete(event.process);
    this.operations[pending.id] = this.complete(pending, event, line);
  }

  /** The operations, in order of invocation; those still in flight have an unknown outcome. */
  finish(): Operation<Input, Output>[] {
    return this.operations.map((item) => ("event" in item ? operation<Input, Output>(item, Infinity, undefined, "unknown", undefined, undefined) : item));
  }

  private complete(pending: Pending<Input>, event: JepsenEvent, line: number): Operation<Input, Output> {
    if (event.type === "ok") return operation(pending, line, this.codec.output(event, pending.input), "ok", undefined, line);
    let error = event.error;
    if (event.value instanceof EdnKeyword) {
      error ??= event.value.name;
    } else if (!ednEqual(event.value, pending.event.value)) {
      throw new LineError(
        `a ':${event.type}' carries the invoked value or a keyword reason, got ${describeEdn(event.value)} (line ${pending.line} invoked ${describeEdn(pending.event.value)})`,
      );
    }
    if (event.type === "fail" && error !== "timed-out") return operation<Input, Output>(pending, line, undefined, "fail", error, line);
    return operation<Input, Output>(pending, Infinity, undefined, "unknown", error, line);
  }
}

function operation<Input, Output>(
  pending: Pending<Input>,
  returnTime: number,
  output: Output | undefined,
  outcome: Outcome,
  error: string | undefined,
  returnLine: number | undefined,
): Operation<Input, Output> {
  return {
    id: pending.id,
    process: pending.event.process,
    invokeTime: pending.line,
    returnTime,
    input: pending.input,
    output,
    outcome,
    error,
    line: pending.line,
    returnLine,
  };
}

function registerValue(value: EdnValue, what: string): RegisterValue {
  if (value === null || typeof value === "string" || typeof value === "number") return value;
  throw new LineError(`expected ${what} to be an integer, a string or nil, got ${describeEdn(value)}`);
}

function casArguments(value: EdnValue): readonly [RegisterValue, RegisterValue] {
  if (!Array.isArray(value) || value.length !== 2) {
    throw new LineError(`expected ':cas' to carry [from to], got ${describeEdn(value as EdnValue)}`);
  }
  const pair = value as readonly EdnValue[];
  return [registerValue(pair[0] as EdnValue, "the cas 'from'"), registerValue(pair[1] as EdnValue, "the cas 'to'")];
}

function sameAsInvoked(event: JepsenEvent, invoked: EdnValue): void {
  if (!ednEqual(event.value, invoked)) {
    throw new LineError(`the ':ok' carries ${describeEdn(event.value)} but the invocation carried ${describeEdn(invoked)}`);
  }
}

export const REGISTER_CODEC: JepsenCodec<RegisterInput, RegisterOutput> = {
  functions: ["read", "write", "cas"],
  input(event) {
    switch (event.f) {
      case "read":
        if (event.value !== null) throw new LineError(`expected ':read' to be invoked with nil, got ${describeEdn(event.value)}`);
        return { type: "read" };
      case "write":
        return { type: "write", value: registerValue(event.value, "the written value") };
      default: {
        const [from, to] = casArguments(event.value);
        return { type: "cas", from, to };
      }
    }
  },
  output(event, input) {
    switch (input.type) {
      case "read":
        return { type: "read", value: registerValue(event.value, "the value read") };
      case "write":
        sameAsInvoked(event, input.value);
        return { type: "write" };
      case "cas":
        sameAsInvoked(event, [input.from, input.to]);
        return { type: "cas", succeeded: true };
    }
  },
};

function kvString(value: EdnValue, what: string): string {
  if (typeof value === "string") return value;
  throw new LineError(`expected ${what} to be a string, got ${describeEdn(value)}`);
}

export const KV_CODEC: JepsenCodec<KvInput, KvOutput> = {
  functions: ["get", "put", "append"],
  input(event) {
    const key = event.key;
    if (key === undefined) throw new LineError(`expected ':${event.f}' to have a string ':key'`);
    switch (event.f) {
      case "get":
        if (event.value !== null) throw new LineError(`expected ':get' to be invoked with nil, got ${describeEdn(event.value)}`);
        return { type: "get", key };
      case "put":
        return { type: "put", key, value: kvString(event.value, "the put value") };
      default:
        return { type: "append", key, value: kvString(event.value, "the appended value") };
    }
  },
  output(event, input) {
    switch (input.type) {
      case "get":
        // A missing key reads as nil in Jepsen and as "" in the kv model.
        return { type: "get", value: event.value === null ? "" : kvString(event.value, "the value read") };
      case "put":
      case "append":
        sameAsInvoked(event, input.value);
        return { type: input.type };
    }
  },
};
