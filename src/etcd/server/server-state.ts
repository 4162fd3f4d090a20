/**
 * EtcdServerState: what one member applies committed entries to, as etcd's apply layer
 * (`server/etcdserver/apply/uber_applier.go` and the appliers it chains) over the MVCC store, its
 * lessor and alarms, and the auth store.
 *
 * The apply chain, in etcd's order (CorruptApplier -> CappedApplier -> Auth -> Quota -> Backend):
 * 1. Auth-management requests need a root user first (`needAdminPermission`); `user get` is also
 *    allowed for the user itself, `role get` for a user holding the role.
 * 2. CORRUPT alarm active: put, delete, txn, compaction, lease grant and revoke fail with
 *    `etcdserver: corrupt cluster`.
 * 3. NOSPACE alarm active (capped mode): put, a txn with a put in either branch and lease grant fail
 *    with `etcdserver: mvcc: database space exceeded` and write nothing; deletes, txns without
 *    puts, compaction, revokes and alarms still work.
 * 4. Permissions (auth enabled): range needs READ on its keys; put WRITE on its key (and READ with
 *    prev_kv, and for a lease already attached to keys WRITE on all of them, unless root); delete
 *    WRITE on its range (and READ with prev_kv); a txn READ on every compare and every check of
 *    each op of both branches, nested txns included; a lease revoke WRITE on every attached key
 *    unless root. Compaction and lease grant are not checked.
 * 5. Quota: a put, txn or lease grant that does not fit is applied, then answered with the no-space
 *    error; the member then raises the NOSPACE alarm (`shouldRaiseNoSpaceAlarm`).
 * 6. The store: lease existence, revisions, compaction rules (src/mvcc).
 *
 * Reads (`read`) are etcd's `doSerialize`: the permission check, the read, then `revision of auth
 * store is old` when the auth store changed since the token was looked up.
 *
 * Every response header carries the store revision; the member adds cluster_id, member_id and
 * raft_term. `apply` also takes today's `KvRequest` (no user: the request of a client without token).
 */
import { type EtcdError, etcdErrors, type Result, assertionFailed, assertNever, failure, success } from "../../mvcc/errors.js";
import { MvccStore, type MvccStoreConfig } from "../../mvcc/kv_store.js";
import { isTxnReadOnly } from "../../mvcc/apply.js";
import { txnCost } from "../../mvcc/quota.js";
import { snapshotFormat, type StoreSnapshot } from "../../mvcc/snapshot.js";
import type { DeleteRangeRequest, LeaseRevokeRequest, PutRequest, RangeRequest, RangeResponse, RequestOp, TxnRequest, TxnResponse } from "../../mvcc/types.js";
import type { KvRequest, KvResponse, Outcome } from "../protocol.js";
import type { StateMachine } from "../state-machine.js";
import { AuthStore, type AuthSnapshot, type AuthStoreConfig, rootUserName } from "./auth-store.js";
import { authErrors } from "./errors.js";
import {
  anonymousHeader,
  type AuthInfo,
  type InternalRequest,
  type InternalRequests,
  type InternalRequestType,
  type InternalResponse,
  type InternalResponses,
  internalRequestFromKv,
  kvResponseFromInternal,
  needsAdminPermission,
  type ResponseFor,
} from "./requests.js";

export interface EtcdServerConfig extends MvccStoreConfig, AuthStoreConfig {}

/**
 * Told of each applied lease revoke (a client's `lease revoke`, or the leader's when a lease
 * expires) that deleted keys: the new revision and the keys attached to the lease just before, in
 * key order. No KV request wrote those deletes, so the client history needs them (history.ts).
 */
export type LeaseDeleteListener = (revision: number, keys: readonly string[]) => void;

export const serverSnapshotFormat = "etcdlab.server.snapshot";
export const serverSnapshotFormatVersion = 1;

/** The whole replicated state, for a Raft snapshot: plain data, never mutated afterwards. */
export interface ServerSnapshot {
  readonly format: typeof serverSnapshotFormat;
  readonly formatVersion: typeof serverSnapshotFormatVersion;
  readonly store: StoreSnapshot;
  readonly auth: AuthSnapshot;
  /** The index of the last applied entry (etcd's consistent index, kept in the database). */
  readonly consistentIndex: number;
}

export function isServerSnapshot(data: unknown): data is ServerSnapshot {
  return typeof data === "object" && data !== null && (data as { format?: unknown }).format === serverSnapshotFormat;
}

function isStoreSnapshot(data: unknown): data is StoreSnapshot {
  return typeof data === "object" && data !== null && (data as { format?: unknown }).format === snapshotFormat;
}

/** The auth state of a fresh member. */
export const emptyAuthSnapshot: AuthSnapshot = { enabled: false, revision: 1, users: [], roles: [] };

type WriteKind = "put" | "txn" | "leaseGrant" | "other";

/** The identity of a request without a token (an anonymous header); never mutated. */
const NO_USER: AuthInfo = { username: "", revision: 0 };

/**
 * The last result `respond` wrapped, and its wrapping: the members of a cluster apply the same
 * writes, and a result they share (a plain put's, apply.ts) is wrapped once for all of them.
 */
let lastResult: Result<unknown> | undefined;
let lastOutcome: Outcome<InternalResponse> | undefined;

function respond<Type extends InternalRequestType>(type: Type, result: Result<InternalResponses[Type]>): Outcome<InternalResponse> {
  if (!result.ok) return result;
  if (result === lastResult) return lastOutcome as Outcome<InternalResponse>;
  const outcome: Outcome<InternalResponse> = { ok: true, value: { type, response: result.value } as InternalResponse };
  lastResult = result;
  lastOutcome = outcome;
  return outcome;
}

export class EtcdServerState implements StateMachine {
  readonly store: MvccStore;
  readonly auth: AuthStore;
  private appliedIndex = 0;

  constructor(
    config: EtcdServerConfig = {},
    private readonly onLeaseDeletes?: LeaseDeleteListener,
  ) {
    this.store = new MvccStore(config);
    this.auth = new AuthStore(config);
  }

  /** The index of the last entry applied (etcd's consistent index). */
  get consistentIndex(): number {
    return this.appliedIndex;
  }

  /**
   * Applies a committed entry at Raft index `index`. `nowMs` (virtual time) sets the expiry of a
   * granted lease on a primary lessor and of an assigned token.
   */
  apply(request: KvRequest, index: number): Outcome<KvResponse>;
  apply<Request extends InternalRequest>(request: Request, index: number, nowMs: number): Outcome<ResponseFor<Request>>;
  apply(request: KvRequest | InternalRequest, index: number, nowMs = 0): Outcome<KvResponse> | Outcome<InternalResponse> {
    if (index > this.appliedIndex) this.appliedIndex = index;
    if ("kind" in request) return this.applyKv(request, index);
    return this.applyInternal(request, index, nowMs);
  }

  /** Serves a range or a read-only txn for a client whose token gave `authInfo` (none: no token). */
  read(request: KvRequest, authInfo?: AuthInfo): Outcome<KvResponse> {
    switch (request.kind) {
      case "range":
        return this.serialize(authInfo, this.auth.isRangePermitted(authInfo, request.request.key, request.request.rangeEnd), () => this.wrapRange(this.store.range(request.request)));
      case "txn":
        if (!isTxnReadOnly(request.request)) assertionFailed("read of a txn that writes");
        return this.serialize(authInfo, this.checkTxnPermission(authInfo, request.request), () => this.wrapTxn(this.store.txn(request.request)));
      default:
        return assertionFailed(`read of a ${request.kind} request`);
    }
  }

  /** etcd `doSerialize`: the permission check, the read, then the staleness check of the token's auth revision. */
  private serialize(authInfo: AuthInfo | undefined, denied: EtcdError | undefined, get: () => Outcome<KvResponse>): Outcome<KvResponse> {
    if (denied !== undefined) return failure(denied);
    const outcome = get();
    if (authInfo !== undefined && authInfo.revision !== 0 && authInfo.revision !== this.auth.revision) return failure(authErrors.authOldRevision);
    return outcome;
  }

  private wrapRange(result: Result<RangeResponse>): Outcome<KvResponse> {
    return result.ok ? success({ kind: "range", response: result.value }) : result;
  }

  private wrapTxn(result: Result<TxnResponse>): Outcome<KvResponse> {
    return result.ok ? success({ kind: "txn", response: result.value }) : result;
  }

  /**
   * The user of a client's token, for the request header (etcd `AuthInfoFromCtx`): undefined when
   * auth is disabled or no token was sent; `invalid auth token` for an unknown or expired token.
   */
  authInfo(token: string | undefined, nowMs: number): Outcome<AuthInfo | undefined> {
    return this.auth.authInfoFromToken(token, nowMs);
  }

  /** etcd `requireAuthInfo`, the API check of lease grant, revoke and time-to-live: a user is needed with auth on. */
  requireAuthInfo(authInfo: AuthInfo | undefined): EtcdError | undefined {
    return this.auth.isEnabled && authInfo === undefined ? authErrors.userEmpty : undefined;
  }

  /** The identity the leader uses to revoke expired leases (etcd `WithRoot`). */
  rootAuthInfo(): AuthInfo {
    return { username: rootUserName, revision: this.auth.revision };
  }

  /** The API-layer password check before proposing an Authenticate: the auth revision it saw. */
  checkPassword(name: string, password: string): Outcome<number> {
    return this.auth.checkPassword(name, password);
  }

  /** Whether an apply answer means the member must propose `Alarm{ACTIVATE, NOSPACE, itself}` (etcd `applyEntryNormal`). */
  shouldRaiseNoSpaceAlarm(outcome: Outcome<unknown>): boolean {
    return !outcome.ok && outcome.error.message === etcdErrors.noSpace.message && !this.store.isAlarmActive("NOSPACE");
  }

  snapshot(): ServerSnapshot {
    return {
      format: serverSnapshotFormat,
      formatVersion: serverSnapshotFormatVersion,
      store: this.store.snapshot(),
      auth: this.auth.snapshot(),
      consistentIndex: this.appliedIndex,
    };
  }

  /** Replaces the whole state by a snapshot's; a bare store snapshot (today's format) leaves auth empty. */
  restore(data: unknown): void {
    if (isServerSnapshot(data)) {
      this.store.restoreSnapshot(data.store);
      this.auth.restore(data.auth);
      this.appliedIndex = data.consistentIndex;
      return;
    }
    if (!isStoreSnapshot(data)) assertionFailed("restore of data that is neither a server nor a store snapshot");
    this.store.restoreSnapshot(data);
    this.auth.restore(emptyAuthSnapshot);
  }

  private applyKv(request: KvRequest, index: number): Outcome<KvResponse> {
    if (request.kind === "range") return this.wrapRange(this.applyRange(request.request, NO_USER));
    const outcome = this.applyInternal(internalRequestFromKv(request, anonymousHeader()), index, 0);
    return outcome.ok ? success(kvResponseFromInternal(outcome.value)) : outcome;
  }

  private applyInternal(request: InternalRequest, index: number, nowMs: number): Outcome<InternalResponse> {
    const header = request.header;
    const authInfo: AuthInfo = header.username === "" && header.authRevision === 0 ? NO_USER : { username: header.username, revision: header.authRevision };
    if (needsAdminPermission(request.type)) {
      const denied = this.auth.isAdminPermitted(authInfo);
      if (denied !== undefined) return failure(denied);
    }
    switch (request.type) {
      case "put":
        return respond("put", this.applyPut(request.request, authInfo));
      case "deleteRange":
        return respond("deleteRange", this.applyDeleteRange(request.request, authInfo));
      case "txn":
        return respond("txn", this.applyTxn(request.request, authInfo));
      case "compaction":
        return respond("compaction", this.applyCompaction(request.request));
      case "leaseGrant": {
        const refusal = this.alarmRefusal("leaseGrant", 0);
        return respond("leaseGrant", refusal !== undefined ? failure(refusal) : this.store.leaseGrant(request.request, nowMs));
      }
      case "leaseRevoke":
        return respond("leaseRevoke", this.applyLeaseRevoke(request.request, authInfo));
      case "alarm":
        return respond("alarm", success(this.store.alarm(request.request)));
      default:
        return this.applyAuth(request, index, nowMs, authInfo);
    }
  }

  private header(): { readonly revision: number } {
    return { revision: this.store.currentRevision };
  }

  private done<Type extends InternalRequestType>(type: Type, result: Result<void>): Outcome<InternalResponse> {
    return respond(type, result.ok ? success({ header: this.header() } as InternalResponses[Type]) : result);
  }

  private applyAuth(request: InternalRequest, index: number, nowMs: number, authInfo: AuthInfo): Outcome<InternalResponse> {
    const auth = this.auth;
    switch (request.type) {
      case "authEnable":
        return this.done("authEnable", auth.authEnable());
      case "authDisable":
        auth.authDisable();
        return this.done("authDisable", success(undefined));
      case "authStatus":
        return respond("authStatus", success({ header: this.header(), enabled: auth.isEnabled, authRevision: auth.revision }));
      case "authenticate": {
        const token = auth.authenticate(request.request.name, request.request.simpleToken, index, nowMs);
        return respond("authenticate", token.ok ? success({ header: this.header(), token: token.value }) : token);
      }
      case "authUserAdd":
        return this.done("authUserAdd", auth.userAdd(request.request));
      case "authUserDelete":
        return this.done("authUserDelete", auth.userDelete(request.request.name));
      case "authUserChangePassword":
        return this.done("authUserChangePassword", auth.userChangePassword(request.request));
      case "authUserGrantRole":
        return this.done("authUserGrantRole", auth.userGrantRole(request.request.user, request.request.role));
      case "authUserRevokeRole":
        return this.done("authUserRevokeRole", auth.userRevokeRole(request.request.name, request.request.role));
      case "authUserGet":
        return this.applyUserGet(request.request, authInfo);
      case "authUserList":
        return respond("authUserList", success({ header: this.header(), users: auth.userList() }));
      default:
        return this.applyRoleRequest(request, authInfo);
    }
  }

  private applyUserGet(request: InternalRequests["authUserGet"], authInfo: AuthInfo): Outcome<InternalResponse> {
    const denied = this.auth.isAdminPermitted(authInfo);
    if (denied !== undefined && request.name !== authInfo.username) return failure(denied);
    const roles = this.auth.userGet(request.name);
    return respond("authUserGet", roles.ok ? success({ header: this.header(), roles: roles.value }) : roles);
  }

  private applyRoleRequest(request: InternalRequest, authInfo: AuthInfo): Outcome<InternalResponse> {
    const auth = this.auth;
    switch (request.type) {
      case "authRoleAdd":
        return this.done("authRoleAdd", auth.roleAdd(request.request.name));
      case "authRoleDelete":
        return this.done("authRoleDelete", auth.roleDelete(request.request.role));
      case "authRoleGrantPermission":
        return this.done("authRoleGrantPermission", auth.roleGrantPermission(request.request.name, request.request.perm));
      case "authRoleRevokePermission":
        return this.done("authRoleRevokePermission", auth.roleRevokePermission(request.request.role, request.request.key, request.request.rangeEnd ?? ""));
      case "authRoleList":
        return respond("authRoleList", success({ header: this.header(), roles: auth.roleList() }));
      case "authRoleGet": {
        const denied = auth.isAdminPermitted(authInfo);
        if (denied !== undefined && !auth.hasRole(authInfo.username, request.request.role)) return failure(denied);
        const perm = auth.roleGet(request.request.role);
        return respond("authRoleGet", perm.ok ? success({ header: this.header(), perm: perm.value }) : perm);
      }
      default:
        return assertionFailed(`apply of an unexpected request type ${request.type}`);
    }
  }

  /** The corrupt and capped appliers: the alarm that refuses this write, if any. */
  private alarmRefusal(kind: WriteKind, cost: number): EtcdError | undefined {
    if (this.store.isAlarmActive("CORRUPT")) return etcdErrors.corrupt;
    if (kind === "other" || !this.store.isAlarmActive("NOSPACE")) return undefined;
    return kind === "txn" && cost === 0 ? undefined : etcdErrors.noSpace;
  }

  private applyRange(request: RangeRequest, authInfo: AuthInfo): Result<RangeResponse> {
    const refusal = this.alarmRefusal("other", 0) ?? this.auth.isRangePermitted(authInfo, request.key, request.rangeEnd);
    return refusal !== undefined ? failure(refusal) : this.store.range(request);
  }

  private applyPut(request: PutRequest, authInfo: AuthInfo): Result<InternalResponses["put"]> {
    const refusal = this.alarmRefusal("put", 0) ?? this.auth.isPutPermitted(authInfo, request.key) ?? this.checkLeasePuts(request.lease ?? 0, authInfo);
    if (refusal !== undefined) return failure(refusal);
    const prevKvRefusal = request.prevKv ? this.auth.isRangePermitted(authInfo, request.key, undefined) : undefined;
    return prevKvRefusal !== undefined ? failure(prevKvRefusal) : this.store.put(request);
  }

  private applyDeleteRange(request: DeleteRangeRequest, authInfo: AuthInfo): Result<InternalResponses["deleteRange"]> {
    const refusal = this.alarmRefusal("other", 0) ?? this.auth.isDeleteRangePermitted(authInfo, request.key, request.rangeEnd);
    if (refusal !== undefined) return failure(refusal);
    const prevKvRefusal = request.prevKv ? this.auth.isRangePermitted(authInfo, request.key, request.rangeEnd) : undefined;
    return prevKvRefusal !== undefined ? failure(prevKvRefusal) : this.store.deleteRange(request);
  }

  private applyTxn(request: TxnRequest, authInfo: AuthInfo): Result<TxnResponse> {
    const refusal = this.alarmRefusal("txn", txnCost(request)) ?? this.checkTxnPermission(authInfo, request);
    return refusal !== undefined ? failure(refusal) : this.store.txn(request);
  }

  private applyCompaction(request: InternalRequests["compaction"]): Result<InternalResponses["compaction"]> {
    const refusal = this.alarmRefusal("other", 0);
    return refusal !== undefined ? failure(refusal) : this.store.compact(request);
  }

  private applyLeaseRevoke(request: LeaseRevokeRequest, authInfo: AuthInfo): Result<InternalResponses["leaseRevoke"]> {
    const refusal = this.alarmRefusal("other", 0) ?? this.checkLeasePuts(request.id, authInfo);
    if (refusal !== undefined) return failure(refusal);
    const listener = this.onLeaseDeletes;
    if (listener === undefined) return this.store.leaseRevoke(request);
    const store = this.store;
    const before = store.currentRevision;
    const keys = store.lessor.has(request.id) ? store.lessor.timeToLive(request.id, true, 0).keys : [];
    const result = store.leaseRevoke(request);
    if (result.ok && store.currentRevision > before && keys.length > 0) listener(store.currentRevision, keys);
    return result;
  }

  /**
   * etcd `checkLeasePuts`: a user may attach to, or revoke, a lease only if it may write every key
   * already attached to it (root may always).
   */
  private checkLeasePuts(lease: number, authInfo: AuthInfo): EtcdError | undefined {
    if (lease === 0 || !this.store.lessor.has(lease)) return undefined;
    if (this.auth.isAdminPermitted(authInfo) === undefined) return undefined;
    for (const key of this.store.lessor.timeToLive(lease, true, 0).keys) {
      const denied = this.auth.isPutPermitted(authInfo, key);
      if (denied !== undefined) return denied;
    }
    return undefined;
  }

  /** etcd `CheckTxnAuth`: READ on every compare, then the ops of both branches, nested txns included. */
  private checkTxnPermission(authInfo: AuthInfo | undefined, request: TxnRequest): EtcdError | undefined {
    for (const compare of request.compare ?? []) {
      const denied = this.auth.isRangePermitted(authInfo, compare.key, compare.rangeEnd);
      if (denied !== undefined) return denied;
    }
    return this.checkOpsPermission(authInfo, request.success ?? []) ?? this.checkOpsPermission(authInfo, request.failure ?? []);
  }

  private checkOpsPermission(authInfo: AuthInfo | undefined, operations: readonly RequestOp[]): EtcdError | undefined {
    for (const operation of operations) {
      const denied = this.checkOpPermission(authInfo, operation);
      if (denied !== undefined) return denied;
    }
    return undefined;
  }

  private checkOpPermission(authInfo: AuthInfo | undefined, operation: RequestOp): EtcdError | undefined {
    switch (operation.type) {
      case "range":
        return this.auth.isRangePermitted(authInfo, operation.request.key, operation.request.rangeEnd);
      case "put":
        return this.auth.isPutPermitted(authInfo, operation.request.key);
      case "deleteRange": {
        const { key, rangeEnd, prevKv } = operation.request;
        return (prevKv ? this.auth.isRangePermitted(authInfo, key, rangeEnd) : undefined) ?? this.auth.isDeleteRangePermitted(authInfo, key, rangeEnd);
      }
      case "txn":
        return this.checkTxnPermission(authInfo, operation.request);
      default:
        return assertNever(operation, "request op");
    }
  }
}
