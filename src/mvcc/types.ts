/**
 * The request and response shapes of the store: etcd's `etcdserverpb` and `mvccpb` messages
 * (`api/etcdserverpb/rpc.proto`, `api/mvccpb/kv.proto`) with camelCase field names.
 *
 * Keys, values and range ends are byte strings (see bytes.ts). Optional request fields take the
 * protobuf default when left out (0, false, empty). Revisions are main revisions; lease IDs are
 * positive safe integers (etcd's are int64; the simulator draws them below 2^53).
 *
 * Response headers carry only `revision`; the member layer adds cluster_id, member_id and raft_term.
 */
import type { ByteString } from "./bytes.js";

/** `mvccpb.KeyValue`. Objects handed out by the store are shared: never mutate them. */
export interface KeyValue {
  readonly key: ByteString;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  readonly value: ByteString;
  readonly lease: number;
}

export type EventType = "PUT" | "DELETE";

/** `mvccpb.Event`. A DELETE event's `kv` holds only `key` and `modRevision` (the delete revision). */
export interface Event {
  readonly type: EventType;
  readonly kv: KeyValue;
  readonly prevKv?: KeyValue;
}

export interface ResponseHeader {
  readonly revision: number;
}

export type SortOrder = "NONE" | "ASCEND" | "DESCEND";
export type SortTarget = "KEY" | "VERSION" | "CREATE" | "MOD" | "VALUE";

export const sortOrders: readonly SortOrder[] = ["NONE", "ASCEND", "DESCEND"];
export const sortTargets: readonly SortTarget[] = ["KEY", "VERSION", "CREATE", "MOD", "VALUE"];

export interface RangeRequest {
  readonly key: ByteString;
  /** Empty or absent: the single key. `"\x00"`: every key >= key. Otherwise `[key, rangeEnd)`. */
  readonly rangeEnd?: ByteString;
  /** 0 or negative: no limit. */
  readonly limit?: number;
  /** 0 or negative: the current revision. */
  readonly revision?: number;
  readonly sortOrder?: SortOrder;
  readonly sortTarget?: SortTarget;
  /** Only meaningful to the member layer (read through ReadIndex or locally). */
  readonly serializable?: boolean;
  readonly keysOnly?: boolean;
  readonly countOnly?: boolean;
  readonly minModRevision?: number;
  readonly maxModRevision?: number;
  readonly minCreateRevision?: number;
  readonly maxCreateRevision?: number;
}

export interface RangeResponse {
  readonly header: ResponseHeader;
  readonly kvs: readonly KeyValue[];
  readonly more: boolean;
  readonly count: number;
}

export interface PutRequest {
  readonly key: ByteString;
  readonly value?: ByteString;
  /** 0 or absent: no lease (a put without a lease detaches the key from its lease). */
  readonly lease?: number;
  readonly prevKv?: boolean;
  readonly ignoreValue?: boolean;
  readonly ignoreLease?: boolean;
}

export interface PutResponse {
  readonly header: ResponseHeader;
  readonly prevKv?: KeyValue;
}

export interface DeleteRangeRequest {
  readonly key: ByteString;
  readonly rangeEnd?: ByteString;
  readonly prevKv?: boolean;
}

export interface DeleteRangeResponse {
  readonly header: ResponseHeader;
  readonly deleted: number;
  readonly prevKvs: readonly KeyValue[];
}

export type CompareTarget = "VERSION" | "CREATE" | "MOD" | "VALUE" | "LEASE";
export type CompareResult = "EQUAL" | "GREATER" | "LESS" | "NOT_EQUAL";

/**
 * `etcdserverpb.Compare`. The field named by `target` is the operand (`version`, `createRevision`,
 * `modRevision`, `value`, `lease`); when absent it is 0 or empty, as an unset `target_union` is.
 */
export interface Compare {
  readonly target: CompareTarget;
  readonly result: CompareResult;
  readonly key: ByteString;
  readonly rangeEnd?: ByteString;
  readonly version?: number;
  readonly createRevision?: number;
  readonly modRevision?: number;
  readonly value?: ByteString;
  readonly lease?: number;
}

export type RequestOp =
  | { readonly type: "range"; readonly request: RangeRequest }
  | { readonly type: "put"; readonly request: PutRequest }
  | { readonly type: "deleteRange"; readonly request: DeleteRangeRequest }
  | { readonly type: "txn"; readonly request: TxnRequest };

export type ResponseOp =
  | { readonly type: "range"; readonly response: RangeResponse }
  | { readonly type: "put"; readonly response: PutResponse }
  | { readonly type: "deleteRange"; readonly response: DeleteRangeResponse }
  | { readonly type: "txn"; readonly response: TxnResponse };

export interface TxnRequest {
  readonly compare?: readonly Compare[];
  readonly success?: readonly RequestOp[];
  readonly failure?: readonly RequestOp[];
}

/** Only the outermost response's header is meaningful; nested txn headers carry revision 0. */
export interface TxnResponse {
  readonly header: ResponseHeader;
  readonly succeeded: boolean;
  readonly responses: readonly ResponseOp[];
}

export interface CompactionRequest {
  readonly revision: number;
  /** Physical removal happens at once in this store, so the flag changes nothing. */
  readonly physical?: boolean;
}

export interface CompactionResponse {
  readonly header: ResponseHeader;
}

export interface LeaseGrantRequest {
  /** Must be positive: the member replaces an ID of 0 by a generated one before proposing. */
  readonly id: number;
  readonly ttl: number;
}

export interface LeaseGrantResponse {
  readonly header: ResponseHeader;
  readonly id: number;
  readonly ttl: number;
  readonly error: string;
}

export interface LeaseRevokeRequest {
  readonly id: number;
}

export interface LeaseRevokeResponse {
  readonly header: ResponseHeader;
}

export type AlarmType = "NONE" | "NOSPACE" | "CORRUPT";
export type AlarmAction = "GET" | "ACTIVATE" | "DEACTIVATE";

export interface AlarmMember {
  /** The member's 64-bit etcd ID (the one `member list` prints). */
  readonly memberId: bigint;
  readonly alarm: AlarmType;
}

export interface AlarmRequest {
  readonly action: AlarmAction;
  /** A 64-bit etcd member ID; 0n with GET. */
  readonly memberId: bigint;
  /** With GET, NONE lists every alarm. */
  readonly alarm: AlarmType;
}

export interface AlarmResponse {
  readonly header: ResponseHeader;
  readonly alarms: readonly AlarmMember[];
}

export type WatchFilter = "NOPUT" | "NODELETE";

export interface WatchCreateRequest {
  /** Empty: `"\x00"`, the smallest key. */
  readonly key: ByteString;
  readonly rangeEnd?: ByteString;
  /** 0 or absent: from the next revision. Negative: refused as compacted. */
  readonly startRevision?: number;
  readonly progressNotify?: boolean;
  readonly filters?: readonly WatchFilter[];
  readonly prevKv?: boolean;
  /** 0 or absent: the next free ID of the stream. */
  readonly watchId?: number;
  readonly fragment?: boolean;
}

/** `etcdserverpb.WatchResponse`. */
export interface WatchResponse {
  readonly header: ResponseHeader;
  readonly watchId: number;
  readonly created: boolean;
  readonly canceled: boolean;
  readonly compactRevision: number;
  readonly cancelReason: string;
  readonly fragment: boolean;
  readonly events: readonly Event[];
}
