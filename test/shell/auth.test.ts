/**
 * Auth through the cluster, from the shell: users, roles and permissions applied through Raft,
 * authentication with `--user`, and etcd's errors for every refusal.
 */
import { describe, expect, it } from "vitest";
import { interleaved } from "./script.js";

const SETUP = [
  "user add root:rootpw",
  "user add alice --new-user-password=apw",
  "role add reader",
  "role grant-permission reader read foo --prefix",
  "user grant-role alice reader",
];

describe("auth in the shell", () => {
  it("manages users and roles and prints them as etcdctl does", () => {
    const text = interleaved([...SETUP, "role get reader", "user get alice --detail", "user list", "role list", "role revoke-permission reader foo --prefix", "role get reader"]);
    expect(text).toBe(
      [
        "User root created",
        "User alice created",
        "Role reader created",
        "Role reader updated",
        "Role reader is granted to user alice",
        "Role reader",
        "KV Read:",
        "\t[foo, fop) (prefix foo)",
        "KV Write:",
        "User: alice",
        "",
        "Role reader",
        "KV Read:",
        "\t[foo, fop) (prefix foo)",
        "KV Write:",
        "alice",
        "root",
        "reader",
        "Permission of range [foo, fop) is revoked from role reader",
        "Role reader",
        "KV Read:",
        "KV Write:",
        "",
      ].join("\n"),
    );
  });

  it("checks every request against the token's user once auth is enabled", () => {
    const text = interleaved([
      ...SETUP,
      "auth enable",
      "auth status",
      "put foo1 v",
      "put foo1 v --user root:rootpw",
      "get foo1 --user alice:apw",
      "get foo1 --user alice --password apw",
      "put foo1 w --user alice:apw",
      "get bar --user alice:apw",
      "get foo --prefix --user alice:apw --print-value-only",
      "get foo1 --user alice:wrong",
      "get foo1 --user bob:x",
      "user list --user alice:apw",
      "user get alice --user alice:apw",
      "user get bob --user root:rootpw",
      "lease grant 60",
      "auth disable",
      "auth disable --user root:rootpw",
      "get foo1",
    ]).split("\n");
    expect(text).toEqual([
      ...["User root created", "User alice created", "Role reader created", "Role reader updated", "Role reader is granted to user alice"],
      "Authentication Enabled",
      "Authentication Status: true",
      "AuthRevision: 8",
      "!Error: etcdserver: user name is empty",
      "OK",
      "foo1",
      "v",
      "foo1",
      "v",
      "!Error: etcdserver: permission denied",
      "!Error: etcdserver: permission denied",
      "v",
      "!Error: etcdserver: authentication failed, invalid user ID or password",
      "!Error: etcdserver: authentication failed, invalid user ID or password",
      "!Error: etcdserver: permission denied",
      "User: alice",
      "Roles: reader",
      "!Error: etcdserver: user name not found",
      "!Error: failed to grant lease (etcdserver: user name is empty)",
      "!Error: etcdserver: user name is empty",
      "Authentication Disabled",
      "foo1",
      "v",
      "",
    ]);
  });

  it("refuses auth enable without a root user, and adds the root role etcdctl adds", () => {
    expect(interleaved(["auth enable", "user add root:pw", "auth enable", "role list", "user get root --user root:pw", "auth status --user root:pw"])).toBe(
      ["!Error: etcdserver: root user does not exist", "User root created", "Authentication Enabled", "!Error: etcdserver: user name is empty", "User: root", "Roles: root", "Authentication Status: true", "AuthRevision: 4", ""].join("\n"),
    );
  });

  it("watches with the token's permissions: a watch outside them is canceled", () => {
    const text = interleaved([...SETUP, "auth enable", "watch foo --prefix --user alice:apw", "put foo2 v --user root:rootpw", "watch bar --user alice:apw"]);
    expect(text.split("\n").slice(6)).toEqual([
      "PUT",
      "foo2",
      "v",
      "OK",
      "!watch was canceled (rpc error: code = PermissionDenied desc = etcdserver: permission denied)",
      "!Error: watch is canceled by the server",
      "",
    ]);
  });
});
