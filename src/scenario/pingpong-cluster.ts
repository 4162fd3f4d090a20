/**
 * The `pingpong` cluster kind: the kernel alone, with no Raft and no etcd. Actors throw balls at
 * each other; scenarios of this kind show the network and the faults (latency, loss, partitions,
 * crashes, pauses) with nothing else in the way.
 */
import { z } from "zod";
import { spawnPingPong } from "../sim/pingpong.js";
import { defineCluster, type Lab } from "./registry.js";
import { durationSchema } from "./values.js";

defineCluster({
  name: "pingpong",
  summary: "actors throwing balls at each other: the network and faults with nothing else",
  schema: z.strictObject({
    members: z.number().int().min(2).max(9).default(3),
    "throw-every": durationSchema.default(10_000),
  }),
  bugs: [],
  create: (world, options): Lab => {
    const members = Array.from({ length: options.members }, (_, index) => `n${index + 1}`);
    spawnPingPong(world, members, options["throw-every"]);
    return { world, members, violations: () => [], finish: () => undefined };
  },
});
