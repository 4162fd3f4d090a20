/**
 * The cluster commands of etcdctl v3.5: `lease`, `member`, `endpoint`, `snapshot`, `defrag`, `alarm`,
 * `move-leader`, `version` (`lease_command.go`, `member_command.go`, `ep_command.go`,
 * `snapshot_command.go` with etcdutl's restore defaults, `defrag_command.go`, `alarm_command.go`,
 * `move_leader_command.go`, `version_command.go`): their flags, argument checks and messages.
 */
import { type BuildContext, type BuildFailure, type BuildOutcome, badArgs, boolFlag, built, stringFlag, unsupported } from "./builder.js";
import { leaseIdFromBigInt } from "./commands-kv.js";
import type { FlagSpec } from "./flags.js";
import { parseGoInt, parseGoUint } from "./go-format.js";
import type { LeaseId } from "./types.js";

/** etcdctl `leaseFromArgs`: a hexadecimal int64. */
function leaseFromArgument(argument: string): { readonly ok: true; readonly id: LeaseId } | BuildFailure {
  const parsed = parseGoInt(argument, 16);
  const failure = (detail: string): BuildFailure => badArgs(`bad lease ID arg (${detail}), expecting ID in Hex`);
  if (!parsed.ok) return failure(parsed.error);
  return leaseIdFromBigInt(parsed.value, failure);
}

export function buildLeaseGrant(context: BuildContext): BuildOutcome {
  const [ttl] = context.args;
  if (ttl === undefined || context.args.length !== 1) return badArgs("lease grant command needs TTL argument");
  const parsed = parseGoInt(ttl, 10);
  if (!parsed.ok) return badArgs(`bad TTL (${parsed.error})`);
  return built({ kind: "lease-grant", ttlSeconds: Number(parsed.value) });
}

export function buildLeaseRevoke(context: BuildContext): BuildOutcome {
  const [argument] = context.args;
  if (argument === undefined || context.args.length !== 1) return badArgs("lease revoke command needs 1 argument");
  const lease = leaseFromArgument(argument);
  return lease.ok ? built({ kind: "lease-revoke", id: lease.id }) : lease;
}

export function buildLeaseTimeToLive(context: BuildContext): BuildOutcome {
  const [argument] = context.args;
  if (argument === undefined || context.args.length !== 1) return badArgs("lease timetolive command needs lease ID as argument");
  const lease = leaseFromArgument(argument);
  return lease.ok ? built({ kind: "lease-timetolive", id: lease.id, keys: context.flags.bool("keys") }) : lease;
}

export function buildLeaseList(): BuildOutcome {
  return built({ kind: "lease-list" });
}

export function buildLeaseKeepAlive(context: BuildContext): BuildOutcome {
  const [argument] = context.args;
  if (argument === undefined || context.args.length !== 1) return badArgs("lease keep-alive command needs lease ID as argument");
  const lease = leaseFromArgument(argument);
  return lease.ok ? built({ kind: "lease-keep-alive", id: lease.id, once: context.flags.bool("once") }) : lease;
}

/** A member ID argument: hexadecimal uint64. */
function memberIdFromArgument(context: BuildContext): { readonly ok: true; readonly id: bigint } | BuildFailure {
  const [argument] = context.args;
  if (argument === undefined || context.args.length !== 1) return badArgs("member ID is not provided");
  const parsed = parseGoUint(argument, 16);
  if (!parsed.ok) return badArgs(`bad member ID arg (${parsed.error}), expecting ID in Hex`);
  return { ok: true, id: parsed.value };
}

export const memberAddFlags: readonly FlagSpec[] = [stringFlag("peer-urls"), boolFlag("learner")];
export const memberUpdateFlags: readonly FlagSpec[] = [stringFlag("peer-urls")];

export function buildMemberAdd(context: BuildContext): BuildOutcome {
  const [name] = context.args;
  if (name === undefined) return badArgs("member name not provided");
  if (context.args.length > 1) {
    const hints = context.args.filter((argument) => argument.toLowerCase().startsWith("http")).map((argument) => `, did you mean --peer-urls=${argument}`);
    return badArgs(`too many arguments${hints.join("")}`);
  }
  const peerURLs = context.flags.string("peer-urls");
  if (peerURLs.length === 0) return badArgs("member peer urls not provided");
  return built({ kind: "member-add", name, peerURLs: peerURLs.split(","), isLearner: context.flags.bool("learner") });
}

export function buildMemberRemove(context: BuildContext): BuildOutcome {
  const member = memberIdFromArgument(context);
  return member.ok ? built({ kind: "member-remove", id: member.id }) : member;
}

export function buildMemberUpdate(context: BuildContext): BuildOutcome {
  const member = memberIdFromArgument(context);
  if (!member.ok) return member;
  const peerURLs = context.flags.string("peer-urls");
  if (peerURLs.length === 0) return badArgs("member peer urls not provided");
  return built({ kind: "member-update", id: member.id, peerURLs: peerURLs.split(",") });
}

export function buildMemberPromote(context: BuildContext): BuildOutcome {
  const member = memberIdFromArgument(context);
  return member.ok ? built({ kind: "member-promote", id: member.id }) : member;
}

export function buildMemberList(): BuildOutcome {
  return built({ kind: "member-list" });
}

export function buildEndpointHealth(context: BuildContext): BuildOutcome {
  return built({ kind: "endpoint-health", cluster: context.flags.bool("cluster") });
}

export function buildEndpointStatus(context: BuildContext): BuildOutcome {
  return built({ kind: "endpoint-status", cluster: context.flags.bool("cluster") });
}

export const snapshotRestoreFlags: readonly FlagSpec[] = [
  stringFlag("data-dir"),
  stringFlag("wal-dir"),
  stringFlag("initial-cluster", "default=http://localhost:2380"),
  stringFlag("initial-cluster-token", "etcd-cluster"),
  stringFlag("initial-advertise-peer-urls", "http://localhost:2380"),
  stringFlag("name", "default"),
  boolFlag("skip-hash-check"),
];

export function buildSnapshotSave(context: BuildContext): BuildOutcome {
  const [path] = context.args;
  if (path === undefined || context.args.length !== 1) return badArgs("snapshot save expects one argument");
  return built({ kind: "snapshot-save", path });
}

export function buildSnapshotStatus(context: BuildContext): BuildOutcome {
  context.early.stderr += "Deprecated: Use `etcdutl snapshot status` instead.\n\n";
  const [path] = context.args;
  if (path === undefined || context.args.length !== 1) return badArgs("snapshot status requires exactly one argument");
  return built({ kind: "snapshot-status", path });
}

/** etcdutl `SnapshotRestoreCommandFunc`: the data dir defaults to `<name>.etcd`, the WAL dir to `<data dir>/member/wal`. */
export function buildSnapshotRestore(context: BuildContext): BuildOutcome {
  context.early.stderr += "Deprecated: Use `etcdutl snapshot restore` instead.\n\n";
  const [path] = context.args;
  if (path === undefined || context.args.length !== 1) return badArgs("snapshot restore requires exactly one argument");
  const { flags } = context;
  const name = flags.string("name");
  const dataDir = flags.string("data-dir") === "" ? `${name}.etcd` : flags.string("data-dir");
  const walDir = flags.string("wal-dir") === "" ? `${dataDir}/member/wal` : flags.string("wal-dir");
  return built({
    kind: "snapshot-restore",
    restore: {
      path,
      name,
      dataDir,
      walDir,
      initialCluster: flags.string("initial-cluster"),
      initialClusterToken: flags.string("initial-cluster-token"),
      initialAdvertisePeerURLs: flags.string("initial-advertise-peer-urls").split(","),
      skipHashCheck: flags.bool("skip-hash-check"),
    },
  });
}

export const defragFlags: readonly FlagSpec[] = [boolFlag("cluster"), stringFlag("data-dir")];

export function buildDefrag(context: BuildContext): BuildOutcome {
  if (context.flags.string("data-dir") !== "") return unsupported("defrag --data-dir (defragmenting the files of a stopped member) is not simulated by etcdlab");
  return built({ kind: "defrag", cluster: context.flags.bool("cluster") });
}

export function buildAlarmList(context: BuildContext): BuildOutcome {
  if (context.args.length !== 0) return badArgs("alarm list command accepts no arguments");
  return built({ kind: "alarm-list" });
}

export function buildAlarmDisarm(context: BuildContext): BuildOutcome {
  if (context.args.length !== 0) return badArgs("alarm disarm command accepts no arguments");
  return built({ kind: "alarm-disarm" });
}

export function buildMoveLeader(context: BuildContext): BuildOutcome {
  const [target] = context.args;
  if (target === undefined || context.args.length !== 1) return badArgs("move-leader command needs 1 argument");
  const parsed = parseGoUint(target, 16);
  if (!parsed.ok) return badArgs(parsed.error);
  return built({ kind: "move-leader", targetId: parsed.value });
}

export function buildVersion(): BuildOutcome {
  return built({ kind: "version" });
}

export const leaseTimeToLiveFlags: readonly FlagSpec[] = [boolFlag("keys")];
export const leaseKeepAliveFlags: readonly FlagSpec[] = [boolFlag("once")];
export const endpointFlags: readonly FlagSpec[] = [boolFlag("cluster")];
