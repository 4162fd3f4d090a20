/**
 * etcdlab's own history format: JSON Lines, one header line and then one line per operation,
 * written when the operation completes (so lines are in order of completion, not invocation).
 *
 *     {"format":"etcdlab-history","version":1,"model":"etcd"}
 *     {"process":"client-1","invoke":1000,"return":2350,"outcome":"ok","input":{"type":"put","key":"a","value":"1"},"output":{"type":"put","revision":2}}
 *     {"process":"client-2","invoke":1200,"return":1900,"outcome":"fail","input":{"type":"range","key":"a"},"error":"etcdserver: mvcc: required revision has been compacted"}
 *     {"process":"client-3","invoke":1500,"outcome":"unknown","input":{"type":"put","key":"a","value":"2"},"error":"etcdserver: request timed out"}
 *
 * Fields of an operation line:
 * - `process`: the client (a string, or a non-negative integer);
 * - `invoke`: when the client sent the request (virtual microseconds, an integer >= 0);
 * - `return`: when the client got the answer (>= `invoke`); required for `ok` and `fail`, absent
 *   for `unknown`;
 * - `outcome`: `"ok"` (took effect, `output` is the answer), `"fail"` (definitely took no effect,
 *   e.g. a request refused before it was proposed), or `"unknown"` (a timeout, a lost connection, a
 *   run that ended first: the request may take effect at any time after `invoke`, or never);
 * - `input`, `output`: the model's shapes (see `operations.ts`); `output` exactly when `ok`;
 * - `error`: optional, a string, only for `fail` and `unknown`.
 *
 * An etcd history may also hold restore lines, `{"restore":{"time":T,"revision":R,"kvs":[...]}}`
 * (an `EtcdEpoch`: from T on, a new cluster restored from a snapshot, its store at revision R with
 * those keys), written after the operations invoked before T.
 *
 * Operations that never complete are written as `unknown` when the run ends. Blank lines are
 * ignored. `formatHistoryHeader` and `formatOperationLine` let a writer stream the file.
 */
import type { History, Operation, OperationOf, Outcome } from "./history.js";
import { etcdEpoch, jsonInteger, jsonObject, jsonShapes, jsonString } from "./json-shapes.js";
import { atLine, inputErrorAt, LineError } from "./line-error.js";
import { type EtcdEpoch, MODEL_NAMES, type ModelName } from "./operations.js";
import { InputError } from "../../sim/errors.js";

export const HISTORY_FORMAT_NAME = "etcdlab-history";
export const HISTORY_FORMAT_VERSION = 1;

/** Whether `line` is the header of an etcdlab history (used to detect the format). */
export function isHistoryHeader(line: string): boolean {
  return /^\s*\{\s*"format"\s*:\s*"etcdlab-history"/.test(line);
}

/** The header line, with its newline. */
export function formatHistoryHeader(model: ModelName): string {
  return `${JSON.stringify({ format: HISTORY_FORMAT_NAME, version: HISTORY_FORMAT_VERSION, model })}\n`;
}

/** What a writer knows of an operation; `returnTime` is ignored when the outcome is unknown. */
export type OperationRecord<Input, Output> = Pick<
  Operation<Input, Output>,
  "process" | "invokeTime" | "returnTime" | "outcome" | "input" | "output" | "error"
>;

/** One operation line, with its newline. */
export function formatOperationLine<Input, Output>(operation: OperationRecord<Input, Output>): string {
  const line: Record<string, unknown> = { process: operation.process, invoke: operation.invokeTime };
  if (operation.outcome !== "unknown") line.return = operation.returnTime;
  line.outcome = operation.outcome;
  line.input = operation.input;
  if (operation.outcome === "ok") line.output = operation.output;
  if (operation.outcome !== "ok" && operation.error !== undefined) line.error = operation.error;
  return `${JSON.stringify(line)}\n`;
}

/** The whole history in this format (operations in order of invocation). */
export function formatHistoryJsonl(history: History): string {
  let text = formatHistoryHeader(history.model);
  const epochs = history.model === "etcd" ? (history.epochs ?? []) : [];
  let next = 0;
  for (const operation of history.operations as ReadonlyArray<Operation>) {
    for (; next < epochs.length && (epochs[next] as EtcdEpoch).time <= operation.invokeTime; next++) text += `${JSON.stringify({ restore: epochs[next] })}\n`;
    text += formatOperationLine(operation);
  }
  for (; next < epochs.length; next++) text += `${JSON.stringify({ restore: epochs[next] })}\n`;
  return text;
}

/** Reads an etcdlab history; `model`, when given, must be the one the header names. */
export function parseHistoryJsonl(text: string, source: string, model?: ModelName): History {
  const lines = text.split("\n");
  let index = lines.findIndex((line) => line.trim() !== "");
  if (index < 0) throw new InputError(`${source}: empty history file: expected the header line ${formatHistoryHeader("etcd").trim()}`);
  const headerModel = atLine(source, index + 1, () => readHeader(lines[index] as string));
  if (model !== undefined && model !== headerModel) {
    throw inputErrorAt(source, index + 1, `the header names the model '${headerModel}' but --model is '${model}'`);
  }
  const records: Array<Omit<Operation, "id">> = [];
  const epochs: EtcdEpoch[] = [];
  for (index++; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === "") continue;
    if (headerModel === "etcd" && /^\s*\{\s*"restore"\s*:/.test(line)) {
      epochs.push(atLine(source, index + 1, () => etcdEpoch(jsonObject(parseJson(line), "line", ["restore"]).restore, "restore")));
      continue;
    }
    records.push(atLine(source, index + 1, () => readOperation(line, headerModel, index + 1)));
  }
  records.sort((a, b) => a.invokeTime - b.invokeTime || a.line - b.line);
  const operations = records.map((record, id) => ({ id, ...record }));
  if (epochs.length > 0) return { model: headerModel, operations, source, epochs: epochs.sort((a, b) => a.time - b.time) } as History;
  return { model: headerModel, operations, source } as History;
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch (error) {
    throw new LineError(`not valid JSON (${(error as Error).message})`);
  }
}

function readHeader(line: string): ModelName {
  const header = jsonObject(parseJson(line), "header", ["format", "version", "model"]);
  if (header.format !== HISTORY_FORMAT_NAME) {
    throw new LineError(`header.format: expected "${HISTORY_FORMAT_NAME}", got ${JSON.stringify(header.format)}`);
  }
  if (header.version !== HISTORY_FORMAT_VERSION) {
    throw new LineError(`header.version: this etcdlab reads version ${HISTORY_FORMAT_VERSION}, got ${JSON.stringify(header.version)}`);
  }
  if (typeof header.model !== "string" || !(MODEL_NAMES as readonly string[]).includes(header.model)) {
    throw new LineError(`header.model: expected ${MODEL_NAMES.map((m) => `"${m}"`).join(", ")}, got ${JSON.stringify(header.model)}`);
  }
  return header.model as ModelName;
}

const OUTCOMES: readonly Outcome[] = ["ok", "fail", "unknown"];

function readOperation(line: string, model: ModelName, lineNumber: number): Omit<OperationOf<ModelName>, "id"> {
  const object = jsonObject(parseJson(line), "operation", ["process", "invoke", "outcome", "input"], ["return", "output", "error"]);
  const process = object.process;
  if (!(typeof process === "string" && process !== "") && !(typeof process === "number" && Number.isSafeInteger(process) && process >= 0)) {
    throw new LineError(`process: expected a client name or a number >= 0, got ${JSON.stringify(process)}`);
  }
  const invokeTime = jsonInteger(object.invoke, "invoke");
  const outcome = object.outcome;
  if (typeof outcome !== "string" || !(OUTCOMES as readonly string[]).includes(outcome)) {
    throw new LineError(`outcome: expected "ok", "fail" or "unknown", got ${JSON.stringify(outcome)}`);
  }
  let returnTime = Infinity;
  if (outcome === "unknown") {
    if (object.return !== undefined) throw new LineError(`return: an operation with an unknown outcome has no return time`);
  } else {
    if (object.return === undefined) throw new LineError(`missing the field 'return' (required when the outcome is "${outcome}")`);
    returnTime = jsonInteger(object.return, "return");
    if (returnTime < invokeTime) throw new LineError(`return: ${returnTime} is before invoke ${invokeTime}`);
  }
  const shapes = jsonShapes(model);
  const input = shapes.input(object.input, "input");
  let output;
  if (outcome === "ok") {
    if (object.output === undefined) throw new LineError(`missing the field 'output' (required when the outcome is "ok")`);
    output = shapes.output(object.output, "output", input as never);
  } else if (object.output !== undefined) {
    throw new LineError(`output: only an operation with outcome "ok" has an output`);
  }
  let error: string | undefined;
  if (object.error !== undefined) {
    if (outcome === "ok") throw new LineError(`error: an operation with outcome "ok" has no error`);
    error = jsonString(object.error, "error");
  }
  return {
    process,
    invokeTime,
    returnTime,
    input,
    output,
    outcome: outcome as Outcome,
    error,
    line: lineNumber,
    returnLine: outcome === "unknown" ? undefined : lineNumber,
  };
}
