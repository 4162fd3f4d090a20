/**
 * Shrinking a failing seed's fault plan, as data: the simulator seed stays fixed (so the cluster
 * settings, the workload and every latency are drawn as before) and only the faults change. A
 * candidate plan is kept when the seed still fails with the same kind of first violation.
 *
 * The plan is cut into units: an episode (a fault and the record that undoes it: a crash and its
 * restart, a partition and the next heal, a slow disk and its return to speed...) or a leader-aimed
 * fault. Each round then
 * 1. removes units by delta debugging (Zeller's ddmin, complements only);
 * 2. turns each crash or isolation of one member into the same fault aimed at the leader (one
 *    record instead of two) where that still fails;
 * 3. halves each fault's duration while it still fails;
 * 4. does 1 and 3 again with every record a unit of its own (a crash may not need its restart: the
 *    liveness phase restarts every crashed member);
 * 5. removes two records at a time (two faults on one member merge into one when the first's undo
 *    and the second's start go together).
 * Rounds repeat while they remove something. Removing one fault moves every later random draw (the
 * network's latencies, the members' election timeouts), so a plan is rarely shrunk to its causes
 * alone; these steps get the planted bugs' plans to a handful of faults.
 *
 * Every candidate is a full run, and there are at most `SHRINK_RUNS_MAX` of them, so shrinking
 * always ends and is deterministic: the same failure shrinks to the same plan on any machine,
 * whatever the number of workers.
 */
import { assertNever } from "../sim/errors.js";
import type { Fault, TimedFault } from "../sim/faults.js";
import { MICROS_PER_MS, type Micros } from "../sim/time.js";
import { fuzzSeed, type FuzzOptions } from "./run-seed.js";
import type { LeaderFault } from "./schedule.js";

/** The most candidate runs one shrink may take. */
export const SHRINK_RUNS_MAX = 600;
/** A fault's duration is not halved below this. */
const DURATION_MIN_US: Micros = 1 * MICROS_PER_MS;

export interface FaultPlanData {
  readonly plan: readonly TimedFault[];
  readonly leaderFaults: readonly LeaderFault[];
}

export interface ShrinkResult extends FaultPlanData {
  /** Candidate runs taken (at most SHRINK_RUNS_MAX). */
  readonly runs: number;
}

/** How many faults a plan holds: its records plus its leader-aimed faults. */
export function faultCount(data: FaultPlanData): number {
  return data.plan.length + data.leaderFaults.length;
}

/** A record of the plan with its position, so that records at equal times keep their order. */
interface Positioned {
  readonly position: number;
  readonly record: TimedFault;
}

type Unit = { readonly kind: "episode"; readonly records: readonly Positioned[] } | { readonly kind: "leader"; readonly fault: LeaderFault };

/**
 * The smallest plan (within the run budget) with which `seed` still fails with a first violation
 * of kind `kind`. `options` are the seed's own fuzz options (members, bugs, history budget).
 */
export function shrinkPlan(seed: number, options: FuzzOptions, failing: FaultPlanData, kind: string): ShrinkResult {
  let runs = 0;
  const fails = (units: readonly Unit[]): boolean => {
    if (runs >= SHRINK_RUNS_MAX) return false;
    runs++;
    const candidate = planOf(units);
    const result = fuzzSeed(seed, { ...options, ...candidate, recordTrace: false, checkLinearizability: kind === "linearizability" });
    return result.violations[0]?.kind === kind;
  };
  let units: readonly Unit[] = unitsOf(failing);
  for (let count = Infinity; count > unitCount(units) && runs < SHRINK_RUNS_MAX; ) {
    count = unitCount(units);
    units = shortenUnits(aimAtLeader(removeUnits(units, fails), fails), fails);
    units = shortenUnits(unitsOf(planOf(removeUnits(units.flatMap(splitUnit), fails))), fails);
    units = unitsOf(planOf(removePairs(units.flatMap(splitUnit), fails)));
  }
  return { ...planOf(units), runs };
}

/** ddmin over units: remove chunks (halves, then quarters...) while the run still fails. */
function removeUnits(start: readonly Unit[], fails: (units: readonly Unit[]) => boolean): readonly Unit[] {
  if (start.length > 0 && fails([])) return [];
  let units = start;
  let chunks = 2;
  while (units.length >= 2) {
    const size = Math.ceil(units.length / chunks);
    let reduced = false;
    for (let first = 0; first < units.length; first += size) {
      const complement = [...units.slice(0, first), ...units.slice(first + size)];
      if (fails(complement)) {
        units = complement;
        chunks = Math.max(chunks - 1, 2);
        reduced = true;
        break;
      }
    }
    if (reduced) continue;
    if (chunks >= units.length) break;
    chunks = Math.min(units.length, chunks * 2);
  }
  return units;
}

/**
 * Removes two units at a time wherever one alone cannot go: two faults on one member merge into
 * one when the first's undo and the second's start go together.
 */
function removePairs(start: readonly Unit[], fails: (units: readonly Unit[]) => boolean): readonly Unit[] {
  let units = start;
  for (let first = 0; first < units.length; first++) {
    for (let second = first + 1; second < units.length; second++) {
      const candidate = units.filter((_, index) => index !== first && index !== second);
      if (fails(candidate)) {
        units = candidate;
        second = first;
      }
    }
  }
  return units;
}

/**
 * Replaces a crash of a member and its restart (or its isolation and the heal) with one fault aimed
 * at the leader, of the same duration: the same fault when that member was leading, in one record.
 */
function aimAtLeader(start: readonly Unit[], fails: (units: readonly Unit[]) => boolean): readonly Unit[] {
  const units = [...start];
  for (let index = 0; index < units.length; index++) {
    const unit = units[index] as Unit;
    const [begin, undo] = unit.kind === "episode" && unit.records.length === 2 ? unit.records : [];
    if (begin === undefined || undo === undefined) continue;
    const kind = begin.record.fault.kind === "crash" ? "bounce" : begin.record.fault.kind === "partition" && begin.record.fault.partition.kind === "isolate" ? "isolate" : undefined;
    if (kind === undefined) continue;
    const aimed: Unit = { kind: "leader", fault: { at: begin.record.at, kind, downUs: undo.record.at - begin.record.at } };
    const candidate = [...units.slice(0, index), aimed, ...units.slice(index + 1)];
    if (fails(candidate)) units[index] = aimed;
  }
  return units;
}

/** Halves each unit's duration (the time until its undo) while the run still fails. */
function shortenUnits(start: readonly Unit[], fails: (units: readonly Unit[]) => boolean): readonly Unit[] {
  const units = [...start];
  for (let index = 0; index < units.length; index++) {
    for (;;) {
      const shorter = shortened(units[index] as Unit);
      if (shorter === undefined) break;
      const candidate = [...units.slice(0, index), shorter, ...units.slice(index + 1)];
      if (!fails(candidate)) break;
      units[index] = shorter;
    }
  }
  return units;
}

/** The unit with half its duration, or undefined when it has none or it is already short. */
function shortened(unit: Unit): Unit | undefined {
  if (unit.kind === "leader") {
    const downUs = Math.floor(unit.fault.downUs / 2);
    return downUs < DURATION_MIN_US ? undefined : { kind: "leader", fault: { ...unit.fault, downUs } };
  }
  const [start, undo] = unit.records;
  if (start === undefined || undo === undefined || unit.records.length !== 2) return undefined;
  const durationUs = Math.floor((undo.record.at - start.record.at) / 2);
  if (durationUs < DURATION_MIN_US) return undefined;
  return { kind: "episode", records: [start, { position: undo.position, record: { ...undo.record, at: start.record.at + durationUs } }] };
}

function unitCount(units: readonly Unit[]): number {
  return faultCount(planOf(units));
}

/** An episode as one unit per record. */
function splitUnit(unit: Unit): Unit[] {
  return unit.kind === "leader" ? [unit] : unit.records.map((record) => ({ kind: "episode", records: [record] }));
}

/** Cuts a plan into units: each fault with the record that undoes it, and each leader-aimed fault. */
function unitsOf(data: FaultPlanData): Unit[] {
  const claimed = new Set<number>();
  const units: Unit[] = [];
  data.plan.forEach((record, position) => {
    if (claimed.has(position)) return;
    claimed.add(position);
    const undoPosition = data.plan.findIndex((later, laterPosition) => laterPosition > position && !claimed.has(laterPosition) && undoes(later.fault, record.fault));
    const records: Positioned[] = [{ position, record }];
    if (undoPosition >= 0) {
      claimed.add(undoPosition);
      records.push({ position: undoPosition, record: data.plan[undoPosition] as TimedFault });
    }
    units.push({ kind: "episode", records });
  });
  for (const fault of data.leaderFaults) units.push({ kind: "leader", fault });
  return units;
}

/** Whether `undo` ends what `fault` started. */
function undoes(undo: Fault, fault: Fault): boolean {
  switch (fault.kind) {
    case "crash":
      return undo.kind === "restart" && undo.node === fault.node;
    case "pause":
      return undo.kind === "resume" && undo.node === fault.node;
    case "partition":
      return undo.kind === "heal";
    case "slow-disk":
      return fault.factor !== 1 && undo.kind === "slow-disk" && undo.node === fault.node && undo.factor === 1;
    case "drift":
      return fault.rate !== 1 && undo.kind === "drift" && undo.node === fault.node && undo.rate === 1;
    case "network":
      return (fault.lossPpm > 0 || fault.duplicatePpm > 0 || fault.reorderPpm > 0) && undo.kind === "network" && undo.lossPpm === 0 && undo.duplicatePpm === 0 && undo.reorderPpm === 0;
    case "restart":
    case "resume":
    case "heal":
      return false;
    default:
      return assertNever(fault, "fault");
  }
}

/** The plan the units make: records in time order (and their first order at equal times). */
function planOf(units: readonly Unit[]): FaultPlanData {
  const records: Positioned[] = [];
  const leaderFaults: LeaderFault[] = [];
  for (const unit of units) {
    if (unit.kind === "episode") records.push(...unit.records);
    else leaderFaults.push(unit.fault);
  }
  records.sort((a, b) => a.record.at - b.record.at || a.position - b.position);
  leaderFaults.sort((a, b) => a.at - b.at);
  return { plan: records.map((entry) => entry.record), leaderFaults };
}
