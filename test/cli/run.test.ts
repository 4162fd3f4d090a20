import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { memoryIo } from "../../src/cli/io.js";
import { parseHistoryJsonl } from "../../src/check/history/index.js";
import { parseTrace } from "../../src/sim/trace.js";

const ROOT = join(import.meta.dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "etcdlab-run-"));

async function cli(argv: string[]) {
  const io = memoryIo({ cwd: scratch });
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

function scenarioFile(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

const MINIMAL = `title: t
description: d
cluster: {kind: pingpong, members: 3}
steps:
  - wait: 100ms
`;

describe("etcdlab run", () => {
  it("runs a shipped scenario by name and prints the seed, the tally and the trace hash", async () => {
    const { code, stdout, stderr } = await cli(["run", "network-faults"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toBe("scenario network-faults, seed 7, etcdlab 0.1.0");
    expect(stdout).toMatch(/^ok: 8 expectations passed, 0 failed, 0 violations; \d+ events in 4\.500s virtual time; trace sha256 [0-9a-f]{64}$/m);
  });

  it("prints one JSON object with --json", async () => {
    const { code, stdout } = await cli(["run", join(ROOT, "scenarios/network-faults.yaml"), "--seed", "9", "--json"]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(Object.keys(result)).toEqual(expect.arrayContaining(["scenario", "seed", "version", "virtualTimeUs", "events", "traceSha256", "violations", "expectations"]));
    expect(result).toMatchObject({ scenario: "network-faults", seed: 9, version: "0.1.0", virtualTimeUs: 4_500_000, violations: [] });
    expect(result.expectations).toMatchObject({ passed: 8, failed: 0 });
    expect(result.traceSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("writes the trace with --trace, and the file's hash is the one reported", async () => {
    const tracePath = join(scratch, "out.jsonl");
    const { stdout } = await cli(["run", "network-faults", "--trace", tracePath, "--json"]);
    const text = readFileSync(tracePath, "utf8");
    const parsed = parseTrace(text, "out.jsonl");
    expect(parsed.header).toMatchObject({ format: "etcdlab-trace", seed: 7, scenario: "network-faults", packageVersion: "0.1.0" });
    const { createHash } = await import("node:crypto");
    expect(createHash("sha256").update(text).digest("hex")).toBe(JSON.parse(stdout).traceSha256);
  });

  it("exits 1 on a failed expectation, printing the seed and the command that reproduces it", async () => {
    const path = scenarioFile("failing.yaml", `${MINIMAL}  - expect:\n      status: {n1: crashed}\n`);
    const { code, stdout } = await cli(["run", path, "--seed", "4"]);
    expect(code).toBe(1);
    expect(stdout).toContain("FAIL");
    expect(stdout).toContain("status: n1 crashed (is up)");
    expect(stdout).toContain(`seed 4; reproduce with: etcdlab run ${path} --seed 4`);
  });

  describe("the client history", () => {
    it("is checked for linearizability, and written beside the trace (JSON Lines) and with --edn (Jepsen EDN)", async () => {
      const tracePath = join(scratch, "election.jsonl");
      const ednPath = join(scratch, "election.edn");
      const { code, stdout } = await cli(["run", "first-election", "--trace", tracePath, "--edn", ednPath]);
      expect(code).toBe(0);
      expect(stdout).toContain("\n  history: 3 client operations, linearizable\n");
      const history = parseHistoryJsonl(readFileSync(join(scratch, "election.history.jsonl"), "utf8"), "election.history.jsonl");
      expect(history.model).toBe("etcd");
      expect(history.operations).toHaveLength(3);
      expect(history.operations.every((operation) => operation.outcome === "ok" && operation.returnTime > operation.invokeTime)).toBe(true);
      const edn = readFileSync(ednPath, "utf8").trimEnd().split("\n");
      expect(edn).toHaveLength(6);
      expect(edn[0]).toMatch(/^\{:process "c1", :type :invoke, :f :(put|range), :value \{:key /);
      const json = JSON.parse((await cli(["run", "first-election", "--json"])).stdout);
      expect(json.history).toEqual({ operations: 3, verdict: "linearizable" });
    });

    const STALE = `title: a stale read
description: n1 leads, is cut off, and still answers a read from its own state after a newer write elsewhere
bugs: [stale-leader-read]
cluster: {kind: etcd, members: 3, check-quorum: false}
steps:
  - campaign: n1
  - wait-for-leader: 5s
  - put: {key: k, value: v1}
  - partition: {isolate: n1}
  - wait: 3s
  - put: {key: k, value: v2}
  - wait: 10ms
  - get: {key: k, on: n1, timeout: 1s}
  - expect: {result: {value: v1}, violation: stale-read}
`;

    it("that is not linearizable is a violation, with the checker's explanation, and fails the run", async () => {
      const path = scenarioFile("stale.yaml", STALE);
      const { code, stdout } = await cli(["run", path]);
      expect(code).toBe(1);
      expect(stdout).toContain(
        '  VIOLATION     3.068s  linearizability: After put "k" = "v1" → ok, revision 2 (c1) and put "k" = "v2" → ok, revision 3 (c1), no order explains range "k" → "k" = "v1" (mod 2), revision 2 by c1 (invoked at line 3): the store held "k" = "v2" (mod 3) there (count 1) at revision 3.\n',
      );
      expect(stdout).toContain("  history: 3 client operations, NOT linearizable (see the linearizability violation)\n");
      expect(stdout).toMatch(/^FAILED: 2 expectations passed, 0 failed, 1 violation; /m);
      const json = JSON.parse((await cli(["run", path, "--json"])).stdout);
      expect(json.violations.map((violation: { kind: string }) => violation.kind)).toEqual(["linearizability"]);
      expect(json.history).toEqual({ operations: 3, verdict: "not-linearizable" });
    });
  });

  describe("bad input: one line on stderr, exit 2, no stack trace", () => {
    const cases: Array<[string, () => string[], string]> = [
      ["a missing file", () => ["run", "missing.yaml"], "etcdlab: scenario file 'missing.yaml' not found\n"],
      ["no scenario", () => ["run"], "etcdlab: run needs a scenario (a file or a name from scenarios/)\n"],
      ["an unknown flag", () => ["run", "network-faults", "--sede", "3"], "etcdlab: unknown flag '--sede': did you mean '--seed'?\n"],
      ["a seed that is not a number", () => ["run", "network-faults", "--seed", "abc"], "etcdlab: flag '--seed' needs an integer (got 'abc')\n"],
      ["a negative seed", () => ["run", "network-faults", "--seed", "-1"], "etcdlab: flag '--seed' must be between 0 and 4294967295 (got -1)\n"],
      ["a seed with no value", () => ["run", "network-faults", "--seed"], "etcdlab: flag '--seed' needs a value\n"],
      ["an unknown command", () => ["rn"], "etcdlab: unknown command 'rn': did you mean 'run'? (see 'etcdlab help')\n"],
      ["a YAML syntax error", () => ["run", scenarioFile("syntax.yaml", "title: [unclosed\n")], "syntax.yaml:2:1: YAML syntax error"],
      ["a misspelt step", () => ["run", scenarioFile("typo.yaml", `${MINIMAL}  - crahs: n1\n`)], "typo.yaml:6:5: unknown step 'crahs': did you mean 'crash'?\n"],
      ["an unknown top-level key", () => ["run", scenarioFile("key.yaml", `${MINIMAL}sede: 3\n`)], "key.yaml:6:1: unknown key 'sede': did you mean 'seed'?\n"],
      ["a bad duration", () => ["run", scenarioFile("duration.yaml", MINIMAL.replace("100ms", "100"))], "duration.yaml:5:11: invalid duration '100' (expected a number with a unit: us, ms, s, m or h, e.g. '250ms')\n"],
      ["a missing title", () => ["run", scenarioFile("title.yaml", MINIMAL.replace("title: t\n", ""))], "title.yaml:1:1: missing 'title'\n"],
      ["a step for another cluster kind's nodes", () => ["run", scenarioFile("node.yaml", `${MINIMAL}  - crash: n9\n`)], "etcdlab: unknown node 'n9'\n"],
      ["an unknown partition shape", () => ["run", scenarioFile("part.yaml", `${MINIMAL}  - partition: {islate: n1}\n`)], "part.yaml:6:16: expected a partition"],
      ["--edn for a scenario without clients", () => ["run", "network-faults", "--edn", join(scratch, "none.edn")], "etcdlab: flag '--edn' needs a scenario with clients (an etcd cluster); this one's cluster is 'pingpong'\n"],
      ["steps out of time order", () => ["run", scenarioFile("order.yaml", `${MINIMAL}  - {at: 2s, crash: n1}\n  - {at: 1s, restart: n1}\n`)], "order.yaml:7:10: steps must be in time order"],
    ];
    for (const [what, argv, message] of cases) {
      it(what, async () => {
        const { code, stdout, stderr } = await cli(argv());
        expect(code).toBe(2);
        expect(stdout).toBe("");
        expect(stderr.split("\n")).toHaveLength(2);
        expect(stderr.startsWith("etcdlab: ")).toBe(true);
        expect(stderr).toContain(message);
        expect(stderr).not.toContain("    at ");
      });
    }
  });
});
