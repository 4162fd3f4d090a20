/**
 * The terminal UI's model is pure: outside `components/` and the entry, no module of src/tui imports
 * ink or React, and none reads a clock, sets a timer or draws a random number (only the components
 * may, for play speed).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const TUI = join(import.meta.dirname, "../../src/tui");
const FORBIDDEN = /\bMath\.random\b|\bDate\b|\bperformance\.now\b|\bsetTimeout\b|\bsetInterval\b|\bsetImmediate\b|\bprocess\.hrtime\b/;
const UI_LIBRARY = /from "(ink|react)(\/[^"]*)?"/;

describe("the terminal UI's model", () => {
  // index.ts only re-exports, the App included; the components and the entry (open.tsx) are .tsx.
  const pure = readdirSync(TUI).filter((name) => name.endsWith(".ts") && name !== "index.ts");

  it("has pure modules: the reducer, narration, timeline, navigation, transcript, formatting, layout", () => {
    expect(pure).toEqual(expect.arrayContaining(["reducer.ts", "narration.ts", "timeline.ts", "view-state.ts", "navigation.ts", "transcript.ts", "format.ts", "layout.ts"]));
  });

  it("imports neither ink nor React and reads no clock", () => {
    const offenders: string[] = [];
    for (const name of pure) {
      readFileSync(join(TUI, name), "utf8")
        .split("\n")
        .forEach((line, index) => {
          const code = line.replace(/\/\/.*$/, "").replace(/^\s*\*.*$/, "");
          if (FORBIDDEN.test(code) || UI_LIBRARY.test(code)) offenders.push(`${name}:${index + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });
});
