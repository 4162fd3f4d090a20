import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { type CommandIo, memoryIo } from "../../src/cli/io.js";
import { parseHistoryJsonl } from "../../src/check/history/index.js";
import { parseTrace } from "../../src/sim/trace.js";

const scratch = mkdtempSync(join(tmpdir(), "etcdlab-fuzz-"));

async function cli(argv: string[], options: { tty?: boolean } = {}) {
  const memory = memoryIo({ cwd: scratch });
  const io: CommandIo = { ...memory, stdoutIsTty: options.tty === true };
  const code = await runCli(argv, io);
  return { code, stdout: memory.stdout(), stderr: memory.stderr() };
}

describe("etcdlab fuzz", () => {
  it("exits 0 and reports the sweep when no seed fails", async () => {
    const { code, stdout, stderr } = await cli(["fuzz", "--seeds", "5", "--from", "10"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toMatch(/^5 seeds \(10\.\.14\), 3 members: no seed failed in \d+\.\ds \(\d+\.\d seeds\/s, 1 worker\)\n$/);
    expect(existsSync(join(scratch, ".etcdlab"))).toBe(false);
  });

  it("exits 1 with the seed, the violation and the command that reproduces it when a planted bug is caught", async () => {
    const { code, stdout } = await cli(["fuzz", "--seeds", "30", "--bug", "commit-old-term-by-count", "--json", "--out", "bug-30"]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ seeds: 30, from: 1, shard: null, ran: 30, members: 3, bugs: ["commit-old-term-by-count"], historyUnknown: 0 });
    expect(report.failed).toBeGreaterThan(0);
    const first = report.violations[0];
    expect(first.kind).toBe("commit-rule");
    expect(first.repro).toBe(`etcdlab fuzz --seeds 1 --from ${first.seed} --members 3 --bug commit-old-term-by-count`);
    const again = await cli(["fuzz", "--seeds", "1", "--from", String(first.seed), "--bug", "commit-old-term-by-count", "--json", "--out", "bug-1"]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).violations[0]).toEqual(first);
  });

  it("reproduces a failing seed: its trace, its history (JSON Lines and EDN) and a shrunk scenario that etcdlab run fails with the same violation", async () => {
    const { code, stdout } = await cli(["fuzz", "--seeds", "3", "--from", "18", "--bug", "no-truncate-on-conflict"]);
    expect(code).toBe(1);
    const base = ".etcdlab/fuzz/seed-19-3m-no-truncate-on-conflict";
    expect(stdout).toContain("seed 19: log-matching: ");
    expect(stdout).toContain("  reproduce with: etcdlab fuzz --seeds 1 --from 19 --members 3 --bug no-truncate-on-conflict\n");
    expect(stdout).toMatch(/^3 seeds \(18\.\.20\), 3 members with planted bug no-truncate-on-conflict: 1 failed in \d+\.\ds \(\d+\.\d seeds\/s, 1 worker\)$/m);
    expect(stdout).toContain(
      [
        "seed 19 (log-matching):",
        `  trace     ${base}.trace.jsonl`,
        `  history   ${base}.history.jsonl (Jepsen EDN: ${base}.history.edn)`,
        `  scenario  ${base}.scenario.yaml: the fault plan shrunk from 27 to 2 faults in 35 runs`,
        `  etcdlab run ${base}.scenario.yaml  fails with log-matching`,
      ].join("\n"),
    );

    const trace = parseTrace(readFileSync(join(scratch, `${base}.trace.jsonl`), "utf8"), "trace");
    expect(trace.header).toMatchObject({ seed: 19, scenario: "fuzz-seed-19", config: { command: "etcdlab fuzz --seeds 1 --from 19 --members 3 --bug no-truncate-on-conflict", members: 3 } });
    expect(trace.events.some((event) => event.type === "violation" && event.kind === "log-matching")).toBe(true);
    const history = parseHistoryJsonl(readFileSync(join(scratch, `${base}.history.jsonl`), "utf8"), "history");
    expect(history.operations.length).toBeGreaterThan(10);
    const edn = readFileSync(join(scratch, `${base}.history.edn`), "utf8").trimEnd().split("\n");
    expect(edn).toHaveLength(2 * history.operations.length);
    for (const line of edn) expect(line).toMatch(/^\{:process "c\d+(\/\d+)?", :type :(invoke|ok|fail|info), :f :(range|put), :value \{/);

    const scenario = readFileSync(join(scratch, `${base}.scenario.yaml`), "utf8");
    expect(scenario).toContain("bugs: [no-truncate-on-conflict]\n");
    expect(scenario).toContain("  - workload: {clients: 3, keys: 4, read-percent: 40, think: 30ms, timeout: 1s}\n");
    const run = await cli(["run", `${base}.scenario.yaml`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ {2}VIOLATION +\d+\.\d{3}s {2}log-matching: /m);
    expect(run.stdout).toContain(`seed 19; reproduce with: etcdlab run ${base}.scenario.yaml --seed 19`);
    const replay = await cli(["replay", `${base}.trace.jsonl`]);
    expect(replay.code).toBe(0);
    expect(replay.stdout.split("\n")[0]).toBe("#0 0.000000s n1 starts with an empty log at term 0");
  });

  it("--shard i/n runs every n-th seed; the shards' reports add up to the whole sweep's", async () => {
    const sweep = ["fuzz", "--seeds", "12", "--from", "15", "--bug", "no-truncate-on-conflict", "--json"];
    const whole = JSON.parse((await cli([...sweep, "--out", "whole"])).stdout);
    const shards = await Promise.all([1, 2, 3].map(async (index) => JSON.parse((await cli([...sweep, "--shard", `${index}/3`, "--out", `shard-${index}`])).stdout)));
    expect(shards.map((shard) => [shard.shard, shard.ran])).toEqual([["1/3", 4], ["2/3", 4], ["3/3", 4]]);
    expect(shards.reduce((sum, shard) => sum + shard.failed, 0)).toBe(whole.failed);
    const merged = shards.flatMap((shard) => shard.violations).sort((a, b) => a.seed - b.seed);
    expect(merged).toEqual(whole.violations);
    expect(whole.failed).toBeGreaterThan(1);
  });

  it("draws a progress bar on stderr on a terminal, and never with --json", async () => {
    const text = await cli(["fuzz", "--seeds", "3", "--from", "10"], { tty: true });
    expect(text.code).toBe(0);
    expect(text.stderr).toContain("\r\x1b[K[##############################] 3/3 seeds, 0 failed, ");
    expect(text.stderr.endsWith("\r\x1b[K")).toBe(true);
    expect(text.stdout).toMatch(/^3 seeds \(10\.\.12\), 3 members: no seed failed/);
    const json = await cli(["fuzz", "--seeds", "3", "--from", "10", "--json"], { tty: true });
    expect(json.stderr).toBe("");
  });

  const badInput: Array<[string, string[], string]> = [
    ["an unknown bug", ["fuzz", "--bug", "comit-old-term-by-count"], "etcdlab: unknown bug 'comit-old-term-by-count': did you mean 'commit-old-term-by-count'?\n"],
    ["a cluster size it does not sweep", ["fuzz", "--members", "4"], "etcdlab: flag '--members' must be 3, 5 or 7 (got 4)\n"],
    ["no seeds", ["fuzz", "--seeds", "0"], "etcdlab: flag '--seeds' must be at least 1 (got 0)\n"],
    ["no workers", ["fuzz", "--workers", "0"], "etcdlab: flag '--workers' must be between 1 and 256 (got 0)\n"],
    ["a shard beyond the count", ["fuzz", "--shard", "4/3"], "etcdlab: flag '--shard' must be i/n with 1 <= i <= n, e.g. 2/4 (got '4/3')\n"],
    ["shard 0", ["fuzz", "--shard", "0/3"], "etcdlab: flag '--shard' must be i/n with 1 <= i <= n, e.g. 2/4 (got '0/3')\n"],
    ["a shard that is not i/n", ["fuzz", "--shard", "2"], "etcdlab: flag '--shard' must be i/n with 1 <= i <= n, e.g. 2/4 (got '2')\n"],
    ["an unknown flag", ["fuzz", "--sedes", "3"], "etcdlab: unknown flag '--sedes': did you mean '--seeds'?\n"],
    ["an argument", ["fuzz", "now"], "etcdlab: fuzz takes no arguments, got 'now'\n"],
  ];
  for (const [what, argv, message] of badInput) {
    it(`refuses ${what} with one line and exit 2`, async () => {
      const { code, stdout, stderr } = await cli(argv);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toBe(message);
    });
  }
});
