/**
 * The shell's lab commands for cluster administration:
 * - `:start NAME` starts a member added with `member add NAME` (etcd started with
 *   ETCD_INITIAL_CLUSTER_STATE=existing): it joins with the leader's configuration and catches up
 *   from the leader's log, or from a snapshot when the log was compacted;
 * - `:metrics NODE` prints the member's Prometheus metrics (what `curl <node>:2381/metrics` shows);
 * - `:manifest` prints the etcd static pod manifest; `:manifest data-dir DIR` points it at DIR (the
 *   `--data-dir` flag, the etcd-data mount and its hostPath), prints the diff, and the simulated
 *   kubelet restarts etcd from DIR: the running members stop (their data directory is kept as it is),
 *   and the node of the manifest (n1) starts from DIR. A directory `snapshot restore` wrote starts a
 *   new cluster: new cluster and member IDs, the keys and revision of the snapshot. Pointing the
 *   manifest back at a directory the cluster ran from before starts that cluster again.
 */
import type { EtcdCluster } from "../etcd/cluster.js";
import { HARD_STATE_FILE, SNAPSHOT_FILE, WAL_FILE } from "../etcd/member.js";
import { clientUrlOf, idFromHex, type MembershipRecord } from "../etcd/membership.js";
import { type ClusterMember, readSnapshotFile, type RestoredRaftState, type ServerSnapshot } from "../etcd/server/index.js";
import { epochStoreOf, furthestStore, type EpochStore } from "../etcd/epochs.js";
import { DEFAULT_DATA_DIR, MANIFEST_PATH, manifestDataDir, readManifest, setManifestDataDir } from "../etcd/static-pod.js";
import type { Disk } from "../sim/disk.js";
import type { Micros } from "../sim/time.js";
import { RESTORED_WAL_NAME } from "./admin-commands.js";

/** A lab command's problem: the session prints it as one `etcdlab shell: ...` line. */
export class LabError extends Error {}

/** The node whose kubelet runs the manifest. */
const MANIFEST_NODE = "n1";
/** How long `:start` and the kubelet let a member catch up or a cluster elect a leader. */
const SETTLE_LIMIT_US: Micros = 30_000_000;

/** A data directory the cluster ran from, kept while it runs from another. */
interface StoppedCluster {
  readonly records: readonly MembershipRecord[];
  readonly clusterId: bigint;
  readonly disks: ReadonlyMap<string, ReadonlyMap<string, unknown>>;
  readonly running: readonly string[];
  /** The store its members had reached (the history's epoch when it runs again). */
  readonly store: EpochStore;
}

const stoppedClusters = new WeakMap<EtcdCluster, Map<string, StoppedCluster>>();

export const LAB_ADMIN_COMMANDS = [":start", ":metrics", ":manifest"] as const;

/** Runs `:start`, `:metrics` or `:manifest`; false for another command. */
export function runLabAdmin(cluster: EtcdCluster, name: string, words: readonly string[], write: (text: string) => void): boolean {
  switch (name) {
    case "start":
      if (words.length !== 1) throw new LabError("usage: :start NAME");
      write(startMember(cluster, words[0] as string));
      return true;
    case "metrics": {
      if (words.length !== 1) throw new LabError("usage: :metrics NODE");
      const node = words[0] as string;
      const member = cluster.member(node);
      if (member === undefined) throw new LabError(`no etcd runs on '${node}' (${cluster.world.has(node) ? cluster.world.status(node) : "unknown node"})`);
      write(cluster.metrics.exposition(node, member));
      return true;
    }
    case "manifest":
      write(manifest(cluster, words));
      return true;
    default:
      return false;
  }
}

function startMember(cluster: EtcdCluster, actor: string): string {
  const record = cluster.membership.byActor(actor);
  if (record === undefined) throw new LabError(`'${actor}' is not a member added with member add (members: ${cluster.membership.list().map((member) => member.actor).sort().join(", ")})`);
  if (record.name !== "") throw new LabError(`'${actor}' has started already`);
  const leader = cluster.leader();
  if (leader === undefined) throw new LabError(`'${actor}' cannot join: the cluster has no leader`);
  const conf = (cluster.member(leader) as NonNullable<ReturnType<EtcdCluster["member"]>>).raft.status().confState;
  cluster.spawnMember(actor, conf.voters, conf.learners);
  record.name = actor;
  record.clientURLs = [clientUrlOf(cluster.membership.positionOf(actor))];
  const caughtUp = (): boolean => {
    const current = cluster.leader();
    const joined = cluster.member(actor)?.raft.status();
    return current !== undefined && joined !== undefined && joined.applied >= (cluster.member(current)?.raft.status().commit ?? Infinity);
  };
  cluster.world.runFor(SETTLE_LIMIT_US, caughtUp);
  const applied = cluster.member(actor)?.raft.status().applied ?? 0;
  return `started ${actor} (member ${record.id.toString(16)}, client URL ${record.clientURLs[0]}): ${caughtUp() ? "caught up" : "still catching up"} at applied index ${applied}\n`;
}

function manifest(cluster: EtcdCluster, words: readonly string[]): string {
  const text = readManifest(cluster.files);
  if (text === undefined) throw new LabError(`${MANIFEST_PATH}: no such file`);
  if (words.length === 0) return text;
  if (words.length !== 2 || words[0] !== "data-dir") throw new LabError("usage: :manifest [data-dir DIR]");
  const directory = words[1] as string;
  if (!directory.startsWith("/")) throw new LabError(`the manifest's data dir must be an absolute path (got '${directory}')`);
  const current = manifestDataDir(text) ?? DEFAULT_DATA_DIR;
  if (normalize(directory) === normalize(current)) throw new LabError(`the manifest already uses ${current}`);
  const { start, store } = prepareStart(cluster, normalize(directory));
  const edited = setManifestDataDir(text, directory);
  cluster.files.write(MANIFEST_PATH, new TextEncoder().encode(edited.text));
  stopCluster(cluster, normalize(current));
  // Another cluster from here on: the checkers and the client history start a new epoch.
  cluster.beginEpoch(store.revision, store.kvs);
  start();
  cluster.world.runFor(SETTLE_LIMIT_US, () => cluster.leader() !== undefined);
  const leader = cluster.leader();
  const membership = cluster.membership;
  const summary = `kubelet: restarted etcd from ${directory}: cluster ${membership.clusterId.toString(16)}, members ${membership
    .list()
    .map((record) => `${record.name}=${record.id.toString(16)}`)
    .join(",")}, ${leader === undefined ? "no leader yet" : `leader ${membership.byActor(leader)?.name ?? leader}`}\n`;
  return edited.diff + summary;
}

function normalize(path: string): string {
  return path.replace(/\/+$/, "") || "/";
}

/** Stops every running member and keeps the data directory they ran from. */
function stopCluster(cluster: EtcdCluster, directory: string): void {
  const world = cluster.world;
  const running = cluster.members.filter((actor) => world.status(actor) !== "crashed");
  const members = running.map((actor) => cluster.member(actor)).filter((member) => member !== undefined);
  const store = furthestStore(members) ?? { revision: 1, kvs: [] };
  for (const actor of running) world.applyFault({ kind: "crash", node: actor });
  const disks = new Map<string, ReadonlyMap<string, unknown>>();
  for (const actor of cluster.members) disks.set(actor, copyDisk(world.disk(actor)));
  stopped(cluster).set(directory, { records: cluster.membership.list().map((record) => ({ ...record })), clusterId: cluster.membership.clusterId, disks, running, store });
}

function stopped(cluster: EtcdCluster): Map<string, StoppedCluster> {
  let map = stoppedClusters.get(cluster);
  if (map === undefined) {
    map = new Map();
    stoppedClusters.set(cluster, map);
  }
  return map;
}

function copyDisk(disk: Disk): Map<string, unknown> {
  const copy = new Map<string, unknown>();
  for (const file of disk.files()) {
    const value = disk.read(file);
    copy.set(file, Array.isArray(value) ? value.slice() : value);
  }
  return copy;
}

/** Replaces a (crashed) member's disk by `files`, durably. */
function writeDisk(disk: Disk, files: ReadonlyMap<string, unknown>): void {
  for (const file of disk.files()) disk.remove(file);
  for (const [file, value] of files) disk.set(file, Array.isArray(value) ? value.slice() : value);
  disk.beginFsync();
  disk.completeFsync();
}

/**
 * Checks that `directory` holds etcd data the kubelet can start and returns how to start it (after
 * the running cluster stopped): a cluster that ran from it before, or a restored data directory.
 */
function prepareStart(cluster: EtcdCluster, directory: string): { readonly start: () => void; readonly store: EpochStore } {
  const previous = stopped(cluster).get(directory);
  if (previous !== undefined) {
    const start = (): void => {
      for (const [actor, files] of previous.disks) writeDisk(cluster.world.disk(actor), files);
      cluster.membership.replace(previous.records, previous.clusterId);
      for (const actor of previous.running) cluster.world.applyFault({ kind: "restart", node: actor });
    };
    return { start, store: previous.store };
  }
  const restored = readRestored(cluster, directory);
  const start = (): void => {
    const { raft, members, clusterId, local, server } = restored;
    const voters = [MANIFEST_NODE];
    const files = new Map<string, unknown>([
      [HARD_STATE_FILE, { term: raft.hardState.term, vote: MANIFEST_NODE, commit: raft.hardState.commit }],
      [SNAPSHOT_FILE, { metadata: { index: raft.snapshot.index, term: raft.snapshot.term, confState: { voters, learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } }, data: server }],
      [WAL_FILE, []],
    ]);
    writeDisk(cluster.world.disk(MANIFEST_NODE), files);
    const record: MembershipRecord = {
      actor: MANIFEST_NODE,
      id: idFromHex(local.id),
      name: local.name,
      peerURLs: local.peerUrls,
      clientURLs: [clientUrlOf(cluster.membership.positionOf(MANIFEST_NODE))],
      isLearner: false,
    };
    if (members.length !== 1) throw new Error("assertion failed: a restored directory the kubelet starts has one member");
    cluster.membership.replace([record], idFromHex(clusterId));
    cluster.world.applyFault({ kind: "restart", node: MANIFEST_NODE });
  };
  return { start, store: epochStoreOf(restored.server.store) };
}

interface RestoredDirectory {
  readonly raft: RestoredRaftState;
  readonly members: readonly ClusterMember[];
  readonly clusterId: string;
  readonly local: ClusterMember;
  readonly server: ServerSnapshot;
}

/** Reads the data directory `snapshot restore` wrote (member/snap/db and the WAL's Raft state). */
function readRestored(cluster: EtcdCluster, directory: string): RestoredDirectory {
  const files = cluster.files;
  const database = files.read(`${directory}/member/snap/db`);
  const wal = files.read(`${directory}/member/wal/${RESTORED_WAL_NAME}`);
  if (database === undefined || wal === undefined) {
    throw new LabError(`${directory} holds no etcd data directory (member/snap/db and member/wal); restore a snapshot into it first`);
  }
  const contents = readSnapshotFile(database, { skipHashCheck: true });
  if (!contents.ok) throw new LabError(`${directory}/member/snap/db: ${contents.error.split("\n")[0]}`);
  const state = JSON.parse(new TextDecoder().decode(wal)) as { name: string; memberId: string; clusterId: string; raft: RestoredRaftState };
  const members = contents.value.cluster.members;
  if (members.length !== 1) {
    throw new LabError(`${directory} was restored for a cluster of ${members.length} members; the simulated kubelet runs one control-plane member: restore with a single-member --initial-cluster`);
  }
  const local = members.find((member) => member.id === state.memberId) ?? (members[0] as ClusterMember);
  return { raft: state.raft, members, clusterId: state.clusterId, local, server: contents.value.server };
}
