/**
 * Raft's safety properties (the paper's Figure 3), checked from outside the members on every trace
 * event, in the history-variable style: the checker keeps its own model of each member's log (what
 * it wrote, and what its disk made durable) and of what was ever committed and applied.
 *
 * - Election safety: at most one leader per term.
 * - Leader append-only: a leader never removes entries from its own log.
 * - Log matching: two entries with the same index and term hold the same command, and the entries
 *   before them have the same terms (checked inductively, entry by entry).
 * - Leader completeness: a leader's log holds every entry committed in an earlier term.
 * - State-machine safety: no two members apply different commands at the same index.
 * - The commit rule (§5.4.2, Figure 8): a leader advances its commit index only to an entry of its
 *   own term; older entries are committed with it, never by counting their replicas.
 * - Monotonic commit and apply: within one incarnation a member's commit and applied indexes never
 *   go backwards, and it applies indexes in order with no gaps (after a snapshot, from its index).
 *
 * A crash loses what was not durable, exactly as the member's disk does, so a restarted member is
 * compared from what it really recovered. A restore starts a new cluster (`newEpoch`): the checker
 * starts over, as the properties hold within one cluster.
 */
import type { ClusterEvent, LogEntryRef, TraceEvent } from "../etcd/events.js";
import type { Micros } from "../sim/time.js";
import { withRoom } from "../sim/columns.js";

export interface InvariantViolation {
  readonly kind: string;
  readonly detail: string;
  readonly timeUs: Micros;
}

/**
 * Strings in fixed chunks of `STRING_CHUNK` slots, indexed by position from 0: the checker's
 * columns of entry ids grow by one a log entry for the whole run (some 180,000 an hour), and an
 * array grown by `push` is reallocated and copied each time its backing store fills (three times
 * its final size allocated, all of it copied through the young generation); a chunk is allocated
 * once and never copied. A slot never set reads `undefined`.
 */
const STRING_CHUNK_BITS = 10;
const STRING_CHUNK = 1 << STRING_CHUNK_BITS;
const STRING_CHUNK_MASK = STRING_CHUNK - 1;

class StringColumn {
  private readonly chunks: Array<Array<string | undefined>> = [];

  get(position: number): string | undefined {
    const chunk = this.chunks[position >> STRING_CHUNK_BITS];
    return chunk === undefined ? undefined : chunk[position & STRING_CHUNK_MASK];
  }

  set(position: number, value: string | undefined): void {
    const chunkIndex = position >> STRING_CHUNK_BITS;
    while (this.chunks.length <= chunkIndex) this.chunks.push(new Array<string | undefined>(STRING_CHUNK).fill(undefined));
    (this.chunks[chunkIndex] as Array<string | undefined>)[position & STRING_CHUNK_MASK] = value;
  }

  /** The strings at positions `from` to `to` (excluded), as an array. */
  slice(from: number, to: number): string[] {
    const strings: string[] = [];
    for (let position = from; position < to; position++) strings.push(this.get(position) as string);
    return strings;
  }

  /** Moves the strings at positions `from` to `to` (excluded) down to position 0 and unsets the positions they leave. */
  shiftDown(from: number, to: number): void {
    for (let position = from; position < to; position++) this.set(position - from, this.get(position));
    for (let position = Math.max(0, to - from); position < to; position++) this.set(position, undefined);
  }

  /** Unsets every position. */
  clear(): void {
    this.chunks.length = 0;
  }
}

/** Int32 columns start at this many slots (and double when full: withRoom). */
const INITIAL_CAPACITY = 1024;

function assertInt32(value: number, what: string): void {
  if ((value | 0) !== value) throw new Error(`assertion failed: ${what} ${value} exceeds the checker's 32-bit columns`);
}

/**
 * What a write that is not durable yet overwrote, when it overwrote anything (rare: a truncation,
 * an append over the log's tail, a snapshot): `tailTerms`/`tailIds`, the entries a write removed
 * from the position it kept, or for a snapshot (`saved`) the whole model it replaced (untouched
 * since: a snapshot gives the model new columns).
 */
class Overwritten {
  constructor(
    readonly tailTerms: Int32Array | null,
    readonly tailIds: string[] | null,
    readonly saved: SavedLog | null,
  ) {}
}

/** A log model's columns and offsets, as a snapshot found them. */
class SavedLog {
  constructor(
    readonly terms: Int32Array<ArrayBuffer>,
    readonly ids: StringColumn,
    readonly count: number,
    readonly offset: number,
    readonly offsetTerm: number,
  ) {}
}

/** The `keep` of a snapshot's undo record. */
const SNAPSHOT = -1;
const UNDO_CAPACITY = 16;

/**
 * A member's log as the checker models it (`count` entries after `offset`, the snapshot index: their
 * terms and ids in columns), with an undo log of the writes its disk has not made durable. A crash
 * rolls those back, which leaves the log the member recovers; a completed fsync drops them. (One
 * model and an undo log, rather than a second, durable copy of the log kept in step.)
 *
 * The undo log is kept in columns too, one record per write (a member writes once or twice an fsync):
 * its batch, the length the log kept (`SNAPSHOT` for a snapshot), and what it overwrote, `null` for
 * the common write that only added entries at the end.
 */
class LogModel {
  offset = 0;
  offsetTerm = 0;
  private count = 0;
  private terms = new Int32Array(INITIAL_CAPACITY);
  private ids = new StringColumn();
  /** The snapshot index of the durable log (what the member would restart from). */
  durableOffset = 0;
  private undoLength = 0;
  private undoBatches = new Float64Array(UNDO_CAPACITY);
  private undoKeeps = new Int32Array(UNDO_CAPACITY);
  private undoOverwritten: Array<Overwritten | null> = new Array<Overwritten | null>(UNDO_CAPACITY).fill(null);

  term(index: number): number | undefined {
    if (index === this.offset) return this.offsetTerm;
    const position = index - this.offset - 1;
    return position >= 0 && position < this.count ? (this.terms[position] as number) : undefined;
  }

  id(index: number): string | undefined {
    const position = index - this.offset - 1;
    return position >= 0 && position < this.count ? this.ids.get(position) : undefined;
  }

  /** An append in progress (beginAppend, appendEntry..., endAppend): its undo information. */
  private appendLength = 0;
  private appendKeep = 0;
  private appendTailTerms: Int32Array | null = null;
  private appendTailIds: string[] | null = null;

  beginAppend(): void {
    this.appendLength = this.count;
    this.appendKeep = this.appendLength;
    this.appendTailTerms = null;
    this.appendTailIds = null;
  }

  /**
   * Appends one entry (after the last: the member's log has no gaps); an entry at or below the
   * offset is skipped, one inside the log replaces the tail from it on.
   */
  appendEntry(index: number, term: number, id: string): void {
    const position = index - this.offset - 1;
    if (position < 0) return;
    if (this.count > position) {
      if (this.appendTailTerms === null && position < this.appendLength) {
        this.appendKeep = position;
        this.appendTailTerms = this.terms.slice(position, this.appendLength);
        this.appendTailIds = this.ids.slice(position, this.appendLength);
      }
      this.count = position;
    }
    this.push(term, id);
  }

  private push(term: number, id: string): void {
    assertInt32(term, "term");
    if (this.count === this.terms.length) this.terms = withRoom(this.terms, this.count + 1);
    this.terms[this.count] = term;
    this.ids.set(this.count, id);
    this.count++;
  }

  /** The append begun last was written in `batch`. */
  endAppend(batch: number): void {
    const overwritten = this.appendTailTerms === null ? null : new Overwritten(this.appendTailTerms, this.appendTailIds, null);
    this.record(batch, this.appendKeep, overwritten);
    this.appendTailTerms = null;
    this.appendTailIds = null;
  }

  /** Keeps the entries up to `lastIndex` (a cut at or after the last entry keeps them all). */
  truncate(batch: number, lastIndex: number): void {
    const keep = Math.min(Math.max(0, lastIndex - this.offset), this.count);
    let overwritten: Overwritten | null = null;
    if (this.count > keep) {
      overwritten = new Overwritten(this.terms.slice(keep, this.count), this.ids.slice(keep, this.count), null);
      this.count = keep;
    }
    this.record(batch, keep, overwritten);
  }

  /** A snapshot at `index` replaces the entries up to it. */
  snapshot(batch: number, index: number, term: number): void {
    const drop = index - this.offset;
    if (drop <= 0) return;
    this.record(batch, SNAPSHOT, new Overwritten(null, null, new SavedLog(this.terms, this.ids, this.count, this.offset, this.offsetTerm)));
    const terms = this.terms;
    const ids = this.ids;
    const count = this.count;
    this.terms = new Int32Array(INITIAL_CAPACITY);
    this.ids = new StringColumn();
    this.count = 0;
    for (let position = drop; position < count; position++) this.push(terms[position] as number, ids.get(position) as string);
    this.offset = index;
    this.offsetTerm = term;
  }

  private record(batch: number, keep: number, overwritten: Overwritten | null): void {
    const position = this.undoLength;
    if (position === this.undoBatches.length) {
      this.undoBatches = withRoom(this.undoBatches, position + 1);
      this.undoKeeps = withRoom(this.undoKeeps, this.undoBatches.length);
      while (this.undoOverwritten.length < this.undoBatches.length) this.undoOverwritten.push(null);
    }
    this.undoBatches[position] = batch;
    this.undoKeeps[position] = keep;
    this.undoOverwritten[position] = overwritten;
    this.undoLength = position + 1;
  }

  /** The writes of batches up to `batch` are durable. */
  persist(batch: number): void {
    const length = this.undoLength;
    let done = 0;
    while (done < length && (this.undoBatches[done] as number) <= batch) {
      // The snapshot's index is the offset right after it (the next snapshot record's old offset).
      if (this.undoKeeps[done] === SNAPSHOT) this.durableOffset = this.offsetAfter(done);
      done++;
    }
    if (done === 0) return;
    this.undoBatches.copyWithin(0, done, length);
    this.undoKeeps.copyWithin(0, done, length);
    const overwritten = this.undoOverwritten;
    for (let position = done; position < length; position++) overwritten[position - done] = overwritten[position] as Overwritten | null;
    for (let position = length - done; position < length; position++) overwritten[position] = null;
    this.undoLength = length - done;
  }

  /** A crash: every write not durable is lost. */
  rollBack(): void {
    for (let position = this.undoLength - 1; position >= 0; position--) {
      const overwritten = this.undoOverwritten[position] as Overwritten | null;
      const keep = this.undoKeeps[position] as number;
      this.undoOverwritten[position] = null;
      if (keep === SNAPSHOT) {
        const saved = (overwritten as Overwritten).saved as SavedLog;
        this.terms = saved.terms;
        this.ids = saved.ids;
        this.count = saved.count;
        this.offset = saved.offset;
        this.offsetTerm = saved.offsetTerm;
        continue;
      }
      this.count = keep;
      if (overwritten === null) continue;
      const tailTerms = overwritten.tailTerms as Int32Array;
      const tailIds = overwritten.tailIds as string[];
      for (let tail = 0; tail < tailTerms.length; tail++) this.push(tailTerms[tail] as number, tailIds[tail] as string);
    }
    this.undoLength = 0;
  }

  /** The offset in force after the write at `position` of the undo log. */
  private offsetAfter(position: number): number {
    for (let later = position + 1; later < this.undoLength; later++) {
      if (this.undoKeeps[later] === SNAPSHOT) return ((this.undoOverwritten[later] as Overwritten).saved as SavedLog).offset;
    }
    return this.offset;
  }
}

/** Terms below 2^22 and indexes below 2^31 pack into one safe integer key. */
const TERM_SPAN = 4_194_304;
const PRUNE_EVERY = 4096;

function canonicalKey(index: number, term: number): number {
  if (term >= TERM_SPAN) throw new Error(`assertion failed: term ${term} exceeds the checker's range`);
  return index * TERM_SPAN + term;
}

/** A fact about an index below the base of an `IndexFacts` (rare: see `IndexFacts`). */
interface BelowFact {
  readonly id: string;
  readonly first: number;
  readonly second: number;
}

/**
 * Facts about log indexes, one per index from `base + 1` on, kept in columns (an id and two
 * integers) rather than an object per index: an hour of a busy cluster is some 180,000 indexes,
 * kept for the whole run, which the collector would otherwise copy and promote as objects each.
 * Indexes are dense, so columns beat a map, and forgetting the indexes up to a new base drops a
 * prefix. A fact about an index already forgotten (below the base) goes to a map, as it would if
 * nothing had been forgotten. An index has a fact when its `id` is defined; `first` and `second`
 * are read only then.
 */
class IndexFacts {
  private base = 0;
  /** One past the highest position with a fact. */
  private used = 0;
  private firsts = new Int32Array(INITIAL_CAPACITY);
  private seconds = new Int32Array(INITIAL_CAPACITY);
  private readonly ids = new StringColumn();
  private readonly below = new Map<number, BelowFact>();

  id(index: number): string | undefined {
    const position = index - this.base - 1;
    return position >= 0 ? this.ids.get(position) : this.below.get(index)?.id;
  }

  first(index: number): number {
    const position = index - this.base - 1;
    return position >= 0 ? (this.firsts[position] as number) : (this.below.get(index) as BelowFact).first;
  }

  second(index: number): number {
    const position = index - this.base - 1;
    return position >= 0 ? (this.seconds[position] as number) : (this.below.get(index) as BelowFact).second;
  }

  set(index: number, id: string, first: number, second: number): void {
    const position = index - this.base - 1;
    if (position < 0) {
      this.below.set(index, { id, first, second });
      return;
    }
    assertInt32(first, "fact");
    assertInt32(second, "fact");
    if (position >= this.firsts.length) {
      this.firsts = withRoom(this.firsts, position + 1);
      this.seconds = withRoom(this.seconds, position + 1);
    }
    this.ids.set(position, id);
    this.firsts[position] = first;
    this.seconds[position] = second;
    if (position >= this.used) this.used = position + 1;
  }

  /** Forgets every index. */
  clear(): void {
    this.base = 0;
    this.used = 0;
    this.ids.clear();
    this.below.clear();
  }

  /** Forgets every index up to `index`. */
  forgetTo(index: number): void {
    if (index <= this.base) return;
    const used = this.used;
    const drop = Math.min(index - this.base, used);
    this.ids.shiftDown(drop, used);
    this.firsts.copyWithin(0, drop, used);
    this.seconds.copyWithin(0, drop, used);
    this.used = used - drop;
    this.base = index;
    for (const known of this.below.keys()) if (known <= index) this.below.delete(known);
  }
}

interface CanonicalEntry {
  readonly term: number;
  readonly id: string;
  readonly previousTerm: number;
}

class MemberModel {
  readonly written = new LogModel();
  constructor(
    readonly name: string,
    /** The member's number in its epoch, as the `applied` facts name it. */
    readonly ordinal: number,
  ) {}
  role = "follower";
  term = 0;
  commit = 0;
  applied = 0;
}

export class RaftInvariantChecker {
  private readonly members = new Map<string, MemberModel>();
  /** The members in the order they were first seen (by `ordinal`). */
  private readonly memberList: MemberModel[] = [];
  private lastNode = "";
  private lastMember: MemberModel | undefined = undefined;
  private readonly leaders = new Map<number, string>();
  /**
   * For each (index, term): the command and the term of the entry before it. The first term seen at
   * an index is kept by index (id, first: the term, second: the previous term); any other (a
   * conflicting entry) by `canonicalKey`.
   */
  private readonly canonical = new IndexFacts();
  private readonly canonicalOtherTerms = new Map<number, CanonicalEntry>();
  /** Committed entries: their command (id), term (first), and the term in which they were first seen committed (second). */
  private readonly committed = new IndexFacts();
  private committedMax = 0;
  /** Applied entries: their command (id) and the member that applied it first (first: its ordinal). */
  private readonly applied = new IndexFacts();
  private prunedTo = 0;
  private nextPruneAt = PRUNE_EVERY;
  readonly violations: InvariantViolation[] = [];

  constructor(private readonly onViolation: (violation: InvariantViolation) => void = () => undefined) {}

  /**
   * A new cluster from now on (a restore): its members' logs, terms and commits have nothing to do
   * with the old cluster's, whose members have all stopped. Forgets everything but the violations.
   */
  newEpoch(): void {
    this.members.clear();
    this.memberList.length = 0;
    this.lastNode = "";
    this.lastMember = undefined;
    this.leaders.clear();
    this.canonical.clear();
    this.canonicalOtherTerms.clear();
    this.committed.clear();
    this.committedMax = 0;
    this.applied.clear();
    this.prunedTo = 0;
    this.nextPruneAt = PRUNE_EVERY;
  }

  /** Feed one trace event (subscribe this to the world's trace). */
  observe(time: Micros, event: TraceEvent): void {
    switch (event.type) {
      case "node.start":
        return this.start(event);
      case "raft.role":
        return this.role(time, event);
      case "raft.append":
        return this.append(time, event);
      case "raft.truncate":
        return this.truncate(time, event);
      case "raft.snapshot": {
        const member = this.member(event.node);
        member.written.snapshot(event.batch, event.index, event.term);
        member.applied = Math.max(member.applied, event.index);
        member.commit = Math.max(member.commit, event.index);
        return;
      }
      case "raft.persist":
        return this.persist(event.node, event.batch);
      case "raft.commit":
        return this.commit(time, event);
      case "raft.apply":
        return this.apply(time, event);
      default:
        return;
    }
  }

  private member(node: string): MemberModel {
    // A member's events come in runs (append, persist, commit, apply): try the last one first.
    if (node === this.lastNode) return this.lastMember as MemberModel;
    let member = this.members.get(node);
    if (member === undefined) {
      member = new MemberModel(node, this.memberList.length);
      this.members.set(node, member);
      this.memberList.push(member);
    }
    this.lastNode = node;
    this.lastMember = member;
    return member;
  }

  private report(time: Micros, kind: string, detail: string): void {
    const violation = { kind, detail, timeUs: time };
    if (this.violations.length < 100) this.violations.push(violation);
    this.onViolation(violation);
  }

  private start(event: Extract<ClusterEvent, { type: "node.start" }>): void {
    const member = this.member(event.node);
    member.written.rollBack();
    member.role = "follower";
    member.term = event.term;
    member.commit = event.commit;
    member.applied = event.snapshotIndex;
  }

  private role(time: Micros, event: Extract<ClusterEvent, { type: "raft.role" }>): void {
    const member = this.member(event.node);
    member.role = event.role;
    member.term = event.term;
    if (event.role !== "leader") return;
    const existing = this.leaders.get(event.term);
    if (existing !== undefined && existing !== event.node) {
      this.report(time, "election-safety", `two leaders in term ${event.term}: ${existing} and ${event.node}`);
    }
    this.leaders.set(event.term, event.node);
    this.checkCompleteness(time, event.node, member);
  }

  private checkCompleteness(time: Micros, node: string, member: MemberModel): void {
    for (let index = member.written.offset + 1; index <= this.committedMax; index++) {
      const id = this.committed.id(index);
      // The paper's property covers leaders of terms after the commit: a stale leader of an older
      // term (a candidate that was paused, say, and collects its old votes later) need not have it.
      if (id === undefined || this.committed.second(index) >= member.term) continue;
      const committedTerm = this.committed.first(index);
      const term = member.written.term(index);
      if (term !== committedTerm || member.written.id(index) !== id) {
        const has = term === undefined ? "has no entry there" : `has ${member.written.id(index)} (term ${term})`;
        this.report(time, "leader-completeness", `${node} became leader in term ${member.term} without committed entry ${index} (${id}, term ${committedTerm}); it ${has}`);
        return;
      }
    }
  }

  private append(time: Micros, event: Extract<ClusterEvent, { type: "raft.append" }>): void {
    const member = this.member(event.node);
    const written = member.written;
    written.beginAppend();
    const entries = event.entries;
    for (let position = 0; position < entries.length; position++) {
      const entry = entries[position] as LogEntryRef;
      const index = entry.index;
      const previousTerm = written.term(index - 1) ?? -1;
      const firstId = this.canonical.id(index);
      if (firstId === undefined) {
        this.canonical.set(index, entry.id, entry.term, previousTerm);
      } else if (this.canonical.first(index) === entry.term) {
        this.checkMatching(time, event.node, entry, previousTerm, firstId, this.canonical.second(index));
      } else {
        const key = canonicalKey(index, entry.term);
        const other = this.canonicalOtherTerms.size === 0 ? undefined : this.canonicalOtherTerms.get(key);
        if (other === undefined) this.canonicalOtherTerms.set(key, { term: entry.term, id: entry.id, previousTerm });
        else this.checkMatching(time, event.node, entry, previousTerm, other.id, other.previousTerm);
      }
      written.appendEntry(index, entry.term, entry.id);
    }
    written.endAppend(event.batch);
  }

  /** Log matching: `entry` (after `previousTerm`) against what another log has at its index and term. */
  private checkMatching(time: Micros, node: string, entry: LogEntryRef, previousTerm: number, knownId: string, knownPreviousTerm: number): void {
    if (knownId !== entry.id || (previousTerm !== -1 && knownPreviousTerm !== -1 && knownPreviousTerm !== previousTerm)) {
      this.report(time, "log-matching", `${node} has entry ${entry.index} of term ${entry.term} as ${entry.id} after term ${previousTerm}, but another log has it as ${knownId} after term ${knownPreviousTerm}`);
    }
  }

  private truncate(time: Micros, event: Extract<ClusterEvent, { type: "raft.truncate" }>): void {
    const member = this.member(event.node);
    if (member.role === "leader" && event.removed.length > 0) {
      this.report(time, "leader-append-only", `leader ${event.node} of term ${member.term} removed entries ${event.removed.map((entry) => `${entry.index}@${entry.term}`).join(", ")} from its log`);
    }
    member.written.truncate(event.batch, event.lastIndex);
  }

  private persist(node: string, batch: number): void {
    this.member(node).written.persist(batch);
  }

  /**
   * Forgets what no member can touch again: every member's log starts after its snapshot, so no
   * entry at or below the lowest snapshot index will be appended, committed or applied anew.
   */
  private prune(): void {
    let low = Infinity;
    for (const member of this.members.values()) low = Math.min(low, member.written.durableOffset);
    if (!(low > this.prunedTo)) return;
    this.committed.forgetTo(low);
    this.applied.forgetTo(low);
    this.canonical.forgetTo(low);
    for (const key of this.canonicalOtherTerms.keys()) if (Math.floor(key / TERM_SPAN) <= low) this.canonicalOtherTerms.delete(key);
    this.prunedTo = low;
  }

  private commit(time: Micros, event: Extract<ClusterEvent, { type: "raft.commit" }>): void {
    const member = this.member(event.node);
    if (event.commit < member.commit) {
      this.report(time, "monotonic-commit", `${event.node}'s commit index went back from ${member.commit} to ${event.commit}`);
    }
    if (member.role === "leader" && event.term === member.term && event.commit > member.commit) {
      const term = member.written.term(event.commit);
      if (term !== undefined && term !== event.term) {
        this.report(time, "commit-rule", `leader ${event.node} of term ${event.term} committed up to entry ${event.commit} of term ${term} by counting replicas (§5.4.2: only entries of the leader's own term are committed that way)`);
      }
    }
    for (let index = Math.max(member.commit, member.written.offset) + 1; index <= event.commit; index++) {
      const term = member.written.term(index);
      const id = member.written.id(index);
      if (term === undefined || id === undefined) continue;
      const knownId = this.committed.id(index);
      if (knownId === undefined) {
        this.committed.set(index, id, term, event.term);
        if (index > this.committedMax) this.committedMax = index;
      } else if (this.committed.first(index) !== term || knownId !== id) {
        this.report(time, "state-machine-safety", `${event.node} committed ${id} (term ${term}) at index ${index}, where ${knownId} (term ${this.committed.first(index)}) was committed before`);
      }
    }
    member.commit = Math.max(member.commit, event.commit);
    if (event.commit >= this.nextPruneAt) {
      this.nextPruneAt = event.commit + PRUNE_EVERY;
      this.prune();
    }
  }

  private apply(time: Micros, event: Extract<ClusterEvent, { type: "raft.apply" }>): void {
    const member = this.member(event.node);
    if (event.index !== member.applied + 1) {
      this.report(time, "monotonic-apply", `${event.node} applied index ${event.index} right after index ${member.applied}`);
    }
    member.applied = Math.max(member.applied, event.index);
    const knownId = this.applied.id(event.index);
    if (knownId === undefined) {
      this.applied.set(event.index, event.id, member.ordinal, 0);
    } else if (knownId !== event.id) {
      this.report(time, "state-machine-safety", `${event.node} applied ${event.id} at index ${event.index}, where ${(this.memberList[this.applied.first(event.index)] as MemberModel).name} applied ${knownId}`);
    }
  }
}
