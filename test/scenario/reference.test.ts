import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import "../../src/scenario/index.js";
import { REFERENCE_BEGIN, REFERENCE_END, renderReference } from "../../src/scenario/reference.js";
import { expectationKinds, stepKinds } from "../../src/scenario/registry.js";

const DOC = readFileSync(join(import.meta.dirname, "../../docs/scenario-format.md"), "utf8");

describe("docs/scenario-format.md", () => {
  it("holds the reference generated from the registry (run `npm run docs` after adding a step)", () => {
    const section = DOC.slice(DOC.indexOf(REFERENCE_BEGIN), DOC.indexOf(REFERENCE_END) + REFERENCE_END.length);
    expect(section).toBe(renderReference());
  });

  it("documents every step and expectation with an example", () => {
    for (const kind of [...stepKinds().values(), ...expectationKinds().values()]) {
      expect(DOC).toContain(`| \`${kind.name}\` |`);
      expect(kind.example.length).toBeGreaterThan(0);
    }
  });
});
