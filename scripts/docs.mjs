// `npm run docs`: rewrites the generated reference section of docs/scenario-format.md from the
// scenario registry (built into dist/ by `npm run build`).
import { readFileSync, writeFileSync } from "node:fs";
import "../dist/scenario/index.js";
import { REFERENCE_BEGIN, REFERENCE_END, renderReference } from "../dist/scenario/reference.js";

const path = new URL("../docs/scenario-format.md", import.meta.url);
const text = readFileSync(path, "utf8");
const start = text.indexOf(REFERENCE_BEGIN);
const end = text.indexOf(REFERENCE_END);
if (start < 0 || end < 0) throw new Error("docs/scenario-format.md has no reference markers");
writeFileSync(path, text.slice(0, start) + renderReference() + text.slice(end + REFERENCE_END.length));
