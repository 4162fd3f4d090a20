/**
 * etcd's cluster administration on the simulated cluster: the checks etcd makes before a membership
 * change (`server/etcdserver/server.go`: `mayAddMember`, `mayRemoveMember`, `mayPromoteMember`,
 * `isLearnerReady`; `membership/cluster.go`: `IsReadyToAddVotingMember`, `IsReadyToRemoveVotingMember`,
 * `IsReadyToPromoteMember`, `ValidateConfigurationChange`), with etcd's error messages, and the Raft
 * configuration change each one proposes at the leader (as `src/scenario/etcd-cluster.ts` does).
 *
 * etcd's strict reconfiguration check is on (its default): a voting member may be added only when
 * a quorum of the voting members, the new one counted, has started; removed only when a quorum of
 * the others has started and enough of them stay connected; the member receiving the request must be
 * connected to every voting peer to add one ("etcdserver: unhealthy cluster"). "Connected" is the
 * simulated transport's view: the peer is up and the network between them is not cut.
 *
 * Also here: what `endpoint status` reports for one member (Maintenance.Status).
 */
import { EtcdError } from "../mvcc/errors.js";
import type { World } from "../sim/world.js";
import type { EtcdCluster } from "./cluster.js";
import type { Member } from "./member.js";
import { type ClusterMembership, idFromHex, type MembershipRecord } from "./membership.js";
import { memberIdFor } from "./server/cluster-ids.js";

export const adminErrors = {
  memberNotFound: new EtcdError("NotFound", "etcdserver: member not found"),
  memberExists: new EtcdError("FailedPrecondition", "etcdserver: member ID already exist"),
  peerUrlExists: new EtcdError("FailedPrecondition", "etcdserver: Peer URLs already exists"),
  memberNotLearner: new EtcdError("FailedPrecondition", "etcdserver: can only promote a learner member"),
  learnerNotReady: new EtcdError("FailedPrecondition", "etcdserver: can only promote a learner member which is in sync with leader"),
  tooManyLearners: new EtcdError("FailedPrecondition", "etcdserver: too many learner members in cluster"),
  notEnoughStarted: new EtcdError("FailedPrecondition", "etcdserver: re-configuration failed due to not enough started members"),
  unhealthy: new EtcdError("Unavailable", "etcdserver: unhealthy cluster"),
  memberBadURLs: new EtcdError("InvalidArgument", "etcdserver: given member URLs are invalid"),
  badLeaderTransferee: new EtcdError("FailedPrecondition", "etcdserver: bad leader transferee"),
  leaderTransferTimeout: new EtcdError("DeadlineExceeded", "etcdserver: request timed out, leader transfer took too long"),
} as const;

/** etcd's `--experimental-max-learners` default. */
const MAX_LEARNERS = 1;
/** etcd's `readyPercent`: a learner within 90% of the leader's match may be promoted. */
const LEARNER_READY_RATIO = 0.9;
/** Seconds since the Unix epoch of virtual time 0 (2024-01-01T00:00:00Z), for IDs that mix in the time. */
export const VIRTUAL_EPOCH_SECONDS = 1_704_067_200;

type Check = EtcdError | undefined;

/** Whether `from` and `to` can talk (the transport's view): both up, the network between them not cut. */
export function connected(world: World, from: string, to: string): boolean {
  if (from === to) return true;
  if (!world.has(to) || world.status(to) !== "up") return false;
  return !world.isCut(from, to) && !world.isCut(to, from);
}

function votingMembers(membership: ClusterMembership): MembershipRecord[] {
  return membership.list().filter((record) => !record.isLearner);
}

function isStarted(record: MembershipRecord): boolean {
  return record.name !== "";
}

function quorumStarted(started: number, members: number): boolean {
  return started >= Math.floor(members / 2) + 1;
}

/**
 * `types.NewURLs`, which the cluster service runs on a member add's peer URLs before anything else:
 * http or https with a `host:port` and no path, or unix and unixs.
 */
export function validPeerUrls(peerURLs: readonly string[]): boolean {
  return peerURLs.length > 0 && peerURLs.every((text) => {
    const url = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/i.exec(text.trim());
    const scheme = url?.[1]?.toLowerCase();
    if (scheme === "unix" || scheme === "unixs") return true;
    if (scheme !== "http" && scheme !== "https") return false;
    return /^(\[[^\]]*\]|[^:[\]]*):[^:]*$/.test(url?.[2] ?? "") && url?.[3] === "";
  });
}

/** The URL check, `mayAddMember`, then `ValidateConfigurationChange` for an add. */
export function checkAdd(cluster: EtcdCluster, receiver: string, peerURLs: readonly string[], isLearner: boolean): Check {
  if (!validPeerUrls(peerURLs)) return adminErrors.memberBadURLs;
  const membership = cluster.membership;
  const voting = votingMembers(membership);
  if (!isLearner) {
    const started = voting.filter(isStarted).length;
    const members = voting.length + 1;
    if (!(started === 1 && members === 2) && !quorumStarted(started, members)) return adminErrors.notEnoughStarted;
  }
  if (!voting.every((record) => connected(cluster.world, receiver, record.actor))) return adminErrors.unhealthy;
  const urls = new Set(membership.list().flatMap((record) => record.peerURLs));
  if (peerURLs.some((url) => urls.has(url))) return adminErrors.peerUrlExists;
  if (isLearner && membership.list().filter((record) => record.isLearner).length >= MAX_LEARNERS) return adminErrors.tooManyLearners;
  return undefined;
}

/** `mayRemoveMember`, then `ValidateConfigurationChange` for a removal. */
export function checkRemove(cluster: EtcdCluster, receiver: string, id: bigint): Check {
  const membership = cluster.membership;
  const target = membership.byId(id);
  if (target === undefined) return adminErrors.memberNotFound;
  if (target.isLearner) return undefined;
  const others = votingMembers(membership).filter((record) => record.id !== id);
  if (!quorumStarted(others.filter(isStarted).length, others.length)) return adminErrors.notEnoughStarted;
  // A member that is down is safe to remove: it is not part of the active quorum.
  if (target.actor !== receiver && !connected(cluster.world, receiver, target.actor)) return undefined;
  const voting = votingMembers(membership);
  const active = voting.filter((record) => connected(cluster.world, receiver, record.actor)).length;
  if (active - 1 < 1 + Math.floor((voting.length - 1) / 2)) return adminErrors.unhealthy;
  return undefined;
}

/** `isLearnerReady` (at the leader), `IsReadyToPromoteMember`, then `ValidateConfigurationChange`. */
export function checkPromote(cluster: EtcdCluster, leader: Member, id: bigint): Check {
  const membership = cluster.membership;
  const target = membership.byId(id);
  const status = leader.raft.status();
  const progress = status.progress ?? [];
  const own = progress.find((row) => row.id === status.id)?.match ?? status.lastIndex;
  const row = target === undefined ? undefined : progress.find((entry) => entry.id === target.actor);
  if (row !== undefined && row.match < own * LEARNER_READY_RATIO) return adminErrors.learnerNotReady;
  const voting = votingMembers(membership);
  if (!quorumStarted(voting.filter(isStarted).length + 1, voting.length + 1)) return adminErrors.notEnoughStarted;
  if (target === undefined) return adminErrors.memberNotFound;
  if (!target.isLearner) return adminErrors.memberNotLearner;
  return undefined;
}

/** `ValidateConfigurationChange` for an update of peer URLs. */
export function checkUpdate(cluster: EtcdCluster, id: bigint, peerURLs: readonly string[]): Check {
  const membership = cluster.membership;
  if (membership.byId(id) === undefined) return adminErrors.memberNotFound;
  const urls = new Set(membership.list().filter((record) => record.id !== id).flatMap((record) => record.peerURLs));
  if (peerURLs.some((url) => urls.has(url))) return adminErrors.peerUrlExists;
  return undefined;
}

/** The ID `member add` gives a new member: etcd's `computeMemberID(peerURLs, "", now)`. */
export function newMemberId(peerURLs: readonly string[], nowUs: number): bigint {
  const seconds = VIRTUAL_EPOCH_SECONDS + Math.floor(nowUs / 1_000_000);
  return idFromHex(memberIdFor(peerURLs, String(seconds)));
}

/** Whether the leader has applied a configuration where `actor` is a voter (`learner`: a learner), or is gone (`absent`). */
export function configurationHas(leader: Member, actor: string, wanted: "voter" | "learner" | "absent"): boolean {
  const conf = leader.raft.status().confState;
  const voter = conf.voters.includes(actor);
  const learner = conf.learners.includes(actor);
  return wanted === "voter" ? voter : wanted === "learner" ? learner : !voter && !learner;
}

/** `Maintenance.Status` of one member, as `endpoint status` shows it. */
export interface MemberStatus {
  readonly memberId: bigint;
  readonly clusterId: bigint;
  readonly revision: number;
  readonly raftTerm: number;
  readonly leader: bigint;
  readonly raftIndex: number;
  readonly raftAppliedIndex: number;
  readonly dbSize: number;
  readonly dbSizeInUse: number;
  readonly isLearner: boolean;
  readonly errors: readonly string[];
}

export function memberStatus(cluster: EtcdCluster, actor: string, member: Member): MemberStatus {
  const status = member.raft.status();
  const store = member.stateMachine.store;
  const storeStatus = store.status();
  // `%+v` of each AlarmMember, as etcd puts it into StatusResponse.Errors.
  const errors = store.alarm({ action: "GET", memberId: 0n, alarm: "NONE" }).alarms.map((alarm) => `memberID:${alarm.memberId} alarm:${alarm.alarm} `);
  return {
    memberId: cluster.membership.memberId(actor),
    clusterId: cluster.membership.clusterId,
    revision: storeStatus.revision,
    raftTerm: status.term,
    leader: status.lead === null ? 0n : cluster.membership.memberId(status.lead),
    raftIndex: status.commit,
    raftAppliedIndex: status.applied,
    dbSize: storeStatus.dbSize,
    dbSizeInUse: storeStatus.dbSizeInUse,
    isLearner: status.confState.learners.includes(actor),
    errors,
  };
}
