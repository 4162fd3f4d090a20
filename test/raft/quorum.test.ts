/**
 * Quorum arithmetic checked against dumb references over random configurations (fast-check,
 * fixed seed), in the manner of etcd's quorum tests.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  committedIndex,
  jointCommittedIndex,
  jointVoteResult,
  majorityIndex,
  voteResult,
  type VoteResult,
} from "../../src/raft/index.js";

const SETTINGS = { seed: 42, numRuns: 500 };
const IDS = ["n1", "n2", "n3", "n4", "n5", "n6", "n7"];

const voters = fc.uniqueArray(fc.constantFrom(...IDS), { maxLength: 7 });
const acknowledged = fc.dictionary(fc.constantFrom(...IDS), fc.integer({ min: 0, max: 12 }));
const votes = fc.dictionary(fc.constantFrom(...IDS), fc.boolean());

/** A config accepts index v when a majority of it acknowledged at least v (an empty config accepts all). */
function accepts(config: readonly string[], acks: Record<string, number>, value: number): boolean {
  const reached = config.filter((id) => (acks[id] ?? 0) >= value).length;
  return reached >= Math.floor(config.length / 2) + 1 || config.length === 0;
}

/** The largest candidate value every config accepts. */
function referenceCommitted(configs: readonly (readonly string[])[], acks: Record<string, number>): number {
  if (configs.every((config) => config.length === 0)) return Infinity;
  const candidates = [0, ...Object.values(acks)];
  return Math.max(...candidates.filter((value) => configs.every((config) => accepts(config, acks, value))));
}

/** Tries every answer of the voters that have not answered: won if all outcomes win, lost if none does. */
function referenceVote(configs: readonly (readonly string[])[], cast: Record<string, boolean>): VoteResult {
  const union = [...new Set(configs.flat())];
  const missing = union.filter((id) => !(id in cast));
  let wins = 0;
  for (let mask = 0; mask < 1 << missing.length; mask++) {
    const outcome: Record<string, boolean> = { ...cast };
    missing.forEach((id, position) => (outcome[id] = (mask & (1 << position)) !== 0));
    const won = configs.every((config) => config.filter((id) => outcome[id]).length >= Math.floor(config.length / 2) + 1 || config.length === 0);
    if (won) wins++;
  }
  if (wins === 1 << missing.length) return "won";
  return wins === 0 ? "lost" : "pending";
}

describe("quorum arithmetic", () => {
  it("majority committed index equals the largest index a majority acknowledged", () => {
    fc.assert(
      fc.property(voters, acknowledged, (config, acks) => {
        expect(committedIndex(config, new Map(Object.entries(acks)))).toBe(referenceCommitted([config], acks));
      }),
      SETTINGS,
    );
  });

  it("joint committed index needs a majority of both halves", () => {
    fc.assert(
      fc.property(voters, voters, acknowledged, (incoming, outgoing, acks) => {
        const expected = referenceCommitted([incoming, outgoing], acks);
        expect(jointCommittedIndex(incoming, outgoing, new Map(Object.entries(acks)))).toBe(expected);
      }),
      SETTINGS,
    );
  });

  it("majority vote results match an enumeration of the missing votes", () => {
    fc.assert(
      fc.property(voters, votes, (config, cast) => {
        expect(voteResult(config, new Map(Object.entries(cast)))).toBe(referenceVote([config], cast));
      }),
      SETTINGS,
    );
  });

  it("joint vote results match an enumeration over both halves (shared voters vote once)", () => {
    fc.assert(
      fc.property(voters, voters, votes, (incoming, outgoing, cast) => {
        expect(jointVoteResult(incoming, outgoing, new Map(Object.entries(cast)))).toBe(referenceVote([incoming, outgoing], cast));
      }),
      SETTINGS,
    );
  });

  it("majorityIndex works on a prefix of a reused array", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 9 }), fc.array(fc.integer(), { maxLength: 4 }), (values, junk) => {
        const sorted = [...values].sort((left, right) => right - left);
        const expected = values.length === 0 ? Infinity : (sorted[Math.floor(values.length / 2)] as number);
        expect(majorityIndex([...values, ...junk], values.length)).toBe(expected);
      }),
      SETTINGS,
    );
  });

  it("examples: three voters commit at the second-highest index; an empty config commits anything", () => {
    const acks = new Map([["n1", 12], ["n2", 5], ["n3", 9]]);
    expect(committedIndex(["n1", "n2", "n3"], acks)).toBe(9);
    expect(committedIndex([], acks)).toBe(Infinity);
    expect(jointCommittedIndex(["n1", "n2", "n3"], ["n1", "n2"], acks)).toBe(5);
    expect(voteResult(["n1", "n2", "n3"], new Map([["n1", true]]))).toBe("pending");
    expect(voteResult(["n1", "n2", "n3"], new Map([["n1", false], ["n2", false]]))).toBe("lost");
  });
});
