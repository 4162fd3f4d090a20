/**
 * Fuzzing throughput, history checking included (issue "Correctness at scale"), on one core:
 * - `fuzz.seeds_per_s`: seeds 1..N of `fuzzSeed` with 3 members (10 virtual seconds each, faults
 *   on), each client history then checked for linearizability as `fuzzSeed` does it with
 *   `checkLinearizability` (converted by `toEtcdHistory`, checked by `checkHistory`, no budget).
 *   The target is 200.
 * - `fuzz.simulation_ms_per_seed` and `fuzz.check_ms_per_seed`: how that time splits between
 *   running the simulation and checking the history (conversion included), per seed; the check's
 *   target is 2 ms.
 * - `fuzz.check_median_ms` and `fuzz.check_max_ms`: the median and the slowest single check.
 *
 * Both parts are timed in the same loop, seed after seed, as a fuzzing run interleaves them. A few
 * seeds outside 1..N warm the JIT first; then the N seeds run `P` times and the figures are those
 * of the fastest pass (the machine may be shared). `N` is the first argument (default 200), `P` the
 * second (default 3).
 */
import { collectGarbage, nowMs, report } from "./harness.js";
import { fuzzSeed } from "../src/fuzz/run-seed.js";
import { toEtcdHistory } from "../src/check/etcd-history.js";
import { checkHistory } from "../src/check/linearizability/check.js";
import { assert } from "../src/sim/errors.js";

const seeds = Number(process.argv[2] ?? 200);
assert(Number.isInteger(seeds) && seeds > 0, "the number of seeds is a positive integer");
const passes = Number(process.argv[3] ?? 3);
assert(Number.isInteger(passes) && passes > 0, "the number of passes is a positive integer");

function runSeed(seed: number): { readonly simulationMs: number; readonly checkMs: number; readonly operations: number; readonly linearizable: boolean | null } {
  const start = nowMs();
  const result = fuzzSeed(seed, { members: 3, bugs: [], checkLinearizability: false });
  const simulated = nowMs();
  const checked = checkHistory(toEtcdHistory(result.history.operations));
  const end = nowMs();
  return { simulationMs: simulated - start, checkMs: end - simulated, operations: result.operations, linearizable: checked.linearizable };
}

for (let seed = 1_000_001; seed <= 1_000_005; seed++) runSeed(seed);

interface Pass {
  simulationMs: number;
  checkMs: number;
  readonly checkTimesMs: number[];
  operations: number;
  readonly notLinearizable: number[];
  unknown: number;
}

function runPass(): Pass {
  const pass: Pass = { simulationMs: 0, checkMs: 0, checkTimesMs: [], operations: 0, notLinearizable: [], unknown: 0 };
  for (let seed = 1; seed <= seeds; seed++) {
    const run = runSeed(seed);
    pass.simulationMs += run.simulationMs;
    pass.checkMs += run.checkMs;
    pass.checkTimesMs.push(run.checkMs);
    pass.operations += run.operations;
    if (run.linearizable === false) pass.notLinearizable.push(seed);
    if (run.linearizable === null) pass.unknown++;
  }
  return pass;
}

let best: Pass | undefined;
for (let index = 0; index < passes; index++) {
  collectGarbage();
  const pass = runPass();
  if (best === undefined || pass.simulationMs + pass.checkMs < best.simulationMs + best.checkMs) best = pass;
}
const { simulationMs, checkMs, checkTimesMs, operations, notLinearizable, unknown } = best as Pass;
const totalMs = simulationMs + checkMs;
const sortedCheckTimesMs = [...checkTimesMs].sort((a, b) => a - b);

const round = (value: number, digits: number): number => Number(value.toFixed(digits));
report({
  name: "fuzz.seeds_per_s",
  unit: "seeds/s",
  value: round((seeds * 1000) / totalMs, 2),
  seeds,
  passes,
  target: 200,
  totalS: round(totalMs / 1000, 3),
  meanOperations: round(operations / seeds, 1),
  notLinearizable,
  unknown,
});
report({ name: "fuzz.simulation_ms_per_seed", unit: "ms", value: round(simulationMs / seeds, 3), seeds });
report({ name: "fuzz.check_ms_per_seed", unit: "ms", value: round(checkMs / seeds, 3), seeds, target: 2 });
report({ name: "fuzz.check_median_ms", unit: "ms", value: round(sortedCheckTimesMs[Math.floor(seeds / 2)] as number, 3), seeds });
report({ name: "fuzz.check_max_ms", unit: "ms", value: round(sortedCheckTimesMs[seeds - 1] as number, 3), seeds });
