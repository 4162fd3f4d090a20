/**
 * etcdctl v3.5's command tree (`ctlv3/ctl.go`): the global flags, every command with its `Use` and
 * `Short` text, its flags and its builder, in the order etcdctl registers them (cobra suggests
 * commands in that order). Commands that etcdctl has but the simulator does not model are listed so
 * that they get a clear refusal instead of "unknown command".
 */
import { boolFlag, type CommandSpec, durationFlag, type GroupSpec, leaf, type LeafSpec, stringFlag, type UnsupportedSpec } from "./builder.js";
import {
  buildAuthDisable,
  buildAuthEnable,
  buildAuthStatus,
  buildRoleAdd,
  buildRoleDelete,
  buildRoleGet,
  buildRoleGrantPermission,
  buildRoleList,
  buildRoleRevokePermission,
  buildUserAdd,
  buildUserDelete,
  buildUserGet,
  buildUserGrantRole,
  buildUserList,
  buildUserPasswd,
  buildUserRevokeRole,
  rolePermissionFlags,
  userAddFlags,
  userGetFlags,
  userPasswdFlags,
} from "./commands-auth.js";
import {
  buildAlarmDisarm,
  buildAlarmList,
  buildDefrag,
  buildEndpointHealth,
  buildEndpointStatus,
  buildLeaseGrant,
  buildLeaseKeepAlive,
  buildLeaseList,
  buildLeaseRevoke,
  buildLeaseTimeToLive,
  buildMemberAdd,
  buildMemberList,
  buildMemberPromote,
  buildMemberRemove,
  buildMemberUpdate,
  buildMoveLeader,
  buildSnapshotRestore,
  buildSnapshotSave,
  buildSnapshotStatus,
  buildVersion,
  defragFlags,
  endpointFlags,
  leaseKeepAliveFlags,
  leaseTimeToLiveFlags,
  memberAddFlags,
  memberUpdateFlags,
  snapshotRestoreFlags,
} from "./commands-cluster.js";
import { buildCompaction, buildDel, buildGet, buildPutCommand, buildWatch, compactionFlags, deleteFlags, getFlags, putFlags, watchFlags } from "./commands-kv.js";
import type { FlagSpec } from "./flags.js";
import { buildTxn } from "./txn.js";

/** The version etcdctl reports (`etcdctl version`) and the API version. */
export const etcdctlVersion = "3.5.21";
export const etcdctlApiVersion = "3.5";

/** cobra's help flag, which every command has. */
export const helpFlag: FlagSpec = boolFlag("help", "h");

/** The persistent flags of the root command (`ctlv3/ctl.go`). */
export const globalFlags: readonly FlagSpec[] = [
  { name: "endpoints", kind: "stringSlice", defaultValue: "127.0.0.1:2379" },
  boolFlag("debug"),
  stringFlag("write-out", "simple", "w"),
  boolFlag("hex"),
  durationFlag("dial-timeout", "2s"),
  durationFlag("command-timeout", "5s"),
  durationFlag("keepalive-time", "2s"),
  durationFlag("keepalive-timeout", "6s"),
  boolFlag("insecure-transport", undefined, true),
  boolFlag("insecure-discovery", undefined, true),
  boolFlag("insecure-skip-tls-verify"),
  stringFlag("cert"),
  stringFlag("key"),
  stringFlag("cacert"),
  stringFlag("user"),
  stringFlag("password"),
  stringFlag("discovery-srv", "", "d"),
  stringFlag("discovery-srv-name"),
];

function group(name: string, use: string, short: string, subcommands: GroupSpec["subcommands"], persistentFlags: readonly FlagSpec[] = []): GroupSpec {
  return { type: "group", name, use, short, persistentFlags, subcommands };
}

function notSimulated(name: string, use: string, short: string, reason: string): UnsupportedSpec {
  return { type: "unsupported", name, use, short, reason };
}

const txnCommand: LeafSpec = { ...leaf("txn", "txn [options]", "Txn processes all the requests in one transaction", [boolFlag("interactive", "i")], buildTxn), clientFirst: true };

/** The root's commands, in etcdctl's registration order, then cobra's help command. */
export const rootCommands: readonly CommandSpec[] = [
  leaf("get", "get [options] <key> [range_end]", "Gets the key or a range of keys", getFlags, buildGet),
  leaf("put", "put [options] <key> <value> (<value> can also be given from stdin)", "Puts the given key into the store", putFlags, buildPutCommand),
  leaf("del", "del [options] <key> [range_end]", "Removes the specified key or range of keys [key, range_end)", deleteFlags, buildDel),
  txnCommand,
  leaf("compaction", "compaction [options] <revision>", "Compacts the event history in etcd", compactionFlags, buildCompaction),
  group("alarm", "alarm <subcommand>", "Alarm related commands", [
    leaf("disarm", "disarm", "Disarms all alarms", [], buildAlarmDisarm),
    leaf("list", "list", "Lists all alarms", [], buildAlarmList),
  ]),
  leaf("defrag", "defrag", "Defragments the storage of the etcd members with given endpoints", defragFlags, buildDefrag),
  group(
    "endpoint",
    "endpoint <subcommand>",
    "Endpoint related commands",
    [
      leaf("health", "health", "Checks the healthiness of endpoints specified in `--endpoints` flag", [], buildEndpointHealth),
      leaf("status", "status", "Prints out the status of endpoints specified in `--endpoints` flag", [], buildEndpointStatus),
      notSimulated("hashkv", "hashkv", "Prints the KV history hash for each endpoint in --endpoints", "endpoint hashkv is not simulated by etcdlab"),
    ],
    endpointFlags,
  ),
  leaf("move-leader", "move-leader <transferee-member-id>", "Transfers leadership to another etcd cluster member.", [], buildMoveLeader),
  leaf("watch", "watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]", "Watches events stream on keys or prefixes", watchFlags, buildWatch),
  leaf("version", "version", "Prints the version of etcdctl", [], buildVersion, "none"),
  group("lease", "lease <subcommand>", "Lease related commands", [
    leaf("grant", "grant <ttl>", "Creates leases", [], buildLeaseGrant),
    leaf("revoke", "revoke <leaseID>", "Revokes leases", [], buildLeaseRevoke),
    leaf("timetolive", "timetolive <leaseID> [options]", "Get lease information", leaseTimeToLiveFlags, buildLeaseTimeToLive),
    leaf("list", "list", "List all active leases", [], buildLeaseList),
    leaf("keep-alive", "keep-alive [options] <leaseID>", "Keeps leases alive (renew)", leaseKeepAliveFlags, buildLeaseKeepAlive),
  ]),
  group("member", "member <subcommand>", "Membership related commands", [
    leaf("add", "add <memberName> [options]", "Adds a member into the cluster", memberAddFlags, buildMemberAdd),
    leaf("remove", "remove <memberID>", "Removes a member from the cluster", [], buildMemberRemove),
    leaf("update", "update <memberID> [options]", "Updates a member in the cluster", memberUpdateFlags, buildMemberUpdate),
    leaf("list", "list", "Lists all members in the cluster", [], buildMemberList),
    leaf("promote", "promote <memberID>", "Promotes a non-voting member in the cluster", [], buildMemberPromote),
  ]),
  group("snapshot", "snapshot <subcommand>", "Manages etcd node snapshots", [
    leaf("save", "save <filename>", "Stores an etcd node backend snapshot to a given file", [], buildSnapshotSave),
    leaf("restore", "restore <filename> [options]", "Restores an etcd member snapshot to an etcd directory", snapshotRestoreFlags, buildSnapshotRestore, "none"),
    leaf("status", "status <filename>", "[deprecated] Gets backend snapshot status of a given file", [], buildSnapshotStatus, "printer"),
  ]),
  notSimulated("make-mirror", "make-mirror [options] <destination>", "Makes a mirror at the destination etcd cluster", "make-mirror is not simulated by etcdlab (it needs a second cluster)"),
  notSimulated("lock", "lock <lockname> [exec-command arg1 arg2 ...]", "Acquires a named lock", "lock is not simulated by etcdlab"),
  notSimulated("elect", "elect <election-name> [proposal]", "Observes and participates in leader election", "elect is not simulated by etcdlab"),
  group("auth", "auth <enable or disable>", "Enable or disable authentication", [
    leaf("enable", "enable", "Enables authentication", [], buildAuthEnable),
    leaf("disable", "disable", "Disables authentication", [], buildAuthDisable),
    leaf("status", "status", "Returns authentication status", [], buildAuthStatus),
  ]),
  group("user", "user <subcommand>", "User related commands", [
    leaf("add", "add <user name or user:password> [options]", "Adds a new user", userAddFlags, buildUserAdd),
    leaf("delete", "delete <user name>", "Deletes a user", [], buildUserDelete),
    leaf("get", "get <user name> [options]", "Gets detailed information of a user", userGetFlags, buildUserGet),
    leaf("list", "list", "Lists all users", [], buildUserList),
    leaf("passwd", "passwd <user name> [options]", "Changes password of user", userPasswdFlags, buildUserPasswd),
    leaf("grant-role", "grant-role <user name> <role name>", "Grants a role to a user", [], buildUserGrantRole),
    leaf("revoke-role", "revoke-role <user name> <role name>", "Revokes a role from a user", [], buildUserRevokeRole),
  ]),
  group("role", "role <subcommand>", "Role related commands", [
    leaf("add", "add <role name>", "Adds a new role", [], buildRoleAdd),
    leaf("delete", "delete <role name>", "Deletes a role", [], buildRoleDelete),
    leaf("get", "get <role name>", "Gets detailed information of a role", [], buildRoleGet),
    leaf("list", "list", "Lists all roles", [], buildRoleList),
    leaf("grant-permission", "grant-permission [options] <role name> <permission type> <key> [endkey]", "Grants a key to a role", rolePermissionFlags, buildRoleGrantPermission),
    leaf("revoke-permission", "revoke-permission <role name> <key> [endkey]", "Revokes a key from a role", rolePermissionFlags, buildRoleRevokePermission),
  ]),
  notSimulated("check", "check <subcommand>", "commands for checking properties of the etcd cluster", "check perf and check datascale are not simulated by etcdlab"),
];

/** cobra's own `help [command]`, added last. */
export const helpCommandName = "help";

/** etcdctl's root command line, for help. */
export const rootUse = "etcdctl";
export const rootShort = "A simple command line client for etcd3.";
