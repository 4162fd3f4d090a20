/**
 * QA of the `etcdlab` command as a new user meets it: help, per-command --help, and the bad input
 * each command must refuse with one clear line and exit 2 (before doing any work).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { memoryIo } from "../../src/cli/io.js";

const scratch = mkdtempSync(join(tmpdir(), "etcdlab-qa-"));

async function cli(argv: string[]) {
  const io = memoryIo({ cwd: scratch });
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

const RUN_HELP = [
  "Usage: etcdlab run <scenario> [--seed N] [--trace FILE] [--edn FILE] [--json] [--bug NAME]",
  "  run a scenario headless and check its expectations and invariants",
  "",
].join("\n");

describe("etcdlab help", () => {
  it("lists every command, then says how to start: the main job, the lessons, the shell", async () => {
    const { code, stdout, stderr } = await cli(["help"]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const commands = stdout.split("\n").filter((line) => /^ {2}etcdlab [a-z-]+/.test(line)).map((line) => line.trim().split(" ")[1]);
    expect(commands).toEqual(["run", "fuzz", "check-history", "replay", "shell", "lesson", "help", "version", "run", "lesson"]);
    expect(stdout.endsWith(
      [
        "  etcdlab help [COMMAND]",
        "      print this, or one command's usage (also: etcdlab COMMAND --help)",
        "  etcdlab version",
        "      print the version",
        "",
        "Start here:",
        "  etcdlab run first-election       the main job: run a scenario (a name from scenarios/, or a file) and check it",
        "  etcdlab lesson --list            the lessons in order; 'etcdlab lesson NAME' opens one ('etcdlab' alone on a terminal: a picker)",
        "  echo 'put k v' | etcdlab shell   etcdctl, kubectl and lab lines (:crash n1) against a simulated cluster",
        "",
      ].join("\n"),
    )).toBe(true);
  });

  it("COMMAND --help, -h and help COMMAND print that command's usage and exit 0", async () => {
    expect(await cli(["run", "--help"])).toEqual({ code: 0, stdout: RUN_HELP, stderr: "" });
    expect(await cli(["run", "first-election", "-h"])).toEqual({ code: 0, stdout: RUN_HELP, stderr: "" });
    expect(await cli(["help", "run"])).toEqual({ code: 0, stdout: RUN_HELP, stderr: "" });
    expect(await cli(["shell", "--help"])).toEqual({
      code: 0,
      stdout: "Usage: etcdlab shell [--members N] [--seed N] [--secure] [-w FORMAT]\n  run etcdctl commands and lab commands (:crash n1, :partition n1 | n2 n3, ...) against a simulated cluster\n",
      stderr: "",
    });
  });

  it("help refuses an unknown command or a second one", async () => {
    expect(await cli(["help", "rnu"])).toEqual({ code: 2, stdout: "", stderr: "etcdlab: unknown command 'rnu': did you mean 'run'? (see 'etcdlab help')\n" });
    expect(await cli(["help", "run", "fuzz"])).toEqual({ code: 2, stdout: "", stderr: "etcdlab: help takes one command, got 2\n" });
  });
});

describe("scenario names", () => {
  it("an unknown shipped scenario names the nearest one, for run and replay", async () => {
    const hint = "etcdlab: unknown scenario 'firstelection': did you mean 'first-election'? (a scenario file, or a name from scenarios/)\n";
    expect(await cli(["run", "firstelection"])).toEqual({ code: 2, stdout: "", stderr: hint });
    expect(await cli(["replay", "firstelection"])).toEqual({ code: 2, stdout: "", stderr: hint });
    expect(await cli(["run", "zzzz"])).toEqual({ code: 2, stdout: "", stderr: "etcdlab: unknown scenario 'zzzz' (a scenario file, or a name from scenarios/)\n" });
  });
});

describe("etcdlab run --bug", () => {
  it("refuses a bug the scenario's cluster cannot plant, instead of running without it", async () => {
    expect(await cli(["run", "first-election", "--bug", "commit-old-term-by-counts"])).toEqual({
      code: 2,
      stdout: "",
      stderr: "etcdlab: flag '--bug': unknown bug 'commit-old-term-by-counts': did you mean 'commit-old-term-by-count'?\n",
    });
    expect((await cli(["run", "first-election", "--bug", "nope"])).stderr).toBe(
      "etcdlab: flag '--bug': unknown bug 'nope' (known: ack-before-fsync, commit-old-term-by-count, forget-vote-on-restart, lease-read-under-drift, no-truncate-on-conflict, stale-leader-read, vote-without-log-check)\n",
    );
    const pingpong = join(scratch, "pingpong.yaml");
    writeFileSync(pingpong, "title: t\ndescription: d\ncluster: {kind: pingpong, members: 3}\nsteps:\n  - wait: 100ms\n");
    expect(await cli(["run", pingpong, "--bug", "ack-before-fsync"])).toEqual({
      code: 2,
      stdout: "",
      stderr: "etcdlab: flag '--bug': a 'pingpong' cluster has no planted bugs (got 'ack-before-fsync')\n",
    });
  });
});

describe("etcdlab fuzz --out", () => {
  it("refuses a file as the output directory before sweeping any seed", async () => {
    writeFileSync(join(scratch, "a-file"), "x\n");
    expect(await cli(["fuzz", "--seeds", "1", "--out", "a-file"])).toEqual({
      code: 2,
      stdout: "",
      stderr: "etcdlab: flag '--out' must name a directory, and 'a-file' is a file\n",
    });
    expect(await cli(["fuzz", "--seeds", "1", "--out", "a-file/sub"])).toEqual({
      code: 2,
      stdout: "",
      stderr: "etcdlab: flag '--out' must name a directory, and 'a-file' is a file\n",
    });
  });
});

describe("etcdlab check-history on an etcd history exported as EDN", () => {
  it("says the EDN is for Jepsen's tools and points at the JSON Lines history", async () => {
    writeFileSync(join(scratch, "run.history.edn"), '{:process "c1", :type :invoke, :f :put, :value {:key "k", :value "v"}}\n');
    expect(await cli(["check-history", "run.history.edn"])).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "etcdlab: run.history.edn:1: expected ':process' to be a process number, got \"c1\" (an etcd history exported as EDN is for Jepsen's tools: check the etcdlab .history.jsonl beside it)\n",
    });
  });
});

describe("etcdlab version", () => {
  it("prints the version, and refuses arguments instead of ignoring them", async () => {
    expect(await cli(["--version"])).toEqual({ code: 0, stdout: "etcdlab 0.1.0\n", stderr: "" });
    expect(await cli(["version", "--bogus"])).toEqual({ code: 2, stdout: "", stderr: "etcdlab: version takes no arguments (got '--bogus')\n" });
  });
});

describe("scenario paths", () => {
  it("scenarios/NAME.yaml finds the shipped file from any directory (the README's example)", async () => {
    const { code, stdout, stderr } = await cli(["run", "scenarios/first-election.yaml"]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout.split("\n")[0]).toBe("scenario first-election, seed 1, etcdlab 0.1.0");
    expect(await cli(["run", "scenarios/nope.yaml"])).toEqual({ code: 2, stdout: "", stderr: "etcdlab: scenario file 'scenarios/nope.yaml' not found\n" });
  });
});
