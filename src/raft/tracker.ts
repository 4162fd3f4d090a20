/**
 * The progress tracker: the active configuration, one Progress per tracked node, the votes of the
 * current election, and the quorum questions asked of them (committed index, quorum activity,
 * election outcome, acknowledged heartbeat round).
 *
 * Derived arrays (peers in id order, the Progress of each voter half) are rebuilt on every
 * configuration change so that hot paths iterate arrays, never maps.
 */
import { assert } from "./assert.js";
import { assertConfigInvariants, trackedIds, type TrackerConfig } from "./confchange.js";
import type { VoteResult } from "./events.js";
import { Progress } from "./progress.js";
import { combineVoteResults, majorityIndex, majorityVoteResult, voteResult } from "./quorum.js";
import type { NodeId } from "./types.js";

export interface VoteTally {
  readonly granted: number;
  readonly rejected: number;
  readonly result: VoteResult;
}

const EMPTY_CONFIG: TrackerConfig = { incoming: [], outgoing: [], learners: [], learnersNext: [], autoLeave: false };

export class ProgressTracker {
  config: TrackerConfig = EMPTY_CONFIG;
  readonly progress = new Map<NodeId, Progress>();
  /** Every tracked node, sorted by id. */
  peers: Progress[] = [];
  /** The voters of both halves, sorted and without duplicates. */
  voterIds: NodeId[] = [];
  private incomingVoters: Progress[] = [];
  private outgoingVoters: Progress[] = [];
  private readonly votes = new Map<NodeId, boolean>();
  private readonly scratch: number[] = [];
  private readonly inflightCapacity: number;

  constructor(inflightCapacity: number) {
    this.inflightCapacity = inflightCapacity;
  }

  /**
   * Switches to `config`, keeping the Progress of nodes that stay and creating one (next =
   * max(lastIndex, 1), recently active) for each node added.
   */
  setConfig(config: TrackerConfig, lastIndex: number): void {
    assertConfigInvariants(config);
    const ids = trackedIds(config);
    const kept = new Set(ids);
    for (const id of [...this.progress.keys()]) if (!kept.has(id)) this.progress.delete(id);
    for (const id of ids) {
      const isLearner = config.learners.includes(id);
      const existing = this.progress.get(id);
      if (existing === undefined) {
        this.progress.set(id, new Progress(id, Math.max(lastIndex, 1), isLearner, this.inflightCapacity));
      } else {
        existing.isLearner = isLearner;
      }
    }
    this.config = config;
    this.peers = ids.map((id) => this.progressOf(id));
    this.voterIds = [...new Set([...config.incoming, ...config.outgoing])].sort();
    this.incomingVoters = config.incoming.map((id) => this.progressOf(id));
    this.outgoingVoters = config.outgoing.map((id) => this.progressOf(id));
    this.scratch.length = Math.max(config.incoming.length, config.outgoing.length);
    this.scratch.fill(0);
  }

  private progressOf(id: NodeId): Progress {
    const progress = this.progress.get(id);
    assert(progress !== undefined, `no progress for ${id}`);
    return progress;
  }

  isVoter(id: NodeId): boolean {
    return this.config.incoming.includes(id) || this.config.outgoing.includes(id);
  }

  /** True when the only voter is a single node (no joint configuration). */
  isSingleton(): boolean {
    return this.config.incoming.length === 1 && this.config.outgoing.length === 0;
  }

  /** The highest index replicated on a quorum (both halves when joint). */
  committed(): number {
    const incoming = this.majorityMatch(this.incomingVoters);
    if (this.outgoingVoters.length === 0) return incoming;
    return Math.min(incoming, this.majorityMatch(this.outgoingVoters));
  }

  private majorityMatch(voters: Progress[]): number {
    const values = this.scratch;
    for (let position = 0; position < voters.length; position++) values[position] = (voters[position] as Progress).match;
    return majorityIndex(values, voters.length);
  }

  /** The highest heartbeat round acknowledged by a quorum. */
  acknowledgedRound(): number {
    const incoming = this.majorityRound(this.incomingVoters);
    if (this.outgoingVoters.length === 0) return incoming;
    return Math.min(incoming, this.majorityRound(this.outgoingVoters));
  }

  private majorityRound(voters: Progress[]): number {
    const values = this.scratch;
    for (let position = 0; position < voters.length; position++) {
      values[position] = (voters[position] as Progress).acknowledgedRound;
    }
    return majorityIndex(values, voters.length);
  }

  /** True when a quorum was recently active (the leader counts itself as active). */
  quorumActive(): boolean {
    const incoming = activeResult(this.incomingVoters);
    if (this.outgoingVoters.length === 0) return incoming === "won";
    return combineVoteResults(incoming, activeResult(this.outgoingVoters)) === "won";
  }

  resetVotes(): void {
    this.votes.clear();
  }

  /** Records the first answer of `id`; later answers of the same node are ignored. */
  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): VoteTally {
    let granted = 0;
    let rejected = 0;
    for (const id of this.voterIds) {
      const vote = this.votes.get(id);
      if (vote === true) granted++;
      else if (vote === false) rejected++;
    }
    const incoming = voteResult(this.config.incoming, this.votes);
    const result =
      this.config.outgoing.length === 0 ? incoming : combineVoteResults(incoming, voteResult(this.config.outgoing, this.votes));
    return { granted, rejected, result };
  }
}

function activeResult(voters: Progress[]): VoteResult {
  let active = 0;
  for (const voter of voters) if (voter.recentActive) active++;
  return majorityVoteResult(active, voters.length - active, voters.length);
}
