/**
 * Real client histories: those of fuzz seeds 1..200 (3 members, faults on, no planted bugs),
 * checked by the etcd model's specialised search and by the generic search, as they are and with
 * one response altered (which usually breaks them). The generic search can take minutes on some
 * of them (every timed-out write may go anywhere), so it runs under a budget of steps (a clock
 * that advances once per reading, and the search reads it once every few thousand steps); the
 * verdicts must agree wherever it reaches one, and it must reach one on most histories.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { EtcdHistory } from "../../../src/check/history/history.js";
import type { EtcdResponse } from "../../../src/check/history/operations.js";
import { toEtcdHistory } from "../../../src/check/etcd-history.js";
import { checkHistory, type CheckResult } from "../../../src/check/linearizability/check.js";
import { fuzzSeed } from "../../../src/fuzz/run-seed.js";
import { expectSoundExplanation, type EtcdOperation } from "./etcd-helpers.js";

const SEEDS = 200;
/** Clock readings the generic search gets per history (about 4096 steps each). */
const GENERIC_BUDGET = 12;

function generic(history: EtcdHistory): CheckResult {
  let ticks = 0;
  return checkHistory(history, { genericSearch: true, timeoutMs: GENERIC_BUDGET, now: () => ticks++ });
}

/**
 * The history with one response altered, chosen by `seed`: for an even seed, a read answered with
 * an older key-value of its key (a stale read) at its own revision; for an odd one, a put that
 * reports the revision after its own.
 */
function alter(history: EtcdHistory, seed: number): EtcdHistory {
  const operations = history.operations.map((operation) => ({ ...operation }));
  const known = operations.filter((operation) => operation.output !== undefined);
  if (seed % 2 === 0) {
    const reads = known.filter((operation) => operation.output?.type === "range" && operation.output.kvs.length === 1);
    for (let attempt = 0; attempt < reads.length; attempt++) {
      const read = reads[(seed * 7 + attempt) % reads.length] as (typeof operations)[number];
      const output = read.output as Extract<EtcdResponse, { type: "range" }>;
      const current = output.kvs[0]!;
      const older = reads
        .map((other) => (other.output as Extract<EtcdResponse, { type: "range" }>).kvs[0]!)
        .find((kv) => kv.key === current.key && kv.modRevision < current.modRevision);
      if (older !== undefined) {
        read.output = { ...output, kvs: [older] };
        return { ...history, operations };
      }
    }
  }
  const puts = known.filter((operation) => operation.input.type === "put");
  const put = puts[(seed * 7) % puts.length] as (typeof operations)[number];
  put.output = { ...(put.output as EtcdResponse), revision: (put.output as EtcdResponse).revision + 1 };
  return { ...history, operations };
}

describe("real fuzz histories", () => {
  const histories: Array<{ readonly seed: number; readonly history: EtcdHistory }> = [];

  beforeAll(() => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const result = fuzzSeed(seed, { members: 3, bugs: [], checkLinearizability: false });
      histories.push({ seed, history: toEtcdHistory(result.history.operations, `seed ${seed}`) });
    }
  });

  it("get the same verdict from the specialised and the generic search", () => {
    let decided = 0;
    let withTimeouts = 0;
    const notLinearizable: number[] = [];
    for (const { seed, history } of histories) {
      const fast = checkHistory(history);
      expect(fast.verdict, `seed ${seed}`).not.toBe("unknown");
      if (fast.linearizable === false) {
        notLinearizable.push(seed);
        expectSoundExplanation(history.operations as readonly EtcdOperation[], fast);
      }
      if (history.operations.some((operation) => operation.outcome === "unknown")) withTimeouts++;
      const reference = generic(history);
      if (reference.verdict === "unknown") continue;
      decided++;
      expect(fast.verdict, `seed ${seed}`).toBe(reference.verdict);
    }
    expect(withTimeouts).toBeGreaterThan(SEEDS / 2);
    expect(decided).toBeGreaterThan(SEEDS * 0.6);
    // A history of the simulator without planted bugs that is not linearizable is a simulator bug.
    expect(notLinearizable).toEqual([]);
  });

  it("get the same verdict from both searches with one response altered", () => {
    let decided = 0;
    let broken = 0;
    for (const { seed, history } of histories) {
      const altered = alter(history, seed);
      const fast = checkHistory(altered);
      expect(fast.verdict, `seed ${seed}`).not.toBe("unknown");
      if (fast.linearizable === false) {
        broken++;
        expectSoundExplanation(altered.operations as readonly EtcdOperation[], fast);
      }
      const reference = generic(altered);
      if (reference.verdict === "unknown") continue;
      decided++;
      expect(fast.verdict, `seed ${seed}`).toBe(reference.verdict);
    }
    expect(broken).toBeGreaterThan(SEEDS * 0.8);
    expect(decided).toBeGreaterThan(SEEDS * 0.8);
  });
});
