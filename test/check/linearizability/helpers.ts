/** Small builders of hand-made histories for the checker's tests. */
import type { Operation, Outcome, ProcessId } from "../../../src/check/history/history.js";

/**
 * A Jepsen log from compact lines "PROCESS TYPE F VALUE", e.g. "0 invoke write 3":
 * "INFO  jepsen.util - 0\t:invoke\t:write\t3".
 */
export function jepsenLog(lines: readonly string[]): string {
  return lines
    .map((line) => {
      const [process, type, f, ...value] = line.split(" ");
      return `INFO  jepsen.util - ${process}\t:${type}\t:${f}\t${value.join(" ")}\n`;
    })
    .join("");
}

export interface OperationSpec<Input, Output> {
  readonly process: ProcessId;
  readonly invoke: number;
  /** Omitted for an unknown outcome. */
  readonly return?: number;
  readonly input: Input;
  readonly output?: Output;
  readonly outcome?: Outcome;
}

/** Operations with ids in order and line numbers = ids + 1 (times are taken as given). */
export function operations<Input, Output>(specs: ReadonlyArray<OperationSpec<Input, Output>>): Array<Operation<Input, Output>> {
  return specs.map((spec, id) => {
    const outcome = spec.outcome ?? (spec.return === undefined ? "unknown" : "ok");
    return {
      id,
      process: spec.process,
      invokeTime: spec.invoke,
      returnTime: outcome === "unknown" ? Infinity : (spec.return ?? Infinity),
      input: spec.input,
      output: outcome === "ok" ? spec.output : undefined,
      outcome,
      error: undefined,
      line: id + 1,
      returnLine: outcome === "unknown" ? undefined : id + 1,
    };
  });
}
