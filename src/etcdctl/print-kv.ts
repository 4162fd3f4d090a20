/**
 * Printers of the key-value commands, per output format (etcdctl v3.5 `printer_simple.go`,
 * `printer_json.go` through `printerRPC`, `printer_fields.go`; `table` has no KV printer and refuses):
 *
 * - put: `OK` then the previous pair with --prev-kv; json `{"header":...,"prev_kv":...}`.
 * - get: each pair as two lines (key, value; only the value with --print-value-only);
 *   json `{"header":...,"kvs":[...],"more":...,"count":...}`; fields per pair and `"More"`/`"Count"`.
 *   `--count-only` needs `-w fields`, `--print-value-only` needs `-w simple` (`get_command.go`).
 * - del: the number deleted, then the previous pairs with --prev-kv.
 * - txn: `SUCCESS`/`FAILURE`, then each response after an empty line; json responses as
 *   `{"Response":{"response_put":{...}}}` (inner headers carry only their revision).
 * - compaction: `compacted revision <rev>` in every format.
 * - watch: per response, the events (type, previous pair, pair); a canceled watch prints
 *   "watch was canceled (<reason>)" and ends with "Error: watch is canceled by the server" (exit 5).
 */
import type { DeleteRangeResponse, Event, PutResponse, RangeResponse, ResponseOp, TxnResponse, WatchResponse } from "../mvcc/types.js";
import { field, type GoJson, type GoObject, goObject, omitEmpty } from "./go-json.js";
import {
  headerFields,
  headerJson,
  keyValueJson,
  type Output,
  type PrintContext,
  printFieldsHeader,
  printFieldsKeyValue,
  printSimpleKeyValue,
  unsupportedFormat,
} from "./print-common.js";
import { type ClusterHeader, exitCodes, type GlobalOptions } from "./types.js";

/** Inner responses of a txn have headers with only their revision. */
const innerCluster: ClusterHeader = { clusterId: 0n, memberId: 0n, raftTerm: 0 };

function nestedTxn(): never {
  throw new Error("assertion failed: etcdctl never sends nested txns, so it never prints their responses");
}

function putJson(cluster: ClusterHeader, response: PutResponse): GoObject {
  return goObject(field("header", goObject(...headerFields(cluster, response.header.revision))), response.prevKv === undefined ? undefined : field("prev_kv", keyValueJson(response.prevKv)));
}

function rangeJson(cluster: ClusterHeader, response: RangeResponse): GoObject {
  return goObject(
    field("header", goObject(...headerFields(cluster, response.header.revision))),
    omitEmpty("kvs", response.kvs.map(keyValueJson)),
    omitEmpty("more", response.more),
    omitEmpty("count", response.count),
  );
}

function deleteJson(cluster: ClusterHeader, response: DeleteRangeResponse): GoObject {
  return goObject(
    field("header", goObject(...headerFields(cluster, response.header.revision))),
    omitEmpty("deleted", response.deleted),
    omitEmpty("prev_kvs", response.prevKvs.map(keyValueJson)),
  );
}

function responseOpJson(op: ResponseOp): GoJson {
  switch (op.type) {
    case "range":
      return goObject(field("Response", goObject(field("response_range", rangeJson(innerCluster, op.response)))));
    case "put":
      return goObject(field("Response", goObject(field("response_put", putJson(innerCluster, op.response)))));
    case "deleteRange":
      return goObject(field("Response", goObject(field("response_delete_range", deleteJson(innerCluster, op.response)))));
    case "txn":
      return nestedTxn();
  }
}

export function printPut(output: Output, global: GlobalOptions, context: PrintContext, response: PutResponse): void {
  switch (global.writeOut) {
    case "simple":
      output.line("OK");
      if (response.prevKv !== undefined) printSimpleKeyValue(output, global, response.prevKv);
      return;
    case "json":
      return output.json(putJson(context.cluster, response));
    case "fields":
      return printFieldsPut(output, context.cluster, response);
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

function printFieldsPut(output: Output, cluster: ClusterHeader, response: PutResponse): void {
  printFieldsHeader(output, cluster, response.header.revision);
  if (response.prevKv !== undefined) printFieldsKeyValue(output, "Prev", response.prevKv);
}

function printFieldsGet(output: Output, cluster: ClusterHeader, response: RangeResponse): void {
  printFieldsHeader(output, cluster, response.header.revision);
  for (const kv of response.kvs) printFieldsKeyValue(output, "", kv);
  output.line(`"More" : ${response.more}`);
  output.line(`"Count" : ${response.count}`);
}

function printFieldsDelete(output: Output, cluster: ClusterHeader, response: DeleteRangeResponse): void {
  printFieldsHeader(output, cluster, response.header.revision);
  output.line(`"Deleted" : ${response.deleted}`);
  for (const kv of response.prevKvs) printFieldsKeyValue(output, "Prev", kv);
}

export function printGet(output: Output, global: GlobalOptions, context: PrintContext, response: RangeResponse, countOnly: boolean, printValueOnly: boolean): void {
  if (countOnly && global.writeOut !== "fields") return output.exitWithError(exitCodes.badArgs, "--count-only is only for `--write-out=fields`");
  if (printValueOnly && global.writeOut !== "simple") return output.exitWithError(exitCodes.badArgs, "print-value-only is only for `--write-out=simple`");
  switch (global.writeOut) {
    case "simple":
      for (const kv of response.kvs) printSimpleKeyValue(output, global, kv, printValueOnly);
      return;
    case "json":
      return output.json(rangeJson(context.cluster, response));
    case "fields":
      return printFieldsGet(output, context.cluster, response);
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

function printSimpleDelete(output: Output, global: GlobalOptions, response: DeleteRangeResponse): void {
  output.line(String(response.deleted));
  for (const kv of response.prevKvs) printSimpleKeyValue(output, global, kv);
}

export function printDelete(output: Output, global: GlobalOptions, context: PrintContext, response: DeleteRangeResponse): void {
  switch (global.writeOut) {
    case "simple":
      return printSimpleDelete(output, global, response);
    case "json":
      return output.json(deleteJson(context.cluster, response));
    case "fields":
      return printFieldsDelete(output, context.cluster, response);
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

function printSimpleTxn(output: Output, global: GlobalOptions, response: TxnResponse): void {
  output.line(response.succeeded ? "SUCCESS" : "FAILURE");
  for (const op of response.responses) {
    output.line("");
    switch (op.type) {
      case "range":
        for (const kv of op.response.kvs) printSimpleKeyValue(output, global, kv);
        break;
      case "put":
        output.line("OK");
        if (op.response.prevKv !== undefined) printSimpleKeyValue(output, global, op.response.prevKv);
        break;
      case "deleteRange":
        printSimpleDelete(output, global, op.response);
        break;
      case "txn":
        nestedTxn();
    }
  }
}

function printFieldsTxn(output: Output, cluster: ClusterHeader, response: TxnResponse): void {
  printFieldsHeader(output, cluster, response.header.revision);
  output.line(`"Succeeded" : ${response.succeeded}`);
  for (const op of response.responses) {
    switch (op.type) {
      case "range":
        printFieldsGet(output, innerCluster, op.response);
        break;
      case "put":
        printFieldsPut(output, innerCluster, op.response);
        break;
      case "deleteRange":
        printFieldsDelete(output, innerCluster, op.response);
        break;
      case "txn":
        nestedTxn();
    }
  }
}

export function printTxn(output: Output, global: GlobalOptions, context: PrintContext, response: TxnResponse): void {
  switch (global.writeOut) {
    case "simple":
      return printSimpleTxn(output, global, response);
    case "json":
      return output.json(
        goObject(field("header", headerJson(context, response.header)), omitEmpty("succeeded", response.succeeded), omitEmpty("responses", response.responses.map(responseOpJson))),
      );
    case "fields":
      return printFieldsTxn(output, context.cluster, response);
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

export function printCompaction(output: Output, revision: number): void {
  output.line(`compacted revision ${revision}`);
}

function eventJson(event: Event): GoObject {
  return goObject(
    omitEmpty("type", event.type === "DELETE" ? 1 : 0),
    field("kv", keyValueJson(event.kv)),
    event.prevKv === undefined ? undefined : field("prev_kv", keyValueJson(event.prevKv)),
  );
}

/** clientv3 `WatchResponse`: exported Go fields without JSON tags. */
function watchJson(context: PrintContext, response: WatchResponse): GoObject {
  return goObject(
    field("Header", headerJson(context, response.header)),
    field("Events", response.events.length === 0 ? null : response.events.map(eventJson)),
    field("CompactRevision", response.compactRevision),
    field("Canceled", response.canceled),
    field("Created", response.created),
  );
}

/** clientv3 `WatchResponse.Err()` for a canceled watch. */
export function watchCancelError(response: WatchResponse): string {
  if (response.compactRevision !== 0) return "etcdserver: mvcc: required revision has been compacted";
  if (response.cancelReason === "") return "etcdserver: mvcc: required revision is a future revision";
  // A creation refused with a reason closes clientv3's stream with that reason as the error
  // (`addSubstream`: closeErr = v3rpc.Error(errors.New(reason))), e.g. a watch auth does not allow.
  if (response.created) return response.cancelReason;
  // A reason that is one of etcd's own errors comes back as that error; any other as the gRPC status.
  return response.cancelReason.startsWith("etcdserver: ") ? response.cancelReason : `rpc error: code = FailedPrecondition desc = ${response.cancelReason}`;
}

/** clientv3 `WatchResponse.IsProgressNotify()`. */
function isProgressNotify(response: WatchResponse): boolean {
  return response.events.length === 0 && !response.canceled && !response.created && response.compactRevision === 0 && response.header.revision !== 0;
}

function printWatchEvents(output: Output, global: GlobalOptions, context: PrintContext, response: WatchResponse): void {
  switch (global.writeOut) {
    case "simple":
      for (const event of response.events) {
        output.line(event.type);
        if (event.prevKv !== undefined) printSimpleKeyValue(output, global, event.prevKv);
        printSimpleKeyValue(output, global, event.kv);
      }
      return;
    case "json":
      return output.json(watchJson(context, response));
    case "fields":
      printFieldsHeader(output, context.cluster, response.header.revision);
      for (const event of response.events) {
        output.line(`"Type" : ${event.type}`);
        if (event.prevKv !== undefined) printFieldsKeyValue(output, "Prev", event.prevKv);
        printFieldsKeyValue(output, "", event.kv);
      }
      return;
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

/**
 * etcdctl `printWatchCh` over the responses the client delivered. The creation notice is not one of
 * them (clientv3 keeps it unless asked), so a `created` response without events is skipped unless
 * it also cancels the watch.
 */
export function printWatch(output: Output, global: GlobalOptions, context: PrintContext, responses: readonly WatchResponse[]): void {
  let canceled = false;
  for (const response of responses) {
    if (response.created && !response.canceled && response.events.length === 0) continue;
    if (response.canceled) {
      output.err(`watch was canceled (${watchCancelError(response)})\n`);
      canceled = true;
    }
    if (isProgressNotify(response)) output.line(`progress notify: ${response.header.revision}`);
    printWatchEvents(output, global, context, response);
    if (output.exited || canceled) break;
  }
  if (canceled) output.exitWithError(exitCodes.interrupted, "watch is canceled by the server");
}
