/**
 * RaftConfig.reuseReady: the host gets the same Ready object every time, refilled, with exactly
 * what a fresh Ready would hold; a Ready handed out before is emptied once it is advanced, and so
 * are its entry, message, read state and event lists, which later Readies reuse.
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

  it("empties the lists of an advanced Ready and hands them out again", () => {
    const node = new RawNode({ id: "n1", voters: ["n1", "n2"], random: fixedRandom(), observe: true, reuseReady: true });
    const describe = (ready: Ready): string[] => ready.messages.map((message) => `${message.type} ${message.to} term ${message.term} commit ${message.commit}`);
    const reply = { from: "n2", to: "n1", term: 1, logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0 } as const;
    node.campaign();
    const first = node.ready();
    const messages = first.messages;
    const events = first.events;
    expect(describe(first)).toEqual(["MsgVote n2 term 1 commit 0"]);
    expect(events.map((event) => event.type)).toEqual(["became-follower", "became-candidate"]);
    node.advance(first);
    expect(messages).toEqual([]);
    expect(events).toEqual([]);
    node.step({ ...reply, type: "MsgVoteResp" });
    const second = node.ready();
    expect(describe(second)).toEqual(["MsgApp n2 term 1 commit 0"]);
    node.advance(second);
    node.step({ ...reply, type: "MsgAppResp", index: 1 });
    const third = node.ready();
    expect(third.messages).toBe(messages);
    expect(describe(third)).toEqual(["MsgApp n2 term 1 commit 1"]);
    expect(third.events).toBe(events);
    expect(third.events.map((event) => event.type)).toContain("commit-advanced");
  });

  it("recycles the lists of entries to persist and to apply, and hands out the right entries in them", () => {
    const node = new RawNode({ id: "n1", voters: ["n1"], random: fixedRandom(), reuseReady: true });
    const drain = (): Array<{ persist: number[]; apply: number[] }> => {
      const seen: Array<{ persist: number[]; apply: number[] }> = [];
      while (node.hasReady()) {
        const ready = node.ready();
        seen.push({ persist: ready.entries.map((entry) => entry.index), apply: ready.committedEntries.map((entry) => entry.index) });
        node.advance(ready);
      }
      return seen;
    };
    node.campaign();
    expect(drain()).toEqual([
      { persist: [], apply: [] },
      { persist: [1], apply: [] },
      { persist: [], apply: [1] },
    ]);
    node.propose("a");
    node.propose("b");
    const first = node.ready();
    const persisted = first.entries;
    expect(persisted.map((entry) => entry.data)).toEqual(["a", "b"]);
    node.advance(first);
    expect(persisted).toEqual([]);
    const second = node.ready();
    expect(second.committedEntries.map((entry) => entry.data)).toEqual(["a", "b"]);
    const applied = second.committedEntries;
    node.advance(second);
    expect(applied).toEqual([]);
    node.propose("c");
    const third = node.ready();
    expect(third.entries).toBe(persisted);
    expect(third.entries.map((entry) => [entry.index, entry.data])).toEqual([[4, "c"]]);
    node.advance(third);
    const fourth = node.ready();
    expect(fourth.committedEntries).toBe(applied);
    expect(fourth.committedEntries.map((entry) => [entry.index, entry.data])).toEqual([[4, "c"]]);
  });
});
