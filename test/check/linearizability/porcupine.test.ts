/**
 * Conformance: every history of Porcupine's test data (102 Jepsen etcd logs, the six kv files)
 * gets the verdict in expected.json, through the library and, for a sample, through the CLI.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseHistory } from "../../../src/check/history/parse.js";
import { checkHistory } from "../../../src/check/linearizability/check.js";
import { runCli } from "../../../src/cli/cli.js";
import { memoryIo } from "../../../src/cli/io.js";

const FIXTURES = join(import.meta.dirname, "../../fixtures/porcupine");
const EXPECTED = (JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8")) as { linearizable: Record<string, boolean> })
  .linearizable;

const JEPSEN = readdirSync(join(FIXTURES, "jepsen"))
  .filter((file) => file.endsWith(".log") && file !== "etcd_095.log")
  .sort()
  .map((file) => `jepsen/${file}`);
const KV = ["c01-ok", "c01-bad", "c10-ok", "c10-bad", "c50-ok", "c50-bad"].map((name) => `kv/${name}.txt`);

function verdictOf(name: string): boolean {
  const expected = EXPECTED[name];
  if (expected === undefined) throw new Error(`expected.json has no verdict for ${name}`);
  return expected;
}

describe("Porcupine's histories", () => {
  it("has 102 non-empty Jepsen logs and the six kv files, each with a verdict", () => {
    expect(JEPSEN).toHaveLength(102);
    expect([...JEPSEN, ...KV].filter((name) => EXPECTED[name] === undefined)).toEqual([]);
    expect(readFileSync(join(FIXTURES, "jepsen/etcd_095.log"), "utf8")).toBe("");
  });

  it.each([...JEPSEN, ...KV])("%s gets the expected verdict", (name) => {
    const history = parseHistory(readFileSync(join(FIXTURES, name), "utf8"), { source: name });
    expect(history.model).toBe(name.startsWith("kv/") ? "kv" : "register");
    const result = checkHistory(history);
    expect(result.linearizable).toBe(verdictOf(name));
    expect(result.explanation === null).toBe(verdictOf(name));
  });

  it("the empty etcd_095.log is linearizable", () => {
    const result = checkHistory(parseHistory("", { source: "jepsen/etcd_095.log" }));
    expect(result).toMatchObject({ linearizable: true, operations: 0, partitions: 1, explanation: null });
  });

  it("splits the kv histories by key: ten keys", () => {
    const result = checkHistory(parseHistory(readFileSync(join(FIXTURES, "kv/c10-ok.txt"), "utf8"), { source: "c10-ok.txt" }));
    expect(result.partitions).toBe(10);
  });

  const SAMPLE = ["jepsen/etcd_000.log", "jepsen/etcd_002.log", "jepsen/etcd_007.log", "jepsen/etcd_100.log", "jepsen/etcd_095.log", "kv/c01-bad.txt", "kv/c10-ok.txt"];
  it.each(SAMPLE)("the CLI checks %s", async (name) => {
    const io = memoryIo();
    const code = await runCli(["check-history", join(FIXTURES, name), "--json"], io);
    const expected = name === "jepsen/etcd_095.log" ? true : verdictOf(name);
    expect(io.stderr()).toBe("");
    expect(code).toBe(expected ? 0 : 1);
    const lines = io.stdout().split("\n");
    expect(lines).toHaveLength(2);
    const report = JSON.parse(lines[0] as string) as { linearizable: boolean; explanation: unknown };
    expect(report.linearizable).toBe(expected);
    expect(report.explanation === null).toBe(expected);
  });
});
