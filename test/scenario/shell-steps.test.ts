/**
 * The `etcdctl` and `shell` scenario steps: shell lines against the scenario's own cluster, with
 * etcdctl's exact output checked; a mismatch fails the run (exit 1) with a line saying what was
 * expected and what was printed; a line the shell refuses is a mistake in the file (exit 2).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { memoryIo } from "../../src/cli/io.js";
import { parseScenario, runScenario } from "../../src/scenario/index.js";
import { renderReference } from "../../src/scenario/reference.js";

const scratch = mkdtempSync(join(tmpdir(), "etcdlab-shell-steps-"));

async function cli(name: string, text: string) {
  const path = join(scratch, name);
  writeFileSync(path, text);
  const io = memoryIo({ cwd: scratch });
  const code = await runCli(["run", path], io);
  return { code, stdout: io.stdout(), stderr: io.stderr(), path };
}

const HEADER = "title: t\ndescription: d\nseed: 3\nsteps:\n  - campaign: n1\n  - wait: 200ms\n";

function run(steps: string) {
  return runScenario(parseScenario(`${HEADER}${steps}`, "t.yaml"));
}

/** Each recorded check as `kind passed detail`. */
function checks(steps: string): string[] {
  return run(steps).expectations.results.map((record) => `${record.kind} ${record.passed ? "ok" : "FAIL"} ${record.detail}`);
}

describe("the etcdctl step", () => {
  it("runs a line with etcdctl's exact output, and checks stdout and stderr exactly (trailing newlines aside)", () => {
    const steps = `  - etcdctl: put foo bar
  - etcdctl: {line: "etcdctl get foo", output: "foo\\nbar"}
  - etcdctl: put fox den
  - etcdctl:
      line: get fo --prefix --rev=0 -w simple
      output: |
        foo
        bar
        fox
        den
  - etcdctl: {line: "get", error: "Error: get command needs one argument as key and an optional argument as range_end"}
  - etcdctl: {line: "lease revoke 1234", error: "Error: failed to revoke lease (etcdserver: requested lease not found)"}
`;
    expect(checks(steps)).toEqual([
      "etcdctl ok etcdctl get foo: output as expected",
      "etcdctl ok get fo --prefix --rev=0 -w simple: output as expected",
      "etcdctl ok get: error as expected",
      "etcdctl ok lease revoke 1234: error as expected",
    ]);
  });

  it("gives txn its standard input, and captures a lease ID for later lines and outputs", () => {
    const steps = `  - etcdctl: put n 1
  - etcdctl:
      line: txn
      stdin: |+
        value("n") = "1"

        put n 2

        get n

      output: |
        SUCCESS

        OK
  - etcdctl: {line: "get n --print-value-only", output: "2"}
  - etcdctl: {line: "lease grant 60", capture: {LEASE: "lease ([0-9a-f]+) granted"}}
  - etcdctl: {line: "put session alive --lease=\${LEASE}", output: OK}
  - etcdctl: {line: "lease timetolive \${LEASE} --keys", output: "lease \${LEASE} granted with TTL(60s), remaining(59s), attached keys([session])"}
`;
    const results = checks(steps);
    expect(results.slice(0, 3)).toEqual(["etcdctl ok txn: output as expected", "etcdctl ok get n --print-value-only: output as expected", expect.stringMatching(/^capture ok lease grant 60: captured LEASE=[0-9a-f]{16}$/)]);
    const lease = /LEASE=([0-9a-f]+)/.exec(results[2] as string)?.[1];
    expect(results.slice(3)).toEqual([`etcdctl ok put session alive --lease=${lease}: output as expected`, `etcdctl ok lease timetolive ${lease} --keys: output as expected`]);
  });

  it("reports a mismatch with what was expected and what was printed, and the run fails", () => {
    const result = run(`  - etcdctl: put foo bar\n  - etcdctl: {line: "get foo", output: "foo\\nbaz"}\n`);
    expect(result.ok).toBe(false);
    expect(result.expectations.results.map((record) => `${record.where} ${record.kind}: ${record.detail}`)).toEqual(['t.yaml:8:5 etcdctl: get foo: expected output "foo\\nbaz", got "foo\\nbar"']);
  });

  it("checks what a line printed (stdout and stderr) against a regular expression", () => {
    const steps = `  - etcdctl: {line: "put a b", matches: "^O"}\n  - etcdctl: {line: "get a", matches: "^b"}\n  - etcdctl: {line: "get", matches: "^Error: get command needs"}\n`;
    expect(checks(steps)).toEqual([
      "etcdctl ok put a b: output matches /^O/",
      'etcdctl FAIL get a: expected output matching /^b/, got "a\\nb"',
      "etcdctl ok get: output matches /^Error: get command needs/",
    ]);
  });

  it("reports a capture that does not match", () => {
    expect(checks(`  - etcdctl: {line: "put a b", capture: {ID: "lease (\\\\w+)"}}\n`)).toEqual(['capture FAIL put a b: capture ID: /lease (\\w+)/ does not match the output "OK\\n"']);
  });
});

describe("the shell step", () => {
  it("runs a script of etcdctl and lab lines and checks the transcript exactly", () => {
    const steps = `  - shell:
      script: |
        # a comment, not in the transcript
        put greeting hello
        txn
        value("greeting") = "hello"

        put greeting bye

        get greeting --print-value-only

        :crash n3
        :leader
        --endpoints=n2 get greeting --print-value-only
        :crash n3
      transcript: |
        $ put greeting hello
        OK
        $ txn
        > value("greeting") = "hello"
        >${" "}
        > put greeting bye
        >${" "}
        > get greeting --print-value-only
        >${" "}
        SUCCESS

        OK
        $ :crash n3
        $ :leader
        n1
        $ --endpoints=n2 get greeting --print-value-only
        bye
`;
    // The last `:crash n3` is refused (n3 is already crashed): a mistake in the script, with the step's position.
    expect(() => run(steps)).toThrow("t.yaml:7:5: the shell refused ':crash n3': cannot crash n3: it is crashed (it must be up or paused)");
    const withoutMistake = steps.replace("--print-value-only\n        :crash n3\n", "--print-value-only\n");
    expect(checks(withoutMistake)).toEqual(["shell ok script of 5 commands: transcript as expected"]);
  });

  it("passes kubectl lines to the shell too: the object is in etcd under /registry/", () => {
    const steps = `  - shell:
      script: |
        kubectl create configmap app-config --from-literal=mode=blue
        kubectl get configmap app-config -o name
        get /registry/configmaps/default/app-config --keys-only
      transcript: |
        $ kubectl create configmap app-config --from-literal=mode=blue
        configmap/app-config created
        $ kubectl get configmap app-config -o name
        configmap/app-config
        $ get /registry/configmaps/default/app-config --keys-only
        /registry/configmaps/default/app-config
`;
    expect(checks(steps)).toEqual(["shell ok script of 3 commands: transcript as expected"]);
  });

  it("names the first line where the transcript differs", () => {
    const steps = `  - shell: {script: "put a 1\\nget a\\n:leader", transcript: "$ put a 1\\nOK\\n$ get a\\na\\n2\\n$ :leader\\nn1"}\n`;
    expect(checks(steps)).toEqual(['shell FAIL script of 3 commands: transcript line 5: expected "2", got "1" (the whole transcript: "$ put a 1\\nOK\\n$ get a\\na\\n1\\n$ :leader\\nn1")']);
    const shorter = `  - shell: {script: "put a 1\\n:leader", transcript: "$ put a 1\\nOK"}\n`;
    expect(checks(shorter)).toEqual(['shell FAIL script of 2 commands: transcript line 3: expected (end of transcript), got "$ :leader" (the whole transcript: "$ put a 1\\nOK\\n$ :leader\\nn1")']);
  });

  it("runs a bare script without checks; the world moves on as the lines say", () => {
    const result = run(`  - shell: "put k v\\n:advance 2s\\n:partition {isolate: n1}"\n  - wait: 3s\n  - expect: {leader: {not: n1}}\n`);
    expect(result.expectations.results.map((record) => `${record.kind} ${record.passed}`)).toEqual(["leader true"]);
    expect(result.virtualTimeUs).toBeGreaterThan(5_000_000);
  });
});

describe("etcdlab run with shell steps", () => {
  it("exits 1 on an output mismatch, with a FAIL line naming the line, the expected and the printed output", async () => {
    const { code, stdout, path } = await cli("mismatch.yaml", `${HEADER}  - etcdctl: put foo bar\n  - etcdctl: {line: "get foo --print-value-only", output: baz}\n`);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ {2}FAIL +[\d.]+m?s {2}etcdctl: get foo --print-value-only: expected output "baz", got "bar" {2}\(mismatch\.yaml:8:5\)$/m);
    expect(stdout).toContain(`seed 3; reproduce with: etcdlab run ${path} --seed 3`);
  });

  it("exits 0 when every output matches", async () => {
    const { code, stdout } = await cli("match.yaml", `${HEADER}  - etcdctl: put foo bar\n  - etcdctl: {line: "get foo --print-value-only", output: bar}\n`);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}ok +[\d.]+m?s {2}etcdctl: get foo --print-value-only: output as expected/m);
  });

  it("exits 2 on a line the shell refuses, and on an unknown variable, naming the step", async () => {
    const refused = await cli("refused.yaml", `${HEADER}  - shell: ":crash n9"\n`);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe("etcdlab: refused.yaml:7:5: the shell refused ':crash n9': unknown node 'n9' (members: n1, n2, n3)\n");
    const unknown = await cli("variable.yaml", `${HEADER}  - etcdctl: "lease revoke \${LEASE}"\n`);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`etcdlab: variable.yaml:7:5: unknown variable '\${LEASE}' (no step captured a variable before this one)\n`);
  });
});

describe("the loader", () => {
  it("hints the nearest step for a misspelt one", () => {
    expect(() => parseScenario(`${HEADER}  - crahs: n1\n`, "t.yaml")).toThrow("t.yaml:7:5: unknown step 'crahs': did you mean 'crash'?");
    expect(() => parseScenario(`${HEADER}  - etcdtl: put a b\n`, "t.yaml")).toThrow("t.yaml:7:5: unknown step 'etcdtl': did you mean 'etcdctl'?");
    expect(() => parseScenario(`${HEADER}  - shel: ":leader"\n`, "t.yaml")).toThrow("t.yaml:7:5: unknown step 'shel': did you mean 'shell'?");
  });

  it("refuses unknown keys, empty lines and bad capture expressions at their position", () => {
    expect(() => parseScenario(`${HEADER}  - etcdctl: {line: "get a", ouput: x}\n`, "t.yaml")).toThrow("t.yaml:7:30: unknown key 'ouput'");
    expect(() => parseScenario(`${HEADER}  - etcdctl: "  "\n`, "t.yaml")).toThrow(/^t\.yaml:7:14: /);
    expect(() => parseScenario(`${HEADER}  - etcdctl: {line: "get a", capture: {X: "("}}\n`, "t.yaml")).toThrow(/^t\.yaml:7:\d+: not a regular expression: /);
    expect(() => parseScenario(`${HEADER}  - etcdctl: {line: "get a", capture: {"1X": "a"}}\n`, "t.yaml")).toThrow(/^t\.yaml:7:\d+: .*a variable name is letters, digits and '_'/);
  });
});

describe("the reference's examples of the shell steps", () => {
  const reference = renderReference();

  /** The YAML blocks of a step's details section in the generated reference. */
  function examples(step: string): string[] {
    const start = reference.indexOf(`#### \`${step}\``);
    const end = reference.indexOf("\n#", start + 1);
    const section = reference.slice(start, end);
    return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] as string);
  }

  for (const step of ["etcdctl", "shell"]) {
    it(`${step}: every example runs and its checks pass`, () => {
      const blocks = examples(step);
      expect(blocks.length).toBeGreaterThan(0);
      for (const block of blocks) {
        const result = run(block.replace(/^/gm, "  "));
        expect(result.expectations.results.filter((record) => !record.passed)).toEqual([]);
        expect(result.ok).toBe(true);
      }
    });
  }
});
