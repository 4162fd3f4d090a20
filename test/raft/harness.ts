/**
 * A small synchronous test network for the Raft core, in the manner of etcd's datadriven
 * interaction tests: nodes with an in-memory disk and state machine, a message queue, link rules
 * that drop messages, crashes and restarts, and `stabilize` (process every Ready and deliver every
 * message until nothing moves).
 *
 * The state machine of each node is the list of entries it applied; the network checks State
 * Machine Safety on every apply (no two nodes apply different entries at one index).
 */
import {
  RawNode,
  type ConfChange,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type RaftConfig,
  type RaftEvent,
  type RaftRandom,
  type ReadState,
  type Ready,
  type Snapshot,
  type Status,
} from "../../src/raft/index.js";

/** A deterministic generator (xorshift32) for election timeouts. */
export class TestRandom implements RaftRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  int(n: number): number {
    let x = this.state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.state = x;
    return x % n;
  }
}

/** Always draws `value` (so the election timeout is electionTicks + value). */
export function fixedRandom(value = 0): RaftRandom {
  return { int: (n: number) => Math.min(value, n - 1) };
}

export interface AppliedEntry {
  readonly index: number;
  readonly term: number;
  readonly data: unknown;
}

export type NodeOptions = Partial<Omit<RaftConfig, "id">>;

interface Disk {
  hardState: HardState;
  snapshot: Snapshot | null;
  entries: Entry[];
}

export class TestNode {
  readonly id: string;
  raw: RawNode;
  readonly config: RaftConfig;
  readonly disk: Disk = { hardState: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [] };
  /** The state machine: every entry applied, by index. */
  applied = new Map<number, AppliedEntry>();
  appliedIndex = 0;
  confState: ConfState | null = null;
  readStates: ReadState[] = [];
  events: RaftEvent[] = [];
  crashed = false;

  constructor(config: RaftConfig) {
    this.id = config.id;
    this.config = config;
    this.raw = new RawNode(config);
  }

  get status(): Status {
    return this.raw.status();
  }

  /** The log as persisted (after the snapshot): the term of each entry. */
  logTerms(): number[] {
    return this.disk.entries.map((entry) => entry.term);
  }

  restartFromDisk(): void {
    const applied = this.disk.snapshot?.metadata.index ?? 0;
    this.applied = new Map(snapshotEntries(this.disk.snapshot));
    this.appliedIndex = applied;
    this.confState = this.disk.snapshot?.metadata.confState ?? null;
    this.raw = new RawNode({ ...this.config, applied }, { hardState: this.disk.hardState, snapshot: this.disk.snapshot, entries: this.disk.entries });
    this.crashed = false;
  }

  /** Records a snapshot of the state machine at the applied index and compacts the log to `compactTo` (if not already). */
  snapshotAndCompact(compactTo: number): Snapshot {
    const data = [...this.applied.entries()].filter(([index]) => index <= this.appliedIndex);
    const result = this.raw.createSnapshot(this.appliedIndex, data);
    if (!result.ok) throw new Error(`snapshot refused: ${result.reason}`);
    if (compactTo >= this.raw.status().firstIndex) {
      const compacted = this.raw.compact(compactTo);
      if (!compacted.ok) throw new Error(`compaction refused: ${compacted.reason}`);
    }
    this.disk.snapshot = result.snapshot;
    this.disk.entries = this.disk.entries.filter((entry) => entry.index > compactTo);
    return result.snapshot;
  }
}

function snapshotEntries(snapshot: Snapshot | null): [number, AppliedEntry][] {
  return snapshot === null ? [] : (snapshot.data as [number, AppliedEntry][]);
}

export type MessageFilter = (message: Message) => boolean;

export class Network {
  readonly nodes = new Map<string, TestNode>();
  /** Messages sent and not yet delivered, in order. */
  inFlight: Message[] = [];
  /** Every message delivered, in order (for counting). */
  readonly delivered: Message[] = [];
  /** Messages matching a rule are dropped when sent. */
  private readonly dropRules: MessageFilter[] = [];
  /** State Machine Safety: the first entry applied at each index, and any disagreement seen. */
  private readonly appliedAt = new Map<number, AppliedEntry & { readonly node: string }>();
  readonly safetyViolations: string[] = [];

  /** Nodes `ids`, all voters unless `options.voters` says otherwise; `perNode` overrides options by node. */
  constructor(ids: readonly string[], options: NodeOptions = {}, perNode: Readonly<Record<string, NodeOptions>> = {}) {
    for (const [position, id] of ids.entries()) {
      this.add(id, { random: new TestRandom(position + 1), ...options, ...perNode[id], voters: options.voters ?? ids });
    }
  }

  add(id: string, options: NodeOptions & { voters: readonly string[] }): TestNode {
    const node = new TestNode({ random: fixedRandom(0), ...options, id });
    this.nodes.set(id, node);
    return node;
  }

  node(id: string): TestNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node ${id}`);
    return node;
  }

  raw(id: string): RawNode {
    return this.node(id).raw;
  }

  ids(): string[] {
    return [...this.nodes.keys()].sort();
  }

  /** Handles one Ready of `id` like a host would; false when it had none. */
  processReady(id: string): boolean {
    const node = this.node(id);
    if (node.crashed || !node.raw.hasReady()) return false;
    const ready = node.raw.ready();
    persist(node, ready);
    for (const message of ready.messages) this.send(message);
    this.apply(node, ready);
    node.events.push(...ready.events);
    node.readStates.push(...ready.readStates);
    node.raw.advance(ready);
    return true;
  }

  private apply(node: TestNode, ready: Ready): void {
    if (ready.snapshot !== null) {
      node.applied = new Map(snapshotEntries(ready.snapshot));
      node.appliedIndex = ready.snapshot.metadata.index;
      node.confState = ready.snapshot.metadata.confState;
    }
    for (const entry of ready.committedEntries) {
      if (entry.type === "conf-change") node.confState = node.raw.applyConfChange(entry.data as ConfChange);
      const applied = { index: entry.index, term: entry.term, data: entry.data };
      node.applied.set(entry.index, applied);
      node.appliedIndex = entry.index;
      this.checkSafety(node.id, applied);
    }
  }

  private checkSafety(node: string, entry: AppliedEntry): void {
    const first = this.appliedAt.get(entry.index);
    if (first === undefined) {
      this.appliedAt.set(entry.index, { ...entry, node });
    } else if (first.term !== entry.term || first.data !== entry.data) {
      this.safetyViolations.push(`index ${entry.index}: ${first.node} applied term ${first.term}, ${node} applied term ${entry.term}`);
    }
  }

  send(message: Message): void {
    if (this.dropRules.some((rule) => rule(message))) {
      this.reportSnapshot(message, "failure");
      return;
    }
    this.inFlight.push(message);
  }

  /** The host's duty after sending a MsgSnap: tell the sender whether it arrived. */
  private reportSnapshot(message: Message, status: "finish" | "failure"): void {
    if (message.type !== "MsgSnap") return;
    const sender = this.nodes.get(message.from);
    if (sender !== undefined && !sender.crashed) sender.raw.reportSnapshot(message.to, status);
  }

  /** Processes Readies of the given nodes until none has one. */
  processReadies(ids: readonly string[] = this.ids()): boolean {
    let any = false;
    for (let round = 0; ; round++) {
      if (round > 10_000) throw new Error("Readies do not settle");
      let moved = false;
      for (const id of ids) moved = this.processReady(id) || moved;
      if (!moved) return any;
      any = true;
    }
  }

  /** Delivers (in order) the in-flight messages matching `filter`; returns how many. */
  deliver(filter: MessageFilter = () => true): number {
    const chosen: Message[] = [];
    const kept: Message[] = [];
    for (const message of this.inFlight) (filter(message) ? chosen : kept).push(message);
    this.inFlight = kept;
    for (const message of chosen) {
      const target = this.nodes.get(message.to);
      if (target === undefined || target.crashed) {
        this.reportSnapshot(message, "failure");
        continue;
      }
      this.delivered.push(message);
      target.raw.step(message);
      this.reportSnapshot(message, "finish");
    }
    return chosen.length;
  }

  /** Drops the in-flight messages matching `filter`; returns how many. */
  drop(filter: MessageFilter = () => true): number {
    const dropped = this.inFlight.filter(filter);
    this.inFlight = this.inFlight.filter((message) => !filter(message));
    for (const message of dropped) this.reportSnapshot(message, "failure");
    return dropped.length;
  }

  /** Processes Readies and delivers messages among `ids` until nothing moves. */
  stabilize(ids: readonly string[] = this.ids()): void {
    const among = new Set(ids);
    for (let round = 0; ; round++) {
      if (round > 10_000) {
        const recent = this.delivered.slice(-12).map(describeMessage).join("\n");
        throw new Error(`the network does not stabilize; last messages:\n${recent}`);
      }
      const moved = this.processReadies(ids);
      const delivered = this.deliver((message) => among.has(message.to) && among.has(message.from));
      if (!moved && delivered === 0) return;
    }
  }

  tick(id: string, count = 1): void {
    for (let tick = 0; tick < count; tick++) this.node(id).raw.tick();
  }

  tickAll(count = 1): void {
    for (let tick = 0; tick < count; tick++) for (const id of this.ids()) if (!this.node(id).crashed) this.node(id).raw.tick();
  }

  /** Drops every message sent from now on that matches `rule` (until `heal`). */
  addDropRule(rule: MessageFilter): void {
    this.dropRules.push(rule);
  }

  /** Cuts `id` off from every other node, both ways. */
  isolate(id: string): void {
    this.addDropRule((message) => message.from === id || message.to === id);
    this.drop((message) => message.from === id || message.to === id);
  }

  /** Cuts the links between the groups (both ways). */
  partition(...groups: readonly (readonly string[])[]): void {
    const groupOf = new Map<string, number>();
    groups.forEach((group, position) => group.forEach((id) => groupOf.set(id, position)));
    const cut = (message: Message) => groupOf.get(message.from) !== groupOf.get(message.to);
    this.addDropRule(cut);
    this.drop(cut);
  }

  heal(): void {
    this.dropRules.length = 0;
  }

  /** The node loses its volatile state; its disk survives. */
  crash(id: string): void {
    this.drop((message) => message.to === id);
    this.node(id).crashed = true;
  }

  restart(id: string): TestNode {
    const node = this.node(id);
    node.restartFromDisk();
    return node;
  }

  leaders(): string[] {
    return this.ids().filter((id) => !this.node(id).crashed && this.raw(id).status().role === "leader");
  }

  /** Campaigns at `id` and stabilizes; returns the node. */
  elect(id: string): TestNode {
    const result = this.raw(id).campaign();
    if (!result.ok) throw new Error(`campaign refused: ${result.reason}`);
    this.stabilize();
    return this.node(id);
  }
}

function persist(node: TestNode, ready: Ready): void {
  const disk = node.disk;
  const snapshot = ready.snapshot;
  if (snapshot !== null) {
    disk.snapshot = snapshot;
    disk.entries = disk.entries.filter((entry) => entry.index > snapshot.metadata.index);
  }
  if (ready.entries.length > 0) {
    const first = (ready.entries[0] as Entry).index;
    disk.entries = disk.entries.filter((entry) => entry.index < first).concat(ready.entries);
  }
  if (ready.hardState !== null) disk.hardState = ready.hardState;
}

/** A log of the given terms from index 1 (entries with data "i@t"). */
export function entriesOfTerms(terms: readonly number[], firstIndex = 1): Entry[] {
  return terms.map((term, position) => ({ index: firstIndex + position, term, type: "normal", data: `${firstIndex + position}@${term}` }));
}

/** One line per message, in the manner of etcd's interaction tests. */
export function describeMessage(message: Message): string {
  const parts = [`${message.from}->${message.to} ${message.type} Term:${message.term}`];
  if (message.type === "MsgApp" || message.type === "MsgAppResp" || message.type === "MsgVote" || message.type === "MsgPreVote") {
    parts.push(`Log:${message.logTerm}/${message.index}`);
  }
  if (message.type === "MsgApp" || message.type === "MsgHeartbeat") parts.push(`Commit:${message.commit}`);
  if (message.reject) parts.push(`Rejected (Hint: ${message.rejectHint})`);
  if (message.entries.length > 0) parts.push(`Entries:[${message.entries.map((entry) => `${entry.term}/${entry.index}`).join(" ")}]`);
  return parts.join(" ");
}
