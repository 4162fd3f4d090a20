/**
 * The auth commands of etcdctl v3.5: `user`, `role`, `auth` (`user_command.go`, `role_command.go`,
 * `auth_command.go`): argument checks, messages, password input and permission ranges.
 *
 * Passwords that etcdctl asks for on the terminal (`speakeasy.Ask`) are read as lines of stdin; the
 * prompt ("Password of alice: ") and the newline speakeasy prints after the input go to stdout.
 */
import { type ByteString, fromKeyRangeEnd, prefixEnd } from "../mvcc/bytes.js";
import { type BuildContext, type BuildFailure, type BuildOutcome, badArgs, boolFlag, built, type EarlyOutput, fail, type StdinReader, stringFlag } from "./builder.js";
import type { FlagSpec } from "./flags.js";
import { exitCodes, type PermissionType } from "./types.js";

export const userAddFlags: readonly FlagSpec[] = [boolFlag("interactive", undefined, true), stringFlag("new-user-password"), boolFlag("no-password")];
export const userPasswdFlags: readonly FlagSpec[] = [boolFlag("interactive", undefined, true)];
export const userGetFlags: readonly FlagSpec[] = [boolFlag("detail")];
export const rolePermissionFlags: readonly FlagSpec[] = [boolFlag("prefix"), boolFlag("from-key")];

type PasswordOutcome = { readonly ok: true; readonly password: string } | BuildFailure;

/** speakeasy `Ask`: writes the prompt, reads a line, writes a newline; undefined at the end of the input (Go's EOF). */
export function askPassword(stdin: StdinReader, early: EarlyOutput, prompt: string): string | undefined {
  early.stdout += prompt;
  const line = stdin.readLine();
  early.stdout += "\n";
  return line;
}

/** etcdctl `readPasswordInteractive`. */
function readPasswordInteractive(context: BuildContext, name: string): PasswordOutcome {
  const failedToAsk = fail(exitCodes.badArgs, "failed to ask password: EOF", true);
  const first = askPassword(context.stdin, context.early, `Password of ${name}: `);
  if (first === undefined) return failedToAsk;
  if (first.length === 0) return badArgs("empty password");
  const second = askPassword(context.stdin, context.early, `Type password of ${name} again for confirmation: `);
  if (second === undefined) return failedToAsk;
  if (first !== second) return badArgs("given passwords are different");
  return { ok: true, password: first };
}

/** `fmt.Scanf("%s", &password)`: the first word of the next line (empty at the end of the input). */
function scanPassword(context: BuildContext): string {
  return (context.stdin.readLine() ?? "").trim().split(/\s+/)[0] ?? "";
}

function readPassword(context: BuildContext, name: string): PasswordOutcome {
  if (!context.flags.bool("interactive")) return { ok: true, password: scanPassword(context) };
  return readPasswordInteractive(context, name);
}

export function buildUserAdd(context: BuildContext): BuildOutcome {
  const [argument] = context.args;
  if (argument === undefined || context.args.length !== 1) return badArgs("user add command requires user name as its argument");
  const { flags } = context;
  if (flags.bool("no-password")) return built({ kind: "user-add", name: argument, password: "", noPassword: true });
  if (flags.string("new-user-password") !== "") return built({ kind: "user-add", name: argument, password: flags.string("new-user-password"), noPassword: false });
  const colon = argument.indexOf(":");
  if (colon >= 0) {
    const name = argument.slice(0, colon);
    if (name.length === 0) return badArgs("empty user name is not allowed");
    return built({ kind: "user-add", name, password: argument.slice(colon + 1), noPassword: false });
  }
  const password = readPassword(context, argument);
  return password.ok ? built({ kind: "user-add", name: argument, password: password.password, noPassword: false }) : password;
}

export function buildUserDelete(context: BuildContext): BuildOutcome {
  const [name] = context.args;
  if (name === undefined || context.args.length !== 1) return badArgs("user delete command requires user name as its argument");
  return built({ kind: "user-delete", name });
}

export function buildUserGet(context: BuildContext): BuildOutcome {
  const [name] = context.args;
  if (name === undefined || context.args.length !== 1) return badArgs("user get command requires user name as its argument");
  return built({ kind: "user-get", name, detail: context.flags.bool("detail") });
}

export function buildUserList(context: BuildContext): BuildOutcome {
  if (context.args.length !== 0) return badArgs("user list command requires no arguments");
  return built({ kind: "user-list" });
}

export function buildUserPasswd(context: BuildContext): BuildOutcome {
  const [name] = context.args;
  if (name === undefined || context.args.length !== 1) return badArgs("user passwd command requires user name as its argument");
  const password = readPassword(context, name);
  return password.ok ? built({ kind: "user-passwd", name, password: password.password }) : password;
}

export function buildUserGrantRole(context: BuildContext): BuildOutcome {
  const [user, role] = context.args;
  if (user === undefined || role === undefined || context.args.length !== 2) return badArgs("user grant command requires user name and role name as its argument");
  return built({ kind: "user-grant-role", user, role });
}

export function buildUserRevokeRole(context: BuildContext): BuildOutcome {
  const [user, role] = context.args;
  if (user === undefined || role === undefined || context.args.length !== 2) return badArgs("user revoke-role requires user name and role name as its argument");
  return built({ kind: "user-revoke-role", user, role });
}

export function buildRoleAdd(context: BuildContext): BuildOutcome {
  const [name] = context.args;
  if (name === undefined || context.args.length !== 1) return badArgs("role add command requires role name as its argument");
  return built({ kind: "role-add", name });
}

export function buildRoleDelete(context: BuildContext): BuildOutcome {
  const [name] = context.args;
  if (name === undefined || context.args.length !== 1) return badArgs("role delete command requires role name as its argument");
  return built({ kind: "role-delete", name });
}

export function buildRoleGet(context: BuildContext): BuildOutcome {
  const [name] = context.args;
  if (name === undefined || context.args.length !== 1) return badArgs("role get command requires role name as its argument");
  return built({ kind: "role-get", name });
}

export function buildRoleList(context: BuildContext): BuildOutcome {
  if (context.args.length !== 0) return badArgs("role list command requires no arguments");
  return built({ kind: "role-list" });
}

/** etcdctl `permRange`/`rangeEndFromPermFlags`: the key range a permission covers. */
function permissionRange(context: BuildContext, args: readonly string[]): { readonly ok: true; readonly key: ByteString; readonly rangeEnd: ByteString } | BuildFailure {
  const prefix = context.flags.bool("prefix");
  const fromKey = context.flags.bool("from-key");
  const [first, second] = args;
  const key = context.bytes(first ?? "");
  if (key.length === 0) {
    if (prefix && fromKey) return badArgs("--from-key and --prefix flags are mutually exclusive");
    // An empty key is the interval ["\x00", end); with --prefix or --from-key it opens to every key.
    return { ok: true, key: fromKeyRangeEnd, rangeEnd: prefix || fromKey ? fromKeyRangeEnd : "" };
  }
  if (args.length === 1) {
    if (prefix && fromKey) return badArgs("--from-key and --prefix flags are mutually exclusive");
    if (prefix) return { ok: true, key, rangeEnd: prefixEnd(key) };
    return { ok: true, key, rangeEnd: fromKey ? fromKeyRangeEnd : "" };
  }
  if (prefix) return badArgs("unexpected endkey argument with --prefix flag");
  if (fromKey) return badArgs("unexpected endkey argument with --from-key flag");
  return { ok: true, key, rangeEnd: context.bytes(second ?? "") };
}

const permissionTypes: readonly PermissionType[] = ["READ", "WRITE", "READWRITE"];

export function buildRoleGrantPermission(context: BuildContext): BuildOutcome {
  const [role, type] = context.args;
  if (role === undefined || type === undefined || context.args.length < 3) {
    return badArgs("role grant command requires role name, permission type, and key [endkey] as its argument");
  }
  const permType = permissionTypes.find((candidate) => candidate === type.toUpperCase());
  if (permType === undefined) return badArgs(`invalid permission type: ${type}`);
  const range = permissionRange(context, context.args.slice(2));
  if (!range.ok) return range;
  return built({ kind: "role-grant-permission", role, permission: { permType, key: range.key, rangeEnd: range.rangeEnd } });
}

export function buildRoleRevokePermission(context: BuildContext): BuildOutcome {
  const [role, typedKey] = context.args;
  if (role === undefined || typedKey === undefined) return badArgs("role revoke-permission command requires role name and key [endkey] as its argument");
  const range = permissionRange(context, context.args.slice(1));
  if (!range.ok) return range;
  return built({ kind: "role-revoke-permission", role, key: range.key, rangeEnd: range.rangeEnd, typedKey });
}

function buildNoArguments(kind: "auth-enable" | "auth-disable" | "auth-status", name: string): (context: BuildContext) => BuildOutcome {
  return (context) => (context.args.length !== 0 ? badArgs(`${name} command does not accept any arguments`) : built({ kind }));
}

export const buildAuthEnable = buildNoArguments("auth-enable", "auth enable");
export const buildAuthDisable = buildNoArguments("auth-disable", "auth disable");
export const buildAuthStatus = buildNoArguments("auth-status", "auth status");
