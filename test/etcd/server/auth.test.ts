import { describe, expect, test } from "vitest";
import { etcdErrors, prefixEnd } from "../../../src/mvcc/index.js";
import { authErrors, hashPassword, passwordMatches, rootPermission, tokenPrefix } from "../../../src/etcd/server/index.js";
import { expectError, TestServer, unwrap } from "./helpers.js";

const root = (server: TestServer) => server.as("root");

/** A server with auth on, root, and a user "alice" holding role "reader" (READ on prefix "foo"). */
function serverWithAlice(): TestServer {
  const server = new TestServer();
  server.must("authUserAdd", { name: "alice", hashedPassword: hashPassword("alice", "alice-password") });
  server.must("authRoleAdd", { name: "reader" });
  server.must("authRoleGrantPermission", { name: "reader", perm: { permType: "READ", key: "foo", rangeEnd: prefixEnd("foo") } });
  server.must("authUserGrantRole", { user: "alice", role: "reader" });
  server.enableAuthWithRoot();
  return server;
}

describe("auth enable and the root rules", () => {
  test("enable needs a root user holding the root role; the revision counts changes, not the enable", () => {
    const server = new TestServer();
    expect(server.state.auth.revision).toBe(1);
    expectError(server.apply("authEnable", {}), authErrors.rootUserNotExist);
    server.must("authUserAdd", { name: "root", password: "root-password" });
    expectError(server.apply("authEnable", {}), authErrors.rootRoleNotExist);
    server.must("authUserGrantRole", { user: "root", role: "root" });
    expect(server.state.auth.revision).toBe(3);
    expect(server.must("authEnable", {})).toEqual({ header: { revision: 1 } });
    expect(server.must("authStatus", {})).toEqual({ header: { revision: 1 }, enabled: true, authRevision: 3 });
    expect(server.must("authEnable", {}, root(server))).toEqual({ header: { revision: 1 } });
    expect(server.state.auth.revision).toBe(3);
  });

  test("with auth on, root cannot be deleted, lose its role, or see its role deleted", () => {
    const server = new TestServer();
    server.must("authRoleAdd", { name: "root" });
    server.enableAuthWithRoot();
    expectError(server.apply("authUserDelete", { name: "root" }, root(server)), authErrors.invalidAuthManagement);
    expectError(server.apply("authUserRevokeRole", { name: "root", role: "root" }, root(server)), authErrors.invalidAuthManagement);
    expectError(server.apply("authRoleDelete", { role: "root" }, root(server)), authErrors.invalidAuthManagement);
    expect(server.must("authRoleGet", { role: "root" }, root(server)).perm).toEqual([rootPermission]);
    server.must("authDisable", {}, root(server));
    expect(server.must("authRoleDelete", { role: "root" }).header.revision).toBe(1);
  });

  test("auth management needs root: no user, an unknown user, a user without the root role", () => {
    const server = serverWithAlice();
    expectError(server.apply("authUserAdd", { name: "bob" }), authErrors.userEmpty);
    expectError(server.apply("authUserAdd", { name: "bob" }, { username: "mallory", revision: server.state.auth.revision }), authErrors.userNotFound);
    expectError(server.apply("authUserAdd", { name: "bob" }, server.as("alice")), authErrors.permissionDenied);
    expectError(server.apply("authUserList", {}, server.as("alice")), authErrors.permissionDenied);
    expectError(server.apply("authDisable", {}, server.as("alice")), authErrors.permissionDenied);
    expect(server.must("authStatus", {}, server.as("alice")).enabled).toBe(true);
    expect(server.must("authUserList", {}, root(server)).users).toEqual(["alice", "root"]);
    expect(server.must("authRoleList", {}, root(server)).roles).toEqual(["reader"]);
  });

  test("a user may get itself and the roles it holds, nothing else", () => {
    const server = serverWithAlice();
    expect(server.must("authUserGet", { name: "alice" }, server.as("alice")).roles).toEqual(["reader"]);
    expectError(server.apply("authUserGet", { name: "root" }, server.as("alice")), authErrors.permissionDenied);
    expect(server.must("authRoleGet", { role: "reader" }, server.as("alice")).perm).toEqual([{ permType: "READ", key: "foo", rangeEnd: "fop" }]);
    expectError(server.apply("authRoleGet", { role: "root" }, server.as("alice")), authErrors.permissionDenied);
    expect(server.must("authUserGet", { name: "root" }, root(server)).roles).toEqual(["root"]);
  });
});

describe("user and role management", () => {
  test("every error of user and role CRUD", () => {
    const server = new TestServer();
    expectError(server.apply("authUserAdd", { name: "" }), authErrors.userEmpty);
    server.must("authUserAdd", { name: "u", password: "p" });
    expectError(server.apply("authUserAdd", { name: "u" }), authErrors.userAlreadyExist);
    expectError(server.apply("authUserDelete", { name: "v" }), authErrors.userNotFound);
    expectError(server.apply("authUserChangePassword", { name: "v", password: "p" }), authErrors.userNotFound);
    expectError(server.apply("authUserGet", { name: "v" }), authErrors.userNotFound);
    expectError(server.apply("authRoleAdd", { name: "" }), authErrors.roleEmpty);
    server.must("authRoleAdd", { name: "r" });
    expectError(server.apply("authRoleAdd", { name: "r" }), authErrors.roleAlreadyExist);
    expectError(server.apply("authUserGrantRole", { user: "v", role: "r" }), authErrors.userNotFound);
    expectError(server.apply("authUserGrantRole", { user: "u", role: "nope" }), authErrors.roleNotFound);
    expectError(server.apply("authUserRevokeRole", { name: "u", role: "r" }), authErrors.roleNotGranted);
    expectError(server.apply("authUserRevokeRole", { name: "v", role: "r" }), authErrors.userNotFound);
    expectError(server.apply("authRoleGet", { role: "nope" }), authErrors.roleNotFound);
    expectError(server.apply("authRoleDelete", { role: "nope" }), authErrors.roleNotFound);
    expectError(server.apply("authRoleGrantPermission", { name: "r" }), authErrors.permissionNotGiven);
    expectError(server.apply("authRoleGrantPermission", { name: "r", perm: { permType: "READ", key: "", rangeEnd: "" } }), authErrors.invalidAuthManagement);
    expectError(server.apply("authRoleGrantPermission", { name: "r", perm: { permType: "READ", key: "b", rangeEnd: "a" } }), authErrors.invalidAuthManagement);
    expectError(server.apply("authRoleGrantPermission", { name: "nope", perm: { permType: "READ", key: "a", rangeEnd: "" } }), authErrors.roleNotFound);
    expectError(server.apply("authRoleRevokePermission", { role: "r", key: "a" }), authErrors.permissionNotGranted);
    expectError(server.apply("authRoleRevokePermission", { role: "nope", key: "a" }), authErrors.roleNotFound);
    expect(authErrors.userNotFound).toMatchObject({ codeName: "FailedPrecondition", message: "etcdserver: user name not found" });
  });

  test("grants are sorted and updated in place; revokes need the exact range; deleting a role takes it from users", () => {
    const server = new TestServer();
    server.must("authRoleAdd", { name: "r" });
    server.must("authUserAdd", { name: "u", noPassword: true });
    server.must("authUserGrantRole", { user: "u", role: "r" });
    const revision = server.state.auth.revision;
    server.must("authUserGrantRole", { user: "u", role: "r" });
    expect(server.state.auth.revision).toBe(revision);
    server.must("authRoleGrantPermission", { name: "r", perm: { permType: "READ", key: "m", rangeEnd: "\x00" } });
    server.must("authRoleGrantPermission", { name: "r", perm: { permType: "WRITE", key: "b", rangeEnd: "" } });
    server.must("authRoleGrantPermission", { name: "r", perm: { permType: "READWRITE", key: "m", rangeEnd: "\x00" } });
    expect(server.must("authRoleGet", { role: "r" }).perm).toEqual([
      { permType: "WRITE", key: "b", rangeEnd: "" },
      { permType: "READWRITE", key: "m", rangeEnd: "\x00" },
    ]);
    expectError(server.apply("authRoleRevokePermission", { role: "r", key: "m" }), authErrors.permissionNotGranted);
    server.must("authRoleRevokePermission", { role: "r", key: "m", rangeEnd: "\x00" });
    expect(server.must("authRoleGet", { role: "r" }).perm).toEqual([{ permType: "WRITE", key: "b", rangeEnd: "" }]);
    server.must("authRoleDelete", { role: "r" });
    expect(server.must("authUserGet", { name: "u" }).roles).toEqual([]);
    expect(server.state.auth.revision).toBe(revision + 5);
  });
});

describe("permission checks on KV requests", () => {
  test("no token is 'user name is empty'; root passes everywhere", () => {
    const server = serverWithAlice();
    expectError(server.apply("put", { key: "a" }), authErrors.userEmpty);
    expectError(server.state.read({ kind: "range", request: { key: "a" } }), authErrors.userEmpty);
    expect(server.must("put", { key: "anything", value: "v" }, root(server)).header.revision).toBe(2);
    expect(unwrap(server.state.read({ kind: "range", request: { key: "\x00", rangeEnd: "\x00" } }, root(server)))).toMatchObject({ response: { count: 1 } });
    expect(server.must("compaction", { revision: 2 }, server.as("alice")).header.revision).toBe(2);
  });

  test("a READ prefix permission: reads inside the prefix pass, reads beyond it and writes are denied", () => {
    const server = serverWithAlice();
    const alice = server.as("alice");
    server.must("put", { key: "foo/a", value: "1" }, root(server));
    expect(unwrap(server.state.read({ kind: "range", request: { key: "foo/a" } }, alice))).toMatchObject({ response: { count: 1 } });
    expect(unwrap(server.state.read({ kind: "range", request: { key: "foo", rangeEnd: prefixEnd("foo") } }, alice))).toMatchObject({ response: { count: 1 } });
    expect(unwrap(server.state.read({ kind: "range", request: { key: "foo/", rangeEnd: prefixEnd("foo/") } }, alice))).toMatchObject({ response: { count: 1 } });
    expectError(server.state.read({ kind: "range", request: { key: "fo", rangeEnd: prefixEnd("fo") } }, alice), authErrors.permissionDenied);
    expectError(server.state.read({ kind: "range", request: { key: "foo", rangeEnd: "\x00" } }, alice), authErrors.permissionDenied);
    expectError(server.state.read({ kind: "range", request: { key: "bar" } }, alice), authErrors.permissionDenied);
    expectError(server.apply("put", { key: "foo/a", value: "2" }, alice), authErrors.permissionDenied);
    expectError(server.apply("deleteRange", { key: "foo/a" }, alice), authErrors.permissionDenied);
  });

  test("single-key, adjacent and from-key permissions; a gap is denied", () => {
    const server = new TestServer();
    server.must("authUserAdd", { name: "w", password: "p" });
    server.must("authRoleAdd", { name: "writer" });
    server.must("authRoleGrantPermission", { name: "writer", perm: { permType: "WRITE", key: "x", rangeEnd: "" } });
    server.must("authRoleGrantPermission", { name: "writer", perm: { permType: "READWRITE", key: "a", rangeEnd: "b" } });
    server.must("authRoleGrantPermission", { name: "writer", perm: { permType: "READWRITE", key: "b", rangeEnd: "c" } });
    server.must("authRoleGrantPermission", { name: "writer", perm: { permType: "READ", key: "m", rangeEnd: "\x00" } });
    server.must("authUserGrantRole", { user: "w", role: "writer" });
    server.enableAuthWithRoot();
    const w = server.as("w");
    expect(server.apply("put", { key: "x" }, w).ok).toBe(true);
    expectError(server.apply("put", { key: "x2" }, w), authErrors.permissionDenied);
    expect(server.apply("deleteRange", { key: "a", rangeEnd: "c" }, w).ok).toBe(true);
    expectError(server.apply("deleteRange", { key: "a", rangeEnd: "d" }, w), authErrors.permissionDenied);
    expect(server.state.read({ kind: "range", request: { key: "a", rangeEnd: "c" } }, w).ok).toBe(true);
    expect(server.state.read({ kind: "range", request: { key: "m", rangeEnd: "\x00" } }, w).ok).toBe(true);
    expect(server.state.read({ kind: "range", request: { key: "zzz" } }, w).ok).toBe(true);
    expectError(server.state.read({ kind: "range", request: { key: "c", rangeEnd: "\x00" } }, w), authErrors.permissionDenied);
    expectError(server.apply("put", { key: "m" }, w), authErrors.permissionDenied);
    // prev_kv needs READ as well: "x" is WRITE only (the READ of [m, +infinity) covers it, so use a role without it)
    server.must("authRoleRevokePermission", { role: "writer", key: "m", rangeEnd: "\x00" }, root(server));
    const fresh = server.as("w");
    expect(server.apply("put", { key: "x" }, fresh).ok).toBe(true);
    expectError(server.apply("put", { key: "x", prevKv: true }, fresh), authErrors.permissionDenied);
    expectError(server.apply("deleteRange", { key: "x", prevKv: true }, fresh), authErrors.permissionDenied);
    expect(server.apply("deleteRange", { key: "a", prevKv: true }, fresh).ok).toBe(true);
  });

  test("a txn needs READ on every compare and the right access for every op of both branches", () => {
    const server = serverWithAlice();
    server.must("authRoleAdd", { name: "baz-writer" }, root(server));
    server.must("authRoleGrantPermission", { name: "baz-writer", perm: { permType: "WRITE", key: "baz", rangeEnd: "" } }, root(server));
    server.must("authUserGrantRole", { user: "alice", role: "baz-writer" }, root(server));
    const alice = server.as("alice");
    const readFoo = { type: "range", request: { key: "foo" } } as const;
    const putBaz = { type: "put", request: { key: "baz", value: "1" } } as const;
    expect(server.must("txn", { compare: [{ target: "VERSION", result: "EQUAL", key: "foo", version: 0 }], success: [putBaz], failure: [readFoo] }, alice).succeeded).toBe(true);
    expectError(server.apply("txn", { compare: [{ target: "VERSION", result: "EQUAL", key: "baz", version: 0 }], success: [readFoo] }, alice), authErrors.permissionDenied);
    expectError(server.apply("txn", { success: [putBaz, { type: "put", request: { key: "foo" } }] }, alice), authErrors.permissionDenied);
    expectError(server.apply("txn", { success: [putBaz], failure: [{ type: "range", request: { key: "bar" } }] }, alice), authErrors.permissionDenied);
    expectError(server.apply("txn", { success: [{ type: "txn", request: { failure: [{ type: "deleteRange", request: { key: "foo" } }] } }] }, alice), authErrors.permissionDenied);
    expectError(server.apply("txn", { success: [{ type: "deleteRange", request: { key: "baz", prevKv: true } }] }, alice), authErrors.permissionDenied);
    expect(server.apply("txn", { success: [{ type: "deleteRange", request: { key: "baz" } }] }, alice).ok).toBe(true);
    expectError(server.state.read({ kind: "txn", request: { compare: [{ target: "MOD", result: "LESS", key: "foo", rangeEnd: "\x00", modRevision: 9 }] } }, alice), authErrors.permissionDenied);
    expect(server.state.read({ kind: "txn", request: { compare: [{ target: "MOD", result: "LESS", key: "foo", modRevision: 9 }], success: [readFoo] } }, alice).ok).toBe(true);
  });

  test("a token checked before an auth change is 'revision of auth store is old', on apply and on read", () => {
    const server = serverWithAlice();
    const stale = server.as("alice");
    const staleRoot = root(server);
    server.must("authRoleAdd", { name: "other" }, root(server));
    expectError(server.state.read({ kind: "range", request: { key: "foo" } }, stale), authErrors.authOldRevision);
    expectError(server.apply("put", { key: "foo" }, staleRoot), authErrors.authOldRevision);
    // admin checks do not look at the revision
    expect(server.apply("authRoleAdd", { name: "another" }, staleRoot).ok).toBe(true);
    expect(server.state.read({ kind: "range", request: { key: "foo" } }, server.as("alice")).ok).toBe(true);
  });

  test("leases: attaching to or revoking a lease needs WRITE on every key already attached, unless root", () => {
    const server = serverWithAlice();
    server.must("authRoleAdd", { name: "baz-writer" }, root(server));
    server.must("authRoleGrantPermission", { name: "baz-writer", perm: { permType: "WRITE", key: "baz", rangeEnd: "" } }, root(server));
    server.must("authUserGrantRole", { user: "alice", role: "baz-writer" }, root(server));
    server.must("leaseGrant", { id: 9, ttl: 60 }, root(server));
    server.must("leaseGrant", { id: 10, ttl: 60 }, server.as("alice"));
    server.must("put", { key: "secret", lease: 9 }, root(server));
    expectError(server.apply("put", { key: "baz", lease: 9 }, server.as("alice")), authErrors.permissionDenied);
    expectError(server.apply("leaseRevoke", { id: 9 }, server.as("alice")), authErrors.permissionDenied);
    expect(server.apply("put", { key: "baz", lease: 10 }, server.as("alice")).ok).toBe(true);
    expect(server.apply("leaseRevoke", { id: 10 }, server.as("alice")).ok).toBe(true);
    expect(server.apply("leaseRevoke", { id: 9 }, root(server)).ok).toBe(true);
    expect(server.state.requireAuthInfo(undefined)).toBe(authErrors.userEmpty);
    expect(server.state.requireAuthInfo(server.as("alice"))).toBeUndefined();
  });
});

describe("the order of the apply chain", () => {
  test("revoking a role takes its access away at once", () => {
    const server = serverWithAlice();
    expect(server.state.read({ kind: "range", request: { key: "foo" } }, server.as("alice")).ok).toBe(true);
    server.must("authUserRevokeRole", { name: "alice", role: "reader" }, server.as("root"));
    expectError(server.state.read({ kind: "range", request: { key: "foo" } }, server.as("alice")), authErrors.permissionDenied);
    expect(server.must("authUserGet", { name: "alice" }, server.as("alice")).roles).toEqual([]);
  });

  test("capped mode answers before the permission check, the quota after it", () => {
    const server = serverWithAlice();
    server.must("alarm", { action: "ACTIVATE", memberId: 1n, alarm: "NOSPACE" }, server.as("root"));
    expectError(server.apply("put", { key: "bar" }, server.as("alice")), etcdErrors.noSpace);
    expectError(server.apply("deleteRange", { key: "bar" }, server.as("alice")), authErrors.permissionDenied);
    const quota = new TestServer({ quotaBackendBytes: 20_480 });
    quota.enableAuthWithRoot();
    expectError(quota.apply("put", { key: "a" }), authErrors.userEmpty);
    expect(quota.state.store.currentRevision).toBe(1);
    expectError(quota.apply("put", { key: "a" }, quota.as("root")), etcdErrors.noSpace);
    expect(quota.state.store.currentRevision).toBe(2);
  });
});

describe("passwords, authenticate and tokens", () => {
  test("hashes are deterministic per user and never the plain password", () => {
    expect(hashPassword("alice", "pw")).toBe(hashPassword("alice", "pw"));
    expect(hashPassword("bob", "pw")).not.toBe(hashPassword("alice", "pw"));
    expect(hashPassword("alice", "pw")).not.toContain("pw");
    expect(passwordMatches(hashPassword("alice", "pw"), "pw")).toBe(true);
    expect(passwordMatches(hashPassword("alice", "pw"), "pw2")).toBe(false);
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 52];
    expect(tokenPrefix(() => values.shift() ?? 0)).toBe("bcdefghijklmnopa");
  });

  test("check the password, apply Authenticate, then the token names the user until its TTL runs out unused", () => {
    const server = serverWithAlice();
    expectError(server.state.checkPassword("alice", "wrong"), authErrors.authFailed);
    expectError(server.state.checkPassword("nobody", "x"), authErrors.authFailed);
    expect(unwrap(server.state.checkPassword("alice", "alice-password"))).toBe(server.state.auth.revision);
    server.nowMs = 1_000;
    const token = server.must("authenticate", { name: "alice", simpleToken: "abcdefghijklmnop" }).token;
    expect(token).toBe(`abcdefghijklmnop.${server.index}`);
    expect(unwrap(server.state.authInfo(token, 2_000))).toEqual({ username: "alice", revision: server.state.auth.revision });
    expect(unwrap(server.state.authInfo(undefined, 2_000))).toBeUndefined();
    expectError(server.state.authInfo("abc.7", 2_000), authErrors.invalidAuthToken);
    expectError(server.state.authInfo("not-a-token", 2_000), authErrors.invalidAuthToken);
    // used at 2 s, so valid until 302 s
    expect(server.state.authInfo(token, 302_000).ok).toBe(true);
    expectError(server.state.authInfo(token, 602_001), authErrors.invalidAuthToken);
    expectError(server.apply("authenticate", { name: "nobody", simpleToken: "x" }), authErrors.authFailed);
  });

  test("a password change or a user deletion drops the user's tokens; auth disable drops them all", () => {
    const server = serverWithAlice();
    const token = server.must("authenticate", { name: "alice", simpleToken: "aaaaaaaaaaaaaaaa" }).token;
    const rootToken = server.must("authenticate", { name: "root", simpleToken: "bbbbbbbbbbbbbbbb" }).token;
    server.must("authUserChangePassword", { name: "alice", hashedPassword: hashPassword("alice", "new-password") }, root(server));
    expectError(server.state.authInfo(token, 0), authErrors.invalidAuthToken);
    expectError(server.state.checkPassword("alice", "alice-password"), authErrors.authFailed);
    expect(server.state.checkPassword("alice", "new-password").ok).toBe(true);
    expect(server.state.authInfo(rootToken, 0).ok).toBe(true);
    server.must("authDisable", {}, root(server));
    expect(server.state.auth.tokenCount).toBe(0);
    expect(unwrap(server.state.authInfo(rootToken, 0))).toBeUndefined();
    expectError(server.state.checkPassword("root", "root-password"), authErrors.authNotEnabled);
    expectError(server.apply("authenticate", { name: "root", simpleToken: "c" }), authErrors.authNotEnabled);
  });

  test("a user without password cannot authenticate", () => {
    const server = new TestServer();
    server.must("authUserAdd", { name: "cert-user", noPassword: true });
    server.enableAuthWithRoot();
    expectError(server.state.checkPassword("cert-user", ""), authErrors.noPasswordUser);
    expectError(server.apply("authenticate", { name: "cert-user", simpleToken: "x" }), authErrors.authFailed);
    expect(authErrors.noPasswordUser.code).toBe(2);
  });
});
