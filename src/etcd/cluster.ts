/**
 * A simulated etcd cluster: members (Raft + state machine) as actors of one world, clients, and the
 * oracles that watch them from outside (Raft invariants, stale reads).
 */
import { RaftInvariantChecker, type InvariantViolation } from "../check/raft-invariants.js";
import { StaleReadChecker } from "../check/stale-read.js";
import type { KeyValue } from "../mvcc/types.js";
import type { Message } from "../raft/types.js";
import type { Micros } from "../sim/time.js";
import type { MessageSummary } from "../sim/trace.js";
import { defaultSummary, type World } from "../sim/world.js";
import { type ClientActor, spawnClient } from "./client.js";
import type { TraceEvent } from "./events.js";
import { History } from "./history.js";
import { HostFiles } from "./host-files.js";
import { writeKubeadmPki } from "./pki.js";
import { Member, type MemberOptions } from "./member.js";
import { ClusterMembership } from "./membership.js";
import { ClusterMetrics } from "./metrics.js";
import { writeStaticPodManifest } from "./static-pod.js";
import type { ClientMessage } from "./protocol.js";
import { type EtcdServerConfig, EtcdServerState } from "./server/index.js";

/** The cluster-wide settings every member shares (a member's own are its name and bootstrap config). */
export type ClusterSettings = Omit<MemberOptions, "name" | "voters" | "learners" | "bugs" | "observe">;

export const DEFAULT_SETTINGS: ClusterSettings = {
  tickUs: 100_000,
  electionTicks: 10,
  heartbeatTicks: 1,
  preVote: true,
  checkQuorum: true,
  readOnly: "safe",
  clockDriftBound: 0.1,
  maxEntriesPerMessage: 64,
  maxInflightMessages: 256,
  requestTimeoutUs: 7_000_000,
  snapshotEntries: 10_000,
  catchUpEntries: 5_000,
};

export interface ClusterOptions {
  readonly members: number;
  readonly settings: ClusterSettings;
  readonly bugs: readonly string[];
  /** Build narration events and full traces (off in sweeps). */
  readonly observe: boolean;
  /** The apply layer's settings (quota, lease TTL minimum, ...); etcd's defaults when absent. */
  readonly server?: EtcdServerConfig;
  /**
   * A secure cluster (pki.ts): kubeadm's etcd PKI in `files`, https client URLs, and clients must
   * present a certificate the etcd CA signed (`--client-cert-auth`).
   */
  readonly secure?: boolean;
}

export interface Violation {
  readonly kind: string;
  readonly detail: string;
  readonly timeUs: Micros;
}

export class EtcdCluster {
  readonly members: string[];
  readonly history = new History();
  /** The machines' files outside the members' data directories (snapshot files, PKI, restored data dirs). */
  readonly files = new HostFiles();
  /** etcd's view of the members: IDs, names, URLs (membership.ts). */
  readonly membership: ClusterMembership;
  /** The members' Prometheus metrics (metrics.ts). */
  readonly metrics: ClusterMetrics;
  readonly invariants: RaftInvariantChecker;
  readonly staleReads: StaleReadChecker;
  readonly violationList: Violation[] = [];
  private readonly clients = new Map<string, ClientActor>();
  private readonly bugs: ReadonlySet<string>;

  constructor(
    readonly world: World,
    readonly options: ClusterOptions,
  ) {
    this.members = Array.from({ length: options.members }, (_, index) => `n${index + 1}`);
    this.bugs = new Set(options.bugs);
    const report = (violation: InvariantViolation): void => this.reportViolation(violation);
    this.invariants = new RaftInvariantChecker(report);
    this.staleReads = new StaleReadChecker(report);
    world.trace.subscribe((time, event) => this.invariants.observe(time, event as TraceEvent));
    this.history.onReturn((operation) => this.staleReads.observe(operation));
    this.membership = new ClusterMembership(this.members);
    this.metrics = new ClusterMetrics(world);
    if (options.secure === true) {
      writeKubeadmPki(this.files, this.members);
      for (const record of this.membership.list()) record.clientURLs = record.clientURLs.map((url) => url.replace(/^http:/, "https:"));
    }
    writeStaticPodManifest(this.files, this.membership);
    for (const name of this.members) this.spawnMember(name, this.members, []);
  }

  /**
   * Spawns a member. A member joining a running cluster is given the configuration it joins (itself
   * included); the configuration changes it replays from the log or a snapshot come on top.
   */
  spawnMember(name: string, voters: readonly string[], learners: readonly string[]): void {
    const memberOptions: MemberOptions = {
      ...this.options.settings,
      name,
      voters,
      learners,
      bugs: this.bugs,
      observe: this.options.observe,
    };
    const hooks = { onPanic: (violation: InvariantViolation) => this.reportViolation(violation), identity: (member: string) => this.membership.identity(member) };
    const history = this.history;
    // The deletes of lease revokes go into the client history (see `History.recordLeaseDelete`).
    const serverState = (): EtcdServerState => new EtcdServerState(this.options.server, (revision, keys) => history.recordLeaseDelete(name, revision, keys, this.world.now));
    this.world.spawn(name, (context) => new Member(context, memberOptions, serverState(), hooks), {
      partitionable: true,
    });
    if (!this.members.includes(name)) this.members.push(name);
  }

  member(name: string): Member | undefined {
    const behavior = this.world.has(name) ? this.world.behavior(name) : undefined;
    return behavior instanceof Member ? behavior : undefined;
  }

  /** Live members that believe they are leader, highest term first. */
  leaders(): Array<{ name: string; term: number }> {
    const found: Array<{ name: string; term: number }> = [];
    for (const name of this.members) {
      const member = this.member(name);
      if (member === undefined || this.world.status(name) !== "up") continue;
      const status = member.raft.status();
      if (status.role === "leader") found.push({ name, term: status.term });
    }
    return found.sort((a, b) => b.term - a.term || (a.name < b.name ? -1 : 1));
  }

  /** The leader a majority follows: a live leader whose term no live member has passed. */
  leader(): string | undefined {
    const top = this.leaders()[0];
    if (top === undefined) return undefined;
    // Only members of the leader's configuration count: a removed member that missed its removal
    // may campaign into higher terms forever without ever disturbing the cluster.
    const conf = (this.member(top.name) as Member).raft.status().confState;
    for (const name of [...conf.voters, ...conf.learners]) {
      const member = this.member(name);
      if (member !== undefined && member.raft.status().term > top.term) return undefined;
    }
    return top.name;
  }

  /**
   * The client actor `name` (spawned on first use). After a crash and restart it is the client's
   * new life; while it is crashed, its last life (whose calls go nowhere and time out).
   */
  client(name: string): ClientActor {
    let client = this.clients.get(name);
    if (client === undefined) {
      client = spawnClient(this.world, name, this.history);
      this.clients.set(name, client);
      return client;
    }
    const current = this.world.behavior(name) as ClientActor | undefined;
    if (current !== undefined && current !== client) {
      this.clients.set(name, current);
      return current;
    }
    return client;
  }

  violations(): readonly Violation[] {
    return this.violationList;
  }

  reportViolation(violation: InvariantViolation): void {
    if (this.violationList.length < 100) this.violationList.push(violation);
    if (this.world.trace.enabled) this.world.emit({ type: "violation", kind: violation.kind, detail: violation.detail });
  }

  /**
   * A new cluster takes over from now on (a restore: new cluster and member IDs), starting from the
   * store `revision` and `kvs`: the checkers begin a new epoch and forget the old cluster's log,
   * commits and acknowledged writes (its members must have stopped).
   */
  beginEpoch(revision: number, kvs: readonly KeyValue[]): void {
    this.invariants.newEpoch();
    this.staleReads.newEpoch();
    this.history.beginEpoch(this.world.now, revision, kvs);
  }

  /** Ends every fault: heals the network, restarts crashed members, resumes paused ones, restores disks and clocks. */
  healAll(): void {
    this.world.applyFault({ kind: "heal" });
    this.world.applyFault({ kind: "network", lossPpm: 0, duplicatePpm: 0, reorderPpm: 0 });
    for (const name of this.members) {
      if (this.world.status(name) === "crashed") this.world.applyFault({ kind: "restart", node: name });
      if (this.world.status(name) === "paused") this.world.applyFault({ kind: "resume", node: name });
      if (this.world.slowDiskFactor(name) !== 1) this.world.applyFault({ kind: "slow-disk", node: name, factor: 1 });
      if (this.world.clockRate(name) !== 1) this.world.applyFault({ kind: "drift", node: name, rate: 1 });
    }
  }

  /** The election timeout in virtual time. */
  electionTimeoutUs(): Micros {
    return this.options.settings.tickUs * this.options.settings.electionTicks;
  }
}

/**
 * How the cluster's messages appear in a trace, for the world's `summarize` option: exactly what
 * the generic `defaultSummary` makes of them, but built as one object literal instead of field by
 * field, which counts when a run traces millions of messages. Every Raft message comes from
 * `Raft.message`, with the same fields in the same order; a client message's only scalar field is
 * its `id`. Anything else gets the generic summary.
 */
export function summarizeMessage(message: unknown): MessageSummary {
  if (typeof message !== "object" || message === null) return defaultSummary(message);
  const type = (message as { type?: unknown }).type;
  if (type === "client.request" || type === "client.response") return { type, id: (message as ClientMessage).id };
  if (typeof type !== "string" || !type.startsWith("Msg")) return defaultSummary(message);
  const raft = message as Message;
  if (typeof raft.context === "string" && raft.context.length <= 40) {
    return { type, term: raft.term, logTerm: raft.logTerm, index: raft.index, entries: raft.entries.length, commit: raft.commit, reject: raft.reject, rejectHint: raft.rejectHint, context: raft.context };
  }
  return raftSummary(type, raft);
}

/**
 * The last Raft message summary made (without a context) of each message type, shared by the equal
 * ones that follow: a leader's appends to its followers summarize alike, and so do their answers,
 * though the two interleave.
 */
const lastRaftSummaries: Array<RaftSummary | undefined> = [undefined, undefined, undefined, undefined, undefined];

/** A slot of `lastRaftSummaries` per frequent message type; the others share the last slot. */
function summarySlot(type: string): number {
  if (type === "MsgApp") return 0;
  if (type === "MsgAppResp") return 1;
  if (type === "MsgHeartbeat") return 2;
  if (type === "MsgHeartbeatResp") return 3;
  return 4;
}

type RaftSummary = {
  readonly type: string;
  readonly term: number;
  readonly logTerm: number;
  readonly index: number;
  readonly entries: number;
  readonly commit: number;
  readonly reject: boolean;
  readonly rejectHint: number;
};

/**
 * A leader's appends and heartbeats to its followers, and their answers, mostly summarize alike (the
 * summary leaves out `from` and `to`): an equal summary is shared rather than made again (summaries
 * are never mutated), compared with the last one of the same type.
 */
function raftSummary(type: string, raft: Message): RaftSummary {
  const slot = summarySlot(type);
  const last = lastRaftSummaries[slot];
  if (
    last !== undefined &&
    last.type === type &&
    last.term === raft.term &&
    last.index === raft.index &&
    last.logTerm === raft.logTerm &&
    last.commit === raft.commit &&
    last.entries === raft.entries.length &&
    last.reject === raft.reject &&
    last.rejectHint === raft.rejectHint
  ) {
    return last;
  }
  const summary = { type, term: raft.term, logTerm: raft.logTerm, index: raft.index, entries: raft.entries.length, commit: raft.commit, reject: raft.reject, rejectHint: raft.rejectHint };
  lastRaftSummaries[slot] = summary;
  return summary;
}
