/**
 * The auth store (etcd `server/auth/store.go`, `simple_token.go`): users, roles, key-range
 * permissions, the auth revision, and the simple tokens of authenticated users.
 *
 * Rules, as etcd applies them:
 * - The revision starts at 1 and grows by one with every change of users, roles or permissions and
 *   with auth disable; auth enable keeps it. A request whose token was checked at an older revision
 *   fails its permission check with `etcdserver: revision of auth store is old`.
 * - Auth enable needs a user "root" holding the role "root" (`root user does not exist`, `root user
 *   does not have root role`); enabling twice is a no-op. While auth is enabled the root user and
 *   the root role cannot be deleted, nor the root role revoked from root (`invalid auth management`).
 * - The role "root" may be granted without being added; a user with it passes every check. `role
 *   get root` shows the one permission READWRITE on every key.
 * - Permission checks (auth enabled): no user (revision 0) is `user name is empty`; an unknown user,
 *   or one whose roles do not cover the keys, is `permission denied` (see permissions.ts).
 * - Admin checks (auth management): no user is `user name is empty`, an unknown one `user name not
 *   found`, one without the root role `permission denied`. With auth disabled everything passes.
 * - Granting an existing permission (same key and range end, found by etcd's binary search on the
 *   key) changes its type; otherwise the permission is added and the list sorted by key. Revoking
 *   needs the exact key and range end.
 * - Tokens: `<prefix>.<index>`, assigned when an Authenticate entry is applied, valid for the token
 *   TTL (default 300 s) after their last use, dropped when their user is deleted or changes its
 *   password and when auth is disabled. They live in memory only: a restarted member has none.
 */
import { type ByteString, bytesFromText, compareBytes, fromKeyRangeEnd } from "../../mvcc/bytes.js";
import { assert, type EtcdError, failure, type Result, success } from "../../mvcc/errors.js";
import { authErrors } from "./errors.js";
import { hashPassword, passwordMatches } from "./password.js";
import { intervalsFor, intervalsPermit, isValidPermissionRange } from "./permissions.js";
import type { AuthInfo, Permission, UserAddRequest, UserChangePasswordRequest } from "./requests.js";

export const rootUserName = "root";
export const rootRoleName = "root";
/** What `role get root` shows (etcd `rootPerm`). */
export const rootPermission: Permission = { permType: "READWRITE", key: "", rangeEnd: fromKeyRangeEnd };
export const defaultTokenTtlMs = 300_000;

/** `authpb.User`. `password` is the stored hash, "" for a user without password. */
export interface UserRecord {
  readonly name: string;
  readonly password: string;
  /** Sorted (etcd keeps them sorted for its binary search). */
  readonly roles: readonly string[];
  readonly noPassword: boolean;
}

/** `authpb.Role`. */
export interface RoleRecord {
  readonly name: string;
  /** Sorted by key. */
  readonly permissions: readonly Permission[];
}

/** The persisted part of the auth store ("auth", "authUsers" and "authRoles" buckets). */
export interface AuthSnapshot {
  readonly enabled: boolean;
  readonly revision: number;
  /** By name. */
  readonly users: readonly UserRecord[];
  /** By name. */
  readonly roles: readonly RoleRecord[];
}

export interface AuthStoreConfig {
  /** How long a simple token lives after its last use (etcd `--auth-token-ttl`, 300 s). */
  readonly tokenTtlMs?: number;
}

interface TokenEntry {
  readonly username: string;
  expiryMs: number;
}

/** Go's `sort.Strings` order: bytewise on the UTF-8 encoding. */
export function compareNames(left: string, right: string): number {
  return compareBytes(bytesFromText(left), bytesFromText(right));
}

function byName<Item extends { readonly name: string }>(left: Item, right: Item): number {
  return compareNames(left.name, right.name);
}

export class AuthStore {
  private enabled = false;
  private currentRevision = 1;
  private readonly users = new Map<string, UserRecord>();
  private readonly roles = new Map<string, RoleRecord>();
  /** Simple tokens; undefined while the token provider is disabled. */
  private tokens: Map<string, TokenEntry> | undefined;
  readonly tokenTtlMs: number;

  constructor(config: AuthStoreConfig = {}) {
    this.tokenTtlMs = config.tokenTtlMs ?? defaultTokenTtlMs;
    assert(this.tokenTtlMs > 0, "token TTL must be positive");
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  get revision(): number {
    return this.currentRevision;
  }

  private commitRevision(): void {
    this.currentRevision++;
  }

  authEnable(): Result<void> {
    if (this.enabled) return success(undefined);
    const root = this.users.get(rootUserName);
    if (root === undefined) return failure(authErrors.rootUserNotExist);
    if (!root.roles.includes(rootRoleName)) return failure(authErrors.rootRoleNotExist);
    this.enabled = true;
    this.tokens ??= new Map();
    return success(undefined);
  }

  authDisable(): void {
    if (!this.enabled) return;
    this.commitRevision();
    this.enabled = false;
    this.tokens = undefined;
  }

  /** The API-layer password check before an Authenticate is proposed: the auth revision it saw. */
  checkPassword(name: string, password: string): Result<number> {
    if (!this.enabled) return failure(authErrors.authNotEnabled);
    const user = this.users.get(name);
    if (user === undefined) return failure(authErrors.authFailed);
    if (user.noPassword) return failure(authErrors.noPasswordUser);
    if (!passwordMatches(user.password, password)) return failure(authErrors.authFailed);
    return success(this.currentRevision);
  }

  /** Applies an Authenticate entry at `index`: the token `<prefix>.<index>`. */
  authenticate(name: string, prefix: string, index: number, nowMs: number): Result<string> {
    if (!this.enabled) return failure(authErrors.authNotEnabled);
    const user = this.users.get(name);
    if (user === undefined || user.noPassword) return failure(authErrors.authFailed);
    const token = `${prefix}.${index}`;
    const tokens = this.tokens;
    assert(tokens !== undefined, "the token provider is enabled with auth");
    assert(!tokens.has(token), `simple token ${token} assigned twice`);
    tokens.set(token, { username: name, expiryMs: nowMs + this.tokenTtlMs });
    return success(token);
  }

  /**
   * The user of a client's token (etcd `AuthInfoFromCtx`): undefined while auth is disabled or
   * without a token; `invalid auth token` for an unknown or expired one. A use renews the token.
   */
  authInfoFromToken(token: string | undefined, nowMs: number): Result<AuthInfo | undefined> {
    if (!this.enabled || token === undefined) return success(undefined);
    const parts = token.split(".");
    if (parts.length !== 2 || !/^[0-9]+$/.test(parts[1] ?? "")) return failure(authErrors.invalidAuthToken);
    const entry = this.tokens?.get(token);
    if (entry === undefined) return failure(authErrors.invalidAuthToken);
    if (nowMs > entry.expiryMs) {
      this.tokens?.delete(token);
      return failure(authErrors.invalidAuthToken);
    }
    entry.expiryMs = nowMs + this.tokenTtlMs;
    return success({ username: entry.username, revision: this.currentRevision });
  }

  /** How many tokens are held (expired ones included until they are looked up). */
  get tokenCount(): number {
    return this.tokens?.size ?? 0;
  }

  private invalidateUser(name: string): void {
    if (this.tokens === undefined) return;
    for (const [token, entry] of this.tokens) if (entry.username === name) this.tokens.delete(token);
  }

  /** etcd `selectPassword`: a plain password is hashed here only when no hash came with it. */
  private storedPassword(name: string, request: { readonly password?: string; readonly hashedPassword?: string }): string {
    const password = request.password ?? "";
    const hashed = request.hashedPassword ?? "";
    return password !== "" && hashed === "" ? hashPassword(name, password) : hashed;
  }

  userAdd(request: UserAddRequest): Result<void> {
    if (request.name.length === 0) return failure(authErrors.userEmpty);
    if (this.users.has(request.name)) return failure(authErrors.userAlreadyExist);
    const noPassword = request.noPassword === true;
    const password = noPassword ? "" : this.storedPassword(request.name, request);
    this.users.set(request.name, { name: request.name, password, roles: [], noPassword });
    this.commitRevision();
    return success(undefined);
  }

  userDelete(name: string): Result<void> {
    if (this.enabled && name === rootUserName) return failure(authErrors.invalidAuthManagement);
    if (!this.users.has(name)) return failure(authErrors.userNotFound);
    this.users.delete(name);
    this.commitRevision();
    this.invalidateUser(name);
    return success(undefined);
  }

  userChangePassword(request: UserChangePasswordRequest): Result<void> {
    const user = this.users.get(request.name);
    if (user === undefined) return failure(authErrors.userNotFound);
    const password = user.noPassword ? "" : this.storedPassword(request.name, request);
    this.users.set(request.name, { ...user, password });
    this.commitRevision();
    this.invalidateUser(request.name);
    return success(undefined);
  }

  userGrantRole(name: string, role: string): Result<void> {
    const user = this.users.get(name);
    if (user === undefined) return failure(authErrors.userNotFound);
    if (role !== rootRoleName && !this.roles.has(role)) return failure(authErrors.roleNotFound);
    if (user.roles.includes(role)) return success(undefined);
    this.users.set(name, { ...user, roles: [...user.roles, role].sort(compareNames) });
    this.commitRevision();
    return success(undefined);
  }

  userRevokeRole(name: string, role: string): Result<void> {
    if (this.enabled && name === rootUserName && role === rootRoleName) return failure(authErrors.invalidAuthManagement);
    const user = this.users.get(name);
    if (user === undefined) return failure(authErrors.userNotFound);
    const roles = user.roles.filter((granted) => granted !== role);
    if (roles.length === user.roles.length) return failure(authErrors.roleNotGranted);
    this.users.set(name, { ...user, roles });
    this.commitRevision();
    return success(undefined);
  }

  userGet(name: string): Result<readonly string[]> {
    const user = this.users.get(name);
    return user === undefined ? failure(authErrors.userNotFound) : success(user.roles);
  }

  userList(): string[] {
    return [...this.users.keys()].sort(compareNames);
  }

  roleAdd(name: string): Result<void> {
    if (name.length === 0) return failure(authErrors.roleEmpty);
    if (this.roles.has(name)) return failure(authErrors.roleAlreadyExist);
    this.roles.set(name, { name, permissions: [] });
    this.commitRevision();
    return success(undefined);
  }

  roleDelete(role: string): Result<void> {
    if (this.enabled && role === rootRoleName) return failure(authErrors.invalidAuthManagement);
    if (!this.roles.has(role)) return failure(authErrors.roleNotFound);
    this.roles.delete(role);
    for (const user of this.users.values()) {
      if (user.roles.includes(role)) this.users.set(user.name, { ...user, roles: user.roles.filter((granted) => granted !== role) });
    }
    this.commitRevision();
    return success(undefined);
  }

  roleGet(role: string): Result<readonly Permission[]> {
    const record = this.roles.get(role);
    if (record === undefined) return failure(authErrors.roleNotFound);
    return success(role === rootRoleName ? [rootPermission] : record.permissions);
  }

  roleList(): string[] {
    return [...this.roles.keys()].sort(compareNames);
  }

  roleGrantPermission(name: string, permission: Permission | undefined): Result<void> {
    if (permission === undefined) return failure(authErrors.permissionNotGiven);
    if (!isValidPermissionRange(permission.key, permission.rangeEnd)) return failure(authErrors.invalidAuthManagement);
    const role = this.roles.get(name);
    if (role === undefined) return failure(authErrors.roleNotFound);
    const permissions = [...role.permissions];
    const index = permissions.findIndex((existing) => compareBytes(existing.key, permission.key) >= 0);
    const found = index === -1 ? undefined : permissions[index];
    if (found !== undefined && found.key === permission.key && found.rangeEnd === permission.rangeEnd) {
      permissions[index] = { ...found, permType: permission.permType };
    } else {
      permissions.push({ permType: permission.permType, key: permission.key, rangeEnd: permission.rangeEnd });
      permissions.sort((left, right) => compareBytes(left.key, right.key));
    }
    this.roles.set(name, { name, permissions });
    this.commitRevision();
    return success(undefined);
  }

  roleRevokePermission(role: string, key: ByteString, rangeEnd: ByteString): Result<void> {
    const record = this.roles.get(role);
    if (record === undefined) return failure(authErrors.roleNotFound);
    const permissions = record.permissions.filter((permission) => permission.key !== key || permission.rangeEnd !== rangeEnd);
    if (permissions.length === record.permissions.length) return failure(authErrors.permissionNotGranted);
    this.roles.set(role, { name: role, permissions });
    this.commitRevision();
    return success(undefined);
  }

  hasRole(user: string, role: string): boolean {
    return this.users.get(user)?.roles.includes(role) ?? false;
  }

  isAdminPermitted(authInfo: AuthInfo | undefined): EtcdError | undefined {
    if (!this.enabled) return undefined;
    if (authInfo === undefined || authInfo.username === "") return authErrors.userEmpty;
    const user = this.users.get(authInfo.username);
    if (user === undefined) return authErrors.userNotFound;
    return user.roles.includes(rootRoleName) ? undefined : authErrors.permissionDenied;
  }

  isPutPermitted(authInfo: AuthInfo | undefined, key: ByteString): EtcdError | undefined {
    return this.isOperationPermitted(authInfo, key, "", "WRITE");
  }

  isRangePermitted(authInfo: AuthInfo | undefined, key: ByteString, rangeEnd: ByteString | undefined): EtcdError | undefined {
    return this.isOperationPermitted(authInfo, key, rangeEnd ?? "", "READ");
  }

  isDeleteRangePermitted(authInfo: AuthInfo | undefined, key: ByteString, rangeEnd: ByteString | undefined): EtcdError | undefined {
    return this.isOperationPermitted(authInfo, key, rangeEnd ?? "", "WRITE");
  }

  /** etcd `isOpPermitted`. */
  private isOperationPermitted(authInfo: AuthInfo | undefined, key: ByteString, rangeEnd: ByteString, access: "READ" | "WRITE"): EtcdError | undefined {
    if (!this.enabled) return undefined;
    if (authInfo === undefined || authInfo.revision === 0) return authErrors.userEmpty;
    if (authInfo.revision < this.currentRevision) return authErrors.authOldRevision;
    const user = this.users.get(authInfo.username);
    if (user === undefined) return authErrors.permissionDenied;
    if (user.roles.includes(rootRoleName)) return undefined;
    const permissions = user.roles.flatMap((role) => this.roles.get(role)?.permissions ?? []);
    return intervalsPermit(intervalsFor(permissions, access), key, rangeEnd) ? undefined : authErrors.permissionDenied;
  }

  snapshot(): AuthSnapshot {
    return {
      enabled: this.enabled,
      revision: this.currentRevision,
      users: [...this.users.values()].sort(byName),
      roles: [...this.roles.values()].sort(byName),
    };
  }

  /**
   * Replaces users, roles, flag and revision by a snapshot's (etcd `Recover`). Tokens stay: etcd's
   * token provider survives a snapshot install (it is only switched on when the snapshot has auth on).
   */
  restore(snapshot: AuthSnapshot): void {
    assert(Number.isSafeInteger(snapshot.revision) && snapshot.revision >= 1, `auth revision ${snapshot.revision} must be a positive integer`);
    this.users.clear();
    this.roles.clear();
    for (const user of snapshot.users) this.users.set(user.name, { name: user.name, password: user.password, roles: [...user.roles].sort(compareNames), noPassword: user.noPassword });
    for (const role of snapshot.roles) this.roles.set(role.name, { name: role.name, permissions: role.permissions.map((permission) => ({ ...permission })) });
    this.enabled = snapshot.enabled;
    this.currentRevision = snapshot.revision;
    if (this.enabled) this.tokens ??= new Map();
  }
}
