/**
 * The transcript of a lesson, exactly as `etcdlab lesson leases | cat` prints it (golden file), and
 * the same lesson at another seed: the answers are then what the simulation shows at that seed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { memoryIo } from "../../src/cli/io.js";

const GOLDEN = join(import.meta.dirname, "golden", "leases.txt");

describe("the lesson transcript", () => {
  it("prints the story, each question with its choices, the answer, what the simulation did, the explanation and the exercise", async () => {
    const io = memoryIo();
    expect(await runCli(["lesson", "leases"], io)).toBe(0);
    expect(io.stderr()).toBe("");
    expect(io.stdout()).toBe(readFileSync(GOLDEN, "utf8"));
  });

  it("folds a long choice under its own text", async () => {
    const io = memoryIo();
    expect(await runCli(["lesson", "conflicts"], io)).toBe(0);
    const lines = io.stdout().split("\n");
    const choice = lines.findIndex((line) => line.startsWith("  b) Error from server (Conflict)"));
    expect(lines.slice(choice, choice + 3)).toEqual([
      "  b) Error from server (Conflict): ... the object has been modified; please apply your changes to",
      "     the latest version and try again",
      "  c) Error from server (NotFound)",
    ]);
  });

  it("with --seed, shows what the simulation shows at that seed", async () => {
    const io = memoryIo();
    expect(await runCli(["lesson", "leader-election", "--seed", "2"], io)).toBe(0);
    const answers = io.stdout().split("\n").filter((line) => line.startsWith("Answer: ") || line.startsWith("## Checkpoint"));
    expect(answers).toEqual([
      "## Checkpoint 1 (first-election, seed 2)",
      "Answer: n3 (the leader: n3)",
      "## Checkpoint 2 (first-election, seed 2)",
      "Answer: 1 (n1's term: 1)",
      "## Checkpoint 3 (first-election, seed 2)",
      "Answer: 1 (n1's commit index: 1)",
    ]);
  });
});
