import { describe, expect, test } from "vitest";
import { type AuthRoleGetResponse, type CommandOutput, type EtcdctlResponse, printOutcome } from "../../src/etcdctl/index.js";
import { EtcdError } from "../../src/mvcc/index.js";
import { parsed } from "./helpers.js";

// Golden outputs of etcdctl v3.5's auth printers: etcdctl/ctlv3/command/printer_simple.go
// (RoleAdd, RoleGet, RoleList, RoleDelete, RoleGrantPermission, RoleRevokePermission, UserAdd,
// UserGet, UserChangePassword, UserGrantRole, UserRevokeRole, UserDelete, UserList, AuthStatus),
// printer_fields.go (Role*, UserAdd/ChangePassword/GrantRole/RevokeRole/Delete), printerRPC JSON
// of the etcdserverpb auth responses, user_command.go (user get --detail), auth_command.go.

const cluster = { clusterId: 0xcdf818194e3a8c32n, memberId: 0x8e9e05c52164694dn, raftTerm: 2 };
const header = '{"header":{"cluster_id":14841639068965178418,"member_id":10276657743932975437,"revision":4,"raft_term":2}';
const fieldsHeader = '"ClusterID" : 14841639068965178418\n"MemberID" : 10276657743932975437\n"Revision" : 4\n"RaftTerm" : 2\n';

function print(line: string, response: EtcdctlResponse): CommandOutput {
  return printOutcome(parsed(line), { ok: true, value: response }, { cluster });
}

const out = (stdout: string): CommandOutput => ({ stdout, stderr: "", exitCode: 0 });
const onlyHeader = { header: { revision: 4 } };

describe("users", () => {
  test("add, delete, passwd, grant-role, revoke-role: a line, the header in json and fields", () => {
    expect(print("user add root:secret", { kind: "user-add", response: onlyHeader })).toEqual(out("User root created\n"));
    expect(print("user add root:secret -w json", { kind: "user-add", response: onlyHeader })).toEqual(out(`${header}}\n`));
    expect(print("user add root:secret -w fields", { kind: "user-add", response: onlyHeader })).toEqual(out(fieldsHeader));
    expect(print("user delete alice", { kind: "user-delete", response: onlyHeader })).toEqual(out("User alice deleted\n"));
    expect(printOutcome(parsed("user passwd alice", { stdin: "pw\npw\n" }), { ok: true, value: { kind: "user-passwd", response: onlyHeader } }, { cluster })).toEqual(
      out("Password of alice: \nType password of alice again for confirmation: \nPassword updated\n"),
    );
    expect(print("user grant-role alice reader", { kind: "user-grant-role", response: onlyHeader })).toEqual(out("Role reader is granted to user alice\n"));
    expect(print("user revoke-role alice reader", { kind: "user-revoke-role", response: onlyHeader })).toEqual(out("Role reader is revoked from user alice\n"));
    expect(print("user delete alice -w table", { kind: "user-delete", response: onlyHeader })).toEqual({ stdout: "", stderr: "Error: table not supported as output format\n", exitCode: 4 });
  });

  test("get and list", () => {
    const user: EtcdctlResponse = { kind: "user-get", response: { header: { revision: 4 }, roles: ["reader", "writer"] } };
    expect(print("user get alice", user)).toEqual(out("User: alice\nRoles: reader writer\n"));
    expect(print("user get nobody", { kind: "user-get", response: { header: { revision: 4 }, roles: [] } })).toEqual(out("User: nobody\nRoles:\n"));
    expect(print("user get alice -w json", user)).toEqual(out(`${header},"roles":["reader","writer"]}\n`));
    expect(print("user get alice -w fields", user)).toEqual({ stdout: "", stderr: "Error: fields not supported as output format\n", exitCode: 4 });
    const users: EtcdctlResponse = { kind: "user-list", response: { header: { revision: 4 }, names: ["alice", "root"] } };
    expect(print("user list", users)).toEqual(out("alice\nroot\n"));
    expect(print("user list -w json", users)).toEqual(out(`${header},"users":["alice","root"]}\n`));
  });

  test("get --detail: each role's permissions after an empty line", () => {
    const reader: AuthRoleGetResponse = { header: { revision: 4 }, permissions: [{ permType: "READ", key: "/a/", rangeEnd: "/a0" }] };
    const user: EtcdctlResponse = { kind: "user-get", response: { header: { revision: 4 }, roles: ["reader"], roleDetails: [reader] } };
    expect(print("user get alice --detail", user)).toEqual(out("User: alice\n\nRole reader\nKV Read:\n\t[/a/, /a0) (prefix /a/)\nKV Write:\n"));
  });

  test("errors", () => {
    const error = new EtcdError("FailedPrecondition", "etcdserver: user name not found");
    expect(printOutcome(parsed("user get nobody"), { ok: false, error }, { cluster })).toEqual({ stdout: "", stderr: "Error: etcdserver: user name not found\n", exitCode: 1 });
  });
});

describe("roles", () => {
  const role: AuthRoleGetResponse = {
    header: { revision: 4 },
    permissions: [
      { permType: "READ", key: "/single", rangeEnd: "" },
      { permType: "READWRITE", key: "/a/", rangeEnd: "/a0" },
      { permType: "WRITE", key: "/b", rangeEnd: "/d" },
      { permType: "READ", key: "/z", rangeEnd: "\x00" },
    ],
  };

  test("get: keys, ranges, prefixes and open-ended ranges under KV Read and KV Write", () => {
    expect(print("role get reader", { kind: "role-get", response: role })).toEqual(
      out("Role reader\nKV Read:\n\t/single\n\t[/a/, /a0) (prefix /a/)\n\t[/z, <open ended>\nKV Write:\n\t[/a/, /a0) (prefix /a/)\n\t[/b, /d)\n"),
    );
  });

  test("get in json and fields", () => {
    expect(print("role get reader -w json", { kind: "role-get", response: { header: { revision: 4 }, permissions: role.permissions.slice(0, 3) } })).toEqual(
      out(`${header},"perm":[{"key":"L3NpbmdsZQ=="},{"permType":2,"key":"L2Ev","range_end":"L2Ew"},{"permType":1,"key":"L2I=","range_end":"L2Q="}]}\n`),
    );
    expect(print("role get reader -w fields", { kind: "role-get", response: { header: { revision: 4 }, permissions: role.permissions.slice(1, 2) } })).toEqual(
      out(`${fieldsHeader}"PermType" :  READWRITE\n"Key" : "/a/"\n"RangeEnd" : "/a0"\n`),
    );
  });

  test("add, delete, list, grant-permission, revoke-permission", () => {
    expect(print("role add reader", { kind: "role-add", response: onlyHeader })).toEqual(out("Role reader created\n"));
    expect(print("role delete reader", { kind: "role-delete", response: onlyHeader })).toEqual(out("Role reader deleted\n"));
    const roles: EtcdctlResponse = { kind: "role-list", response: { header: { revision: 4 }, names: ["reader", "root"] } };
    expect(print("role list", roles)).toEqual(out("reader\nroot\n"));
    expect(print("role list -w json", roles)).toEqual(out(`${header},"roles":["reader","root"]}\n`));
    expect(print("role list -w fields", roles)).toEqual(out(`${fieldsHeader}"Roles" : "reader" "root"\n`));
    expect(print("role grant-permission reader read /a --prefix", { kind: "role-grant-permission", response: onlyHeader })).toEqual(out("Role reader updated\n"));
    expect(print("role revoke-permission reader /a", { kind: "role-revoke-permission", response: onlyHeader })).toEqual(out("Permission of key /a is revoked from role reader\n"));
    expect(print("role revoke-permission reader /a /b", { kind: "role-revoke-permission", response: onlyHeader })).toEqual(out("Permission of range [/a, /b) is revoked from role reader\n"));
    expect(print("role revoke-permission reader /a/ --prefix", { kind: "role-revoke-permission", response: onlyHeader })).toEqual(out("Permission of range [/a/, /a0) is revoked from role reader\n"));
    expect(print("role revoke-permission reader /a --from-key", { kind: "role-revoke-permission", response: onlyHeader })).toEqual(out("Permission of range [/a, <open ended> is revoked from role reader\n"));
  });
});

describe("auth", () => {
  test("enable and disable print their own lines in every format", () => {
    expect(print("auth enable", { kind: "auth-enable", response: onlyHeader })).toEqual(out("Authentication Enabled\n"));
    expect(print("auth disable -w json", { kind: "auth-disable", response: onlyHeader })).toEqual(out("Authentication Disabled\n"));
    const rootless = new EtcdError("FailedPrecondition", "etcdserver: root user does not exist");
    expect(printOutcome(parsed("auth enable"), { ok: false, error: rootless }, { cluster })).toEqual({ stdout: "", stderr: "Error: etcdserver: root user does not exist\n", exitCode: 1 });
  });

  test("status", () => {
    const status: EtcdctlResponse = { kind: "auth-status", response: { header: { revision: 4 }, enabled: true, authRevision: 3 } };
    expect(print("auth status", status)).toEqual(out("Authentication Status: true\nAuthRevision: 3\n"));
    expect(print("auth status -w json", status)).toEqual(out(`${header},"enabled":true,"authRevision":3}\n`));
    expect(print("auth status -w json", { kind: "auth-status", response: { header: { revision: 4 }, enabled: false, authRevision: 0 } })).toEqual(out(`${header}}\n`));
  });
});
