import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { memoryIo } from "../../src/cli/io.js";
import { colorsWanted } from "../../src/cli/commands/replay.js";
import { serializeTrace, Trace, type TypedEvent } from "../../src/sim/trace.js";
import { electionTrace, HEADER } from "./fixtures.js";

const scratch = mkdtempSync(join(tmpdir(), "etcdlab-replay-"));

async function cli(argv: string[]) {
  const io = memoryIo({ cwd: scratch });
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

function traceFile(name: string): string {
  const builder = electionTrace();
  const trace = new Trace<TypedEvent>(true);
  builder.events.forEach((event, index) => trace.emit(builder.times[index] as number, event));
  const path = join(scratch, name);
  writeFileSync(path, serializeTrace(HEADER, trace).text);
  return path;
}

describe("etcdlab replay, not on a terminal", () => {
  it("prints the transcript of a shipped scenario's run, one line per event", async () => {
    const { code, stdout, stderr } = await cli(["replay", "network-faults"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines.slice(0, 4)).toEqual([
      "#0 0.000000s everyone can talk; about 1 message in 100 is lost",
      "#1 0.010000s n1 sends ball (hops 0) to n5, due in 4.467ms",
      "#2 0.010000s n2 sends ball (hops 0) to n5, due in 4.185ms",
      "#3 0.010000s n3 sends ball (hops 0) to n1, due in 4.503ms",
    ]);
    expect(stdout).toContain("\n#74209 1.000000s the network cuts n1 off from everyone (n1 | n2 n3 n4 n5)\n");
    expect(stdout).toContain("\n#82354 3.000000s n3 crashes: it loses everything not yet on its disk, and messages sent to it are dropped\n");
    expect(stdout).toContain("\n#83917 3.500000s n4 is frozen: its timers and messages are held until it resumes\n");
    expect(stdout).not.toContain("\u001B");
    expect(lines.at(-1)).toBe("");
    expect(lines.at(-2)).toBe("#137553 4.500000s check passed (status): n1 up, n2 up, n3 up, n4 up, n5 up [scenario 48:5]");
  });

  it("starts at --from, and runs a scenario with --seed", async () => {
    const { code, stdout } = await cli(["replay", "network-faults", "--seed", "3", "--from", "74207"]);
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toMatch(/^#74207 \d\.\d{6}s /);
  });

  it("reads a trace file and tells its events", async () => {
    const path = traceFile("election.jsonl");
    const { code, stdout } = await cli(["replay", path]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines.length).toBe(electionTrace().events.length);
    expect(lines[7]).toBe("#7 0.150000s n2's election timer fired: it becomes candidate for term 1 and asks n1 and n3 for votes");
    expect(lines.at(-1)).toBe("#47 0.310000s SAFETY VIOLATION: election-safety: two leaders in term 1: n2 and n3");
  });

  it("recognizes a trace by its header line whatever its name", async () => {
    const path = traceFile("election.trace");
    const { code, stdout } = await cli(["replay", path, "--from", "47"]);
    expect(code).toBe(0);
    expect(stdout).toBe("#47 0.310000s SAFETY VIOLATION: election-safety: two leaders in term 1: n2 and n3\n");
  });

  it("refuses a corrupt trace with one line and exit 2", async () => {
    const path = traceFile("corrupt.jsonl");
    writeFileSync(path, readFileSync(path, "utf8").replace("two leaders in term 1: n2 and n3", "two leaders in term 1: n1 and n3"));
    const { code, stdout, stderr } = await cli(["replay", path]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(`etcdlab: ${path}: corrupt trace (its checksum does not match its contents)\n`);
  });

  it("refuses a foreign file, a missing trace, a seed for a trace and a --from past the end, each in one line", async () => {
    const foreign = join(scratch, "foreign.jsonl");
    writeFileSync(foreign, '{"hello":"world"}\n');
    expect(await cli(["replay", foreign])).toEqual({ code: 2, stdout: "", stderr: `etcdlab: ${foreign}: not an etcdlab trace (the first line has no "format":"etcdlab-trace")\n` });
    expect(await cli(["replay", "missing.jsonl"])).toEqual({ code: 2, stdout: "", stderr: "etcdlab: trace file 'missing.jsonl' not found\n" });
    const path = traceFile("seeded.jsonl");
    expect((await cli(["replay", path, "--seed", "4"])).stderr).toBe("etcdlab: flag '--seed' applies to a scenario; a trace records its own seed\n");
    expect((await cli(["replay", path, "--from", "48"])).stderr).toBe("etcdlab: flag '--from' must name an event between 0 and 47 (got 48)\n");
    expect((await cli(["replay"])).stderr).toBe("etcdlab: replay needs a trace file (.jsonl) or a scenario\n");
  });

  it("colours unless NO_COLOR is set to something", () => {
    expect([colorsWanted({}), colorsWanted({ NO_COLOR: "" }), colorsWanted({ NO_COLOR: "1" })]).toEqual([true, true, false]);
  });
});
