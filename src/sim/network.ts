/**
 * The virtual network: per-link latency distributions, loss, duplication and reordering, and
 * partitions as data.
 *
 * Probabilities are integers in parts per million, drawn with `Prng.chance`, so a run never depends
 * on floating-point rounding of a probability. A partition is a value (`PartitionSpec`) that
 * resolves to a set of cut directed links among the named nodes; links that involve any other actor
 * (a client, say) are untouched unless a spec names it. The world checks cuts both when a message
 * is sent and when it would be delivered, as a firewall that drops packets would.
 */
import { assert, assertNever, InputError } from "./errors.js";
import type { Prng } from "./prng.js";
import type { Micros } from "./time.js";

export type LatencyDistribution =
  | { readonly kind: "constant"; readonly us: Micros }
  | { readonly kind: "uniform"; readonly minUs: Micros; readonly maxUs: Micros }
  | { readonly kind: "exponential"; readonly floorUs: Micros; readonly meanUs: Micros };

export const PPM = 1_000_000;

export interface LinkModel {
  readonly latency: LatencyDistribution;
  /** Probability (parts per million) that a message is lost. */
  readonly lossPpm: number;
  /** Probability (ppm) that a message is delivered twice (the copy with its own latency). */
  readonly duplicatePpm: number;
  /** Probability (ppm) that a message is held back by an extra uniform delay in [0, reorderDelayUs]. */
  readonly reorderPpm: number;
  readonly reorderDelayUs: Micros;
}

export const DEFAULT_LINK: LinkModel = {
  latency: { kind: "uniform", minUs: 1_000, maxUs: 5_000 },
  lossPpm: 0,
  duplicatePpm: 0,
  reorderPpm: 0,
  reorderDelayUs: 0,
};

export function sampleLatency(distribution: LatencyDistribution, random: Prng): Micros {
  switch (distribution.kind) {
    case "constant":
      return distribution.us;
    case "uniform":
      return random.range(distribution.minUs, distribution.maxUs);
    case "exponential": {
      const spread = distribution.meanUs - distribution.floorUs;
      return distribution.floorUs + Math.round(-Math.log(1 - random.unit()) * spread);
    }
    default:
      return assertNever(distribution, "latency distribution");
  }
}

export function validateLatency(distribution: LatencyDistribution, where: string): void {
  const bad = (message: string): never => {
    throw new InputError(`${where}: ${message}`);
  };
  switch (distribution.kind) {
    case "constant":
      if (!(distribution.us >= 0)) bad("latency must not be negative");
      return;
    case "uniform":
      if (!(distribution.minUs >= 0 && distribution.maxUs >= distribution.minUs)) bad("uniform latency needs 0 <= min <= max");
      return;
    case "exponential":
      if (!(distribution.floorUs >= 0 && distribution.meanUs >= distribution.floorUs)) {
        bad("exponential latency needs 0 <= floor <= mean");
      }
      return;
    default:
      assertNever(distribution, "latency distribution");
  }
}

/** Partitions as data. Node names are actor addresses. */
export type PartitionSpec =
  /** `node` can neither send to nor receive from any other node. */
  | { readonly kind: "isolate"; readonly node: string }
  /** Two sides (e.g. majority and minority): `minority` against every other node. */
  | { readonly kind: "split"; readonly minority: readonly string[] }
  /** Jepsen's bridge: `left` and `right` cannot talk; `bridge` talks to both. */
  | { readonly kind: "bridge"; readonly left: readonly string[]; readonly bridge: string; readonly right: readonly string[] }
  /** Majorities ring: in ring `order`, each node sees only its nearest neighbours, a majority in all. */
  | { readonly kind: "ring"; readonly order: readonly string[] }
  /** Asymmetric cut: messages from any of `from` to any of `to` are dropped; the reverse flows. */
  | { readonly kind: "one-way"; readonly from: readonly string[]; readonly to: readonly string[] }
  /** Arbitrary groups: nodes in different groups cannot talk. */
  | { readonly kind: "groups"; readonly groups: ReadonlyArray<readonly string[]> };

/** A directed cut: `from` → `to` is dropped. */
export interface Cut {
  readonly from: string;
  readonly to: string;
}

/**
 * The directed links a partition cuts. `nodes` is the universe of partitionable nodes (the members,
 * in their canonical order); names outside it are refused.
 */
export function resolvePartition(spec: PartitionSpec, nodes: readonly string[]): Cut[] {
  const known = new Set(nodes);
  const check = (names: readonly string[]): void => {
    for (const name of names) if (!known.has(name)) throw new InputError(`partition names unknown node '${name}'`);
  };
  const cuts: Cut[] = [];
  const cutBetween = (a: readonly string[], b: readonly string[], bothWays: boolean): void => {
    for (const from of a) {
      for (const to of b) {
        if (from === to) continue;
        cuts.push({ from, to });
        if (bothWays) cuts.push({ from: to, to: from });
      }
    }
  };
  switch (spec.kind) {
    case "isolate":
      check([spec.node]);
      cutBetween([spec.node], nodes.filter((node) => node !== spec.node), true);
      break;
    case "split": {
      check(spec.minority);
      const minority = new Set(spec.minority);
      cutBetween(spec.minority, nodes.filter((node) => !minority.has(node)), true);
      break;
    }
    case "bridge":
      check([...spec.left, spec.bridge, ...spec.right]);
      cutBetween(spec.left, spec.right, true);
      break;
    case "ring":
      check(spec.order);
      cutsOfRing(spec.order, cuts);
      break;
    case "one-way":
      check([...spec.from, ...spec.to]);
      cutBetween(spec.from, spec.to, false);
      break;
    case "groups":
      for (const group of spec.groups) check(group);
      for (let index = 0; index < spec.groups.length; index++) {
        for (let other = index + 1; other < spec.groups.length; other++) {
          cutBetween(spec.groups[index] as readonly string[], spec.groups[other] as readonly string[], true);
        }
      }
      break;
    default:
      assertNever(spec, "partition");
  }
  return cuts;
}

function cutsOfRing(order: readonly string[], cuts: Cut[]): void {
  const count = order.length;
  const majority = Math.floor(count / 2) + 1;
  const reach = Math.ceil((majority - 1) / 2);
  for (let index = 0; index < count; index++) {
    for (let other = 0; other < count; other++) {
      if (index === other) continue;
      const distance = Math.min((index - other + count) % count, (other - index + count) % count);
      if (distance > reach) cuts.push({ from: order[index] as string, to: order[other] as string });
    }
  }
  assert(reach * 2 + 1 >= majority, "a ring node must see a majority");
}

/** Describes a partition in words, for traces and narration: "n1 n2 | n3 n4 n5". */
export function describePartition(spec: PartitionSpec, nodes: readonly string[]): string {
  switch (spec.kind) {
    case "isolate":
      return `${spec.node} | ${nodes.filter((node) => node !== spec.node).join(" ")}`;
    case "split": {
      const minority = new Set(spec.minority);
      return `${spec.minority.join(" ")} | ${nodes.filter((node) => !minority.has(node)).join(" ")}`;
    }
    case "bridge":
      return `${spec.left.join(" ")} | ${spec.right.join(" ")} (bridged by ${spec.bridge})`;
    case "ring":
      return `majorities ring ${spec.order.join(" - ")}`;
    case "one-way":
      return `${spec.from.join(" ")} -/-> ${spec.to.join(" ")} (one way)`;
    case "groups":
      return spec.groups.map((group) => group.join(" ")).join(" | ");
    default:
      return assertNever(spec, "partition");
  }
}
