/**
 * The shapes of the etcdctl layer.
 *
 * A command line parses into a `ParsedCommandLine`: the global options and one `EtcdctlCommand`,
 * a discriminated union whose KV members carry the mvcc API requests as they are sent. Whoever
 * executes a command (the member layer in a simulated cluster, `local.ts` on a bare store) answers
 * with an `EtcdctlOutcome`: the response shape of that command kind (`EtcdctlResponses`) or an
 * `EtcdError`. The printers turn the two into what etcdctl v3.5 writes (`CommandOutput`).
 *
 * KV responses are the store's (`src/mvcc/types.ts`). Responses that only a cluster can give
 * (members, endpoints, leases, auth, snapshots) are plain shapes defined here, filled by the member
 * layer. A response header is the store's `{ revision }`; the cluster fields of etcd's
 * `ResponseHeader` (cluster_id, member_id, raft_term) come from the `ClusterHeader` of the member
 * that answered, given to the printer once. Member and cluster IDs are uint64 (bigints).
 */
import type { ByteString } from "../mvcc/bytes.js";
import type { EtcdError } from "../mvcc/errors.js";
import type {
  AlarmResponse,
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  LeaseGrantResponse,
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

export type OutputFormat = "simple" | "json" | "table" | "fields";

/** The flags every etcdctl command accepts (`ctlv3/ctl.go`), with etcdctl's defaults. */
export interface GlobalOptions {
  /** `--endpoints` (default `127.0.0.1:2379`). */
  readonly endpoints: readonly string[];
  /** `-w/--write-out` (default simple). */
  readonly writeOut: OutputFormat;
  /** `--hex`: print keys and values of the simple format as `\x..` escapes. */
  readonly hex: boolean;
  /** `--dial-timeout` (default 2s), in microseconds of virtual time. */
  readonly dialTimeoutUs: number;
  /** `--command-timeout` (default 5s), in microseconds of virtual time. */
  readonly commandTimeoutUs: number;
  /** Whether `--command-timeout` was given (`snapshot save` has no timeout otherwise). */
  readonly commandTimeoutSet: boolean;
  /** `--keepalive-time` (default 2s) and `--keepalive-timeout` (default 6s), in microseconds. */
  readonly keepAliveTimeUs: number;
  readonly keepAliveTimeoutUs: number;
  /** `--insecure-transport` (default true), `--insecure-skip-tls-verify`, `--insecure-discovery` (default true). */
  readonly insecureTransport: boolean;
  readonly insecureSkipTlsVerify: boolean;
  readonly insecureDiscovery: boolean;
  readonly cacert?: string;
  readonly cert?: string;
  readonly key?: string;
  /** From `--user name:password`, `--user name --password p`, or `--user name` and a password line on stdin. */
  readonly user?: { readonly name: string; readonly password: string };
  readonly debug: boolean;
}

/** A lease ID as etcdctl reads it: hexadecimal on the command line, an int64 below 2^53 here. */
export type LeaseId = number;

/** `authpb.Permission_Type`. */
export type PermissionType = "READ" | "WRITE" | "READWRITE";

/** The commands, with the requests they send. */
export type EtcdctlCommand =
  | { readonly kind: "put"; readonly request: PutRequest }
  | { readonly kind: "get"; readonly request: RangeRequest; readonly printValueOnly: boolean }
  | { readonly kind: "del"; readonly request: DeleteRangeRequest }
  | { readonly kind: "txn"; readonly request: TxnRequest; readonly interactive: boolean }
  | { readonly kind: "compaction"; readonly request: CompactionRequest }
  | { readonly kind: "watch"; readonly request: WatchCreateRequest }
  | { readonly kind: "lease-grant"; readonly ttlSeconds: number }
  | { readonly kind: "lease-revoke"; readonly id: LeaseId }
  | { readonly kind: "lease-timetolive"; readonly id: LeaseId; readonly keys: boolean }
  | { readonly kind: "lease-list" }
  | { readonly kind: "lease-keep-alive"; readonly id: LeaseId; readonly once: boolean }
  | { readonly kind: "member-list" }
  | { readonly kind: "member-add"; readonly name: string; readonly peerURLs: readonly string[]; readonly isLearner: boolean }
  | { readonly kind: "member-remove"; readonly id: bigint }
  | { readonly kind: "member-update"; readonly id: bigint; readonly peerURLs: readonly string[] }
  | { readonly kind: "member-promote"; readonly id: bigint }
  | { readonly kind: "endpoint-health"; readonly cluster: boolean }
  | { readonly kind: "endpoint-status"; readonly cluster: boolean }
  | { readonly kind: "snapshot-save"; readonly path: string }
  | { readonly kind: "snapshot-restore"; readonly restore: SnapshotRestoreOptions }
  | { readonly kind: "snapshot-status"; readonly path: string }
  | { readonly kind: "defrag"; readonly cluster: boolean }
  | { readonly kind: "alarm-list" }
  | { readonly kind: "alarm-disarm" }
  | { readonly kind: "move-leader"; readonly targetId: bigint }
  | { readonly kind: "user-add"; readonly name: string; readonly password: string; readonly noPassword: boolean }
  | { readonly kind: "user-delete"; readonly name: string }
  | { readonly kind: "user-get"; readonly name: string; readonly detail: boolean }
  | { readonly kind: "user-list" }
  | { readonly kind: "user-passwd"; readonly name: string; readonly password: string }
  | { readonly kind: "user-grant-role"; readonly user: string; readonly role: string }
  | { readonly kind: "user-revoke-role"; readonly user: string; readonly role: string }
  | { readonly kind: "role-add"; readonly name: string }
  | { readonly kind: "role-delete"; readonly name: string }
  | { readonly kind: "role-get"; readonly name: string }
  | { readonly kind: "role-list" }
  | { readonly kind: "role-grant-permission"; readonly role: string; readonly permission: AuthPermission }
  | {
      readonly kind: "role-revoke-permission";
      readonly role: string;
      readonly key: ByteString;
      readonly rangeEnd: ByteString;
      /** The key as typed (etcdctl prints it, not the key it sends). */
      readonly typedKey: string;
    }
  | { readonly kind: "auth-enable" }
  | { readonly kind: "auth-disable" }
  | { readonly kind: "auth-status" }
  | { readonly kind: "version" }
  | { readonly kind: "help"; readonly commandPath: string; readonly usage: string; readonly short: string };

export type CommandKind = EtcdctlCommand["kind"];

/** `snapshot restore` flags (etcdutl `SnapshotRestoreCommandFunc`), defaults applied. */
export interface SnapshotRestoreOptions {
  readonly path: string;
  readonly name: string;
  readonly dataDir: string;
  readonly walDir: string;
  readonly initialCluster: string;
  readonly initialClusterToken: string;
  readonly initialAdvertisePeerURLs: readonly string[];
  readonly skipHashCheck: boolean;
}

/** A command line, parsed. */
export interface ParsedCommandLine {
  readonly global: GlobalOptions;
  readonly command: EtcdctlCommand;
  /** What etcdctl wrote to stdout while it read its input (txn -i prompts, password prompts). */
  readonly prompt: string;
  /** What etcdctl wrote to stderr before sending anything (deprecation notices). */
  readonly notice: string;
  /** How many characters of the given stdin the command read. */
  readonly stdinUsed: number;
}

/** What a command prints and how it exits. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** etcdctl's exit codes (`pkg/cobrautl/error.go`). */
export const exitCodes = {
  success: 0,
  error: 1,
  badConnection: 2,
  invalidInput: 3,
  badFeature: 4,
  interrupted: 5,
  io: 6,
  badArgs: 128,
} as const;

/** The cluster part of a response header: who answered. */
export interface ClusterHeader {
  readonly clusterId: bigint;
  readonly memberId: bigint;
  readonly raftTerm: number;
}

/** `etcdserverpb.Member`. A member added but not started yet has an empty name. */
export interface MemberInfo {
  readonly id: bigint;
  readonly name: string;
  readonly peerURLs: readonly string[];
  readonly clientURLs: readonly string[];
  readonly isLearner: boolean;
}

/** One line of `endpoint status`: the `StatusResponse` of the member behind `endpoint`. */
export interface EndpointStatus {
  readonly endpoint: string;
  /** The header of the status response: the answering member's IDs and term, its store revision. */
  readonly clusterId: bigint;
  readonly memberId: bigint;
  readonly revision: number;
  readonly raftTerm: number;
  /** The server version, e.g. "3.5.21". */
  readonly version: string;
  readonly dbSize: number;
  readonly dbSizeInUse: number;
  /** The leader's member ID (0 without a leader). */
  readonly leader: bigint;
  readonly isLearner: boolean;
  readonly raftIndex: number;
  readonly raftAppliedIndex: number;
  /** Active alarms, as etcd writes them: "memberID:<id> alarm:NOSPACE ". */
  readonly errors: readonly string[];
}

/** One line of `endpoint health`. */
export interface EndpointHealth {
  readonly endpoint: string;
  readonly health: boolean;
  /** How long the health read took, in microseconds of virtual time (printed as a Go duration). */
  readonly tookUs: number;
  /** Empty when healthy. */
  readonly error: string;
}

/** `LeaseTimeToLiveResponse`: an unknown or expired lease has ttl -1 and grantedTtl 0. */
export interface LeaseTimeToLiveResponse {
  readonly header: ResponseHeader;
  readonly id: LeaseId;
  readonly ttl: number;
  readonly grantedTtl: number;
  /** Only filled when the keys were asked for. */
  readonly keys: readonly ByteString[];
}

export interface LeaseLeasesResponse {
  readonly header: ResponseHeader;
  readonly ids: readonly LeaseId[];
}

/** One keep-alive answer; ttl 0 (or less) means the lease is gone. */
export interface LeaseKeepAliveResponse {
  readonly header: ResponseHeader;
  readonly id: LeaseId;
  readonly ttl: number;
}

/**
 * The keep-alive stream as seen until the command stopped: `ended` when the server answered with
 * TTL 0 (expired or revoked), which ends the stream.
 */
export interface LeaseKeepAliveResult {
  readonly responses: readonly LeaseKeepAliveResponse[];
  readonly ended: boolean;
}

export interface MemberListResponse {
  readonly header: ResponseHeader;
  readonly members: readonly MemberInfo[];
}

export interface MemberAddResponse {
  readonly header: ResponseHeader;
  readonly member: MemberInfo;
  readonly members: readonly MemberInfo[];
}

/** The answer of member remove, update and promote: the members after the change. */
export interface MemberChangeResponse {
  readonly header: ResponseHeader;
  readonly members: readonly MemberInfo[];
}

export interface EndpointStatusResult {
  readonly statuses: readonly EndpointStatus[];
  /** Endpoints that did not answer, with the error text etcdctl prints. */
  readonly failures: readonly { readonly endpoint: string; readonly error: string }[];
}

/** `snapshot.Status` of etcdutl v3.5. */
export interface SnapshotStatus {
  readonly hash: number;
  readonly revision: number;
  readonly totalKey: number;
  readonly totalSize: number;
}

/** What `snapshot restore` did, for its log lines. */
export interface SnapshotRestoreResult {
  /** The time stamp of the log lines, RFC 3339 (virtual time, e.g. "2024-01-01T00:00:05Z"). */
  readonly logTime: string;
  readonly clusterId: bigint;
  /** The members of the new cluster, from --initial-cluster. */
  readonly members: readonly { readonly id: bigint; readonly peerURLs: readonly string[] }[];
}

export interface SnapshotSaveResult {
  readonly path: string;
}

/** Per endpoint: empty error when the defragmentation finished. */
export interface DefragResult {
  readonly endpoints: readonly { readonly endpoint: string; readonly error: string }[];
}

/**
 * `move-leader` asks each endpoint for its status until it finds the leader, which then hands
 * leadership over; `leaderFound: false` when no endpoint was the leader.
 */
export type MoveLeaderResponse = { readonly leaderFound: true; readonly header: ResponseHeader; readonly leaderId: bigint } | { readonly leaderFound: false };

/** `authpb.Permission`: an empty range end is one key; "\x00" is every key >= key. */
export interface AuthPermission {
  readonly permType: PermissionType;
  readonly key: ByteString;
  readonly rangeEnd: ByteString;
}

export interface AuthHeaderResponse {
  readonly header: ResponseHeader;
}

export interface AuthRoleGetResponse {
  readonly header: ResponseHeader;
  readonly permissions: readonly AuthPermission[];
}

export interface AuthUserGetResponse {
  readonly header: ResponseHeader;
  readonly roles: readonly string[];
  /** With `user get --detail`: the permissions of each role, in the order of `roles`. */
  readonly roleDetails?: readonly AuthRoleGetResponse[];
}

export interface AuthNamesResponse {
  readonly header: ResponseHeader;
  readonly names: readonly string[];
}

export interface AuthStatusResponse {
  readonly header: ResponseHeader;
  readonly enabled: boolean;
  readonly authRevision: number;
}

/** The watch as seen until the command stopped: every response the client delivered, in order. */
export interface WatchResult {
  readonly responses: readonly WatchResponse[];
}

/** The response shape of each command kind. */
export interface EtcdctlResponses {
  readonly put: PutResponse;
  readonly get: RangeResponse;
  readonly del: DeleteRangeResponse;
  readonly txn: TxnResponse;
  readonly compaction: CompactionResponse;
  readonly watch: WatchResult;
  readonly "lease-grant": LeaseGrantResponse;
  readonly "lease-revoke": LeaseRevokeResponse;
  readonly "lease-timetolive": LeaseTimeToLiveResponse;
  readonly "lease-list": LeaseLeasesResponse;
  readonly "lease-keep-alive": LeaseKeepAliveResult;
  readonly "member-list": MemberListResponse;
  readonly "member-add": MemberAddResponse;
  readonly "member-remove": MemberChangeResponse;
  readonly "member-update": MemberChangeResponse;
  readonly "member-promote": MemberChangeResponse;
  readonly "endpoint-health": readonly EndpointHealth[];
  readonly "endpoint-status": EndpointStatusResult;
  readonly "snapshot-save": SnapshotSaveResult;
  readonly "snapshot-restore": SnapshotRestoreResult;
  readonly "snapshot-status": SnapshotStatus;
  readonly defrag: DefragResult;
  readonly "alarm-list": AlarmResponse;
  readonly "alarm-disarm": AlarmResponse;
  readonly "move-leader": MoveLeaderResponse;
  readonly "user-add": AuthHeaderResponse;
  readonly "user-delete": AuthHeaderResponse;
  readonly "user-get": AuthUserGetResponse;
  readonly "user-list": AuthNamesResponse;
  readonly "user-passwd": AuthHeaderResponse;
  readonly "user-grant-role": AuthHeaderResponse;
  readonly "user-revoke-role": AuthHeaderResponse;
  readonly "role-add": AuthHeaderResponse;
  readonly "role-delete": AuthHeaderResponse;
  readonly "role-get": AuthRoleGetResponse;
  readonly "role-list": AuthNamesResponse;
  readonly "role-grant-permission": AuthHeaderResponse;
  readonly "role-revoke-permission": AuthHeaderResponse;
  readonly "auth-enable": AuthHeaderResponse;
  readonly "auth-disable": AuthHeaderResponse;
  readonly "auth-status": AuthStatusResponse;
}

/** Commands that need an answer from a cluster (version and help print without one). */
export type RemoteCommandKind = keyof EtcdctlResponses;

export type EtcdctlResponse = { readonly [K in RemoteCommandKind]: { readonly kind: K; readonly response: EtcdctlResponses[K] } }[RemoteCommandKind];

/** The answer to a command: its response, or the error the client got. */
export type EtcdctlOutcome = { readonly ok: true; readonly value: EtcdctlResponse } | { readonly ok: false; readonly error: EtcdError };
