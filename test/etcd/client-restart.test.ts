import { describe, expect, it } from "vitest";
import { type CallOutcome } from "../../src/etcd/client.js";
import { DEFAULT_SETTINGS, EtcdCluster } from "../../src/etcd/cluster.js";
import { bytesFromText } from "../../src/mvcc/bytes.js";
import { World } from "../../src/sim/world.js";

describe("a client that crashes and restarts", () => {
  it("gets answers in its new life: its request IDs never repeat those the members remember", () => {
    const world = new World({ seed: 7 });
    const cluster = new EtcdCluster(world, { members: 3, bugs: [], observe: false, settings: DEFAULT_SETTINGS });
    world.runFor(5_000_000, () => cluster.leader() !== undefined);
    const leader = cluster.leader() as string;
    const put = (value: string): CallOutcome => {
      let answer: CallOutcome | undefined;
      cluster.client("c1").call(leader, { kind: "put", request: { key: bytesFromText("k"), value: bytesFromText(value) } }, 2_000_000, (outcome) => {
        answer = outcome;
      });
      world.runFor(2_000_001, () => answer !== undefined);
      return answer as CallOutcome;
    };
    expect(put("a").ok).toBe(true);
    expect(put("b").ok).toBe(true);
    world.crash("c1");
    world.restart("c1");
    // Its first two requests reuse no ID of the first life, so the members do not drop them.
    const first = put("c");
    expect(first.ok).toBe(true);
    expect(first.timedOut).toBe(false);
    expect(put("d").ok).toBe(true);
  });
});
