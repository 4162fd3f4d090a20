/**
 * What goes through Raft, as etcd's `InternalRaftRequest` (`api/etcdserverpb/raft_internal.proto`):
 * a request header and exactly one request. Ranges and read-only txns do not go through Raft
 * (`EtcdServerState.read` serves them after ReadIndex, or at once when serializable).
 *
 * The header carries what the member learnt when the request arrived: a request ID, and the user
 * and auth-store revision of the client's token (`AuthInfo`), or an empty name and revision 0 when
 * the client sent no token. The apply layer checks permissions with them.
 *
 * Field names follow the protobuf messages (camelCase): `AuthUserGrantRoleRequest{user, role}`,
 * `AuthUserRevokeRoleRequest{name, role}`, `AuthRoleGetRequest{role}`, `AuthRoleDeleteRequest{role}`,
 * `AuthRoleGrantPermissionRequest{name, perm}`, `AuthRoleRevokePermissionRequest{role, key,
 * rangeEnd}`. Every response has a header whose revision is the store revision; the member adds
 * cluster_id, member_id and raft_term.
 */
import type { ByteString } from "../../mvcc/bytes.js";
import { assertionFailed } from "../../mvcc/errors.js";
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
  ResponseHeader,
  TxnRequest,
  TxnResponse,
} from "../../mvcc/types.js";
import type { KvRequest, KvResponse } from "../protocol.js";

/** `etcdserverpb.RequestHeader`. */
export interface RequestHeader {
  /** The member's request ID (etcd's reqIDGen); the apply layer does not read it. */
  readonly id: number;
  /** The token's user, or "" without a token. */
  readonly username: string;
  /** The auth-store revision when the token was checked, or 0 without a token. */
  readonly authRevision: number;
}

/** A header with no user: a request from a client that sent no token. */
export function anonymousHeader(id = 0): RequestHeader {
  return { id, username: "", authRevision: 0 };
}

/** The user of a token and the auth-store revision at which it was looked up (etcd `auth.AuthInfo`). */
export interface AuthInfo {
  readonly username: string;
  readonly revision: number;
}

export function headerFor(authInfo: AuthInfo | undefined, id = 0): RequestHeader {
  return authInfo === undefined ? anonymousHeader(id) : { id, username: authInfo.username, authRevision: authInfo.revision };
}

export type PermissionType = "READ" | "WRITE" | "READWRITE";
export const permissionTypes: readonly PermissionType[] = ["READ", "WRITE", "READWRITE"];

/**
 * `authpb.Permission`: keys `[key, rangeEnd)`; an empty rangeEnd is the single key; a rangeEnd of
 * "\x00" is every key >= key (etcdctl `--from-key`); etcdctl `--prefix` sends `prefixEnd(key)`.
 */
export interface Permission {
  readonly permType: PermissionType;
  readonly key: ByteString;
  readonly rangeEnd: ByteString;
}

type EmptyRequest = Readonly<Record<never, never>>;

export interface AuthenticateRequest {
  readonly name: string;
  /** The random prefix the proposing member drew (etcd `GenTokenPrefix`); the token is `<prefix>.<index>`. */
  readonly simpleToken: string;
}

export interface UserAddRequest {
  readonly name: string;
  /** The hash the member computed before proposing (`hashPassword`), as etcd's API layer does. */
  readonly hashedPassword?: string;
  /** A plain password, hashed at apply when no hash is given (entries of etcd before 3.5). */
  readonly password?: string;
  readonly noPassword?: boolean;
}

export interface UserChangePasswordRequest {
  readonly name: string;
  readonly hashedPassword?: string;
  readonly password?: string;
}

/** The request of every type that goes through Raft. */
export interface InternalRequests {
  readonly put: PutRequest;
  readonly deleteRange: DeleteRangeRequest;
  readonly txn: TxnRequest;
  readonly compaction: CompactionRequest;
  readonly leaseGrant: LeaseGrantRequest;
  readonly leaseRevoke: LeaseRevokeRequest;
  readonly alarm: AlarmRequest;
  readonly authEnable: EmptyRequest;
  readonly authDisable: EmptyRequest;
  readonly authStatus: EmptyRequest;
  readonly authenticate: AuthenticateRequest;
  readonly authUserAdd: UserAddRequest;
  readonly authUserDelete: { readonly name: string };
  readonly authUserChangePassword: UserChangePasswordRequest;
  readonly authUserGrantRole: { readonly user: string; readonly role: string };
  readonly authUserGet: { readonly name: string };
  readonly authUserRevokeRole: { readonly name: string; readonly role: string };
  readonly authUserList: EmptyRequest;
  readonly authRoleAdd: { readonly name: string };
  readonly authRoleDelete: { readonly role: string };
  readonly authRoleGet: { readonly role: string };
  readonly authRoleGrantPermission: { readonly name: string; readonly perm?: Permission };
  readonly authRoleRevokePermission: { readonly role: string; readonly key: ByteString; readonly rangeEnd?: ByteString };
  readonly authRoleList: EmptyRequest;
}

export interface HeaderResponse {
  readonly header: ResponseHeader;
}

/** The response of every request type. */
export interface InternalResponses {
  readonly put: PutResponse;
  readonly deleteRange: DeleteRangeResponse;
  readonly txn: TxnResponse;
  readonly compaction: CompactionResponse;
  readonly leaseGrant: LeaseGrantResponse;
  readonly leaseRevoke: LeaseRevokeResponse;
  readonly alarm: AlarmResponse;
  readonly authEnable: HeaderResponse;
  readonly authDisable: HeaderResponse;
  readonly authStatus: HeaderResponse & { readonly enabled: boolean; readonly authRevision: number };
  readonly authenticate: HeaderResponse & { readonly token: string };
  readonly authUserAdd: HeaderResponse;
  readonly authUserDelete: HeaderResponse;
  readonly authUserChangePassword: HeaderResponse;
  readonly authUserGrantRole: HeaderResponse;
  readonly authUserGet: HeaderResponse & { readonly roles: readonly string[] };
  readonly authUserRevokeRole: HeaderResponse;
  readonly authUserList: HeaderResponse & { readonly users: readonly string[] };
  readonly authRoleAdd: HeaderResponse;
  readonly authRoleDelete: HeaderResponse;
  readonly authRoleGet: HeaderResponse & { readonly perm: readonly Permission[] };
  readonly authRoleGrantPermission: HeaderResponse;
  readonly authRoleRevokePermission: HeaderResponse;
  readonly authRoleList: HeaderResponse & { readonly roles: readonly string[] };
}

export type InternalRequestType = keyof InternalRequests;

export type InternalRequestBody = { [Type in InternalRequestType]: { readonly type: Type; readonly request: InternalRequests[Type] } }[InternalRequestType];

/** One entry's request: a header and one request (etcd `InternalRaftRequest`). */
export type InternalRequest = InternalRequestBody & { readonly header: RequestHeader };

export type InternalResponse = { [Type in InternalRequestType]: { readonly type: Type; readonly response: InternalResponses[Type] } }[InternalRequestType];

/** The response type of a request. */
export type ResponseFor<Request extends { readonly type: InternalRequestType }> = Extract<InternalResponse, { readonly type: Request["type"] }>;

/** The auth-management requests only a root user may apply (etcd `needAdminPermission`). */
const adminRequestTypes: ReadonlySet<InternalRequestType> = new Set<InternalRequestType>([
  "authEnable",
  "authDisable",
  "authUserAdd",
  "authUserDelete",
  "authUserChangePassword",
  "authUserGrantRole",
  "authUserRevokeRole",
  "authRoleAdd",
  "authRoleGrantPermission",
  "authRoleRevokePermission",
  "authRoleDelete",
  "authUserList",
  "authRoleList",
]);

export function needsAdminPermission(type: InternalRequestType): boolean {
  return adminRequestTypes.has(type);
}

/** The Raft request of one of today's client requests (ranges are reads and never go through Raft). */
export function internalRequestFromKv(request: Exclude<KvRequest, { readonly kind: "range" }>, header: RequestHeader): InternalRequest {
  switch (request.kind) {
    case "put":
      return { header, type: "put", request: request.request };
    case "deleteRange":
      return { header, type: "deleteRange", request: request.request };
    case "txn":
      return { header, type: "txn", request: request.request };
    case "compact":
      return { header, type: "compaction", request: request.request };
  }
}

/** Today's client response for the response of a KV request. */
export function kvResponseFromInternal(response: InternalResponse): KvResponse {
  switch (response.type) {
    case "put":
      return { kind: "put", response: response.response };
    case "deleteRange":
      return { kind: "deleteRange", response: response.response };
    case "txn":
      return { kind: "txn", response: response.response };
    case "compaction":
      return { kind: "compact", response: response.response };
    default:
      return assertionFailed(`a ${response.type} response is not a KV response`);
  }
}
