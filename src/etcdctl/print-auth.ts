/**
 * Printers of the auth commands (etcdctl v3.5 `printer_simple.go`, `printer_fields.go`, the
 * `printerRPC` JSON of the auth responses, and the lines `auth enable`/`auth disable` print
 * themselves):
 *
 * - `User alice created`, `User alice deleted`, `Password updated`, `Role r is granted to user u`,
 *   `Role r is revoked from user u`, `Role r created|deleted|updated`;
 * - user get: `User: alice` and `Roles: r1 r2` (with --detail each role's permissions after an
 *   empty line); role get: `Role r`, `KV Read:` and `KV Write:` with one tab-indented line per key,
 *   `[key, end)` per range, `[key, <open ended>` for from-key ranges, and ` (prefix key)` for
 *   prefix ranges;
 * - `Authentication Enabled`/`Authentication Disabled`; status `Authentication Status: true` and
 *   `AuthRevision: 1`.
 */
import { prefixEnd } from "../mvcc/bytes.js";
import { quoteBytes, quoteText } from "./go-format.js";
import { base64, field, type GoObject, goObject, omitEmpty } from "./go-json.js";
import { displayBytes, headerJson, type Output, type PrintContext, printFieldsHeader, unsupportedFormat } from "./print-common.js";
import type { AuthHeaderResponse, AuthNamesResponse, AuthPermission, AuthRoleGetResponse, AuthStatusResponse, AuthUserGetResponse, GlobalOptions, PermissionType } from "./types.js";

/** A response that is only a header: a line in simple, the header in JSON and fields. */
export function printHeaderOnly(output: Output, global: GlobalOptions, context: PrintContext, response: AuthHeaderResponse, simpleLine: string): void {
  switch (global.writeOut) {
    case "simple":
      return output.line(simpleLine);
    case "json":
      return output.json(goObject(field("header", headerJson(context, response.header))));
    case "fields":
      return printFieldsHeader(output, context.cluster, response.header.revision);
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

const permissionNumbers: Readonly<Record<PermissionType, number>> = { READ: 0, WRITE: 1, READWRITE: 2 };

function permissionJson(permission: AuthPermission): GoObject {
  return goObject(omitEmpty("permType", permissionNumbers[permission.permType]), omitEmpty("key", base64(permission.key)), omitEmpty("range_end", base64(permission.rangeEnd)));
}

/** One permission line of `role get` (`printer_simple.go: RoleGet`). */
function permissionLine(permission: AuthPermission): string {
  const key = displayBytes(permission.key);
  if (permission.rangeEnd.length === 0) return `\t${key}`;
  const range = permission.rangeEnd === "\x00" ? `\t[${key}, <open ended>` : `\t[${key}, ${displayBytes(permission.rangeEnd)})`;
  return prefixEnd(permission.key) === permission.rangeEnd ? `${range} (prefix ${key})` : range;
}

export function printRoleGet(output: Output, global: GlobalOptions, context: PrintContext, name: string, response: AuthRoleGetResponse): void {
  switch (global.writeOut) {
    case "simple": {
      output.line(`Role ${name}`);
      output.line("KV Read:");
      for (const permission of response.permissions) if (permission.permType !== "WRITE") output.line(permissionLine(permission));
      output.line("KV Write:");
      for (const permission of response.permissions) if (permission.permType !== "READ") output.line(permissionLine(permission));
      return;
    }
    case "json":
      return output.json(goObject(field("header", headerJson(context, response.header)), omitEmpty("perm", response.permissions.map(permissionJson))));
    case "fields":
      printFieldsHeader(output, context.cluster, response.header.revision);
      for (const permission of response.permissions) {
        output.line(`"PermType" :  ${permission.permType}`);
        output.line(`"Key" : ${quoteBytes(permission.key)}`);
        output.line(`"RangeEnd" : ${quoteBytes(permission.rangeEnd)}`);
      }
      return;
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

export function printRoleList(output: Output, global: GlobalOptions, context: PrintContext, response: AuthNamesResponse): void {
  switch (global.writeOut) {
    case "simple":
      for (const name of response.names) output.line(name);
      return;
    case "json":
      return output.json(goObject(field("header", headerJson(context, response.header)), omitEmpty("roles", [...response.names])));
    case "fields":
      printFieldsHeader(output, context.cluster, response.header.revision);
      return output.line(`"Roles" :${response.names.map((name) => ` ${quoteText(name)}`).join("")}`);
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

/** `role revoke-permission`: etcdctl names the key as typed and the range end it sent. */
export function roleRevokeLine(role: string, typedKey: string, rangeEnd: string): string {
  if (rangeEnd.length === 0) return `Permission of key ${typedKey} is revoked from role ${role}`;
  if (rangeEnd === "\x00") return `Permission of range [${typedKey}, <open ended> is revoked from role ${role}`;
  return `Permission of range [${typedKey}, ${displayBytes(rangeEnd)}) is revoked from role ${role}`;
}

export function printUserGet(output: Output, global: GlobalOptions, context: PrintContext, name: string, response: AuthUserGetResponse, detail: boolean): void {
  if (detail) {
    output.line(`User: ${name}`);
    response.roles.forEach((role, index) => {
      const roleResponse = response.roleDetails?.[index];
      if (roleResponse === undefined) throw new Error(`assertion failed: user get --detail needs the permissions of role ${role}`);
      if (output.exited) return;
      output.out("\n");
      printRoleGet(output, global, context, role, roleResponse);
    });
    return;
  }
  switch (global.writeOut) {
    case "simple":
      output.line(`User: ${name}`);
      return output.line(`Roles:${response.roles.map((role) => ` ${role}`).join("")}`);
    case "json":
      return output.json(goObject(field("header", headerJson(context, response.header)), omitEmpty("roles", [...response.roles])));
    case "fields":
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

export function printUserList(output: Output, global: GlobalOptions, context: PrintContext, response: AuthNamesResponse): void {
  switch (global.writeOut) {
    case "simple":
      for (const name of response.names) output.line(name);
      return;
    case "json":
      return output.json(goObject(field("header", headerJson(context, response.header)), omitEmpty("users", [...response.names])));
    case "fields":
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}

export function printAuthStatus(output: Output, global: GlobalOptions, context: PrintContext, response: AuthStatusResponse): void {
  switch (global.writeOut) {
    case "simple":
      output.line(`Authentication Status: ${response.enabled}`);
      return output.line(`AuthRevision: ${response.authRevision}`);
    case "json":
      return output.json(goObject(field("header", headerJson(context, response.header)), omitEmpty("enabled", response.enabled), omitEmpty("authRevision", response.authRevision)));
    case "fields":
    case "table":
      return unsupportedFormat(output, global.writeOut);
  }
}
