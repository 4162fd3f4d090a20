/**
 * Quorum arithmetic for majority and joint configurations (etcd's quorum package).
 *
 * A majority configuration of n voters needs floor(n/2) + 1 of them. A joint configuration (the
 * incoming and the outgoing voters during a membership change) needs a majority of each: its
 * committed index is the smaller of the two, and a vote is won only when both halves win it.
 * An empty configuration agrees to everything: its committed index is Infinity (so that the joint
 * minimum ignores it) and its vote is won.
 *
 * The tracker calls the array forms below with a reused scratch array; the map forms exist for
 * hosts and tests.
 */
import type { VoteResult } from "./events.js";
import type { NodeId } from "./types.js";

/**
 * The largest value that `count` voters' acknowledged values reach in a majority, i.e. the
 * (floor(count/2)+1)-th largest of `values[0..count)`. Sorts that prefix in place (insertion sort:
 * configurations are small). Returns Infinity for an empty configuration.
 */
export function majorityIndex(values: number[], count: number): number {
  if (count === 0) return Infinity;
  for (let position = 1; position < count; position++) {
    const value = values[position] as number;
    let scan = position - 1;
    while (scan >= 0 && (values[scan] as number) < value) {
      values[scan + 1] = values[scan] as number;
      scan--;
    }
    values[scan + 1] = value;
  }
  return values[count >> 1] as number;
}

/** The outcome of an election in a majority configuration of `voterCount` voters. */
export function majorityVoteResult(granted: number, rejected: number, voterCount: number): VoteResult {
  if (voterCount === 0) return "won";
  const quorum = (voterCount >> 1) + 1;
  if (granted >= quorum) return "won";
  const missing = voterCount - granted - rejected;
  if (granted + missing >= quorum) return "pending";
  return "lost";
}

/** Both halves of a joint configuration must win; either losing loses. */
export function combineVoteResults(incoming: VoteResult, outgoing: VoteResult): VoteResult {
  if (incoming === outgoing) return incoming;
  if (incoming === "lost" || outgoing === "lost") return "lost";
  return "pending";
}

/** The committed index of a majority configuration; voters missing from `acknowledged` count as 0. */
export function committedIndex(voters: readonly NodeId[], acknowledged: ReadonlyMap<NodeId, number>): number {
  const values = voters.map((voter) => acknowledged.get(voter) ?? 0);
  return majorityIndex(values, values.length);
}

export function jointCommittedIndex(
  incoming: readonly NodeId[],
  outgoing: readonly NodeId[],
  acknowledged: ReadonlyMap<NodeId, number>,
): number {
  return Math.min(committedIndex(incoming, acknowledged), committedIndex(outgoing, acknowledged));
}

/** The election outcome of a majority configuration; voters missing from `votes` have not answered. */
export function voteResult(voters: readonly NodeId[], votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  let granted = 0;
  let rejected = 0;
  for (const voter of voters) {
    const vote = votes.get(voter);
    if (vote === true) granted++;
    else if (vote === false) rejected++;
  }
  return majorityVoteResult(granted, rejected, voters.length);
}

export function jointVoteResult(
  incoming: readonly NodeId[],
  outgoing: readonly NodeId[],
  votes: ReadonlyMap<NodeId, boolean>,
): VoteResult {
  return combineVoteResults(voteResult(incoming, votes), voteResult(outgoing, votes));
}
