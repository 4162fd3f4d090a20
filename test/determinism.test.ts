/**
 * The first law: the simulated world touches no real time and no real randomness, and the same
 * scenario and seed give a byte-identical trace.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile, runScenario } from "../src/scenario/index.js";

const ROOT = join(import.meta.dirname, "..");
const FORBIDDEN = /\bMath\.random\b|\bDate\b|\bperformance\.now\b|\bsetTimeout\b|\bsetInterval\b|\bsetImmediate\b|\bprocess\.hrtime\b/;

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("determinism", () => {
  it("finds no real clock, timer or randomness in src/ outside src/cli and src/tui", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(join(ROOT, "src"))) {
      const path = relative(ROOT, file);
      if (path.startsWith("src/cli/") || path.startsWith("src/tui/")) continue;
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, index) => {
          const code = line.replace(/\/\/.*$/, "").replace(/^\s*\*.*$/, "");
          if (FORBIDDEN.test(code)) offenders.push(`${path}:${index + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });

  it("the guard itself catches each forbidden call", () => {
    for (const call of ["Math.random()", "Date.now()", "new Date()", "performance.now()", "setTimeout(f, 1)", "setInterval(f, 1)", "process.hrtime()"]) {
      expect(FORBIDDEN.test(`const x = ${call};`)).toBe(true);
    }
  });

  it("gives a byte-identical trace for the same scenario and seed, and a different one for another seed", () => {
    const scenario = loadScenarioFile(join(ROOT, "scenarios/network-faults.yaml"), "scenarios/network-faults.yaml");
    const first = runScenario(scenario, { seed: 5 });
    const second = runScenario(scenario, { seed: 5 });
    const other = runScenario(scenario, { seed: 6 });
    expect(second.traceSha256).toBe(first.traceSha256);
    expect(second.traceText === first.traceText).toBe(true);
    expect(other.traceSha256).not.toBe(first.traceSha256);
  });
});
