/**
 * The API server's etcd endpoints (src/kube/balancer.ts): round robin over the members it believes
 * are there; a member that leaves requests unanswered and does not answer a keepalive ping is given
 * up once, however many requests were stuck on it (the first pass carried its single "current
 * endpoint" round the ring and back to the dead member), the requests waiting on it fail at once,
 * and a reconnect probe brings it back after it restarts.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, EtcdCluster, summarizeMessage } from "../../src/etcd/cluster.js";
import { kubeClientActor } from "../../src/kube/client.js";
import { KubeEnv } from "../../src/kube/env.js";
import type { KubeCallOutcome } from "../../src/kube/client.js";
import { Trace, type TypedEvent } from "../../src/sim/trace.js";
import { World } from "../../src/sim/world.js";

function lab() {
  const world = new World({ seed: 7, summarize: summarizeMessage, trace: new Trace<TypedEvent>(true) });
  const cluster = new EtcdCluster(world, { members: 3, settings: DEFAULT_SETTINGS, bugs: [], observe: false });
  world.runFor(10_000_000, () => cluster.leader() !== undefined);
  const env = KubeEnv.of(cluster);
  env.startApiServer({ name: "apiserver-1", endpoints: ["n1", "n2", "n3"], compactionIntervalUs: 0 });
  const follower = ["n1", "n2", "n3"].find((name) => name !== cluster.leader()) as string;
  return { world, cluster, env, follower };
}

/** The endpoints of the API server's etcd requests from history operation `from` on. */
function endpointsSince(cluster: EtcdCluster, from: number): string[] {
  return cluster.history.operations.slice(from).filter((operation) => operation.process === "apiserver-1").map((operation) => operation.endpoint);
}

function endpointEvents(world: World): string[] {
  return (world.trace.events as TypedEvent[]).filter((event) => event.type === "kube.endpoint").map((event) => event["text"] as string);
}

const get = { verb: "get", resource: "configmaps", namespace: "default", name: "cfg" } as const;

describe("the API server's etcd endpoints", () => {
  it("go round robin: each request to the next member", () => {
    const { cluster, env } = lab();
    const from = cluster.history.operations.length;
    for (let index = 0; index < 4; index++) expect(env.request(get).ok).toBe(false);
    expect(endpointsSince(cluster, from)).toEqual(["n1", "n2", "n3", "n1"]);
  });

  it("give a crashed member up once, fail the requests stuck on it at once, and leave it out", () => {
    const { world, cluster, env, follower } = lab();
    world.applyFault({ kind: "crash", node: follower });
    const crashedAt = world.now;
    // A burst of six requests: two land on the dead member and wait there.
    const client = kubeClientActor(world, "burst", "apiserver-1").client;
    const outcomes: { at: number; outcome: KubeCallOutcome }[] = [];
    for (let index = 0; index < 6; index++) client.call(get, 60_000_000, (outcome) => outcomes.push({ at: world.now - crashedAt, outcome }));
    world.runFor(10_000_000, () => outcomes.length === 6);
    const stuck = outcomes.filter(({ outcome }) => !outcome.ok && outcome.status.code === 500);
    expect(stuck.map(({ outcome }) => (outcome.ok ? "" : outcome.status.message))).toEqual([
      "rpc error: code = Unavailable desc = keepalive ping failed to receive ACK within timeout",
      "rpc error: code = Unavailable desc = keepalive ping failed to receive ACK within timeout",
    ]);
    // A second of silence (checked every 500 ms), then a 2 s ping: out within 3.5 s.
    for (const { at } of stuck) expect(at).toBeLessThanOrEqual(3_600_000);
    const others = ["n1", "n2", "n3"].filter((name) => name !== follower).join(", ");
    expect(endpointEvents(world)).toEqual([
      `apiserver-1: etcd endpoint ${follower} left requests unanswered and did not answer a keepalive ping within 2s; the requests waiting on it fail, and new ones go to ${others} until it answers a probe`,
    ]);
    const from = cluster.history.operations.length;
    for (let index = 0; index < 6; index++) env.request(get);
    expect(endpointsSince(cluster, from)).not.toContain(follower);
    expect(new Set(endpointsSince(cluster, from)).size).toBe(2);
  });

  it("take a restarted member back once it answers a reconnect probe", () => {
    const { world, cluster, env, follower } = lab();
    world.applyFault({ kind: "crash", node: follower });
    const client = kubeClientActor(world, "burst", "apiserver-1").client;
    for (let index = 0; index < 3; index++) client.call(get, 60_000_000, () => undefined);
    world.runFor(5_000_000);
    world.applyFault({ kind: "restart", node: follower });
    world.runFor(30_000_000);
    expect(endpointEvents(world)[1]).toBe(`apiserver-1: etcd endpoint ${follower} answers again; it takes its turn for requests`);
    const from = cluster.history.operations.length;
    for (let index = 0; index < 3; index++) env.request(get);
    expect(new Set(endpointsSince(cluster, from))).toEqual(new Set(["n1", "n2", "n3"]));
  });
});
