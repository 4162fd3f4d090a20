/**
 * `etcdlab fuzz [--seeds N] [--from S] [--members 3|5|7] [--bug NAME] [--json]`: runs one random
 * cluster, workload and fault plan per seed (see src/fuzz/run-seed.ts) and reports every seed that
 * broke a safety or liveness property, with the command that reproduces it. Exit 0 when no seed
 * failed, 1 when one did.
 */
import { performance } from "node:perf_hooks";
import { flagBoolean, flagInteger, flagList, parseArgs, UsageError } from "../args.js";
import { type Command, EXIT_FAILED, EXIT_OK } from "../cli.js";
import type { CommandIo } from "../io.js";
import { fuzzSeed } from "../../fuzz/run-seed.js";
import { ETCD_BUGS } from "../../scenario/etcd-cluster.js";
import { closest } from "../../scenario/words.js";

export const command: Command = {
  name: "fuzz",
  usage: "fuzz [--seeds N] [--from S] [--members 3|5|7] [--bug NAME] [--json]",
  summary: "run random fault plans over many seeds and report every seed that breaks a property",
  run: async (argv, io) => fuzzCommand(argv, io),
};

export interface FuzzFailure {
  readonly seed: number;
  readonly kind: string;
  readonly detail: string;
  readonly repro: string;
}

const HISTORY_BUDGET_MS = 2_000;

async function fuzzCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, {
    seeds: { kind: "integer" },
    from: { kind: "integer" },
    members: { kind: "integer" },
    bug: { kind: "string", repeatable: true },
    json: { kind: "boolean" },
  });
  if (args.positionals.length > 0) throw new UsageError(`fuzz takes no arguments, got '${args.positionals[0]}'`);
  const seeds = flagInteger(args, "seeds") ?? 100;
  const from = flagInteger(args, "from") ?? 1;
  const members = flagInteger(args, "members") ?? 3;
  const bugs = flagList(args, "bug").map(String);
  if (seeds < 1) throw new UsageError(`flag '--seeds' must be at least 1 (got ${seeds})`);
  if (from < 0 || from + seeds - 1 > 2 ** 32 - 1) throw new UsageError(`seeds must lie between 0 and 4294967295 (got --from ${from} --seeds ${seeds})`);
  if (![3, 5, 7].includes(members)) throw new UsageError(`flag '--members' must be 3, 5 or 7 (got ${members})`);
  for (const bug of bugs) {
    if (!ETCD_BUGS.includes(bug)) {
      const hint = closest(bug, ETCD_BUGS);
      throw new UsageError(`unknown bug '${bug}'${hint ? `: did you mean '${hint}'?` : ` (known: ${ETCD_BUGS.join(", ")})`}`);
    }
  }
  const failures: FuzzFailure[] = [];
  let failedSeeds = 0;
  const started = performance.now();
  for (let seed = from; seed < from + seeds; seed++) {
    const result = fuzzSeed(seed, { members, bugs, checkLinearizability: true, historyBudgetMs: HISTORY_BUDGET_MS, now: () => performance.now() });
    if (result.violations.length === 0) continue;
    failedSeeds++;
    const repro = ["etcdlab fuzz --seeds 1", `--from ${seed}`, `--members ${members}`, ...bugs.map((bug) => `--bug ${bug}`)].join(" ");
    const first = result.violations[0];
    if (first !== undefined) failures.push({ seed, kind: first.kind, detail: first.detail, repro });
    if (!flagBoolean(args, "json")) io.write(`seed ${seed}: ${first?.kind}: ${first?.detail}\n  reproduce with: ${repro}\n`);
  }
  const elapsedMs = Math.round(performance.now() - started);
  if (flagBoolean(args, "json")) {
    io.write(`${JSON.stringify({ seeds, from, members, bugs, failed: failedSeeds, elapsedMs, violations: failures })}\n`);
  } else {
    const planted = bugs.length > 0 ? ` with planted bug${bugs.length > 1 ? "s" : ""} ${bugs.join(", ")}` : "";
    io.write(`${seeds} seed${seeds === 1 ? "" : "s"} (${from}..${from + seeds - 1}), ${members} members${planted}: ${failedSeeds === 0 ? "no seed failed" : `${failedSeeds} failed`} in ${(elapsedMs / 1000).toFixed(1)}s\n`);
  }
  return failedSeeds === 0 ? EXIT_OK : EXIT_FAILED;
}
