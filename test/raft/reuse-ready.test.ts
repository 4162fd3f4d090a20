/**
 * RaftConfig.reuseReady: the host gets the same Ready object every time, refilled, with exactly
 * what a fresh Ready would hold; a Ready handed out before is emptied once it is advanced.
 */
import { describe, expect, it } from "vitest";
import { RawNode } from "../../src/raft/index.js";
import type { Ready } from "../../src/raft/types.js";
import { fixedRandom } from "./harness.js";

function plain(ready: Ready): unknown {
  return { ...ready, entries: [...ready.entries], committedEntries: [...ready.committedEntries], messages: [...ready.messages], events: [...ready.events] };
}

/** Campaigns a single voter, then proposes `data`: the Readies a host sees, as plain copies. */
function run(reuseReady: boolean): { readies: unknown[]; same: boolean } {
  const node = new RawNode({ id: "n1", voters: ["n1"], random: fixedRandom(), observe: true, reuseReady });
  const seen: Ready[] = [];
  const readies: unknown[] = [];
  const drain = (): void => {
    while (node.hasReady()) {
      const ready = node.ready();
      seen.push(ready);
      readies.push(plain(ready));
      node.advance(ready);
    }
  };
  node.campaign();
  drain();
  node.propose("put a");
  drain();
  return { readies, same: seen.every((ready) => ready === seen[0]) };
}

describe("RawNode with reuseReady", () => {
  it("hands out one Ready object holding what fresh Readies hold", () => {
    const fresh = run(false);
    const reused = run(true);
    expect(fresh.same).toBe(false);
    expect(reused.same).toBe(true);
    expect(reused.readies).toEqual(fresh.readies);
    expect(reused.readies.length).toBeGreaterThan(2);
  });

  it("lets go of the lists, entries and states of an advanced Ready", () => {
    const node = new RawNode({ id: "n1", voters: ["n1"], random: fixedRandom(), reuseReady: true });
    node.campaign();
    const ready = node.ready();
    expect(ready.softState).toEqual({ lead: null, role: "candidate" });
    expect(ready.hardState).toEqual({ term: 1, vote: "n1", commit: 0 });
    node.advance(ready);
    expect(ready).toEqual({ softState: null, hardState: null, entries: [], snapshot: null, committedEntries: [], messages: [], readStates: [], mustSync: false, events: [] });
  });
});
