/**
 * How an etcd history is checked: with the etcd model, keeping the store's past when some request
 * reads it (a historical read), and one epoch at a time when the history has restores.
 *
 * A restore starts a new cluster (`EtcdEpoch`): the old cluster's writes that the snapshot did not
 * hold are gone, deliberately, so the history is not one linearizable object but one per epoch. The
 * operations of an epoch are those invoked from its start (the restore) until the next one; the
 * first epoch starts from the empty store at revision 1, each later one from the restored keys and
 * revision. An operation still in flight when an epoch ends may have been served by either cluster:
 * it counts in both, with an unknown outcome (it may have taken effect, or not).
 */
import type { EtcdHistory, OperationOf } from "../history/index.js";
import type { EtcdEpoch } from "../history/operations.js";
import { checkOperations, type CheckOptions, type CheckResult } from "./check.js";
import { etcdModel, etcdModelFrom, INITIAL_ETCD_STATE, isHistoricalRead, keepingPast, keyState, type EtcdKeyState, type EtcdState } from "./models/etcd.js";

type EtcdOperation = OperationOf<"etcd">;

export function checkEtcdHistory(history: EtcdHistory, options: CheckOptions): CheckResult {
  const operations = history.operations;
  const historical = operations.some((operation) => isHistoricalRead(operation.input));
  const epochs = history.epochs ?? [];
  if (epochs.length === 0) return checkOperations(historical ? etcdModelFrom(keepingPast(INITIAL_ETCD_STATE)) : etcdModel, operations, options);
  let checkedOperations = 0;
  let partitions = 0;
  for (let epoch = 0; epoch <= epochs.length; epoch++) {
    const start = epoch === 0 ? -Infinity : (epochs[epoch - 1] as EtcdEpoch).time;
    const end = epoch === epochs.length ? Infinity : (epochs[epoch] as EtcdEpoch).time;
    const initial = epoch === 0 ? INITIAL_ETCD_STATE : restoredState(epochs[epoch - 1] as EtcdEpoch);
    const label = epoch === 0 ? "the cluster before the first restore" : `the cluster restored at revision ${initial.revision} (time ${start})`;
    const model = etcdModelFrom(historical ? keepingPast(initial) : initial, label);
    const result = checkOperations(model, operationsOfEpoch(operations, start, end), options);
    checkedOperations += result.checkedOperations;
    partitions += result.partitions;
    if (result.verdict !== "linearizable") return { ...result, operations: operations.length, checkedOperations, partitions };
  }
  return { verdict: "linearizable", linearizable: true, operations: operations.length, checkedOperations, partitions, explanation: null };
}

/** The operations invoked in [start, end), and those in flight at `start`; any still in flight at `end` has an unknown outcome. */
function operationsOfEpoch(operations: readonly EtcdOperation[], start: number, end: number): EtcdOperation[] {
  const chosen: EtcdOperation[] = [];
  for (const operation of operations) {
    if (operation.invokeTime >= end) continue;
    if (operation.invokeTime >= start) {
      chosen.push(operation.returnTime > end && operation.outcome !== "fail" ? unknown(operation) : operation);
    } else if (operation.returnTime > start && operation.outcome !== "fail") {
      chosen.push(unknown(operation));
    }
  }
  return chosen;
}

function unknown(operation: EtcdOperation): EtcdOperation {
  if (operation.outcome === "unknown") return operation;
  return { ...operation, outcome: "unknown", output: undefined, returnTime: Infinity, error: "in flight when the cluster was restored" };
}

/** The model's state for a restored store. */
export function restoredState(epoch: EtcdEpoch): EtcdState {
  const keys = new Map<string, EtcdKeyState>();
  let keysHash = 0;
  for (const kv of epoch.kvs) {
    const record = keyState(kv.key, kv.value, kv.modRevision, kv.createRevision ?? kv.modRevision, kv.version ?? 1);
    keys.set(kv.key, record);
    keysHash ^= record.hash;
  }
  return { revision: epoch.revision, keys, keysHash };
}
