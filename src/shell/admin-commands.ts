/**
 * The shell's cluster-administration commands: `member list|add|remove|promote|update`,
 * `endpoint status|health` (with `--cluster` and `--endpoints` lists), `move-leader`, `defrag`
 * and `snapshot save|status|restore`. Each runs as etcdctl runs it against the simulated cluster
 * (what it asks which endpoint, in virtual time) and answers with the `EtcdctlOutcome` the etcdctl
 * printers take.
 *
 * - An endpoint that is down, paused or cut off from the client answers nothing: the client's
 *   `--command-timeout` passes ("context deadline exceeded").
 * - Membership changes are checked as etcd checks them (src/etcd/member-admin.ts), proposed at the
 *   leader as Raft configuration changes and answered once the leader applied them; an added member
 *   is "unstarted" until the lab command `:start NAME` starts it. A removed member's process stops.
 * - `endpoint health` is etcdctl's: a linearizable get of "health" through the endpoint (its time
 *   is the "took"), then the alarm list ("Active Alarm(s): NOSPACE").
 * - `snapshot save` writes the endpoint member's state (etcd's Maintenance.Snapshot) into the
 *   cluster's host files with its SHA-256; `snapshot restore` writes a new data directory there
 *   (`member/snap/db` and `member/wal/`), refusing a directory that is not empty as etcdutl does.
 */
import type { CallOutcome } from "../etcd/client.js";
import { type EtcdCluster } from "../etcd/cluster.js";
import { HostFiles } from "../etcd/host-files.js";
import {
  adminErrors,
  checkAdd,
  checkPromote,
  checkRemove,
  checkUpdate,
  configurationHas,
  connected,
  memberStatus,
  newMemberId,
  VIRTUAL_EPOCH_SECONDS,
} from "../etcd/member-admin.js";
import type { Member } from "../etcd/member.js";
import { idFromHex, type MembershipRecord } from "../etcd/membership.js";
import type { KvRequest } from "../etcd/protocol.js";
import { type ClusterInfo, restoreFromSnapshot, saveSnapshotFile, snapshotStatus } from "../etcd/server/index.js";
import type { ClusterHeader, EndpointHealth, EtcdctlCommand, EtcdctlOutcome, MemberInfo, ParsedCommandLine } from "../etcdctl/index.js";
import { bytesFromText } from "../mvcc/bytes.js";
import { EtcdError } from "../mvcc/errors.js";
import type { Micros } from "../sim/time.js";
import { CLIENT_DEADLINE_EXCEEDED } from "../etcd/client.js";
import { utcTimestamp } from "../sim/calendar.js";

export type AdminCommand = Extract<
  EtcdctlCommand,
  {
    kind:
      | "member-list"
      | "member-add"
      | "member-remove"
      | "member-update"
      | "member-promote"
      | "endpoint-health"
      | "endpoint-status"
      | "defrag"
      | "move-leader"
      | "snapshot-save"
      | "snapshot-status"
      | "snapshot-restore";
  }
>;

const adminKinds: ReadonlySet<string> = new Set([
  "member-list",
  "member-add",
  "member-remove",
  "member-update",
  "member-promote",
  "endpoint-health",
  "endpoint-status",
  "defrag",
  "move-leader",
  "snapshot-save",
  "snapshot-status",
  "snapshot-restore",
]);

export function isAdminCommand(command: EtcdctlCommand): command is AdminCommand {
  return adminKinds.has(command.kind);
}

/** What the admin commands need of the session. */
export interface AdminHost {
  readonly cluster: EtcdCluster;
  /** The client actor's address. */
  readonly client: string;
  /** The actor behind an etcdctl endpoint (a bad endpoint is a LineError). */
  endpointActor(endpoint: string): string;
  /** The header fields (cluster, member, term) of the member that answers. */
  header(actor: string): ClusterHeader;
  /** Sends a KV request through the client and runs the world until its answer or the timeout. */
  callKv(actor: string, request: KvRequest, timeoutUs: Micros): CallOutcome;
}

/** The answer, and the header fields of the member that gave it (for the printers). */
export interface AdminAnswer {
  readonly outcome: EtcdctlOutcome;
  readonly cluster: ClusterHeader;
}

/** A tool error (etcdutl's, or a refusal before any request): printed as "Error: <message>". */
function toolError(message: string): EtcdctlOutcome {
  return { ok: false, error: new EtcdError("Unknown", message) };
}

function fail(error: EtcdError): EtcdctlOutcome {
  return { ok: false, error };
}

export class AdminCommands {
  constructor(private readonly host: AdminHost) {}

  private get cluster(): EtcdCluster {
    return this.host.cluster;
  }

  /** Whether the client can reach `actor` now; if not, the command timeout passes. */
  private reach(actor: string, timeoutUs: Micros): boolean {
    const world = this.cluster.world;
    if (connected(world, this.host.client, actor) && this.cluster.member(actor) !== undefined) return true;
    world.runFor(timeoutUs);
    return false;
  }

  /** Runs the world until `done` or the timeout; whether `done` held. */
  private waitFor(timeoutUs: Micros, done: () => boolean): boolean {
    const world = this.cluster.world;
    world.runFor(timeoutUs, done);
    return done();
  }

  private leaderMember(timeoutUs: Micros): Member | undefined {
    if (!this.waitFor(timeoutUs, () => this.cluster.leader() !== undefined)) return undefined;
    return this.cluster.member(this.cluster.leader() as string);
  }

  run(parsed: ParsedCommandLine, command: AdminCommand): AdminAnswer {
    const endpoints = parsed.global.endpoints.length === 0 ? ["127.0.0.1:2379"] : parsed.global.endpoints;
    const first = this.host.endpointActor(endpoints[0] as string);
    const timeoutUs = parsed.global.commandTimeoutUs;
    const outcome = this.outcome(command, endpoints, first, timeoutUs);
    return { outcome, cluster: this.host.header(first) };
  }

  private outcome(command: AdminCommand, endpoints: readonly string[], first: string, timeoutUs: Micros): EtcdctlOutcome {
    switch (command.kind) {
      case "member-list":
        if (!this.reach(first, timeoutUs)) return fail(CLIENT_DEADLINE_EXCEEDED);
        return { ok: true, value: { kind: "member-list", response: { header: { revision: 0 }, members: this.memberInfos() } } };
      case "member-add":
        return this.memberAdd(first, command.name, command.peerURLs, command.isLearner, timeoutUs);
      case "member-remove":
        return this.memberRemove(first, command.id, timeoutUs);
      case "member-promote":
        return this.memberPromote(first, command.id, timeoutUs);
      case "member-update":
        return this.memberUpdate(first, command.id, command.peerURLs, timeoutUs);
      case "endpoint-status":
        return this.endpointStatus(this.targets(command.cluster, endpoints), timeoutUs);
      case "endpoint-health":
        return this.endpointHealth(this.targets(command.cluster, endpoints), timeoutUs);
      case "defrag":
        return this.defrag(this.targets(command.cluster, endpoints), timeoutUs);
      case "move-leader":
        return this.moveLeader(endpoints, command.targetId, timeoutUs);
      case "snapshot-save":
        return this.snapshotSave(endpoints, first, command.path, timeoutUs);
      case "snapshot-status":
        return this.snapshotStatus(command.path);
      case "snapshot-restore":
        return this.snapshotRestore(command);
    }
  }

  /** The endpoints a command visits: the given ones, or with `--cluster` every member's client URLs. */
  private targets(clusterWide: boolean, endpoints: readonly string[]): readonly string[] {
    return clusterWide ? this.cluster.membership.clientEndpoints() : endpoints;
  }

  private memberInfos(): MemberInfo[] {
    return this.cluster.membership.list().map(memberInfo);
  }

  private changed<K extends "member-remove" | "member-update" | "member-promote">(kind: K): EtcdctlOutcome {
    return { ok: true, value: { kind, response: { header: { revision: 0 }, members: this.memberInfos() } } } as EtcdctlOutcome;
  }

  private memberAdd(receiver: string, name: string, peerURLs: readonly string[], isLearner: boolean, timeoutUs: Micros): EtcdctlOutcome {
    if (!this.reach(receiver, timeoutUs)) return fail(CLIENT_DEADLINE_EXCEEDED);
    const refusal = checkAdd(this.cluster, receiver, peerURLs, isLearner);
    if (refusal !== undefined) return fail(refusal);
    if (this.cluster.world.has(name)) return toolError(`the simulated cluster names its nodes by member name, and '${name}' is taken: choose another name`);
    const leader = this.leaderMember(timeoutUs);
    if (leader === undefined) return fail(CLIENT_DEADLINE_EXCEEDED);
    const proposed = leader.proposeConfChange({ transition: "auto", changes: [{ type: isLearner ? "add-learner" : "add-node", node: name }] });
    if (!proposed.ok) return fail(CLIENT_DEADLINE_EXCEEDED);
    const id = newMemberId(peerURLs, this.cluster.world.now);
    if (!this.waitFor(timeoutUs, () => this.applied(name, isLearner ? "learner" : "voter"))) return fail(CLIENT_DEADLINE_EXCEEDED);
    const record: MembershipRecord = { actor: name, id, name: "", peerURLs: [...peerURLs], clientURLs: [], isLearner };
    this.cluster.membership.add(record);
    return { ok: true, value: { kind: "member-add", response: { header: { revision: 0 }, member: memberInfo(record), members: this.memberInfos() } } };
  }

  /** Whether the current leader has applied the configuration change. */
  private applied(actor: string, wanted: "voter" | "learner" | "absent"): boolean {
    const leader = this.cluster.leader();
    const member = leader === undefined ? undefined : this.cluster.member(leader);
    return member !== undefined && configurationHas(member, actor, wanted);
  }

  private memberRemove(receiver: string, id: bigint, timeoutUs: Micros): EtcdctlOutcome {
    if (!this.reach(receiver, timeoutUs)) return fail(CLIENT_DEADLINE_EXCEEDED);
    const refusal = checkRemove(this.cluster, receiver, id);
    if (refusal !== undefined) return fail(refusal);
    const target = this.cluster.membership.byId(id) as MembershipRecord;
    const leader = this.leaderMember(timeoutUs);
    if (leader === undefined) return fail(CLIENT_DEADLINE_EXCEEDED);
    const proposed = leader.proposeConfChange({ transition: "auto", changes: [{ type: "remove-node", node: target.actor }] });
    if (!proposed.ok) return fail(CLIENT_DEADLINE_EXCEEDED);
    if (!this.waitFor(timeoutUs, () => this.applied(target.actor, "absent"))) return fail(CLIENT_DEADLINE_EXCEEDED);
    this.cluster.membership.remove(target.actor);
    // A member that learns it was removed stops ("the member has been permanently removed from the cluster").
    const world = this.cluster.world;
    if (world.has(target.actor) && world.status(target.actor) !== "crashed") world.applyFault({ kind: "crash", node: target.actor });
    return this.changed("member-remove");
  }

  private memberPromote(receiver: string, id: bigint, timeoutUs: Micros): EtcdctlOutcome {
    if (!this.reach(receiver, timeoutUs)) return fail(CLIENT_DEADLINE_EXCEEDED);
    const leader = this.leaderMember(timeoutUs);
    if (leader === undefined) return fail(CLIENT_DEADLINE_EXCEEDED);
    const refusal = checkPromote(this.cluster, leader, id);
    if (refusal !== undefined) return fail(refusal);
    const target = this.cluster.membership.byId(id) as MembershipRecord;
    const proposed = leader.proposeConfChange({ transition: "auto", changes: [{ type: "add-node", node: target.actor }] });
    if (!proposed.ok) return fail(CLIENT_DEADLINE_EXCEEDED);
    if (!this.waitFor(timeoutUs, () => this.applied(target.actor, "voter"))) return fail(CLIENT_DEADLINE_EXCEEDED);
    target.isLearner = false;
    return this.changed("member-promote");
  }

  /** etcd proposes ConfChangeUpdateNode; it commits once a quorum has it, which a linearizable read stands for here. */
  private memberUpdate(receiver: string, id: bigint, peerURLs: readonly string[], timeoutUs: Micros): EtcdctlOutcome {
    if (!this.reach(receiver, timeoutUs)) return fail(CLIENT_DEADLINE_EXCEEDED);
    const refusal = checkUpdate(this.cluster, id, peerURLs);
    if (refusal !== undefined) return fail(refusal);
    const barrier = this.host.callKv(receiver, { kind: "range", request: { key: bytesFromText("health"), countOnly: true } }, timeoutUs);
    if (!barrier.ok) return fail(barrier.error);
    (this.cluster.membership.byId(id) as MembershipRecord).peerURLs = [...peerURLs];
    return this.changed("member-update");
  }

  private endpointStatus(endpoints: readonly string[], timeoutUs: Micros): EtcdctlOutcome {
    const statuses = [];
    const failures = [];
    for (const endpoint of endpoints) {
      const actor = this.host.endpointActor(endpoint);
      if (!this.reach(actor, timeoutUs)) {
        failures.push({ endpoint, error: CLIENT_DEADLINE_EXCEEDED.message });
        continue;
      }
      const status = memberStatus(this.cluster, actor, this.cluster.member(actor) as Member);
      statuses.push({ endpoint, version: "3.5.21", ...status });
    }
    return { ok: true, value: { kind: "endpoint-status", response: { statuses, failures } } };
  }

  private endpointHealth(endpoints: readonly string[], timeoutUs: Micros): EtcdctlOutcome {
    const healths: EndpointHealth[] = [];
    const world = this.cluster.world;
    for (const endpoint of endpoints) {
      const actor = this.host.endpointActor(endpoint);
      const start = world.now;
      const answer = this.host.callKv(actor, { kind: "range", request: { key: bytesFromText("health") } }, timeoutUs);
      const tookUs = world.now - start;
      if (!answer.ok && answer.error.message !== "etcdserver: permission denied") {
        healths.push({ endpoint, health: false, tookUs, error: answer.error.message });
        continue;
      }
      const alarms = (this.cluster.member(actor) as Member).stateMachine.store.alarm({ action: "GET", memberId: 0n, alarm: "NONE" }).alarms;
      const error = alarms.length === 0 ? "" : `Active Alarm(s): ${alarms.map((alarm) => `${alarm.alarm} `).join("")}`;
      healths.push({ endpoint, health: error === "", tookUs, error });
    }
    return { ok: true, value: { kind: "endpoint-health", response: healths } };
  }

  private defrag(endpoints: readonly string[], timeoutUs: Micros): EtcdctlOutcome {
    const results = endpoints.map((endpoint) => {
      const actor = this.host.endpointActor(endpoint);
      if (!this.reach(actor, timeoutUs)) return { endpoint, error: CLIENT_DEADLINE_EXCEEDED.message };
      (this.cluster.member(actor) as Member).stateMachine.store.defragment();
      return { endpoint, error: "" };
    });
    return { ok: true, value: { kind: "defrag", response: { endpoints: results } } };
  }

  private moveLeader(endpoints: readonly string[], targetId: bigint, timeoutUs: Micros): EtcdctlOutcome {
    for (const endpoint of endpoints) {
      const actor = this.host.endpointActor(endpoint);
      if (!this.reach(actor, timeoutUs)) return fail(CLIENT_DEADLINE_EXCEEDED);
      const member = this.cluster.member(actor) as Member;
      const status = memberStatus(this.cluster, actor, member);
      if (status.leader !== status.memberId) continue;
      const target = this.cluster.membership.byId(targetId);
      if (target === undefined || target.isLearner) return fail(adminErrors.badLeaderTransferee);
      member.transferLeader(target.actor);
      if (!this.waitFor(timeoutUs, () => this.cluster.leader() === target.actor)) return fail(adminErrors.leaderTransferTimeout);
      return { ok: true, value: { kind: "move-leader", response: { leaderFound: true, header: { revision: status.revision }, leaderId: status.memberId } } };
    }
    return { ok: true, value: { kind: "move-leader", response: { leaderFound: false } } };
  }

  private snapshotSave(endpoints: readonly string[], actor: string, path: string, timeoutUs: Micros): EtcdctlOutcome {
    if (endpoints.length !== 1) return toolError(`snapshot must be requested to one selected node, not multiple [${endpoints.join(" ")}]`);
    if (!this.reach(actor, timeoutUs)) return fail(CLIENT_DEADLINE_EXCEEDED);
    const member = this.cluster.member(actor) as Member;
    const file = saveSnapshotFile(member.stateMachine, { cluster: this.clusterInfo(), term: member.raft.status().term });
    const files = this.cluster.files;
    if (files.isDirectory(path)) return toolError(`could not open ${path}.part (open ${path}.part: is a directory)`);
    files.write(path, file);
    return { ok: true, value: { kind: "snapshot-save", response: { path } } };
  }

  private clusterInfo(): ClusterInfo {
    const members = this.cluster.membership.list().map((record) => ({
      id: record.id.toString(16),
      name: record.name,
      peerUrls: record.peerURLs,
      clientUrls: record.clientURLs,
      isLearner: record.isLearner,
    }));
    return { members, removedMemberIds: [], clusterVersion: "3.5.0" };
  }

  private snapshotStatus(path: string): EtcdctlOutcome {
    const file = this.cluster.files.read(path);
    if (file === undefined) return toolError(`stat ${path}: no such file or directory`);
    const status = snapshotStatus(file);
    if (!status.ok) return toolError(status.error);
    const { hash, revision, totalKey, totalSize } = status.value;
    return { ok: true, value: { kind: "snapshot-status", response: { hash, revision, totalKey, totalSize } } };
  }

  private snapshotRestore(command: Extract<AdminCommand, { kind: "snapshot-restore" }>): EtcdctlOutcome {
    const options = command.restore;
    const files = this.cluster.files;
    if (files.exists(options.dataDir) && !isEmptyDirectory(files, options.dataDir)) return toolError(`data-dir ${JSON.stringify(options.dataDir)} not empty or could not be read`);
    if (options.walDir !== `${options.dataDir}/member/wal` && files.exists(options.walDir)) return toolError(`wal-dir ${JSON.stringify(options.walDir)} exists`);
    const file = files.read(options.path);
    if (file === undefined) return toolError(`open ${options.path}: no such file or directory`);
    const restored = restoreFromSnapshot(file, {
      name: options.name,
      initialCluster: options.initialCluster,
      initialClusterToken: options.initialClusterToken,
      initialAdvertisePeerUrls: options.initialAdvertisePeerURLs,
      skipHashCheck: options.skipHashCheck,
    });
    if (!restored.ok) return toolError(restored.error);
    const directory = restored.value;
    files.write(`${options.dataDir}/member/snap/db`, directory.database);
    files.write(`${options.walDir}/${RESTORED_WAL_NAME}`, new TextEncoder().encode(JSON.stringify({ name: directory.name, memberId: directory.memberId, clusterId: directory.clusterId, raft: directory.raft })));
    const seconds = VIRTUAL_EPOCH_SECONDS + Math.floor(this.cluster.world.now / 1_000_000);
    return {
      ok: true,
      value: {
        kind: "snapshot-restore",
        response: { logTime: rfc3339(seconds), clusterId: idFromHex(directory.clusterId), members: directory.members.map((member) => ({ id: idFromHex(member.id), peerURLs: member.peerUrls })) },
      },
    };
  }
}

/** The WAL file a restore writes (etcd's first segment name); the simulator keeps the restored Raft state in it as JSON. */
export const RESTORED_WAL_NAME = "0000000000000000-0000000000000000.wal";

function isEmptyDirectory(files: HostFiles, path: string): boolean {
  return files.isDirectory(path) && files.list(path).length === 0 && !files.isDirectory(`${HostFiles.resolve(path)}/member`);
}

function memberInfo(record: MembershipRecord): MemberInfo {
  return { id: record.id, name: record.name, peerURLs: record.peerURLs, clientURLs: record.clientURLs, isLearner: record.isLearner };
}

/** Seconds since the Unix epoch as RFC 3339 in UTC (`2024-01-01T00:00:05Z`). */
export const rfc3339 = (seconds: number): string => utcTimestamp(seconds);
