/**
 * No lost update, none counted twice: N writers incrementing one counter through the API server with
 * RetryOnConflict, under random member crashes and partitions, end with data.count equal to the
 * increments that reported success (fast-check, fixed seed; the world's seed is not shrunk).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, EtcdCluster, summarizeMessage } from "../../src/etcd/cluster.js";
import { KubeEnv } from "../../src/kube/env.js";
import { World } from "../../src/sim/world.js";

const faultArbitrary = fc.record({
  atMs: fc.integer({ min: 0, max: 3000 }),
  kind: fc.constantFrom("crash" as const, "isolate" as const),
  node: fc.constantFrom("n1", "n2", "n3"),
  forMs: fc.integer({ min: 100, max: 4000 }),
});

describe("RetryOnConflict writers under faults", () => {
  it("end with data.count equal to the increments that reported success", () => {
    fc.assert(
      fc.property(fc.noShrink(fc.integer({ min: 1, max: 1_000_000 })), fc.integer({ min: 2, max: 4 }), fc.array(faultArbitrary, { maxLength: 3 }), (seed, writers, faults) => {
        const world = new World({ seed, summarize: summarizeMessage });
        const cluster = new EtcdCluster(world, { members: 3, settings: DEFAULT_SETTINGS, bugs: [], observe: false });
        world.runFor(10_000_000, () => cluster.leader() !== undefined);
        const env = KubeEnv.of(cluster);
        env.startApiServer({ name: "apiserver-1", endpoints: ["n1", "n2", "n3"], compactionIntervalUs: 0 });
        expect(env.request({ verb: "create", resource: "configmaps", namespace: "default", object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "counter" }, data: { count: "0" } } }).ok).toBe(true);
        const names = Array.from({ length: writers }, (_, index) => `w${index + 1}`);
        for (const name of names) env.startCounterWriter(name, { namespace: "default", configmap: "counter", increments: 6, retry: true, gapUs: 20_000 });
        const start = world.now;
        for (const fault of faults) {
          world.schedule(start + fault.atMs * 1000, () => world.applyFault(fault.kind === "crash" ? { kind: "crash", node: fault.node } : { kind: "partition", partition: { kind: "isolate", node: fault.node } }));
          world.schedule(start + (fault.atMs + fault.forMs) * 1000, () => cluster.healAll());
        }
        world.runFor(120_000_000);
        cluster.healAll();
        world.runFor(60_000_000);
        const reports = names.map((name) => env.writers.get(name));
        const succeeded = reports.reduce((total, report) => total + (report?.succeeded ?? 0), 0);
        const finished = reports.reduce((total, report) => total + (report?.succeeded ?? 0) + (report?.failed ?? 0), 0);
        expect(finished).toBe(writers * 6);
        const outcome = env.request({ verb: "get", resource: "configmaps", namespace: "default", name: "counter" });
        if (!outcome.ok || outcome.value.kind !== "object") throw new Error("the counter could be read");
        expect(Number((outcome.value.object["data"] as Record<string, string>)["count"])).toBe(succeeded);
      }),
      { seed: 20_240_501, numRuns: 12 },
    );
  });
});
