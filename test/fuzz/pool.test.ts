/**
 * The worker pool: shards split a sweep without overlap, and a sweep finds the same failures (and
 * reproduces them into the same files) whatever the number of worker threads. Worker threads need
 * the compiled worker script, so the second test builds dist/ and runs `etcdlab fuzz` from it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runJobs } from "../../src/fuzz/pool.js";
import { shardSeeds, type SweepConfig } from "../../src/fuzz/sweep.js";

const ROOT = join(import.meta.dirname, "../..");

describe("shards", () => {
  it("take every n-th seed from the i-th, and together make up the sweep once", () => {
    expect(shardSeeds(10, 10, { index: 2, count: 3 })).toEqual([11, 14, 17]);
    expect(shardSeeds(10, 10, undefined)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const shards = [1, 2, 3, 4].map((index) => shardSeeds(1, 10, { index, count: 4 }));
    expect(shards).toEqual([[1, 5, 9], [2, 6, 10], [3, 7], [4, 8]]);
    expect(shardSeeds(1, 2, { index: 3, count: 4 })).toEqual([]);
  });
});

describe("the pool", () => {
  const config: SweepConfig = { members: 3, bugs: ["no-truncate-on-conflict"], historyBudgetMs: 60_000 };
  const jobs = [17, 18, 19, 20].map((seed) => ({ type: "seed" as const, seed }));

  it("without a worker script runs every job in this thread, reporting each as it ends, results in job order", async () => {
    const reported: number[] = [];
    const results = await runJobs(jobs, { workers: 4, workerScript: undefined, config, now: () => performance.now() }, (index) => reported.push(index));
    expect(reported).toEqual([0, 1, 2, 3]);
    expect(results.map((result) => (result.type === "seed" ? result.outcome.seed : 0))).toEqual([17, 18, 19, 20]);
    expect(results.map((result) => (result.type === "seed" ? result.outcome.failure?.kind ?? "ok" : ""))).toEqual(["ok", "ok", "log-matching", "ok"]);
  });
});

describe("etcdlab fuzz on worker threads (from dist/)", () => {
  const scratch = mkdtempSync(join(tmpdir(), "etcdlab-pool-"));

  beforeAll(() => {
    // Compiles src/ into dist/ (without type checking: `npm run typecheck` does that).
    execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--noCheck"], { cwd: ROOT });
  });

  function fuzz(workers: number): { report: Record<string, unknown>; out: string } {
    const out = join(scratch, `workers-${workers}`);
    const argv = [join(ROOT, "dist/cli/main.js"), "fuzz", "--seeds", "24", "--from", "5", "--bug", "no-truncate-on-conflict", "--workers", String(workers), "--out", out, "--json"];
    let stdout: string;
    try {
      stdout = execFileSync(process.execPath, argv, { cwd: scratch, encoding: "utf8" });
      throw new Error("the sweep has failing seeds, so etcdlab fuzz exits 1");
    } catch (error) {
      const failed = error as { status?: number; stdout?: string };
      if (failed.status !== 1 || failed.stdout === undefined) throw error;
      stdout = failed.stdout;
    }
    return { report: JSON.parse(stdout) as Record<string, unknown>, out };
  }

  it("finds the same failures and writes the same files with 1 and 2 workers", () => {
    const one = fuzz(1);
    const two = fuzz(2);
    expect(one.report.workers).toBe(1);
    expect(two.report.workers).toBe(2);
    const comparable = (report: Record<string, unknown>, out: string) => JSON.parse(JSON.stringify({ ...report, elapsedMs: 0, workers: 0 }).replaceAll(out, "OUT"));
    expect(comparable(two.report, two.out)).toEqual(comparable(one.report, one.out));
    expect(one.report.failed).toBeGreaterThan(3);
    const reproductions = one.report.reproductions as Array<Record<string, string | boolean>>;
    expect(reproductions).toHaveLength(3);
    for (const reproduction of reproductions) {
      expect(reproduction.reproduces).toBe(true);
      for (const file of ["trace", "history", "edn", "scenario"]) {
        const path = reproduction[file] as string;
        expect(readFileSync(path.replace(one.out, two.out), "utf8")).toBe(readFileSync(path, "utf8"));
      }
    }
  });
});
