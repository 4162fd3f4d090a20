import { describe, expect, it } from "vitest";
import { Trace, type SimEvent, type TypedEvent } from "../../src/sim/trace.js";
import { type ActorContext, World } from "../../src/sim/world.js";
import { DEFAULT_LINK, type LinkModel, resolvePartition, sampleLatency } from "../../src/sim/network.js";
import { Prng } from "../../src/sim/prng.js";

interface Log {
  deliveries: Array<{ time: number; to: string; from: string; message: unknown }>;
  timers: Array<{ time: number; node: string; tag: number }>;
  fsyncs: Array<{ time: number; node: string; token: number }>;
  starts: Array<{ time: number; node: string; persisted: unknown }>;
}

function recorderWorld(link: Partial<LinkModel> = {}, names = ["n1", "n2", "n3"], seed = 1) {
  const log: Log = { deliveries: [], timers: [], fsyncs: [], starts: [] };
  const contexts = new Map<string, ActorContext>();
  const trace = new Trace<TypedEvent>(true);
  const world = new World({ seed, trace, defaultLink: { ...DEFAULT_LINK, latency: { kind: "constant", us: 1000 }, ...link }, fsyncLatency: { kind: "constant", us: 2000 } });
  for (const name of names) {
    world.spawn(
      name,
      (context) => {
        contexts.set(name, context);
        log.starts.push({ time: world.now, node: name, persisted: context.disk.read("state") });
        return {
          onMessage: (from, message) => log.deliveries.push({ time: world.now, to: name, from, message }),
          onTimer: (tag) => log.timers.push({ time: world.now, node: name, tag }),
          onFsync: (token) => log.fsyncs.push({ time: world.now, node: name, token }),
        };
      },
      { partitionable: true },
    );
  }
  const context = (name: string) => contexts.get(name) as ActorContext;
  return { world, log, context, trace };
}

describe("World: time and the event queue", () => {
  it("delivers after the link latency and runs equal-time events in insertion order", () => {
    const { world, log, context } = recorderWorld();
    world.schedule(10, () => {
      context("n1").send("n2", "first");
      context("n3").send("n2", "second");
      context("n1").send("n2", "third");
    });
    world.runUntil(5_000);
    expect(log.deliveries.map((d) => [d.time, d.from, d.message])).toEqual([
      [1010, "n1", "first"],
      [1010, "n3", "second"],
      [1010, "n1", "third"],
    ]);
    expect(world.now).toBe(5_000);
  });

  it("samples constant, uniform and exponential latencies within their bounds", () => {
    const random = new Prng(3);
    expect(sampleLatency({ kind: "constant", us: 7 }, random)).toBe(7);
    for (let index = 0; index < 1000; index++) {
      const uniform = sampleLatency({ kind: "uniform", minUs: 100, maxUs: 200 }, random);
      expect(uniform).toBeGreaterThanOrEqual(100);
      expect(uniform).toBeLessThanOrEqual(200);
      expect(sampleLatency({ kind: "exponential", floorUs: 500, meanUs: 1500 }, random)).toBeGreaterThanOrEqual(500);
    }
    let total = 0;
    for (let index = 0; index < 20_000; index++) total += sampleLatency({ kind: "exponential", floorUs: 500, meanUs: 1500 }, random);
    expect(total / 20_000).toBeGreaterThan(1400);
    expect(total / 20_000).toBeLessThan(1600);
  });
});

describe("World: network faults", () => {
  it("loses about the configured fraction of messages and traces each loss", () => {
    const { world, log, trace, context } = recorderWorld({ lossPpm: 100_000 });
    world.schedule(0, () => {
      for (let index = 0; index < 2000; index++) context("n1").send("n2", index);
    });
    world.runUntil(10_000);
    const drops = (trace.events as SimEvent[]).filter((event) => event.type === "net.drop" && event.reason === "loss").length;
    expect(log.deliveries.length + drops).toBe(2000);
    expect(drops).toBeGreaterThan(150);
    expect(drops).toBeLessThan(250);
  });

  it("duplicates messages, and reorders them with an extra delay", () => {
    const duplicated = recorderWorld({ duplicatePpm: 1_000_000 });
    duplicated.world.schedule(0, () => duplicated.context("n1").send("n2", "once"));
    duplicated.world.runUntil(10_000);
    expect(duplicated.log.deliveries.map((d) => d.message)).toEqual(["once", "once"]);

    const reordered = recorderWorld({ reorderPpm: 500_000, reorderDelayUs: 50_000 });
    reordered.world.schedule(0, () => {
      for (let index = 0; index < 100; index++) reordered.context("n1").send("n2", index);
    });
    reordered.world.runUntil(100_000);
    const order = reordered.log.deliveries.map((d) => d.message as number);
    expect(order).toHaveLength(100);
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
  });

  it("resolves every partition shape to the exact directed cuts", () => {
    const nodes = ["n1", "n2", "n3", "n4", "n5"];
    const cutsOf = (spec: Parameters<typeof resolvePartition>[0]) =>
      resolvePartition(spec, nodes).map(({ from, to }) => `${from}>${to}`).sort();
    expect(cutsOf({ kind: "isolate", node: "n1" })).toEqual(["n1>n2", "n1>n3", "n1>n4", "n1>n5", "n2>n1", "n3>n1", "n4>n1", "n5>n1"]);
    expect(cutsOf({ kind: "split", minority: ["n1", "n2"] })).toHaveLength(12);
    expect(cutsOf({ kind: "bridge", left: ["n1", "n2"], bridge: "n3", right: ["n4", "n5"] })).toEqual(
      ["n1>n4", "n1>n5", "n2>n4", "n2>n5", "n4>n1", "n4>n2", "n5>n1", "n5>n2"],
    );
    // In a ring of 5, each node keeps its two neighbours (3 of 5 with itself: a majority) and loses the other two.
    const ring = cutsOf({ kind: "ring", order: nodes });
    expect(ring).toHaveLength(10);
    expect(ring.filter((cut) => cut.startsWith("n1>"))).toEqual(["n1>n3", "n1>n4"]);
    expect(cutsOf({ kind: "one-way", from: ["n1"], to: ["n2", "n3"] })).toEqual(["n1>n2", "n1>n3"]);
    expect(cutsOf({ kind: "groups", groups: [["n1"], ["n2", "n3"], ["n4", "n5"]] })).toHaveLength(16);
  });

  it("drops messages across a partition, in one direction only for a one-way cut, and heals", () => {
    const { world, log, context } = recorderWorld();
    world.applyFault({ kind: "partition", partition: { kind: "one-way", from: ["n1"], to: ["n2"] } });
    world.schedule(0, () => {
      context("n1").send("n2", "cut");
      context("n2").send("n1", "flows");
      context("n1").send("n3", "flows too");
    });
    world.runUntil(5_000);
    expect(log.deliveries.map((d) => d.message)).toEqual(["flows", "flows too"]);
    world.applyFault({ kind: "heal" });
    world.schedule(world.now, () => context("n1").send("n2", "healed"));
    world.runUntil(10_000);
    expect(log.deliveries.map((d) => d.message)).toContain("healed");
  });

  it("drops a message in flight when a partition starts before it arrives", () => {
    const { world, log, context, trace } = recorderWorld();
    world.schedule(0, () => context("n1").send("n2", "late"));
    world.schedule(500, () => world.applyFault({ kind: "partition", partition: { kind: "isolate", node: "n2" } }));
    world.runUntil(5_000);
    expect(log.deliveries).toEqual([]);
    expect((trace.events as SimEvent[]).some((event) => event.type === "net.drop" && event.reason === "partition")).toBe(true);
  });
});

describe("World: disks, crashes, pauses and clocks", () => {
  it("makes a write durable only when a later fsync completes; a crash loses the rest", () => {
    const { world, log, context } = recorderWorld();
    world.schedule(0, () => {
      const disk = context("n1").disk;
      disk.set("state", "v1");
      context("n1").fsync();
      disk.set("state", "v2");
      expect(disk.read("state")).toBe("v2");
      expect(disk.readDurable("state")).toBeUndefined();
    });
    world.runUntil(2_000);
    expect(log.fsyncs).toEqual([{ time: 2000, node: "n1", token: 1 }]);
    expect(world.disk("n1").readDurable("state")).toBe("v1");
    world.applyFault({ kind: "crash", node: "n1" });
    world.applyFault({ kind: "restart", node: "n1" });
    expect(log.starts.filter((start) => start.node === "n1").map((start) => start.persisted)).toEqual([undefined, "v1"]);
  });

  it("completes fsyncs in order, and a slow disk multiplies their latency", () => {
    const { world, log, context } = recorderWorld();
    world.applyFault({ kind: "slow-disk", node: "n2", factor: 10 });
    world.schedule(0, () => {
      context("n2").fsync();
      context("n2").fsync();
    });
    world.runUntil(100_000);
    expect(log.fsyncs).toEqual([
      { time: 20_000, node: "n2", token: 1 },
      { time: 40_000, node: "n2", token: 2 },
    ]);
  });

  it("drops messages to a crashed node and forgets its timers; a restart starts afresh", () => {
    const { world, log, context } = recorderWorld();
    world.schedule(0, () => {
      context("n2").setTimer(5_000, 7);
      context("n1").send("n2", "lost");
    });
    world.schedule(100, () => world.applyFault({ kind: "crash", node: "n2" }));
    world.runUntil(10_000);
    expect(log.deliveries).toEqual([]);
    expect(log.timers).toEqual([]);
    expect(world.status("n2")).toBe("crashed");
    world.applyFault({ kind: "restart", node: "n2" });
    expect(world.status("n2")).toBe("up");
  });

  it("holds a paused node's timers and messages, and gives them in order when it resumes", () => {
    const { world, log, context } = recorderWorld();
    world.schedule(0, () => {
      context("n2").setTimer(1_500, 1);
      context("n1").send("n2", "a");
      context("n3").send("n2", "b");
    });
    world.schedule(500, () => world.applyFault({ kind: "pause", node: "n2" }));
    world.schedule(30_000, () => world.applyFault({ kind: "resume", node: "n2" }));
    world.runUntil(40_000);
    expect(log.deliveries.map((d) => [d.time, d.message])).toEqual([
      [30_000, "a"],
      [30_000, "b"],
    ]);
    expect(log.timers).toEqual([{ time: 30_000, node: "n2", tag: 1 }]);
  });

  it("cancels timers: queued, held for a paused node, and past the timer table's slots; a cancelled timer is no event", () => {
    const { world, log, context } = recorderWorld();
    const ids: number[] = [];
    world.schedule(0, () => {
      // More timers armed at once than the table has slots: the later ones go to its overflow map.
      for (let tag = 0; tag < 5_000; tag++) ids.push(context("n1").setTimer(1_000 + tag, tag));
      for (let tag = 1; tag < 5_000; tag += 2) context("n1").cancelTimer(ids[tag] as number);
      // Another node's context cannot cancel n1's timer.
      context("n2").cancelTimer(ids[0] as number);
    });
    world.runUntil(10_000);
    expect(log.timers.map((timer) => timer.tag)).toEqual(Array.from({ length: 2_500 }, (_, index) => 2 * index));
    expect(log.timers[0]).toEqual({ time: 1_000, node: "n1", tag: 0 });
    // The scheduled call and the 2,500 timers that fired.
    expect(world.eventsProcessed).toBe(2_501);

    const held: number[] = [];
    world.schedule(11_000, () => {
      held.push(context("n2").setTimer(1_000, 5_001), context("n2").setTimer(1_000, 5_002));
    });
    world.schedule(11_500, () => world.applyFault({ kind: "pause", node: "n2" }));
    world.schedule(13_000, () => context("n2").cancelTimer(held[0] as number));
    world.schedule(20_000, () => world.applyFault({ kind: "resume", node: "n2" }));
    world.runUntil(30_000);
    expect(log.timers.slice(2_500)).toEqual([{ time: 20_000, node: "n2", tag: 5_002 }]);
  });

  it("runs a drifting node's clock and timers at its rate", () => {
    const { world, log, context } = recorderWorld();
    world.applyFault({ kind: "drift", node: "n1", rate: 0.5 });
    world.schedule(1_000, () => context("n1").setTimer(10_000, 3));
    world.runUntil(100_000);
    expect(log.timers).toEqual([{ time: 21_000, node: "n1", tag: 3 }]);
    expect(context("n1").now()).toBe(50_000);
    world.applyFault({ kind: "drift", node: "n1", rate: 2 });
    world.runUntil(110_000);
    expect(context("n1").now()).toBe(70_000);
  });

  it("applies a fault plan at its times and traces each fault", () => {
    const { world, trace } = recorderWorld();
    world.scheduleFaults([
      { at: 1_000, fault: { kind: "crash", node: "n3" } },
      { at: 2_000, fault: { kind: "restart", node: "n3" } },
    ]);
    world.runUntil(1_500);
    expect(world.status("n3")).toBe("crashed");
    world.runUntil(2_500);
    expect(world.status("n3")).toBe("up");
    expect(trace.events.filter((event) => event.type === "fault").map((event) => event.text)).toEqual(["crash n3", "restart n3"]);
  });
});

describe("World: running until a call answers", () => {
  it("runs until the answer and stops there, leaving later events queued", () => {
    const world = new World({ seed: 1 });
    const ran: number[] = [];
    world.schedule(4_000, () => ran.push(world.now));
    const answer = world.runUntilAnswered<string>(10_000, (done) => world.schedule(3_000, () => done("pong")));
    expect([answer, world.now, ran, world.pendingEvents]).toEqual(["pong", 3_000, [], 1]);
  });

  it("refuses, as a bug, a call that does not answer within its timeout", () => {
    const world = new World({ seed: 1 });
    expect(() => world.runUntilAnswered<string>(1_000, (done) => world.schedule(5_000, () => done("late")))).toThrow(
      "assertion failed: a call bounded by a 1000 µs timeout gave no answer",
    );
    expect(world.now).toBe(1_001);
  });
});
