import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { memoryIo } from "../../src/cli/io.js";

async function cli(argv: string[]) {
  const io = memoryIo();
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe("etcdlab fuzz", () => {
  it("exits 0 and reports the sweep when no seed fails", async () => {
    const { code, stdout } = await cli(["fuzz", "--seeds", "5", "--from", "10"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^5 seeds \(10\.\.14\), 3 members: no seed failed in \d+\.\ds\n$/);
  });

  it("exits 1 with the seed, the violation and the command that reproduces it when a planted bug is caught", async () => {
    const { code, stdout } = await cli(["fuzz", "--seeds", "30", "--bug", "commit-old-term-by-count", "--json"]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ seeds: 30, from: 1, members: 3, bugs: ["commit-old-term-by-count"] });
    expect(report.failed).toBeGreaterThan(0);
    const first = report.violations[0];
    expect(first.kind).toBe("commit-rule");
    expect(first.repro).toBe(`etcdlab fuzz --seeds 1 --from ${first.seed} --members 3 --bug commit-old-term-by-count`);
    const again = await cli(["fuzz", "--seeds", "1", "--from", String(first.seed), "--bug", "commit-old-term-by-count", "--json"]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).violations[0]).toEqual(first);
  });

  const badInput: Array<[string, string[], string]> = [
    ["an unknown bug", ["fuzz", "--bug", "comit-old-term-by-count"], "etcdlab: unknown bug 'comit-old-term-by-count': did you mean 'commit-old-term-by-count'?\n"],
    ["a cluster size it does not sweep", ["fuzz", "--members", "4"], "etcdlab: flag '--members' must be 3, 5 or 7 (got 4)\n"],
    ["no seeds", ["fuzz", "--seeds", "0"], "etcdlab: flag '--seeds' must be at least 1 (got 0)\n"],
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
