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

export interface InvariantViolation {
  readonly kind: string;
  readonly detail: string;
  readonly timeUs: Micros;
}

/**
 * How to take back one write that is not durable yet: a crash loses it. `keep` is the length the
 * log had before the write removed its tail (`terms`, `ids`), or -1 for a snapshot, which replaced
 * the whole model (the previous `offset`, `offsetTerm`, `terms` and `ids` are kept, untouched).
 */
class Undo {
  constructor(
    readonly batch: number,
    readonly keep: number,
    readonly terms: number[] | null,
    readonly ids: string[] | null,
    readonly offset: number,
    readonly offsetTerm: number,
  ) {}
}

/**
 * A member's log as the checker models it (entries after `offset`, the snapshot index), with an
 * undo log of the writes its disk has not made durable. A crash rolls those back, which leaves the
 * log the member recovers; a completed fsync drops them. (One model and an undo log, rather than a
 * second, durable copy of the log kept in step.)
 */
class LogModel {
  offset = 0;
  offsetTerm = 0;
  terms: number[] = [];
  ids: string[] = [];
  /** The snapshot index of the durable log (what the member would restart from). */
  durableOffset = 0;
  private undo: Undo[] = [];

  get lastIndex(): number {
    return this.offset + this.terms.length;
  }

  term(index: number): number | undefined {
    if (index === this.offset) return this.offsetTerm;
    return index > this.offset ? this.terms[index - this.offset - 1] : undefined;
  }

  id(index: number): string | undefined {
    return index > this.offset ? this.ids[index - this.offset - 1] : undefined;
  }

  /** An append in progress (beginAppend, appendEntry..., endAppend): its undo information. */
  private appendLength = 0;
  private appendKeep = 0;
  private appendTailTerms: number[] | null = null;
  private appendTailIds: string[] | null = null;

  beginAppend(): void {
    this.appendLength = this.terms.length;
    this.appendKeep = this.appendLength;
    this.appendTailTerms = null;
    this.appendTailIds = null;
  }

  /** Appends one entry; an entry at or below the offset is skipped, one inside the log replaces the tail. */
  appendEntry(index: number, term: number, id: string): void {
    const position = index - this.offset - 1;
    if (position < 0) return;
    if (this.terms.length > position) {
      if (this.appendTailTerms === null && position < this.appendLength) {
        this.appendKeep = position;
        this.appendTailTerms = this.terms.slice(position, this.appendLength);
        this.appendTailIds = this.ids.slice(position, this.appendLength);
      }
      this.terms.length = position;
      this.ids.length = position;
    }
    this.terms.push(term);
    this.ids.push(id);
  }

  /** The append begun last was written in `batch`. */
  endAppend(batch: number): void {
    this.undo.push(new Undo(batch, this.appendKeep, this.appendTailTerms, this.appendTailIds, 0, 0));
    this.appendTailTerms = null;
    this.appendTailIds = null;
  }

  /** Keeps the entries up to `lastIndex`. */
  truncate(batch: number, lastIndex: number): void {
    const keep = Math.max(0, lastIndex - this.offset);
    let tailTerms: number[] | null = null;
    let tailIds: string[] | null = null;
    if (this.terms.length > keep) {
      tailTerms = this.terms.slice(keep);
      tailIds = this.ids.slice(keep);
      this.terms.length = keep;
      this.ids.length = keep;
    }
    this.undo.push(new Undo(batch, keep, tailTerms, tailIds, 0, 0));
  }

  /** A snapshot at `index` replaces the entries up to it. */
  snapshot(batch: number, index: number, term: number): void {
    const drop = index - this.offset;
    if (drop <= 0) return;
    this.undo.push(new Undo(batch, -1, this.terms, this.ids, this.offset, this.offsetTerm));
    this.terms = drop >= this.terms.length ? [] : this.terms.slice(drop);
    this.ids = drop >= this.ids.length ? [] : this.ids.slice(drop);
    this.offset = index;
    this.offsetTerm = term;
  }

  /** The writes of batches up to `batch` are durable. */
  persist(batch: number): void {
    const undo = this.undo;
    let done = 0;
    while (done < undo.length && (undo[done] as Undo).batch <= batch) {
      const write = undo[done] as Undo;
      // The snapshot's index is the offset right after it (the next snapshot record's old offset).
      if (write.keep === -1) this.durableOffset = done + 1 < undo.length ? this.offsetAfter(done) : this.offset;
      done++;
    }
    if (done === undo.length) this.undo = [];
    else if (done > 0) undo.splice(0, done);
  }

  /** A crash: every write not durable is lost. */
  rollBack(): void {
    const undo = this.undo;
    for (let position = undo.length - 1; position >= 0; position--) {
      const write = undo[position] as Undo;
      if (write.keep === -1) {
        this.terms = write.terms as number[];
        this.ids = write.ids as string[];
        this.offset = write.offset;
        this.offsetTerm = write.offsetTerm;
        continue;
      }
      this.terms.length = write.keep;
      this.ids.length = write.keep;
      if (write.terms !== null) {
        for (const term of write.terms) this.terms.push(term);
        for (const id of write.ids as string[]) this.ids.push(id);
      }
    }
    this.undo = [];
  }

  /** The offset in force after the write at `position` of the undo log. */
  private offsetAfter(position: number): number {
    for (let later = position + 1; later < this.undo.length; later++) {
      const write = this.undo[later] as Undo;
      if (write.keep === -1) return write.offset;
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
  readonly other: string | undefined;
}

/**
 * Facts about log indexes, one per index from `base + 1` on, kept in columns (an id, two integers,
 * another string) rather than an object per index: an hour of a busy cluster is some 180,000
 * indexes, kept for the whole run, which the collector would otherwise copy and promote as three
 * objects each. Indexes are dense, so arrays beat a map, and forgetting the indexes up to a new
 * base drops a prefix. A fact about an index already forgotten (below the base) goes to a map, as
 * it would if nothing had been forgotten. An index has a fact when its `id` is defined; `first`,
 * `second` and `other` are read only then.
 */
class IndexFacts {
  private base = 0;
  private firsts = new Int32Array(1024);
  private seconds = new Int32Array(1024);
  private readonly ids: Array<string | undefined> = [];
  private readonly others: Array<string | undefined> = [];
  private readonly below = new Map<number, BelowFact>();

  id(index: number): string | undefined {
    const position = index - this.base - 1;
    return position >= 0 ? this.ids[position] : this.below.get(index)?.id;
  }

  first(index: number): number {
    const position = index - this.base - 1;
    return position >= 0 ? (this.firsts[position] as number) : (this.below.get(index) as BelowFact).first;
  }

  second(index: number): number {
    const position = index - this.base - 1;
    return position >= 0 ? (this.seconds[position] as number) : (this.below.get(index) as BelowFact).second;
  }

  other(index: number): string | undefined {
    const position = index - this.base - 1;
    return position >= 0 ? this.others[position] : this.below.get(index)?.other;
  }

  set(index: number, id: string, first: number, second: number, other: string | undefined): void {
    const position = index - this.base - 1;
    if (position < 0) {
      this.below.set(index, { id, first, second, other });
      return;
    }
    if ((first | 0) !== first || (second | 0) !== second) throw new Error(`assertion failed: ${first} or ${second} exceeds the checker's 32-bit columns`);
    if (position >= this.firsts.length) this.grow(position + 1);
    while (this.ids.length < position) {
      this.ids.push(undefined);
      this.others.push(undefined);
    }
    this.ids[position] = id;
    this.others[position] = other;
    this.firsts[position] = first;
    this.seconds[position] = second;
  }

  private grow(needed: number): void {
    let capacity = this.firsts.length * 2;
    while (capacity < needed) capacity *= 2;
    const firsts = new Int32Array(capacity);
    firsts.set(this.firsts);
    this.firsts = firsts;
    const seconds = new Int32Array(capacity);
    seconds.set(this.seconds);
    this.seconds = seconds;
  }

  /** Forgets every index. */
  clear(): void {
    this.base = 0;
    this.ids.length = 0;
    this.others.length = 0;
    this.below.clear();
  }

  /** Forgets every index up to `index`. */
  forgetTo(index: number): void {
    if (index <= this.base) return;
    const used = this.ids.length;
    const drop = Math.min(index - this.base, used);
    this.ids.copyWithin(0, drop);
    this.ids.length -= drop;
    this.others.copyWithin(0, drop);
    this.others.length -= drop;
    this.firsts.copyWithin(0, drop, used);
    this.seconds.copyWithin(0, drop, used);
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
  role = "follower";
  term = 0;
  commit = 0;
  applied = 0;
}

export class RaftInvariantChecker {
  private readonly members = new Map<string, MemberModel>();
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
  /** Applied entries: their command (id) and the member that applied it first (other). */
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
      member = new MemberModel();
      this.members.set(node, member);
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
    for (const entry of event.entries) {
      const index = entry.index;
      const previousTerm = written.term(index - 1) ?? -1;
      const firstId = this.canonical.id(index);
      if (firstId === undefined) {
        this.canonical.set(index, entry.id, entry.term, previousTerm, undefined);
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
        this.committed.set(index, id, term, event.term, undefined);
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
      this.applied.set(event.index, event.id, 0, 0, event.node);
    } else if (knownId !== event.id) {
      this.report(time, "state-machine-safety", `${event.node} applied ${event.id} at index ${event.index}, where ${this.applied.other(event.index) as string} applied ${knownId}`);
    }
  }
}
