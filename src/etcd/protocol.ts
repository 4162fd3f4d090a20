/**
 * What travels between clients and members: requests in etcd's API shapes (from `src/mvcc`), and
 * responses that carry either the result or an `EtcdError` with etcd's exact message.
 *
 * Raft messages travel between members as they are (their `type` starts with "Msg"); client messages
 * have a `type` that starts with "client.".
 */
import { textFromBytes } from "../mvcc/bytes.js";
import type { EtcdError } from "../mvcc/errors.js";
import type {
  AlarmRequest,
  AlarmResponse,
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  ResponseHeader,
  TxnRequest,
  TxnResponse,
  WatchCreateRequest,
  WatchResponse,
} from "../mvcc/types.js";
import type { InternalRequestBody, InternalResponse } from "./server/index.js";

export type KvRequest =
  | { readonly kind: "range"; readonly request: RangeRequest }
  | { readonly kind: "put"; readonly request: PutRequest }
  | { readonly kind: "deleteRange"; readonly request: DeleteRangeRequest }
  | { readonly kind: "txn"; readonly request: TxnRequest }
  | { readonly kind: "compact"; readonly request: CompactionRequest };

export type KvResponse =
  | { readonly kind: "range"; readonly response: RangeResponse }
  | { readonly kind: "put"; readonly response: PutResponse }
  | { readonly kind: "deleteRange"; readonly response: DeleteRangeResponse }
  | { readonly kind: "txn"; readonly response: TxnResponse }
  | { readonly kind: "compact"; readonly response: CompactionResponse };

/**
 * The lease and maintenance requests a client may send besides KV requests (etcd's Lease and
 * Maintenance services). Grant, revoke and alarm go through Raft; keepalive and time-to-live are
 * served by the leader (a follower forwards them); lease list is served by any member.
 * A grant with ID 0 gets a positive ID drawn by the member.
 */
export type ServerRequest =
  | { readonly kind: "leaseGrant"; readonly request: LeaseGrantRequest }
  | { readonly kind: "leaseRevoke"; readonly request: LeaseRevokeRequest }
  | { readonly kind: "leaseKeepAlive"; readonly request: { readonly id: number } }
  | { readonly kind: "leaseTimeToLive"; readonly request: { readonly id: number; readonly keys?: boolean } }
  | { readonly kind: "leaseLeases"; readonly request: Readonly<Record<never, never>> }
  | { readonly kind: "alarm"; readonly request: AlarmRequest }
  | { readonly kind: "authenticate"; readonly request: { readonly name: string; readonly password: string } }
  | { readonly kind: "auth"; readonly request: AuthRequestBody };

/**
 * The Auth service's requests but Authenticate, as they go through Raft (etcd 3.5 proposes every
 * one of them, reads included); a user's password travels in plain text to the member, which
 * hashes it before proposing.
 */
export type AuthRequestBody = Exclude<InternalRequestBody, { readonly type: "put" | "deleteRange" | "txn" | "compaction" | "leaseGrant" | "leaseRevoke" | "alarm" | "authenticate" }>;

export interface LeaseKeepAliveResponse {
  readonly header: ResponseHeader;
  readonly id: number;
  /** The new TTL in seconds; 0 when the lease was not found (expired or revoked). */
  readonly ttl: number;
}

export interface LeaseTimeToLiveResponse {
  readonly header: ResponseHeader;
  readonly id: number;
  /** Remaining seconds; -1 when the lease was not found. */
  readonly ttl: number;
  readonly grantedTtl: number;
  readonly keys: readonly string[];
}

export type ServerResponse =
  | { readonly kind: "leaseGrant"; readonly response: LeaseGrantResponse }
  | { readonly kind: "leaseRevoke"; readonly response: LeaseRevokeResponse }
  | { readonly kind: "leaseKeepAlive"; readonly response: LeaseKeepAliveResponse }
  | { readonly kind: "leaseTimeToLive"; readonly response: LeaseTimeToLiveResponse }
  | { readonly kind: "leaseLeases"; readonly response: { readonly header: ResponseHeader; readonly leases: readonly { readonly id: number }[] } }
  | { readonly kind: "alarm"; readonly response: AlarmResponse }
  | { readonly kind: "authenticate"; readonly response: { readonly header: ResponseHeader; readonly token: string } }
  | { readonly kind: "auth"; readonly response: InternalResponse };

/** Any request a client sends. */
export type ClientRequest = KvRequest | ServerRequest;
export type ClientResponse = KvResponse | ServerResponse;

const serverKinds: ReadonlySet<string> = new Set(["leaseGrant", "leaseRevoke", "leaseKeepAlive", "leaseTimeToLive", "leaseLeases", "alarm", "authenticate", "auth"]);

export function isServerRequest(request: ClientRequest): request is ServerRequest {
  return serverKinds.has(request.kind);
}

export interface ClientRequestMessage {
  readonly type: "client.request";
  readonly id: number;
  readonly request: ClientRequest;
  /** The simple token of an authenticated client (etcd sends it as gRPC metadata). */
  readonly token?: string;
}

/**
 * A client watch on the wire (etcd's Watch stream, one stream per watch here). The client numbers
 * its watches and each (re)creation of one (`attempt`): a member answers on that pair, and the
 * client drops what comes from an attempt it gave up on.
 */
export interface WatchCreateMessage {
  readonly type: "watch.create";
  readonly watch: number;
  readonly attempt: number;
  readonly request: WatchCreateRequest;
  readonly token?: string;
}

export interface WatchCancelMessage {
  readonly type: "watch.cancel";
  readonly watch: number;
  readonly attempt: number;
}

export interface WatchResponseMessage {
  readonly type: "watch.response";
  readonly watch: number;
  readonly attempt: number;
  /** From 1 within an attempt: the client takes responses in this order, as a gRPC stream keeps it. */
  readonly seq: number;
  readonly response: WatchResponse;
}

/**
 * A member's periodic word to a client it streams watches to: the watches (id, attempt) it holds
 * for it, and whether it has a leader (a client requires one, as clientv3 with WithRequireLeader).
 */
export interface WatchAliveMessage {
  readonly type: "watch.alive";
  readonly leader: boolean;
  readonly watches: readonly number[];
  readonly attempts: readonly number[];
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: EtcdError };

/** The cluster fields of etcd's response header, which the answering member fills in. */
export interface ResponseCluster {
  readonly clusterId: bigint;
  readonly memberId: bigint;
  readonly raftTerm: number;
}

export interface ClientResponseMessage {
  readonly type: "client.response";
  readonly id: number;
  readonly outcome: Outcome<ClientResponse>;
  /** Who answered (cluster_id, member_id, raft_term); absent from a member that knows no identity. */
  readonly cluster?: ResponseCluster;
}

export type ClientMessage = ClientRequestMessage | ClientResponseMessage;

export function isClientMessage(message: unknown): message is ClientMessage {
  const type = (message as { type?: unknown }).type;
  return type === "client.request" || type === "client.response";
}

/** Whether a request must go through Raft (writes) or may be served by a read (ranges, read-only txns). */
export function isReadOnly(request: KvRequest): boolean {
  if (request.kind === "range") return true;
  if (request.kind !== "txn") return false;
  return txnIsReadOnly(request.request);
}

function txnIsReadOnly(txn: TxnRequest): boolean {
  for (const op of [...(txn.success ?? []), ...(txn.failure ?? [])]) if (op.type !== "range") return false;
  return true;
}

/** A read that may be served from local state without ReadIndex (`--consistency=s`). */
export function isSerializable(request: KvRequest): boolean {
  if (request.kind === "range") return request.request.serializable === true;
  if (request.kind !== "txn" || !txnIsReadOnly(request.request)) return false;
  const ops = [...(request.request.success ?? []), ...(request.request.failure ?? [])];
  return ops.length > 0 && ops.every((op) => op.type === "range" && op.request.serializable === true);
}

/** A request in etcdctl's words, for traces and narration: `put k1 v1`, `get k1 --prefix`. */
export function describeRequest(request: ClientRequest): string {
  switch (request.kind) {
    case "leaseGrant":
      return `lease grant ${request.request.ttl}${request.request.id !== 0 ? ` (ID ${request.request.id.toString(16)})` : ""}`;
    case "leaseRevoke":
      return `lease revoke ${request.request.id.toString(16)}`;
    case "leaseKeepAlive":
      return `lease keep-alive ${request.request.id.toString(16)}`;
    case "leaseTimeToLive":
      return `lease timetolive ${request.request.id.toString(16)}${request.request.keys ? " --keys" : ""}`;
    case "leaseLeases":
      return "lease list";
    case "authenticate":
      return `authenticate ${request.request.name}`;
    case "auth":
      return request.request.type;
    case "alarm":
      return request.request.action === "GET" ? "alarm list" : `alarm ${request.request.action === "DEACTIVATE" ? "disarm" : "activate"} ${request.request.alarm}`;
    case "range": {
      const { key, rangeEnd, serializable, revision } = request.request;
      const flags = [rangeEnd ? (rangeEnd === "\x00" ? "--from-key" : `to ${textFromBytes(rangeEnd)}`) : "", revision ? `--rev=${revision}` : "", serializable ? "--consistency=s" : ""].filter(Boolean);
      return ["get", textFromBytes(key), ...flags].join(" ");
    }
    case "put":
      return `put ${textFromBytes(request.request.key)} ${textFromBytes(request.request.value ?? "")}`;
    case "deleteRange":
      return `del ${textFromBytes(request.request.key)}${request.request.rangeEnd ? ` to ${textFromBytes(request.request.rangeEnd)}` : ""}`;
    case "txn":
      return `txn (${request.request.compare?.length ?? 0} compares, ${request.request.success?.length ?? 0} success ops, ${request.request.failure?.length ?? 0} failure ops)`;
    case "compact":
      return `compaction ${request.request.revision}`;
  }
}

/** A response in a few words: `ok, revision 7`, `ok, 1 key`, or etcd's error message. */
export function describeOutcome(outcome: Outcome<ClientResponse>): string {
  if (!outcome.ok) return outcome.error.message;
  const response = outcome.value;
  switch (response.kind) {
    case "leaseGrant":
      return `ok, lease ${response.response.id.toString(16)} granted with TTL ${response.response.ttl}s`;
    case "leaseKeepAlive":
    case "leaseTimeToLive":
      return `ok, lease ${response.response.id.toString(16)} TTL ${response.response.ttl}`;
    case "leaseLeases":
      return `ok, ${response.response.leases.length} lease${response.response.leases.length === 1 ? "" : "s"}`;
    case "alarm":
      return `ok, ${response.response.alarms.length} alarm${response.response.alarms.length === 1 ? "" : "s"}`;
    case "authenticate":
      return "ok, token assigned";
    case "auth":
      return `ok, ${response.response.type}`;
    case "range":
      return `ok, ${response.response.count} key${response.response.count === 1 ? "" : "s"} at revision ${response.response.header.revision}`;
    case "deleteRange":
      return `ok, ${response.response.deleted} deleted, revision ${response.response.header.revision}`;
    case "txn":
      return `ok, ${response.response.succeeded ? "succeeded" : "failed"}, revision ${response.response.header.revision}`;
    default:
      return `ok, revision ${response.response.header.revision}`;
  }
}
