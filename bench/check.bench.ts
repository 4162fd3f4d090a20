/**
 * Linearizability checker speed on Porcupine's test histories (test/fixtures/porcupine), parsing
 * included (the files are read into memory first):
 * - `check.jepsen102_s`: all 102 non-empty `jepsen/etcd_*.log` register histories, in total;
 * - `check.kv_c50_ok_s`: `kv/c50-ok.txt` (50 clients, 10 keys).
 * Each figure is the best of 5 runs after a warm-up run; `coldS` is the warm-up run itself.
 * The targets are what Porcupine's Go implementation takes on the reference machine.
 */
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bestOfMs, collectGarbage, nowMs, report } from "./harness.js";
import { parseHistory } from "../src/check/history/parse.js";
import { checkHistory } from "../src/check/linearizability/check.js";
import { assert } from "../src/sim/errors.js";

const FIXTURES = fileURLToPath(new URL("../../test/fixtures/porcupine/", import.meta.url));
const EXPECTED = (JSON.parse(readFileSync(`${FIXTURES}expected.json`, "utf8")) as { linearizable: Record<string, boolean> }).linearizable;

interface Fixture {
  readonly name: string;
  readonly text: string;
  readonly linearizable: boolean;
}

function load(name: string): Fixture {
  const linearizable = EXPECTED[name];
  assert(linearizable !== undefined, `expected.json has a verdict for ${name}`);
  return { name, text: readFileSync(`${FIXTURES}${name}`, "utf8"), linearizable };
}

function checkAll(fixtures: readonly Fixture[]): void {
  for (const fixture of fixtures) {
    const result = checkHistory(parseHistory(fixture.text, { source: fixture.name }));
    assert(result.linearizable === fixture.linearizable, `${fixture.name}: expected ${fixture.linearizable}, got ${result.linearizable}`);
  }
}

function measure(name: string, fixtures: readonly Fixture[], targetS: number): void {
  collectGarbage();
  const start = nowMs();
  checkAll(fixtures);
  const coldMs = nowMs() - start;
  const ms = bestOfMs(5, () => checkAll(fixtures));
  report({ name, unit: "s", value: Number((ms / 1000).toFixed(4)), coldS: Number((coldMs / 1000).toFixed(4)), histories: fixtures.length, target: targetS });
}

const jepsen = readdirSync(`${FIXTURES}jepsen`)
  .filter((file) => /^etcd_\d{3}\.log$/.test(file) && file !== "etcd_095.log")
  .sort()
  .map((file) => load(`jepsen/${file}`));
assert(jepsen.length === 102, "102 non-empty jepsen histories");

measure("check.jepsen102_s", jepsen, 0.44);
measure("check.kv_c50_ok_s", [load("kv/c50-ok.txt")], 0.18);
