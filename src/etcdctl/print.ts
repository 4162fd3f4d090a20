/**
 * The printers' entry points.
 *
 * `printOutcome(parsed, outcome, context)` writes what etcdctl v3.5 writes for a command and the
 * answer it got, in the output format of `-w`: the prompts it wrote while reading its input, then the
 * response, or "Error: <message>" with the exit code of the command's `ExitWithError` (1 mostly;
 * 2 for `lease timetolive/list/keep-alive`; 5 for `snapshot save`), with the wrapping some commands
 * add ("failed to grant lease (...)", "failed to fetch endpoints from etcd cluster member list: ...").
 *
 * `printLocalCommand(parsed)` answers the commands that need no cluster: `version` and help.
 */
import type { EtcdError } from "../mvcc/errors.js";
import { etcdctlApiVersion, etcdctlVersion } from "./command-tree.js";
import {
  printAuthStatus,
  printHeaderOnly,
  printRoleGet,
  printRoleList,
  printUserGet,
  printUserList,
  roleRevokeLine,
} from "./print-auth.js";
import {
  printAlarms,
  printDefrag,
  printEndpointHealth,
  printEndpointStatus,
  printLeaseGrant,
  printLeaseKeepAlive,
  printLeaseList,
  printLeaseRevoke,
  printLeaseTimeToLive,
  printMemberAdd,
  printMemberChange,
  printMemberList,
  printMoveLeader,
  printSnapshotRestore,
  printSnapshotSave,
  printSnapshotStatus,
} from "./print-cluster.js";
import { Output, type PrintContext } from "./print-common.js";
import { printCompaction, printDelete, printGet, printPut, printTxn, printWatch, watchCancelError } from "./print-kv.js";
import { type CommandOutput, type EtcdctlCommand, type EtcdctlOutcome, type EtcdctlResponse, type EtcdctlResponses, exitCodes, type ParsedCommandLine, type RemoteCommandKind } from "./types.js";

export type { PrintContext } from "./print-common.js";
export { watchCancelError };

type LocalCommand = Extract<EtcdctlCommand, { readonly kind: "version" | "help" }>;

/** Commands answered without a cluster. */
export function isLocalCommand(command: EtcdctlCommand): command is LocalCommand {
  return command.kind === "version" || command.kind === "help";
}

/** `version` and help output. */
export function printLocalCommand(parsed: ParsedCommandLine & { readonly command: LocalCommand }): CommandOutput {
  const command = parsed.command;
  if (command.kind === "version") return { stdout: `etcdctl version: ${etcdctlVersion}\nAPI version: ${etcdctlApiVersion}\n`, stderr: "", exitCode: exitCodes.success };
  return { stdout: `NAME:\n\t${command.commandPath} - ${command.short}\n\nUSAGE:\n\t${command.usage}\n`, stderr: "", exitCode: exitCodes.success };
}

function startOutput(parsed: ParsedCommandLine): Output {
  const output = new Output();
  output.out(parsed.prompt);
  output.err(parsed.notice);
  return output;
}

function printError(output: Output, command: EtcdctlCommand, error: EtcdError): void {
  const message = error.message;
  switch (command.kind) {
    case "lease-grant":
      return output.exitWithError(exitCodes.error, `failed to grant lease (${message})`);
    case "lease-revoke":
      return output.exitWithError(exitCodes.error, `failed to revoke lease (${message})`);
    case "lease-timetolive":
    case "lease-list":
    case "lease-keep-alive":
      return output.exitWithError(exitCodes.badConnection, message);
    case "snapshot-save":
      return output.exitWithError(exitCodes.interrupted, message);
    case "endpoint-health":
    case "endpoint-status":
    case "defrag":
      return output.exitWithError(exitCodes.error, command.cluster ? `failed to fetch endpoints from etcd cluster member list: ${message}` : message);
    case "watch":
      output.err(`watch was canceled (${message})\n`);
      return output.exitWithError(exitCodes.interrupted, "watch is canceled by the server");
    default:
      return output.exitWithError(exitCodes.error, message);
  }
}

interface PrinterInput<K extends RemoteCommandKind> {
  readonly output: Output;
  readonly global: ParsedCommandLine["global"];
  readonly context: PrintContext;
  readonly command: Extract<EtcdctlCommand, { readonly kind: K }>;
  readonly response: EtcdctlResponses[K];
}

type Printers = { readonly [K in RemoteCommandKind]: (input: PrinterInput<K>) => void };

/** One printer per command kind. */
const printers: Printers = {
  put: ({ output, global, context, response }) => printPut(output, global, context, response),
  get: ({ output, global, context, command, response }) => printGet(output, global, context, response, command.request.countOnly === true, command.printValueOnly),
  del: ({ output, global, context, response }) => printDelete(output, global, context, response),
  txn: ({ output, global, context, response }) => printTxn(output, global, context, response),
  compaction: ({ output, command }) => printCompaction(output, command.request.revision),
  watch: ({ output, global, context, response }) => printWatch(output, global, context, response.responses),
  "lease-grant": ({ output, global, context, response }) => printLeaseGrant(output, global, context, response),
  "lease-revoke": ({ output, global, context, command, response }) => printLeaseRevoke(output, global, context, command.id, response.header),
  "lease-timetolive": ({ output, global, context, command, response }) => printLeaseTimeToLive(output, global, context, response, command.keys),
  "lease-list": ({ output, global, context, response }) => printLeaseList(output, global, context, response),
  "lease-keep-alive": ({ output, global, context, command, response }) => printLeaseKeepAlive(output, global, context, command.id, response),
  "member-list": ({ output, global, context, response }) => printMemberList(output, global, context, response),
  "member-add": ({ output, global, context, command, response }) => printMemberAdd(output, global, context, response, command.name, command.peerURLs),
  "member-remove": ({ output, global, context, command, response }) => printMemberChange(output, global, context, response, command.id, "removed from"),
  "member-update": ({ output, global, context, command, response }) => printMemberChange(output, global, context, response, command.id, "updated in"),
  "member-promote": ({ output, global, context, command, response }) => printMemberChange(output, global, context, response, command.id, "promoted in"),
  "endpoint-health": ({ output, global, response }) => printEndpointHealth(output, global, response),
  "endpoint-status": ({ output, global, response }) => printEndpointStatus(output, global, response),
  "snapshot-save": ({ output, response }) => printSnapshotSave(output, response.path),
  "snapshot-restore": ({ output, command, response }) => printSnapshotRestore(output, command.restore, response),
  "snapshot-status": ({ output, global, response }) => printSnapshotStatus(output, global, response),
  defrag: ({ output, response }) => printDefrag(output, response),
  "alarm-list": ({ output, global, context, response }) => printAlarms(output, global, context, response),
  "alarm-disarm": ({ output, global, context, response }) => printAlarms(output, global, context, response),
  "move-leader": ({ output, global, context, command, response }) => printMoveLeader(output, global, context, response, command.targetId),
  "user-add": ({ output, global, context, command, response }) => printHeaderOnly(output, global, context, response, `User ${command.name} created`),
  "user-delete": ({ output, global, context, command, response }) => printHeaderOnly(output, global, context, response, `User ${command.name} deleted`),
  "user-get": ({ output, global, context, command, response }) => printUserGet(output, global, context, command.name, response, command.detail),
  "user-list": ({ output, global, context, response }) => printUserList(output, global, context, response),
  "user-passwd": ({ output, global, context, response }) => printHeaderOnly(output, global, context, response, "Password updated"),
  "user-grant-role": ({ output, global, context, command, response }) => printHeaderOnly(output, global, context, response, `Role ${command.role} is granted to user ${command.user}`),
  "user-revoke-role": ({ output, global, context, command, response }) => printHeaderOnly(output, global, context, response, `Role ${command.role} is revoked from user ${command.user}`),
  "role-add": ({ output, global, context, command, response }) => printHeaderOnly(output, global, context, response, `Role ${command.name} created`),
  "role-delete": ({ output, global, context, command, response }) => printHeaderOnly(output, global, context, response, `Role ${command.name} deleted`),
  "role-get": ({ output, global, context, command, response }) => printRoleGet(output, global, context, command.name, response),
  "role-list": ({ output, global, context, response }) => printRoleList(output, global, context, response),
  "role-grant-permission": ({ output, global, context, command, response }) => printHeaderOnly(output, global, context, response, `Role ${command.role} updated`),
  "role-revoke-permission": ({ output, global, context, command, response }) =>
    printHeaderOnly(output, global, context, response, roleRevokeLine(command.role, command.typedKey, command.rangeEnd)),
  "auth-enable": ({ output }) => output.line("Authentication Enabled"),
  "auth-disable": ({ output }) => output.line("Authentication Disabled"),
  "auth-status": ({ output, global, context, response }) => printAuthStatus(output, global, context, response),
};

/** Runs the printer of `kind`; the response must be of the command's kind (a mismatch is a bug of the caller). */
function printKind<K extends RemoteCommandKind>(kind: K, command: EtcdctlCommand, response: EtcdctlResponse, output: Output, global: ParsedCommandLine["global"], context: PrintContext): void {
  if (response.kind !== kind || command.kind !== kind) throw new Error(`assertion failed: a ${command.kind} command got a ${response.kind} response`);
  const printer = printers[kind] as (input: PrinterInput<K>) => void;
  printer({ output, global, context, command: command as Extract<EtcdctlCommand, { readonly kind: K }>, response: response.response as EtcdctlResponses[K] });
}

/** What etcdctl prints for `parsed` and the answer it got from the cluster. */
export function printOutcome(parsed: ParsedCommandLine, outcome: EtcdctlOutcome, context: PrintContext): CommandOutput {
  const output = startOutput(parsed);
  const command = parsed.command;
  if (isLocalCommand(command)) throw new Error(`assertion failed: ${command.kind} needs no cluster; use printLocalCommand`);
  if (!outcome.ok) printError(output, command, outcome.error);
  else printKind(command.kind, command, outcome.value, output, parsed.global, context);
  return output.result();
}
