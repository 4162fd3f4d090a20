/**
 * The bridge between etcdctl's KV commands and the requests a simulated cluster accepts today
 * (`src/etcd/protocol.ts`): `kvRequestOf` gives the `KvRequest` a command sends (put, get, del,
 * txn, compaction), and `outcomeOfKv` turns the cluster's answer into the `EtcdctlOutcome` the
 * printers take.
 */
import type { KvRequest, KvResponse, Outcome } from "../etcd/protocol.js";
import type { EtcdctlCommand, EtcdctlOutcome, EtcdctlResponse } from "./types.js";

/** The request a KV command sends; undefined for the other commands. */
export function kvRequestOf(command: EtcdctlCommand): KvRequest | undefined {
  switch (command.kind) {
    case "put":
      return { kind: "put", request: command.request };
    case "get":
      return { kind: "range", request: command.request };
    case "del":
      return { kind: "deleteRange", request: command.request };
    case "txn":
      return { kind: "txn", request: command.request };
    case "compaction":
      return { kind: "compact", request: command.request };
    default:
      return undefined;
  }
}

function responseOf(response: KvResponse): EtcdctlResponse {
  switch (response.kind) {
    case "put":
      return { kind: "put", response: response.response };
    case "range":
      return { kind: "get", response: response.response };
    case "deleteRange":
      return { kind: "del", response: response.response };
    case "txn":
      return { kind: "txn", response: response.response };
    case "compact":
      return { kind: "compaction", response: response.response };
  }
}

/** A cluster's answer to a KV request, for the printers. */
export function outcomeOfKv(outcome: Outcome<KvResponse>): EtcdctlOutcome {
  return outcome.ok ? { ok: true, value: responseOf(outcome.value) } : outcome;
}
