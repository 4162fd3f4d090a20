/**
 * Package server: etcd's server-side state machine, as a pure module a member plugs in.
 *
 * - `EtcdServerState` (server-state.ts): the state one member applies committed entries to: the
 *   MVCC store with its lessor and alarms, and the auth store. `apply(request, index, nowMs)` runs
 *   etcd's apply chain (admin check, corrupt, capped, permissions, quota, store); `read(request,
 *   authInfo)` serves ranges and read-only txns with etcd's `doSerialize` checks; `snapshot()` and
 *   `restore()` carry the whole state through Raft snapshots. It also takes today's `KvRequest`.
 * - `InternalRequest` (requests.ts): everything that goes through Raft, with the request header
 *   (`{id, username, authRevision}`) the apply layer checks permissions with.
 * - `AuthStore` (auth-store.ts): users, roles, permissions, the auth revision, simple tokens.
 * - Snapshot files (snapshot-file.ts): save, read, status and restore, as etcdctl and etcdutl do,
 *   with member and cluster IDs derived as etcd derives them (cluster-ids.ts).
 *
 * What the member does around it (etcd's `EtcdServer`, outside the apply layer):
 * 1. For each client request: look the token up with `authInfo(token, nowMs)` (an error is the
 *    answer), build the header with `headerFor(authInfo, id)`; for lease grant and revoke check
 *    `requireAuthInfo`; for Authenticate check `checkPassword` first and propose
 *    `{type: "authenticate", request: {name, simpleToken: tokenPrefix(random)}}`; hash passwords
 *    with `hashPassword` before proposing user add and password change.
 * 2. After applying an entry: if `shouldRaiseNoSpaceAlarm(outcome)`, propose
 *    `{type: "alarm", request: {action: "ACTIVATE", memberId, alarm: "NOSPACE"}}`.
 * 3. Leases: on becoming leader `store.lessor.promote(extendMs, nowMs)`, on losing it `demote()`;
 *    periodically propose `leaseRevoke` for each of `store.lessor.expiredLeases(nowMs)` with the
 *    header of `rootAuthInfo()`.
 * 4. Fill cluster_id, member_id and raft_term into every response header.
 *
 * The module reads no clock and draws no random numbers: virtual time comes in as `nowMs`.
 */
export { AuthStore, type AuthSnapshot, type AuthStoreConfig, defaultTokenTtlMs, type RoleRecord, rootPermission, rootRoleName, rootUserName, type UserRecord } from "./auth-store.js";
export { checkUrls, clusterIdFor, compareMemberIds, type MemberId, memberIdBigInt, memberIdFor, parseInitialCluster, type TextResult, urlsMapString, verifyBootstrap } from "./cluster-ids.js";
export { authErrors } from "./errors.js";
export { hashPassword, passwordMatches, tokenPrefix } from "./password.js";
export { compareAffine, intervalsPermit, isValidPermissionRange, type KeyInterval, permissionInterval } from "./permissions.js";
export {
  anonymousHeader,
  type AuthInfo,
  headerFor,
  type InternalRequest,
  type InternalRequestBody,
  type InternalRequests,
  type InternalRequestType,
  type InternalResponse,
  type InternalResponses,
  internalRequestFromKv,
  kvResponseFromInternal,
  needsAdminPermission,
  type Permission,
  type PermissionType,
  permissionTypes,
  type RequestHeader,
  type ResponseFor,
} from "./requests.js";
export { emptyAuthSnapshot, type EtcdServerConfig, EtcdServerState, isServerSnapshot, type LeaseDeleteListener, type ServerSnapshot } from "./server-state.js";
export {
  type ClusterInfo,
  type ClusterMember,
  emptyClusterInfo,
  encodeServerDatabase,
  hasChecksum,
  readSnapshotFile,
  type RestoreConfig,
  type RestoredDataDirectory,
  type RestoredRaftState,
  restoreFromSnapshot,
  saveSnapshotFile,
  type SnapshotFileContents,
  type SnapshotStatus,
  snapshotStatus,
  storageVersion,
} from "./snapshot-file.js";
