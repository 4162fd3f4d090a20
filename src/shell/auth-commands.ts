/**
 * The auth commands (`user ...`, `role ...`, `auth enable/disable/status`) and the authentication
 * of a line with `--user`: what etcdctl's client library sends for each (Auth-service requests
 * through `call`), and the etcdctl response shape built from the answers.
 *
 * - A line with `--user name:password` (or `--user name --password pw`) is a new etcdctl process:
 *   clientv3 authenticates first, and sends the token with every request of the line. A refused
 *   authentication ends the line with `Error: <reason>` (exit 2, a bad connection); "authentication
 *   is not enabled" is ignored (no token), as clientv3 ignores it.
 * - `user get --detail` asks for the user, then for each of its roles.
 * - `auth enable` (etcdctl `authEnableCommandFunc`): when the server answers that root has no root
 *   role, etcdctl adds the role root, grants it to root, and tries again.
 */
import type { Outcome, ServerRequest, ServerResponse } from "../etcd/protocol.js";
import type { AuthRequestBody } from "../etcd/protocol.js";
import { authErrors, type InternalResponses } from "../etcd/server/index.js";
import { type CommandOutput, type EtcdctlCommand, type EtcdctlOutcome, exitCodes, type ParsedCommandLine } from "../etcdctl/index.js";

export type AuthCommand = Extract<
  EtcdctlCommand,
  {
    readonly kind:
      | "user-add"
      | "user-delete"
      | "user-get"
      | "user-list"
      | "user-passwd"
      | "user-grant-role"
      | "user-revoke-role"
      | "role-add"
      | "role-delete"
      | "role-get"
      | "role-list"
      | "role-grant-permission"
      | "role-revoke-permission"
      | "auth-enable"
      | "auth-disable"
      | "auth-status";
  }
>;

const authCommandKinds: ReadonlySet<string> = new Set([
  "user-add",
  "user-delete",
  "user-get",
  "user-list",
  "user-passwd",
  "user-grant-role",
  "user-revoke-role",
  "role-add",
  "role-delete",
  "role-get",
  "role-list",
  "role-grant-permission",
  "role-revoke-permission",
  "auth-enable",
  "auth-disable",
  "auth-status",
]);

export function isAuthCommand(command: EtcdctlCommand): command is AuthCommand {
  return authCommandKinds.has(command.kind);
}

type Call = (request: ServerRequest) => Outcome<ServerResponse>;

/**
 * clientv3's authentication of a line with `--user`: the token to send, or the output of the
 * refused line. No `--user`: no token.
 */
export function authenticateLine(parsed: ParsedCommandLine, call: Call): { readonly ok: true; readonly token: string | undefined } | { readonly ok: false; readonly output: CommandOutput } {
  const user = parsed.global.user;
  if (user === undefined || user.name === "" || user.password === "") return { ok: true, token: undefined };
  const answer = call({ kind: "authenticate", request: { name: user.name, password: user.password } });
  if (answer.ok) {
    if (answer.value.kind !== "authenticate") throw new Error(`assertion failed: expected an authenticate response, got ${answer.value.kind}`);
    return { ok: true, token: answer.value.response.token };
  }
  if (answer.error.message === authErrors.authNotEnabled.message) return { ok: true, token: undefined };
  return { ok: false, output: { stdout: parsed.prompt, stderr: `${parsed.notice}Error: ${answer.error.message}\n`, exitCode: exitCodes.badConnection } };
}

/** Sends one Auth-service request; the applied response of the expected type, or the error. */
function callAuth<Type extends AuthRequestBody["type"]>(call: Call, body: Extract<AuthRequestBody, { readonly type: Type }>): Outcome<InternalResponses[Type]> {
  const answer = call({ kind: "auth", request: body });
  if (!answer.ok) return answer;
  if (answer.value.kind !== "auth" || answer.value.response.type !== body.type) throw new Error(`assertion failed: expected an ${body.type} response, got ${answer.value.kind}`);
  return { ok: true, value: answer.value.response.response as InternalResponses[Type] };
}

/** What etcdctl's client library does for an auth command, and the response shape it prints. */
export function authOutcome(command: AuthCommand, call: Call): EtcdctlOutcome {
  switch (command.kind) {
    case "user-add": {
      const request = command.noPassword ? { name: command.name, noPassword: true } : { name: command.name, password: command.password };
      return headerOnly(command.kind, callAuth(call, { type: "authUserAdd", request }));
    }
    case "user-delete":
      return headerOnly(command.kind, callAuth(call, { type: "authUserDelete", request: { name: command.name } }));
    case "user-passwd":
      return headerOnly(command.kind, callAuth(call, { type: "authUserChangePassword", request: { name: command.name, password: command.password } }));
    case "user-grant-role":
      return headerOnly(command.kind, callAuth(call, { type: "authUserGrantRole", request: { user: command.user, role: command.role } }));
    case "user-revoke-role":
      return headerOnly(command.kind, callAuth(call, { type: "authUserRevokeRole", request: { name: command.user, role: command.role } }));
    case "user-get":
      return userGet(command, call);
    case "user-list": {
      const answer = callAuth(call, { type: "authUserList", request: {} });
      return answer.ok ? { ok: true, value: { kind: "user-list", response: { header: answer.value.header, names: answer.value.users } } } : answer;
    }
    case "role-add":
      return headerOnly(command.kind, callAuth(call, { type: "authRoleAdd", request: { name: command.name } }));
    case "role-delete":
      return headerOnly(command.kind, callAuth(call, { type: "authRoleDelete", request: { role: command.name } }));
    case "role-get": {
      const answer = callAuth(call, { type: "authRoleGet", request: { role: command.name } });
      return answer.ok ? { ok: true, value: { kind: "role-get", response: { header: answer.value.header, permissions: answer.value.perm } } } : answer;
    }
    case "role-list": {
      const answer = callAuth(call, { type: "authRoleList", request: {} });
      return answer.ok ? { ok: true, value: { kind: "role-list", response: { header: answer.value.header, names: answer.value.roles } } } : answer;
    }
    case "role-grant-permission":
      return headerOnly(command.kind, callAuth(call, { type: "authRoleGrantPermission", request: { name: command.role, perm: command.permission } }));
    case "role-revoke-permission":
      return headerOnly(command.kind, callAuth(call, { type: "authRoleRevokePermission", request: { role: command.role, key: command.key, rangeEnd: command.rangeEnd } }));
    case "auth-enable":
      return authEnable(call);
    case "auth-disable":
      return headerOnly(command.kind, callAuth(call, { type: "authDisable", request: {} }));
    case "auth-status": {
      const answer = callAuth(call, { type: "authStatus", request: {} });
      return answer.ok ? { ok: true, value: { kind: "auth-status", response: answer.value } } : answer;
    }
  }
}

type HeaderOnlyKind = "user-add" | "user-delete" | "user-passwd" | "user-grant-role" | "user-revoke-role" | "role-add" | "role-delete" | "role-grant-permission" | "role-revoke-permission" | "auth-enable" | "auth-disable";

function headerOnly(kind: HeaderOnlyKind, answer: Outcome<{ readonly header: { readonly revision: number } }>): EtcdctlOutcome {
  return answer.ok ? { ok: true, value: { kind, response: { header: answer.value.header } } } : answer;
}

function userGet(command: Extract<AuthCommand, { readonly kind: "user-get" }>, call: Call): EtcdctlOutcome {
  const user = callAuth(call, { type: "authUserGet", request: { name: command.name } });
  if (!user.ok) return user;
  if (!command.detail) return { ok: true, value: { kind: "user-get", response: { header: user.value.header, roles: user.value.roles } } };
  const roleDetails = [];
  for (const role of user.value.roles) {
    const answer = callAuth(call, { type: "authRoleGet", request: { role } });
    if (!answer.ok) return answer;
    roleDetails.push({ header: answer.value.header, permissions: answer.value.perm });
  }
  return { ok: true, value: { kind: "user-get", response: { header: user.value.header, roles: user.value.roles, roleDetails } } };
}

/** etcdctl `authEnableCommandFunc`: a missing root role is added and granted, then enable again. */
function authEnable(call: Call): EtcdctlOutcome {
  let answer = callAuth(call, { type: "authEnable", request: {} });
  if (answer.ok || answer.error.message !== authErrors.rootRoleNotExist.message) return headerOnly("auth-enable", answer);
  const added = callAuth(call, { type: "authRoleAdd", request: { name: "root" } });
  if (!added.ok) return added;
  const granted = callAuth(call, { type: "authUserGrantRole", request: { user: "root", role: "root" } });
  if (!granted.ok) return granted;
  answer = callAuth(call, { type: "authEnable", request: {} });
  return headerOnly("auth-enable", answer);
}
