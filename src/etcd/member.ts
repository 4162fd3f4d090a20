/**
 * One etcd member as an actor of the simulated world: a Raft node, its disk, and the state machine
 * it applies committed entries to.
 *
 * The host's duties for each Ready (etcd's raftNode loop, as etcd-io/raft's doc.go lists them):
 * 1. write entries, hard state and snapshot to the disk and fsync;
 * 2. send the messages: a leader sends at once (it may write in parallel with its followers,
 *    thesis §10.2.1), a follower only once the fsync completed, so it never acknowledges what it
 *    could lose in a crash;
 * 3. restore a received snapshot, then apply the committed entries in order, answering the clients
 *    whose requests they carry, and serve the reads whose read index is now applied;
 * 4. advance. The next Ready waits for this one's fsync: a slow disk stalls the whole loop, which
 *    is why a slow fsync on a leader delays its heartbeats and can cost it its leadership.
 *
 * On start the member reads its hard state, snapshot and log back from the disk and rebuilds
 * everything else (its state machine from the snapshot, then by re-applying committed entries).
 *
 * Planted bugs of the host: `ack-before-fsync` (followers send their acknowledgements before the
 * fsync completes) and `forget-vote-on-restart` (the persisted vote is ignored after a restart).
 */
import { RawNode } from "../raft/index.js";
import type { ConfChange, Entry, HardState, Message, ProposeResult, Ready, Snapshot } from "../raft/types.js";
import type { RaftEvent } from "../raft/events.js";
import { textFromBytes } from "../mvcc/bytes.js";
import { assertionFailed, EtcdError } from "../mvcc/errors.js";
import { IdWindow } from "../sim/id-window.js";
import type { Micros } from "../sim/time.js";
import type { ActorBehavior, ActorContext } from "../sim/world.js";
import type { ClusterEvent, LogEntryRef, Role } from "./events.js";
import { admitRequest, authClientResponse, authInternalRequest } from "./member-auth.js";
import { MemberWatches } from "./member-watch.js";
import { narrateRaftEvent } from "./narration.js";
import { RecentSet } from "./recent-set.js";
import type { ClientRequest, ClientRequestMessage, ClientResponse, ClientResponseMessage, Outcome, ResponseCluster, ServerRequest, ServerResponse, WatchCancelMessage, WatchCreateMessage } from "./protocol.js";
import { isReadOnly, isServerRequest, isSerializable } from "./protocol.js";
import { type AuthInfo, type EtcdServerState, headerFor, type InternalRequest, type InternalResponse, internalRequestFromKv, kvResponseFromInternal } from "./server/index.js";

export interface MemberOptions {
  readonly name: string;
  readonly voters: readonly string[];
  readonly learners: readonly string[];
  readonly tickUs: Micros;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly readOnly: "safe" | "lease-based";
  readonly clockDriftBound: number;
  readonly maxEntriesPerMessage: number;
  readonly maxInflightMessages: number;
  readonly requestTimeoutUs: Micros;
  /** Applied entries between two snapshots of the state machine (etcd's --snapshot-count). */
  readonly snapshotEntries: number;
  /** Entries kept in the log behind a snapshot, for slow followers (etcd's catch-up entries). */
  readonly catchUpEntries: number;
  readonly bugs: ReadonlySet<string>;
  /** Build narration events (off in fuzz sweeps for speed). */
  readonly observe: boolean;
}

/** The data of a normal entry proposed for a client (a leader's empty entry has data null). */
export interface ProposalData {
  /** The proposing member's own key for the request (`<member>.<incarnation>:<sequence>`). */
  readonly key: string;
  /** The `<sequence>` of the key: the request's number at the proposing member. */
  readonly sequence: number;
  /** Unique across the run: `<client>#<request id>`. */
  readonly id: string;
  /** The member that proposed it, which answers the client once it is applied. */
  readonly member: string;
  readonly client: string;
  readonly clientRequestId: number;
  /** What the apply layer applies (etcd's InternalRaftRequest). */
  readonly request: InternalRequest;
}

export interface MemberHooks {
  /** A Raft assertion failed under a planted bug (see `panic`). */
  onPanic(violation: { readonly kind: string; readonly detail: string; readonly timeUs: Micros }): void;
  /** The member's etcd member ID and its cluster's ID (membership.ts), for response headers. */
  identity?(name: string): { readonly clusterId: bigint; readonly memberId: bigint };
}

/** Which safety property a Raft panic under a planted bug reveals. */
function panicKind(message: string): string {
  if (message.includes("Leader Completeness")) return "leader-completeness";
  if (message.includes("conflicts with committed entry")) return "state-machine-safety";
  if (message.includes("beyond the last index")) return "durability";
  return "raft-panic";
}

export const HOST_BUGS = ["ack-before-fsync", "forget-vote-on-restart"] as const;

export const ERROR_REQUEST_TIMED_OUT = new EtcdError("Unavailable", "etcdserver: request timed out");

/** Timer tags: 0 is the Raft tick; a request's timeout timer is tagged with its sequence number (from 1). */
const TICK_TIMER = 0;

/** How often the leader looks for expired leases, in local time (etcd's lessor loop checks every 500 ms). */
const LEASE_CHECK_INTERVAL_MS = 500;

/** Between members: a follower forwards a lease keepalive or time-to-live to the leader. */
interface LeaseForwardMessage {
  readonly type: "lease.forward";
  readonly key: string;
  readonly request: ServerRequest;
}

/** The leader's answer to a forwarded lease request; `retry` when it could not serve it (not primary). */
interface LeaseAnswerMessage {
  readonly type: "lease.answer";
  readonly key: string;
  readonly outcome: Outcome<ServerResponse> | null;
}

const COLON = ":".charCodeAt(0);

interface PendingRequest {
  readonly sequence: number;
  /** `<member>.<incarnation>:<sequence>`: the key of its proposal, or the context of its ReadIndex. */
  readonly key: string;
  readonly client: string;
  readonly clientRequestId: number;
  readonly request: ClientRequest;
  /** The user of the client's token (auth), checked when the request arrived; reads are served with it. */
  readonly authInfo: AuthInfo | undefined;
  /** For requests that go through Raft: what is proposed (built once, when the request arrives). */
  readonly internal: InternalRequest | null;
  readonly timer: number;
  /** For writes not yet accepted by Raft (no leader yet), retried on every tick. */
  proposed: boolean;
  /** For linearizable reads: the read index once known. */
  readIndex: number;
}

/** Files on a member's disk. */
export const HARD_STATE_FILE = "raft/hardstate";
export const SNAPSHOT_FILE = "raft/snapshot";
export const WAL_FILE = "raft/wal";

export class Member implements ActorBehavior {
  readonly raft: RawNode;
  /** Requests not answered yet, by sequence number. */
  private readonly pending = new IdWindow<PendingRequest>();
  /** Sequence numbers of the reads whose read index is known, waiting for it to be applied. */
  private readonly readWaiters: number[] = [];
  private nextRequest = 0;
  private batch = 0;
  /** The Ready waiting for its fsync, if any; no new Ready is taken until it is done. */
  private waiting: Ready | null = null;
  /** The batch number of `waiting`, and whether its messages went out before the fsync. */
  private waitingBatch = 0;
  private waitingSent = false;
  /** The fsync `waiting` waits for (0: none); there is never more than one in flight. */
  private fsyncToken = 0;
  private role: Role = "follower";
  private lead = "";
  private term = 0;
  private vote: string | null = null;
  private commit = 0;
  private applied = 0;
  private snapshotIndex = 0;
  private lastReason = "";
  private panicked = false;
  /** Proposals of the member's own (alarms, revokes of expired leases), numbered for their keys. */
  private nextInternal = 0;
  /** Local time (ms) of the leader's next look for expired leases. */
  private nextLeaseCheckMs = 0;
  /**
   * Names this incarnation in request keys, so that an entry proposed before a crash and replayed
   * after the restart can never be taken for a new request (etcd's request IDs carry a time prefix
   * for the same reason).
   */
  private readonly incarnation: string;
  /**
   * Members talk over TCP (gRPC, rafthttp), which never delivers a message twice; the simulated
   * network may. Client requests and forwarded proposals are therefore taken once, as TCP would.
   * (Duplicated Raft messages of other types are harmless and reach Raft.)
   */
  private readonly seen = new RecentSet(4096);
  /** etcd's IDs of this member and its cluster, filled into response headers (0 when unknown). */
  private readonly clusterId: bigint;
  private readonly memberId: bigint;
  /** The header fields of this member's answers in the current term (shared by them: never mutated). */
  private responseCluster: ResponseCluster;
  /** Client requests that timed out before they were applied or served (etcd_server_proposals_failed_total). */
  proposalsFailed = 0;
  /** The client watches this member streams (member-watch.ts). */
  private readonly watches: MemberWatches;

  constructor(
    private readonly context: ActorContext,
    private readonly options: MemberOptions,
    readonly stateMachine: EtcdServerState,
    private readonly hooks: MemberHooks = { onPanic: () => undefined },
  ) {
    this.incarnation = `${options.name}.${context.random.uint32().toString(36)}`;
    const identity = hooks.identity?.(options.name);
    this.clusterId = identity?.clusterId ?? 0n;
    this.memberId = identity?.memberId ?? 0n;
    this.responseCluster = { clusterId: this.clusterId, memberId: this.memberId, raftTerm: -1 };
    this.watches = new MemberWatches(context, stateMachine);
    const disk = context.disk;
    const persistedHardState = (disk.read(HARD_STATE_FILE) as HardState | undefined) ?? { term: 0, vote: null, commit: 0 };
    const hardState = options.bugs.has("forget-vote-on-restart") ? { ...persistedHardState, vote: null } : persistedHardState;
    const snapshot = (disk.read(SNAPSHOT_FILE) as Snapshot | undefined) ?? null;
    const entries = disk.readList(WAL_FILE) as Entry[];
    if (snapshot !== null) {
      stateMachine.restore(snapshot.data);
      this.snapshotIndex = snapshot.metadata.index;
    }
    this.applied = this.snapshotIndex;
    this.term = hardState.term;
    this.vote = hardState.vote;
    this.commit = hardState.commit;
    this.raft = new RawNode(
      {
        id: options.name,
        voters: options.voters,
        learners: options.learners,
        electionTicks: options.electionTicks,
        heartbeatTicks: options.heartbeatTicks,
        preVote: options.preVote,
        checkQuorum: options.checkQuorum,
        readOnly: options.readOnly,
        maxEntriesPerMessage: options.maxEntriesPerMessage,
        maxInflightMessages: options.maxInflightMessages,
        random: context.random,
        mutants: options.bugs,
        applied: this.applied,
        clockDriftBound: options.clockDriftBound,
        observe: options.observe && context.trace.enabled,
        // Appends and commits are traced from the Ready (raft.append, raft.commit), not from events.
        observeLog: false,
        // processReady is done with each Ready before it advances it (see finishReady).
        reuseReady: true,
      },
      { hardState, snapshot, entries },
    );
    const lastIndex = entries.length > 0 ? (entries[entries.length - 1] as Entry).index : this.snapshotIndex;
    this.emit({ type: "node.start", node: options.name, term: hardState.term, vote: hardState.vote ?? "", commit: hardState.commit, snapshotIndex: this.snapshotIndex, lastIndex });
    context.setTimer(options.tickUs, TICK_TIMER);
  }

  get name(): string {
    return this.options.name;
  }

  onTimer(tag: number): void {
    if (this.panicked) return;
    try {
      if (tag === TICK_TIMER) {
        this.context.setTimer(this.options.tickUs, TICK_TIMER);
        this.raft.tick();
        this.checkLeases();
        this.retryPending();
        this.processReady();
        this.watches.tick(this.nowMs(), this.lead !== "");
      } else {
        this.timeOut(tag);
      }
    } catch (error) {
      this.panic(error);
    }
  }

  onMessage(from: string, message: unknown): void {
    if (this.panicked) return;
    try {
      const type = (message as { type: string }).type;
      if (type === "client.request") {
        if (this.seen.firstTime(this.seen.requestKey(from, (message as ClientRequestMessage).id))) this.handleClient(from, message as ClientRequestMessage);
      } else if (type === "lease.forward") {
        this.serveForwarded(from, message as LeaseForwardMessage);
      } else if (type === "lease.answer") {
        this.takeAnswer(message as LeaseAnswerMessage);
      } else if (type === "watch.create") {
        this.watches.create(from, message as WatchCreateMessage, this.nowMs());
      } else if (type === "watch.cancel") {
        this.watches.cancel(from, message as WatchCancelMessage);
      } else if (type !== "MsgProp" || this.seen.firstTime(proposalKey(message as Message))) {
        this.raft.step(message as Message);
      }
      this.processReady();
    } catch (error) {
      this.panic(error);
    }
  }

  onFsync(token: number): void {
    if (this.panicked) return;
    try {
      if (token !== this.fsyncToken) return;
      this.fsyncToken = 0;
      this.emit({ type: "raft.persist", node: this.options.name, batch: this.waitingBatch });
      if (this.waiting !== null) {
        this.finishReady(this.waiting);
        this.processReady();
      }
    } catch (error) {
      this.panic(error);
    }
  }

  /** Campaign now (the scenario step `campaign`), as if the election timer had fired. */
  campaign(): void {
    this.raft.campaign();
    this.processReady();
  }

  transferLeader(to: string): void {
    this.raft.transferLeader(to);
    this.processReady();
  }

  /** Proposes a membership change (etcd's member add/remove/promote go through here). */
  proposeConfChange(change: ConfChange): ProposeResult {
    const result = this.raft.proposeConfChange(change);
    this.processReady();
    return result;
  }

  /** Client requests waiting to be applied or served (etcd_server_proposals_pending). */
  get pendingRequests(): number {
    return this.pending.size;
  }

  get isPanicked(): boolean {
    return this.panicked;
  }

  /**
   * A Raft assertion failed. Without planted bugs that is a bug in etcdlab: crash the run loudly.
   * With planted bugs it is what etcd itself does when its log is corrupted (it panics): the member
   * stops, and the panic is reported as the violation the bug caused.
   */
  private panic(error: unknown): void {
    if (this.options.bugs.size === 0 || !(error instanceof Error) || !error.message.startsWith("assertion failed")) throw error;
    this.panicked = true;
    this.hooks.onPanic({ kind: panicKind(error.message), detail: `${this.options.name} panicked: ${error.message.slice("assertion failed: ".length)}`, timeUs: this.context.now() });
  }

  /** The member's local clock in ms, the `nowMs` of the apply layer and the lessor. */
  private nowMs(): number {
    return Math.floor(this.context.now() / 1000);
  }

  private handleClient(client: string, message: ClientRequestMessage): void {
    const request = message.request;
    const admitted = admitRequest(this.stateMachine, request, message.token, this.nowMs());
    if (!admitted.ok) {
      this.respond(client, message.id, admitted);
      return;
    }
    const authInfo = admitted.value;
    if (request.kind === "leaseLeases") {
      const leases = this.stateMachine.store.lessor.leases().map((id) => ({ id }));
      this.respond(client, message.id, { ok: true, value: { kind: "leaseLeases", response: { header: this.header(), leases } } });
      return;
    }
    if (!isServerRequest(request) && isReadOnly(request) && isSerializable(request)) {
      this.respond(client, message.id, this.stateMachine.read(request, authInfo));
      return;
    }
    const sequence = ++this.nextRequest;
    const key = `${this.incarnation}:${sequence}`;
    const internal = this.internalRequestOf(request, sequence, authInfo);
    const timer = this.context.setTimer(this.options.requestTimeoutUs, sequence);
    const pending: PendingRequest = { sequence, key, client, clientRequestId: message.id, request, authInfo, internal, timer, proposed: false, readIndex: -1 };
    this.pending.add(sequence, pending);
    this.submit(pending);
  }

  /** The request of this incarnation whose key (a ReadIndex context) is `key`, if it is still pending. */
  private pendingOf(key: string): PendingRequest | undefined {
    const prefix = this.incarnation;
    if (!key.startsWith(prefix) || key.charCodeAt(prefix.length) !== COLON) return undefined;
    const pending = this.pending.get(Number(key.slice(prefix.length + 1)));
    return pending !== undefined && pending.key === key ? pending : undefined;
  }

  /** What a request proposes through Raft, or null for reads and the lease requests the leader serves. */
  private internalRequestOf(request: ClientRequest, sequence: number, authInfo: AuthInfo | undefined): InternalRequest | null {
    const header = headerFor(authInfo, sequence);
    switch (request.kind) {
      case "range":
        return null;
      case "txn":
        return isReadOnly(request) ? null : internalRequestFromKv(request, header);
      case "put":
      case "deleteRange":
      case "compact":
        return internalRequestFromKv(request, header);
      case "leaseGrant":
        return { header, type: "leaseGrant", request: request.request.id === 0 ? { ...request.request, id: this.drawLeaseId() } : request.request };
      case "leaseRevoke":
        return { header, type: "leaseRevoke", request: request.request };
      case "alarm":
        return { header, type: "alarm", request: request.request };
      case "authenticate":
      case "auth":
        return authInternalRequest(request, header, this.context.random);
      case "leaseKeepAlive":
      case "leaseTimeToLive":
      case "leaseLeases":
        return null;
    }
  }

  /** The member ID alarms carry: etcd's 64-bit ID (the one `member list` prints). */
  private alarmMemberId(): bigint {
    return this.memberId === 0n ? BigInt(memberNumber(this.options.name)) : this.memberId;
  }

  /** A positive lease ID below 2^53 (etcd draws one from its request ID generator). */
  private drawLeaseId(): number {
    const random = this.context.random;
    for (;;) {
      const id = (random.uint32() & 0x1fffff) * 0x1_0000_0000 + random.uint32();
      if (id > 0) return id;
    }
  }

  private header(): { readonly revision: number } {
    return { revision: this.stateMachine.store.currentRevision };
  }

  private submit(pending: PendingRequest): void {
    const request = pending.request;
    if (pending.internal === null && isServerRequest(request)) {
      this.submitLease(pending, request);
      return;
    }
    if (pending.internal === null) {
      pending.proposed = this.raft.readIndex(pending.key).ok;
      return;
    }
    const data: ProposalData = {
      key: pending.key,
      sequence: pending.sequence,
      id: `${pending.client}#${pending.clientRequestId}`,
      member: this.options.name,
      client: pending.client,
      clientRequestId: pending.clientRequestId,
      request: pending.internal,
    };
    pending.proposed = this.raft.propose(data).ok;
  }

  /**
   * A lease keepalive or time-to-live: the leader (the primary lessor) serves it; a follower
   * forwards it to the leader it knows (etcd's leasehttp), or waits for one.
   */
  private submitLease(pending: PendingRequest, request: ServerRequest): void {
    if (this.role === "leader") {
      const outcome = this.serveLease(request);
      if (outcome === null) {
        pending.proposed = false;
        return;
      }
      this.finish(pending, outcome);
      return;
    }
    if (this.lead === "" || this.lead === this.options.name) {
      pending.proposed = false;
      return;
    }
    const message: LeaseForwardMessage = { type: "lease.forward", key: pending.key, request };
    this.context.send(this.lead, message);
    pending.proposed = true;
  }

  /** The leader's answer to a keepalive or time-to-live; null when this member is not the primary lessor. */
  private serveLease(request: ServerRequest): Outcome<ServerResponse> | null {
    const lessor = this.stateMachine.store.lessor;
    if (this.role !== "leader" || !lessor.isPrimary) return null;
    const nowMs = this.nowMs();
    if (request.kind === "leaseKeepAlive") {
      const renewed = lessor.renew(request.request.id, nowMs);
      if (renewed.kind === "notPrimary") return null;
      // etcd's LeaseServer answers a lease not found with TTL 0 ("expired or revoked").
      const ttl = renewed.kind === "renewed" ? renewed.ttlSeconds : 0;
      return { ok: true, value: { kind: "leaseKeepAlive", response: { header: this.header(), id: request.request.id, ttl } } };
    }
    if (request.kind === "leaseTimeToLive") {
      // etcd's LeaseServer answers a lease not found with TTL -1.
      const found = lessor.timeToLive(request.request.id, request.request.keys === true, nowMs);
      return { ok: true, value: { kind: "leaseTimeToLive", response: { header: this.header(), ...found } } };
    }
    return assertionFailed(`the leader serves no ${request.kind} request`);
  }

  private serveForwarded(from: string, message: LeaseForwardMessage): void {
    const answer: LeaseAnswerMessage = { type: "lease.answer", key: message.key, outcome: this.serveLease(message.request) };
    this.context.send(from, answer);
  }

  private takeAnswer(message: LeaseAnswerMessage): void {
    const pending = this.pendingOf(message.key);
    if (pending === undefined) return;
    if (message.outcome === null) {
      pending.proposed = false;
      return;
    }
    this.finish(pending, message.outcome);
  }

  private finish(pending: PendingRequest, outcome: Outcome<ClientResponse>): void {
    this.pending.delete(pending.sequence);
    this.context.cancelTimer(pending.timer);
    this.respond(pending.client, pending.clientRequestId, outcome);
  }

  /** Requests Raft refused (no leader yet) are offered again on every tick until they time out. */
  private retryPending(): void {
    if (this.pending.size === 0) return;
    const retry: PendingRequest[] = [];
    this.pending.forEach((pending) => {
      if (!pending.proposed) retry.push(pending);
    });
    for (const pending of retry) this.submit(pending);
  }

  /** Proposes a request of the member's own (no client waits for it); false if Raft refused it. */
  private proposeInternal(request: InternalRequest, what: string): boolean {
    const number = ++this.nextInternal;
    const data: ProposalData = {
      key: `${this.incarnation}:${what}-${number}`,
      sequence: 0,
      id: `${this.options.name}#${what}-${number}`,
      member: this.options.name,
      client: this.options.name,
      clientRequestId: 0,
      request,
    };
    return this.raft.propose(data).ok;
  }

  /** The leader revokes the leases that expired on its clock, every LEASE_CHECK_INTERVAL_MS of local time. */
  private checkLeases(): void {
    if (this.role !== "leader") return;
    const lessor = this.stateMachine.store.lessor;
    if (lessor.size === 0) return;
    const nowMs = this.nowMs();
    if (nowMs < this.nextLeaseCheckMs) return;
    this.nextLeaseCheckMs = nowMs + LEASE_CHECK_INTERVAL_MS;
    const header = headerFor(this.stateMachine.rootAuthInfo());
    for (const id of lessor.expiredLeases(nowMs)) this.proposeInternal({ header, type: "leaseRevoke", request: { id } }, "revoke");
  }

  private timeOut(sequence: number): void {
    const pending = this.pending.get(sequence);
    if (pending === undefined) return;
    this.pending.delete(sequence);
    this.proposalsFailed++;
    this.respond(pending.client, pending.clientRequestId, { ok: false, error: ERROR_REQUEST_TIMED_OUT });
  }

  private respond(client: string, id: number, outcome: Outcome<ClientResponse>): void {
    let cluster = this.responseCluster;
    if (cluster.raftTerm !== this.term) {
      cluster = { clusterId: this.clusterId, memberId: this.memberId, raftTerm: this.term };
      this.responseCluster = cluster;
    }
    const message: ClientResponseMessage = { type: "client.response", id, outcome, cluster };
    this.context.send(client, message);
  }

  private processReady(): void {
    while (this.waiting === null && this.raft.hasReady()) {
      const ready = this.raft.ready();
      const batch = ++this.batch;
      this.observe(ready);
      if (!this.persist(ready, batch)) {
        this.finishReady(ready);
        continue;
      }
      this.fsyncToken = this.context.fsync();
      const sendNow = this.role === "leader" || (this.options.bugs.size > 0 && this.options.bugs.has("ack-before-fsync"));
      if (sendNow) this.send(ready.messages);
      this.waiting = ready;
      this.waitingBatch = batch;
      this.waitingSent = sendNow;
    }
  }

  private finishReady(ready: Ready): void {
    if (this.waiting === null || !this.waitingSent) this.send(ready.messages);
    this.waiting = null;
    if (ready.snapshot !== null) {
      this.stateMachine.restore(ready.snapshot.data);
      this.snapshotIndex = ready.snapshot.metadata.index;
      this.applied = ready.snapshot.metadata.index;
    }
    for (const entry of ready.committedEntries) this.applyEntry(entry);
    for (const state of ready.readStates) {
      const pending = this.pendingOf(state.context);
      if (pending !== undefined) {
        pending.readIndex = state.index;
        this.readWaiters.push(pending.sequence);
      }
    }
    this.raft.advance(ready);
    this.watches.flush();
    this.serveReads();
    this.maybeSnapshot();
  }

  private send(messages: readonly Message[]): void {
    for (let position = 0; position < messages.length; position++) {
      const message = messages[position] as Message;
      this.context.send(message.to, message);
      // As etcd's transport does once a snapshot is on its way: the follower's progress goes back to
      // probing, so a snapshot lost on the network is sent again rather than waited for forever.
      if (message.type === "MsgSnap") this.raft.reportSnapshot(message.to, "finish");
    }
  }

  /** Writes what the Ready asks to persist; false when there was nothing to write. */
  private persist(ready: Ready, batch: number): boolean {
    const disk = this.context.disk;
    const node = this.options.name;
    let wrote = false;
    if (ready.snapshot !== null) {
      disk.set(SNAPSHOT_FILE, ready.snapshot);
      disk.set(WAL_FILE, []);
      this.emit({ type: "raft.snapshot", node, batch, index: ready.snapshot.metadata.index, term: ready.snapshot.metadata.term });
      wrote = true;
    }
    if (ready.entries.length > 0) {
      this.writeEntries(ready.entries, batch);
      wrote = true;
    }
    if (ready.hardState !== null) {
      disk.set(HARD_STATE_FILE, ready.hardState);
      const { term, vote, commit } = ready.hardState;
      // A change of commit index alone is traced as raft.commit below; raft.hardstate marks a new
      // term or vote (what a crash must never lose).
      if ((term !== this.term || vote !== this.vote) && this.context.trace.enabled) this.emit({ type: "raft.hardstate", node, batch, term, vote: vote ?? "", commit });
      this.vote = vote;
      wrote = wrote || ready.mustSync;
      if (commit !== this.commit) {
        this.commit = commit;
        this.emit({ type: "raft.commit", node, term, commit });
      }
      this.term = term;
    }
    return wrote;
  }

  private writeEntries(entries: readonly Entry[], batch: number): void {
    const disk = this.context.disk;
    const wal = disk.readList(WAL_FILE) as Entry[];
    const first = (entries[0] as Entry).index;
    const walFirst = wal.length > 0 ? (wal[0] as Entry).index : first;
    const keep = Math.max(0, first - walFirst);
    if (keep < wal.length) {
      const removed: LogEntryRef[] = [];
      for (let position = keep; position < wal.length; position++) removed.push(entryRef(wal[position] as Entry));
      disk.truncate(WAL_FILE, keep);
      this.emit({ type: "raft.truncate", node: this.options.name, batch, lastIndex: first - 1, removed });
    }
    disk.append(WAL_FILE, entries);
    if (this.context.trace.enabled) this.emit({ type: "raft.append", node: this.options.name, batch, entries: sharedEntryRefs(entries) });
  }

  private applyEntry(entry: Entry): void {
    if (entry.index <= this.applied) return;
    this.applied = entry.index;
    const node = this.options.name;
    if (entry.type === "conf-change") {
      this.raft.applyConfChange(entry.data as ConfChange);
    } else if (entry.data !== null) {
      const data = entry.data as ProposalData;
      const outcome = this.stateMachine.apply(data.request, entry.index, this.nowMs());
      // etcd applyEntryNormal: a write that ran out of space makes every member raise NOSPACE.
      if (this.stateMachine.shouldRaiseNoSpaceAlarm(outcome)) {
        this.proposeInternal({ header: headerFor(undefined), type: "alarm", request: { action: "ACTIVATE", memberId: this.alarmMemberId(), alarm: "NOSPACE" } }, "alarm");
      }
      if (outcome.ok && data.member === node && this.context.trace.enabled) this.traceStoreChange(data.request, outcome.value);
      const pending = data.member === node && data.sequence > 0 ? this.pending.get(data.sequence) : undefined;
      // The key tells this incarnation's request from one of an earlier incarnation replayed.
      if (pending !== undefined && pending.key === data.key) {
        this.pending.delete(pending.sequence);
        this.context.cancelTimer(pending.timer);
        this.respond(pending.client, pending.clientRequestId, outcome.ok ? { ok: true, value: clientResponseOf(outcome.value) } : outcome);
      }
    }
    if (this.context.trace.enabled) this.emit({ type: "raft.apply", node, index: entry.index, term: entry.term, id: entryId(entry) });
  }

  /**
   * What a write did to the key space, for the terminal UI's keyspace pane (which shows `mvcc.*`
   * events by their key and revision fields): traced once, by the member that proposed it, since
   * every member applies the same change.
   */
  private traceStoreChange(request: InternalRequest, response: InternalResponse): void {
    const node = this.options.name;
    if (request.type === "put" && response.type === "put") {
      const key = textFromBytes(request.request.key);
      this.context.emit({ type: "mvcc.put", node, key, value: textFromBytes(request.request.value ?? ""), revision: response.response.header.revision });
    } else if (request.type === "deleteRange" && response.type === "deleteRange" && response.response.deleted > 0) {
      this.context.emit({ type: "mvcc.delete", node, key: textFromBytes(request.request.key), deleted: response.response.deleted, revision: response.response.header.revision });
    } else if (request.type === "compaction" && response.type === "compaction") {
      this.context.emit({ type: "mvcc.compact", node, compactRevision: request.request.revision, revision: response.response.header.revision });
    }
  }

  private serveReads(): void {
    if (this.readWaiters.length === 0) return;
    let kept = 0;
    for (const sequence of this.readWaiters) {
      const pending = this.pending.get(sequence);
      if (pending === undefined) continue;
      if (pending.readIndex > this.applied) {
        this.readWaiters[kept++] = sequence;
        continue;
      }
      this.pending.delete(sequence);
      this.context.cancelTimer(pending.timer);
      this.respond(pending.client, pending.clientRequestId, this.stateMachine.read(pending.request as Exclude<ClientRequest, ServerRequest>, pending.authInfo));
    }
    this.readWaiters.length = kept;
  }

  private maybeSnapshot(): void {
    if (this.applied - this.snapshotIndex < this.options.snapshotEntries) return;
    const result = this.raft.createSnapshot(this.applied, this.stateMachine.snapshot());
    if (!result.ok) return;
    const snapshot = result.snapshot;
    const disk = this.context.disk;
    disk.set(SNAPSHOT_FILE, snapshot);
    disk.set(WAL_FILE, (disk.readList(WAL_FILE) as Entry[]).filter((entry) => entry.index > snapshot.metadata.index));
    this.snapshotIndex = snapshot.metadata.index;
    const compactTo = this.applied - this.options.catchUpEntries;
    if (compactTo > this.raft.status().firstIndex) this.raft.compact(compactTo);
  }

  private observe(ready: Ready): void {
    const node = this.options.name;
    for (const event of ready.events) this.observeEvent(event);
    if (ready.softState !== null) {
      const role = ready.softState.role;
      const lead = ready.softState.lead ?? "";
      const term = ready.hardState?.term ?? this.term;
      if (role !== this.role || lead !== this.lead) {
        this.changeLeadership(this.role === "leader", role === "leader");
        this.role = role;
        this.lead = lead;
        this.emit({ type: "raft.role", node, role, term, lead, reason: this.lastReason });
      }
      this.lastReason = "";
    }
  }

  /** The lessor is primary on the leader only (etcd promotes it on winning, demotes it on losing). */
  private changeLeadership(wasLeader: boolean, isLeader: boolean): void {
    const lessor = this.stateMachine.store.lessor;
    if (isLeader && !wasLeader) {
      const electionMs = (this.options.tickUs * this.options.electionTicks) / 1000;
      lessor.promote(electionMs, this.nowMs());
      this.nextLeaseCheckMs = 0;
    } else if (wasLeader && !isLeader) {
      lessor.demote();
    }
  }

  private observeEvent(event: RaftEvent): void {
    const node = this.options.name;
    if (event.type === "became-follower") this.lastReason = event.reason;
    else if (event.type === "became-candidate") this.lastReason = event.transfer ? "leader transfer" : "election timeout";
    else if (event.type === "became-pre-candidate") this.lastReason = "election timeout (pre-vote first)";
    else if (event.type === "became-leader") this.lastReason = "won the election";
    if (event.type === "progress-changed") {
      this.emit({ type: "raft.progress", node, peer: event.peer, state: event.to, match: event.match, next: event.next, inflight: 0 });
    }
    // Appends and commit advances are in the trace already, as raft.append and raft.commit (with
    // their entries and terms), so the node does not raise them (observeLog: false).
    this.emit({ type: "raft.event", node, kind: event.type, text: narrateRaftEvent(node, event), detail: detailOf(event) });
  }

  private emit(event: ClusterEvent): void {
    if (this.context.trace.enabled) this.context.emit(event);
  }
}

export function entryId(entry: Entry): string {
  if (entry.type === "conf-change") return "conf";
  if (entry.data === null) return "noop";
  return (entry.data as ProposalData).id;
}

/** The client response of an applied request. */
function clientResponseOf(response: InternalResponse): ClientResponse {
  switch (response.type) {
    case "leaseGrant":
      return { kind: "leaseGrant", response: response.response };
    case "leaseRevoke":
      return { kind: "leaseRevoke", response: response.response };
    case "alarm":
      return { kind: "alarm", response: response.response };
    default:
      return authClientResponse(response) ?? kvResponseFromInternal(response);
  }
}

/** A member's numeric ID in alarms: a 32-bit FNV-1a hash of its name (etcd derives it from peer URLs). */
export function memberNumber(name: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index++) hash = Math.imul(hash ^ name.charCodeAt(index), 0x01000193) >>> 0;
  return hash === 0 ? 1 : hash;
}

/** A Raft event's fields but its type. */
function detailOf(event: RaftEvent): Readonly<Record<string, unknown>> {
  const { type: _kind, ...detail } = event;
  return detail;
}

function entryRef(entry: Entry): LogEntryRef {
  return { index: entry.index, term: entry.term, id: entryId(entry) };
}

/**
 * The members of a world append the same Entry objects (the leader's, carried by its messages), so
 * the traced reference of an entry is made once and shared by the members' raft.append events: a
 * small direct-mapped cache by index, checked by identity.
 */
const SHARED_REFS = 1024;
const sharedRefEntries: Array<Entry | undefined> = new Array<Entry | undefined>(SHARED_REFS).fill(undefined);
const sharedRefs: Array<LogEntryRef | undefined> = new Array<LogEntryRef | undefined>(SHARED_REFS).fill(undefined);

function sharedEntryRef(entry: Entry): LogEntryRef {
  const slot = entry.index & (SHARED_REFS - 1);
  if (sharedRefEntries[slot] === entry) return sharedRefs[slot] as LogEntryRef;
  const ref = entryRef(entry);
  sharedRefEntries[slot] = entry;
  sharedRefs[slot] = ref;
  return ref;
}

/** The members' raft.append events of one entry share its list of references too (never mutated). */
const sharedRefLists: Array<LogEntryRef[] | undefined> = new Array<LogEntryRef[] | undefined>(SHARED_REFS).fill(undefined);

function sharedEntryRefs(entries: readonly Entry[]): LogEntryRef[] {
  if (entries.length !== 1) return entries.map(sharedEntryRef);
  const entry = entries[0] as Entry;
  const ref = sharedEntryRef(entry);
  const slot = entry.index & (SHARED_REFS - 1);
  const cached = sharedRefLists[slot];
  if (cached !== undefined && cached[0] === ref) return cached;
  const list = [ref];
  sharedRefLists[slot] = list;
  return list;
}

function proposalKey(message: Message): string {
  const data = message.entries[0]?.data as ProposalData | null | undefined;
  return `${message.from}>${data?.key ?? ""}`;
}
