/**
 * Reads a history from text in any supported format, inferring the format from the first
 * non-blank line and the model from the content when they are not given:
 *
 * - a Jepsen log (`INFO  jepsen.util - 3 :invoke :read nil`): always the register model;
 * - Jepsen EDN maps (`{:process 0, :type :invoke, ...}`): register or kv, from the first `:f`;
 * - etcdlab JSON Lines (`{"format":"etcdlab-history",...}`): the model its header names.
 *
 * An empty text is an empty history (of the given model, else of the register model). Every
 * problem is an `InputError` naming the file and the line.
 */
import { parseEdnHistory } from "./edn-history.js";
import type { History, HistoryFormat } from "./history.js";
import { isJepsenLogLine, parseJepsenLog } from "./jepsen-log.js";
import { isHistoryHeader, parseHistoryJsonl } from "./jsonl.js";
import { inputErrorAt } from "./line-error.js";
import type { ModelName } from "./operations.js";
import { assertNever, InputError } from "../../sim/errors.js";

export interface ParseOptions {
  /** The file name, used in messages. */
  readonly source: string;
  readonly format?: HistoryFormat;
  readonly model?: ModelName;
}

/** The format of `text` judged by its first non-blank line, or undefined if the text is blank. */
export function detectFormat(text: string, source: string): HistoryFormat | undefined {
  const lines = text.split("\n");
  const index = lines.findIndex((line) => line.trim() !== "");
  if (index < 0) return undefined;
  const line = lines[index] as string;
  if (isHistoryHeader(line)) return "jsonl";
  if (/^\s*\{\s*:/.test(line)) return "edn";
  if (isJepsenLogLine(line)) return "jepsen-log";
  throw inputErrorAt(
    source,
    index + 1,
    `cannot tell the history format: expected a Jepsen log line ('INFO jepsen.util - ...'), an EDN map ('{:process ...}') or an etcdlab history header ('{"format":"etcdlab-history",...}')`,
  );
}

export function parseHistory(text: string, options: ParseOptions): History {
  const { source, model } = options;
  const format = options.format ?? detectFormat(text, source);
  if (format === undefined) {
    switch (model ?? "register") {
      case "register":
        return { model: "register", operations: [], source };
      case "kv":
        return { model: "kv", operations: [], source };
      case "etcd":
        return { model: "etcd", operations: [], source };
    }
  }
  switch (format) {
    case "jepsen-log":
      if (model !== undefined && model !== "register") {
        throw new InputError(`${source}: a Jepsen log holds register operations; it cannot be checked with the ${model} model`);
      }
      return parseJepsenLog(text, source);
    case "edn":
      if (model === "etcd") throw new InputError(`${source}: Jepsen EDN histories hold register or kv operations, not etcd requests`);
      return parseEdnHistory(text, source, model);
    case "jsonl":
      return parseHistoryJsonl(text, source, model);
    default:
      return assertNever(format, "history format");
  }
}
