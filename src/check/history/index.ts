/**
 * Client histories: the common representation (`History`, `Operation`), the operation shapes of
 * each model (`operations.ts`: what the simulator records), readers for Jepsen logs, Jepsen EDN
 * and etcdlab JSON Lines (`parseHistory` infers the format and model), and writers for JSON Lines
 * (streaming: `formatHistoryHeader`, then `formatOperationLine` per completed operation) and
 * Jepsen EDN (`historyToEdn`).
 */
export type { History, HistoryFormat, KvHistory, EtcdHistory, Operation, OperationOf, Outcome, ProcessId, RegisterHistory } from "./history.js";
export { processLabel } from "./history.js";
export type * from "./operations.js";
export { MODEL_NAMES } from "./operations.js";
export { detectFormat, parseHistory, type ParseOptions } from "./parse.js";
export { parseJepsenLog } from "./jepsen-log.js";
export { historyToEdn, parseEdnHistory } from "./edn-history.js";
export {
  formatHistoryHeader,
  formatHistoryJsonl,
  formatOperationLine,
  HISTORY_FORMAT_NAME,
  HISTORY_FORMAT_VERSION,
  parseHistoryJsonl,
  type OperationRecord,
} from "./jsonl.js";
