/**
 * fast-check arbitraries for whole-cluster property runs, as plain data so that a failing run
 * shrinks to a small one.
 *
 * A `PropertyPlan` is everything a run depends on: the simulator seed (latencies, elections, the
 * client workload; `noShrink`, since a different seed is a different run, not a smaller one), the
 * cluster (3, 5 or 7 members; ReadIndex or lease reads; pre-vote and check-quorum; entries per
 * append; how often members snapshot and how much log they keep behind a snapshot, small enough
 * that lagging members are sent snapshots), a fault plan (`{at, fault}` records of every Fault
 * kind) and cluster operations (`{at, operation}`: leader transfers, forced campaigns, membership
 * changes).
 *
 * Faults are drawn as episodes: a fault and, unless the episode lasts until the faults stop, the
 * record that undoes it (restart after crash, resume after pause, heal after a partition, normal
 * disk speed, clock rate and network). Shrinking drops whole episodes, drops undo records, moves
 * times earlier and makes faults milder. Membership changes come as single operations or as a
 * sequence (add a learner, promote it, remove a member), so that a 3-member cluster, which must
 * never drop below 3 voters, gets to remove one too.
 *
 * Lease reads are only safe while clocks drift within the configured bound (0.1) and no process
 * pauses (a paused leader does not see its lease run out): lease-read plans draw drift within ±4%,
 * as every plan does, and never pause a member.
 */
import fc from "fast-check";
import type { ClusterSettings } from "../../src/etcd/cluster.js";
import { assertNever } from "../../src/sim/errors.js";
import { describeFault, type Fault, type FaultPlan, type TimedFault } from "../../src/sim/faults.js";
import type { PartitionSpec } from "../../src/sim/network.js";
import { MICROS_PER_MS, type Micros } from "../../src/sim/time.js";

export type ReadMode = ClusterSettings["readOnly"];

export type ClusterOperation =
  /** The leader hands leadership to `to` (refused when `to` is not a voter, or is the leader). */
  | { readonly kind: "transfer-leader"; readonly to: string }
  /** `node` starts an election now, as if its election timer had fired. */
  | { readonly kind: "campaign"; readonly node: string }
  /** The leader adds `node` (a new member) as a learner; the member is started on acceptance. */
  | { readonly kind: "add-learner"; readonly node: string }
  /** The leader promotes the learner `node` to a voter, once it has caught up (etcd's rule). */
  | { readonly kind: "promote"; readonly node: string }
  /** The leader removes `node`, unless it is the leader or the cluster would keep fewer than 3 voters. */
  | { readonly kind: "remove-member"; readonly node: string };

export interface TimedOperation {
  readonly at: Micros;
  readonly operation: ClusterOperation;
}

export interface PropertyPlan {
  readonly simulatorSeed: number;
  readonly members: number;
  readonly readOnly: ReadMode;
  readonly preVote: boolean;
  /** Always true with lease reads, which rely on it. */
  readonly checkQuorum: boolean;
  readonly maxEntriesPerMessage: number;
  /** Applied entries between two snapshots of a member's state machine. */
  readonly snapshotEntries: number;
  /** Entries a member keeps in its log behind a snapshot. */
  readonly catchUpEntries: number;
  /** In time order. */
  readonly faults: FaultPlan;
  /** In time order. */
  readonly operations: readonly TimedOperation[];
}

/** Faults and operations start in this window; undo records and the later steps of a membership sequence follow. */
export const PLAN_FROM_US: Micros = 1_000 * MICROS_PER_MS;
export const PLAN_UNTIL_US: Micros = 6_000 * MICROS_PER_MS;
const MIN_EPISODE_US: Micros = 50 * MICROS_PER_MS;
const MAX_EPISODE_US: Micros = 3_000 * MICROS_PER_MS;
/** No record comes later (a membership sequence: its start, then two gaps of at most MAX_EPISODE_US). */
export const PLAN_LAST_US: Micros = PLAN_UNTIL_US + 2 * MAX_EPISODE_US;
const MAX_BLIP_US: Micros = 30 * MICROS_PER_MS;
const MAX_EPISODES = 12;
const MAX_OPERATIONS = 5;
/** Clock rates stay within 1 ± 4%: two clocks then differ by at most 8.3%, inside the 0.1 drift bound. */
const MAX_DRIFT_PERMILLE = 40;
export const MAX_DRIFT = MAX_DRIFT_PERMILLE / 1000;
const MAX_SLOW_DISK_FACTOR = 20;
const MAX_NETWORK_PPM = 100_000;

export function memberNames(members: number): string[] {
  return Array.from({ length: members }, (_, index) => `n${index + 1}`);
}

/** The one member a plan may add to the cluster: n4 for 3 members, n6 for 5, n8 for 7. */
export function newcomerOf(members: number): string {
  return `n${members + 1}`;
}

/** A whole-cluster plan for `members` members, with either read mode. */
export function propertyPlanArbitrary(members: number): fc.Arbitrary<PropertyPlan> {
  return fc.oneof(planWithReadMode(members, "safe"), planWithReadMode(members, "lease-based"));
}

function planWithReadMode(members: number, readOnly: ReadMode): fc.Arbitrary<PropertyPlan> {
  return fc
    .record({
      simulatorSeed: fc.noShrink(fc.noBias(fc.integer({ min: 1, max: 0x7fffffff }))),
      preVote: fc.constantFrom(true, false),
      checkQuorum: readOnly === "lease-based" ? fc.constant(true) : fc.constantFrom(true, false),
      maxEntriesPerMessage: fc.constantFrom(64, 1, 2, 4),
      snapshotEntries: fc.integer({ min: 10, max: 100 }),
      catchUpEntries: fc.integer({ min: 0, max: 20 }),
      episodes: fc.array(episodeArbitrary(members, readOnly), { maxLength: MAX_EPISODES, size: "max" }),
      operations: fc.array(operationsArbitrary(members), { maxLength: MAX_OPERATIONS, size: "max" }),
    })
    .map(({ episodes, operations, ...settings }) => ({
      ...settings,
      members,
      readOnly,
      faults: inTimeOrder(episodes.flat()),
      operations: inTimeOrder(operations.flat()),
    }));
}

function inTimeOrder<T extends { readonly at: Micros }>(records: readonly T[]): T[] {
  return [...records].sort((a, b) => a.at - b.at);
}

const timeArbitrary: fc.Arbitrary<Micros> = fc.integer({ min: PLAN_FROM_US / MICROS_PER_MS, max: PLAN_UNTIL_US / MICROS_PER_MS }).map((ms) => ms * MICROS_PER_MS);

const lengthArbitrary: fc.Arbitrary<Micros> = fc.integer({ min: MIN_EPISODE_US / MICROS_PER_MS, max: MAX_EPISODE_US / MICROS_PER_MS }).map((ms) => ms * MICROS_PER_MS);

/** Mostly episodes of 50 ms to 3 s; sometimes a blip of 1–30 ms (a crashed process its supervisor restarts at once). */
const episodeLengthArbitrary: fc.Arbitrary<Micros> = fc.oneof(
  { weight: 4, arbitrary: lengthArbitrary },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: MAX_BLIP_US / MICROS_PER_MS }).map((ms) => ms * MICROS_PER_MS) },
);

/** A fault at a time and, unless the length is null (it lasts until the faults stop), its undo. */
function episodeArbitrary(members: number, readOnly: ReadMode): fc.Arbitrary<TimedFault[]> {
  return fc.record({ at: timeArbitrary, length: fc.option(episodeLengthArbitrary, { freq: 4 }), fault: faultArbitrary(members, readOnly) }).map(({ at, length, fault }) => {
    const start: TimedFault = { at, fault };
    return length === null ? [start] : [start, { at: at + length, fault: undoOf(fault) }];
  });
}

/** The fault that ends `fault`. */
export function undoOf(fault: Fault): Fault {
  switch (fault.kind) {
    case "crash":
    case "restart":
      return { kind: "restart", node: fault.node };
    case "pause":
    case "resume":
      return { kind: "resume", node: fault.node };
    case "partition":
    case "heal":
      return { kind: "heal" };
    case "slow-disk":
      return { kind: "slow-disk", node: fault.node, factor: 1 };
    case "drift":
      return { kind: "drift", node: fault.node, rate: 1 };
    case "network":
      return { kind: "network", lossPpm: 0, duplicatePpm: 0, reorderPpm: 0 };
    default:
      return assertNever(fault, "fault");
  }
}

/**
 * Every Fault kind that starts something. Node faults may name the newcomer, and are skipped while
 * it has not joined. Partitions name the founding members only: a newcomer that joined is cut from
 * an isolated node and from a split's named side, and talks to everyone under the other shapes.
 */
function faultArbitrary(members: number, readOnly: ReadMode): fc.Arbitrary<Fault> {
  const node = fc.constantFrom(...memberNames(members), newcomerOf(members));
  const kinds: Array<fc.WeightedArbitrary<Fault>> = [
    { weight: 4, arbitrary: partitionArbitrary(memberNames(members)).map((partition): Fault => ({ kind: "partition", partition })) },
    { weight: 3, arbitrary: node.map((name): Fault => ({ kind: "crash", node: name })) },
    {
      weight: 1,
      arbitrary: fc.record({ node, factor: fc.integer({ min: 2, max: MAX_SLOW_DISK_FACTOR }) }).map(({ node: name, factor }): Fault => ({ kind: "slow-disk", node: name, factor })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ node, permille: fc.integer({ min: -MAX_DRIFT_PERMILLE, max: MAX_DRIFT_PERMILLE }).filter((permille) => permille !== 0) })
        .map(({ node: name, permille }): Fault => ({ kind: "drift", node: name, rate: (1000 + permille) / 1000 })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ lossPpm: networkPpm, duplicatePpm: networkPpm, reorderPpm: networkPpm })
        .map(({ lossPpm, duplicatePpm, reorderPpm }): Fault => ({ kind: "network", lossPpm, duplicatePpm, reorderPpm })),
    },
  ];
  if (readOnly === "safe") kinds.push({ weight: 2, arbitrary: node.map((name): Fault => ({ kind: "pause", node: name })) });
  return fc.oneof(...kinds);
}

const networkPpm = fc.integer({ min: 0, max: MAX_NETWORK_PPM });

/** Every partition shape the network supports, over `nodes` (at least 3). */
export function partitionArbitrary(nodes: readonly string[]): fc.Arbitrary<PartitionSpec> {
  const count = nodes.length;
  const order = fc.shuffledSubarray([...nodes], { minLength: count, maxLength: count });
  const cut = (min: number, max: number) => fc.integer({ min, max });
  return fc.oneof(
    fc.constantFrom(...nodes).map((node): PartitionSpec => ({ kind: "isolate", node })),
    fc.shuffledSubarray([...nodes], { minLength: 1, maxLength: count - 1 }).map((minority): PartitionSpec => ({ kind: "split", minority })),
    fc.tuple(order, cut(1, count - 2)).map(([names, split]): PartitionSpec => {
      const [bridge, ...rest] = names as [string, ...string[]];
      return { kind: "bridge", left: rest.slice(0, split), bridge, right: rest.slice(split) };
    }),
    order.map((names): PartitionSpec => ({ kind: "ring", order: names })),
    fc.tuple(order, cut(1, count - 1), cut(1, count - 1)).map(([names, fromCount, toCount]): PartitionSpec => {
      const toEnd = Math.min(count, fromCount + toCount);
      return { kind: "one-way", from: names.slice(0, fromCount), to: names.slice(fromCount, toEnd) };
    }),
    fc.array(fc.integer({ min: 0, max: count - 1 }), { minLength: count, maxLength: count }).map((groupOf): PartitionSpec => {
      const groups = new Map<number, string[]>();
      nodes.forEach((node, index) => {
        const group = groupOf[index] as number;
        groups.set(group, [...(groups.get(group) ?? []), node]);
      });
      return { kind: "groups", groups: [...groups.keys()].sort((a, b) => a - b).map((group) => groups.get(group) as string[]) };
    }),
  );
}

/** One operation, or a membership sequence: add the newcomer as a learner, promote it, remove a member. */
function operationsArbitrary(members: number): fc.Arbitrary<TimedOperation[]> {
  const names = memberNames(members);
  const newcomer = newcomerOf(members);
  const anyone = fc.constantFrom(...names, newcomer);
  const single = fc.record({
    at: timeArbitrary,
    operation: fc.oneof(
      { weight: 3, arbitrary: anyone.map((to): ClusterOperation => ({ kind: "transfer-leader", to })) },
      { weight: 1, arbitrary: anyone.map((node): ClusterOperation => ({ kind: "campaign", node })) },
      { weight: 1, arbitrary: fc.constant<ClusterOperation>({ kind: "add-learner", node: newcomer }) },
      { weight: 1, arbitrary: fc.constant<ClusterOperation>({ kind: "promote", node: newcomer }) },
      { weight: 2, arbitrary: anyone.map((node): ClusterOperation => ({ kind: "remove-member", node })) },
    ),
  });
  const sequence = fc.record({ at: timeArbitrary, promoteAfter: lengthArbitrary, removeAfter: lengthArbitrary, removed: anyone }).map(({ at, promoteAfter, removeAfter, removed }): TimedOperation[] => [
    { at, operation: { kind: "add-learner", node: newcomer } },
    { at: at + promoteAfter, operation: { kind: "promote", node: newcomer } },
    { at: at + promoteAfter + removeAfter, operation: { kind: "remove-member", node: removed } },
  ]);
  return fc.oneof({ weight: 3, arbitrary: single.map((operation) => [operation]) }, { weight: 1, arbitrary: sequence });
}

export function describeOperation(operation: ClusterOperation): string {
  switch (operation.kind) {
    case "transfer-leader":
      return `transfer leadership to ${operation.to}`;
    case "campaign":
      return `${operation.node} campaigns`;
    case "add-learner":
      return `add ${operation.node} as a learner`;
    case "promote":
      return `promote ${operation.node} to a voter`;
    case "remove-member":
      return `remove ${operation.node}`;
    default:
      return assertNever(operation, "cluster operation");
  }
}

export function formatTime(at: Micros): string {
  return `${(at / 1_000_000).toFixed(3)}s`;
}

/** The plan in words, one record per line (`at 2.300s: partition n1 | n2 n3`), faults and operations merged in time order. */
export function describePlan(plan: PropertyPlan): string {
  const names = memberNames(plan.members);
  const lines = [
    `simulator seed ${plan.simulatorSeed}, ${plan.members} members, ${plan.readOnly === "safe" ? "ReadIndex (safe) reads" : "lease-based reads"}, ` +
      `pre-vote ${onOff(plan.preVote)}, check-quorum ${onOff(plan.checkQuorum)}, at most ${plan.maxEntriesPerMessage} entries per append, ` +
      `a snapshot every ${plan.snapshotEntries} applied entries keeping ${plan.catchUpEntries} behind`,
  ];
  const records = [
    ...plan.faults.map((record) => ({ at: record.at, text: describeFault(record.fault, names) })),
    ...plan.operations.map((record) => ({ at: record.at, text: describeOperation(record.operation) })),
  ].sort((a, b) => a.at - b.at);
  if (records.length === 0) lines.push("no faults and no operations");
  for (const record of records) lines.push(`at ${formatTime(record.at)}: ${record.text}`);
  return lines.join("\n");
}

function onOff(on: boolean): string {
  return on ? "on" : "off";
}

/** How many records (faults and operations) a plan has. */
export function planSize(plan: PropertyPlan): number {
  return plan.faults.length + plan.operations.length;
}
