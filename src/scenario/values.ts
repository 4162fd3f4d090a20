/**
 * zod schemas for the values scenario files are made of: durations with units, probabilities,
 * latency distributions, node names and partitions. Each turns YAML text into the kernel's data.
 */
import { z } from "zod";
import { type LatencyDistribution, type PartitionSpec, PPM } from "../sim/network.js";
import { parseDuration, type Micros } from "../sim/time.js";

/** "250ms", "2s", "1h": a duration with a unit, in microseconds. */
export const durationSchema = z.union([z.string(), z.number()], { error: "expected a duration with a unit, e.g. '250ms'" }).transform((text, context): Micros => {
  try {
    return parseDuration(String(text));
  } catch (error) {
    context.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

/** "1%" or 0.01: a probability, in parts per million. */
export const probabilitySchema = z.union([z.number(), z.string()]).transform((value, context): number => {
  const fraction = typeof value === "number" ? value : /^\d+(\.\d+)?%$/.test(value) ? Number(value.slice(0, -1)) / 100 : Number.NaN;
  if (!(fraction >= 0 && fraction <= 1)) {
    context.addIssue({ code: "custom", message: `expected a probability such as 0.01 or '1%' (got '${value}')` });
    return z.NEVER;
  }
  return Math.round(fraction * PPM);
});

export const latencySchema = z.union([
  durationSchema.transform((us): LatencyDistribution => ({ kind: "constant", us })),
  z.strictObject({ uniform: z.tuple([durationSchema, durationSchema]) }).transform(
    ({ uniform: [minUs, maxUs] }): LatencyDistribution => ({ kind: "uniform", minUs, maxUs }),
  ),
  z.strictObject({ exponential: z.strictObject({ floor: durationSchema, mean: durationSchema }) }).transform(
    ({ exponential }): LatencyDistribution => ({ kind: "exponential", floorUs: exponential.floor, meanUs: exponential.mean }),
  ),
], { error: "expected a latency: a duration ('2ms'), {uniform: [1ms, 5ms]} or {exponential: {floor: 1ms, mean: 5ms}}" });

export const nodeSchema = z.string().regex(/^[a-z][a-z0-9-]*$/, "expected a node name such as 'n1'");
const nodeList = z.array(nodeSchema).min(1);

/** Partitions: a shorthand string "n1 n2 | n3 n4 n5" (groups) or one of the named shapes. */
export const partitionSchema = z.union([
  z.string().regex(/\|/, "a partition string separates groups with '|', e.g. 'n1 | n2 n3'").transform((text): PartitionSpec => ({
    kind: "groups",
    groups: text.split("|").map((group) => group.trim().split(/\s+/).filter((name) => name.length > 0)),
  })),
  z.strictObject({ isolate: nodeSchema }).transform(({ isolate }): PartitionSpec => ({ kind: "isolate", node: isolate })),
  z.strictObject({ split: nodeList }).transform(({ split }): PartitionSpec => ({ kind: "split", minority: split })),
  z.strictObject({ bridge: z.strictObject({ left: nodeList, bridge: nodeSchema, right: nodeList }) }).transform(
    ({ bridge }): PartitionSpec => ({ kind: "bridge", ...bridge }),
  ),
  z.strictObject({ ring: nodeList }).transform(({ ring }): PartitionSpec => ({ kind: "ring", order: ring })),
  z.strictObject({ "one-way": z.strictObject({ from: nodeList, to: nodeList }) }).transform(
    ({ "one-way": cut }): PartitionSpec => ({ kind: "one-way", from: cut.from, to: cut.to }),
  ),
  z.strictObject({ groups: z.array(nodeList).min(2) }).transform(({ groups }): PartitionSpec => ({ kind: "groups", groups })),
], { error: "expected a partition: 'n1 | n2 n3', {isolate: n1}, {split: [n1]}, {bridge: {left, bridge, right}}, {ring: [...]}, {one-way: {from, to}} or {groups: [[...], [...]]}" }).superRefine((spec, context) => {
  const problem = partitionProblem(spec);
  if (problem !== undefined) context.addIssue({ code: "custom", message: problem });
});

/** A shape that cuts nothing it seems to: an empty group, a node in two groups or in two roles. */
function partitionProblem(spec: PartitionSpec): string | undefined {
  switch (spec.kind) {
    case "isolate":
    case "split":
      return undefined;
    case "groups": {
      const empty = spec.groups.findIndex((group) => group.length === 0);
      if (empty >= 0) return `partition group ${empty + 1} of ${spec.groups.length} is empty (e.g. 'n1 | n2 n3')`;
      const twice = repeated(spec.groups.flat());
      return twice === undefined ? undefined : `partition puts ${twice} in two groups`;
    }
    case "bridge":
    case "ring":
    case "one-way": {
      const names = spec.kind === "bridge" ? [...spec.left, spec.bridge, ...spec.right] : spec.kind === "ring" ? spec.order : [...spec.from, ...spec.to];
      const twice = repeated(names);
      return twice === undefined ? undefined : `partition names ${twice} twice`;
    }
  }
}

function repeated(names: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}
