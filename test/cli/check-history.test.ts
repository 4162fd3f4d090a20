/**
 * `etcdlab check-history`: verdicts and exit codes, the plain and JSON reports, and every kind of
 * bad input (exit 2, one line `etcdlab: ...` naming the file and line).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { memoryIo } from "../../src/cli/io.js";
import { jepsenLog } from "../check/linearizability/helpers.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/porcupine");
let directory = "";

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "etcdlab-check-history-"));
  mkdirSync(join(directory, "folder"));
});

async function run(argv: readonly string[], files: Record<string, string> = {}) {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  const io = memoryIo({ cwd: directory });
  const code = await runCli(["check-history", ...argv], io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

const STALE = jepsenLog(["0 invoke write 1", "0 ok write 1", "1 invoke write 3", "1 ok write 3", "2 invoke read nil", "2 ok read 3", "4 invoke read nil", "4 ok read 1"]);
const FINE = jepsenLog(["0 invoke write 1", "1 invoke read nil", "0 ok write 1", "1 ok read 1", "2 invoke cas [1 2]", "2 info cas :timed-out", "3 invoke read nil", "3 fail read :timed-out"]);

/** The report with the elapsed time made stable. */
const stable = (text: string): string => text.replace(/, \d+ ms\n/, ", X ms\n").replace(/"elapsedMs":\d+/, '"elapsedMs":0');

describe("etcdlab check-history", () => {
  it("reports a linearizable history (exit 0)", async () => {
    const result = await run(["fine.log"], { "fine.log": FINE });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(stable(result.stdout)).toBe("linearizable\n4 operations (3 searched), 1 partition, X ms\n");
  });

  it("reports a non-linearizable history with the explanation (exit 1)", async () => {
    const result = await run(["stale.log"], { "stale.log": STALE });
    expect(result).toMatchObject({ code: 1, stderr: "" });
    expect(stable(result.stdout)).toBe(
      [
        "NOT linearizable",
        "4 operations (4 searched), 1 partition, X ms",
        "After write 1 (p0), write 3 (p1) and read → 3 (p2), no order explains read → 1 by p4 (invoked at line 7): the register held 3.",
        "The longest linearizable prefix found has 3 operations, in this order:",
        "  1. write 1 by p0 (line 1)",
        "  2. write 3 by p1 (line 3)",
        "  3. read → 3 by p2 (line 5)",
        "",
      ].join("\n"),
    );
  });

  it("prints exactly one JSON object with --json", async () => {
    const result = await run(["stale.log", "--json"], { "stale.log": STALE });
    expect(result.code).toBe(1);
    expect(result.stdout.endsWith("\n")).toBe(true);
    expect(result.stdout.trimEnd().split("\n")).toHaveLength(1);
    const report = JSON.parse(stable(result.stdout)) as Record<string, unknown>;
    expect(report).toEqual({
      linearizable: false,
      verdict: "not-linearizable",
      model: "register",
      operations: 4,
      checkedOperations: 4,
      partitions: 1,
      elapsedMs: 0,
      timeoutMs: null,
      explanation: {
        partition: 0,
        partitionLabel: null,
        prefix: [0, 1, 2],
        culprit: 3,
        summary: "After write 1 (p0), write 3 (p1) and read → 3 (p2), no order explains read → 1 by p4 (invoked at line 7): the register held 3.",
        text: expect.stringContaining("The longest linearizable prefix found has 3 operations") as unknown,
      },
    });
    const fine = JSON.parse((await run(["fine.log", "--json"], { "fine.log": FINE })).stdout) as Record<string, unknown>;
    expect(fine).toMatchObject({ linearizable: true, verdict: "linearizable", explanation: null });
  });

  it("gives unknown (exit 3) when the time budget runs out", async () => {
    const result = await run([join(FIXTURES, "jepsen/etcd_002.log"), "--timeout-ms", "1"]);
    expect(result).toMatchObject({ code: 3, stderr: "" });
    expect(stable(result.stdout)).toBe("unknown (time budget of 1 ms spent)\n77 operations (64 searched), 1 partition, X ms\n");
    const json = JSON.parse((await run([join(FIXTURES, "jepsen/etcd_002.log"), "--timeout-ms=1", "--json"])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ linearizable: null, verdict: "unknown", timeoutMs: 1, explanation: null });
  });

  it("checks an etcdlab JSON Lines history, and an empty file", async () => {
    const text = [
      '{"format":"etcdlab-history","version":1,"model":"etcd"}',
      '{"process":"c1","invoke":0,"return":10,"outcome":"ok","input":{"type":"put","key":"a","value":"1"},"output":{"type":"put","revision":2}}',
      '{"process":"c2","invoke":20,"return":30,"outcome":"ok","input":{"type":"range","key":"a"},"output":{"type":"range","revision":2,"count":0,"kvs":[]}}',
      "",
    ].join("\n");
    const result = await run(["h.jsonl"], { "h.jsonl": text });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'After put "a" = "1" → ok, revision 2 (c1), no order explains range "a" → nothing, revision 2 by c2 (invoked at line 3): the store held "a" = "1" (mod 2) there (count 1) at revision 2.',
    );
    expect(await run(["empty.log"], { "empty.log": "" })).toMatchObject({ code: 0, stderr: "" });
  });

  it("accepts --model when it fits the file", async () => {
    expect((await run(["fine.log", "--model", "register"], { "fine.log": FINE })).code).toBe(0);
  });
});

describe("etcdlab check-history on bad input (exit 2, one line)", () => {
  const JSONL_HEADER = '{"format":"etcdlab-history","version":1,"model":"register"}\n';
  const cases: Array<[string, readonly string[], Record<string, string>, string]> = [
    ["no file", [], {}, "check-history needs a history FILE"],
    ["two files", ["a.log", "b.log"], {}, "check-history takes one FILE, got 2"],
    ["a missing file", ["nope.log"], {}, "cannot read 'nope.log': no such file"],
    ["a directory", ["folder"], {}, "cannot read 'folder': it is a directory"],
    ["an unknown flag", ["fine.log", "--jsn"], { "fine.log": FINE }, "unknown flag '--jsn': did you mean '--json'?"],
    ["an unknown model", ["fine.log", "--model", "queue"], { "fine.log": FINE }, "flag '--model' must be register, kv, etcd (got 'queue')"],
    ["a zero budget", ["fine.log", "--timeout-ms", "0"], { "fine.log": FINE }, "flag '--timeout-ms' must be at least 1 (got 0)"],
    ["a budget that is not a number", ["fine.log", "--timeout-ms", "soon"], { "fine.log": FINE }, "flag '--timeout-ms' needs an integer (got 'soon')"],
    [
      "a misspelt event type",
      ["history.log"],
      { "history.log": jepsenLog(["0 invoke write 1", "0 okk write 1"]) },
      "history.log:2: expected ':invoke', ':ok', ':fail' or ':info', got ':okk'",
    ],
    [
      "a line that is not a Jepsen line",
      ["history.log"],
      { "history.log": `${jepsenLog(["0 invoke write 1"])}WARN something else\n` },
      "history.log:2: expected a line 'INFO jepsen.util - <process> <type> <f> <value>', got 'WARN something else'",
    ],
    ["an unknown operation", ["history.log"], { "history.log": jepsenLog(["0 invoke delete 1"]) }, "history.log:1: expected ':read', ':write', ':cas' as the operation, got ':delete'"],
    ["a bad cas value", ["history.log"], { "history.log": jepsenLog(["0 invoke cas 3"]) }, "history.log:1: expected ':cas' to carry [from to], got 3"],
    ["a missing value", ["history.log"], { "history.log": "INFO  jepsen.util - 0\t:invoke\t:read\n" }, "history.log:1: expected a value after ':read'"],
    [
      "a completion with nothing in flight",
      ["history.log"],
      { "history.log": jepsenLog(["0 invoke write 1", "0 ok write 1", "0 ok write 1"]) },
      "history.log:3: process 0 completes ':write' but has no operation in flight",
    ],
    [
      "an invocation while another is in flight",
      ["history.log"],
      { "history.log": jepsenLog(["0 invoke write 1", "0 invoke read nil"]) },
      "history.log:2: process 0 invokes ':read' while its ':write' from line 1 has not completed",
    ],
    [
      "a completion of another operation",
      ["history.log"],
      { "history.log": jepsenLog(["0 invoke write 1", "0 ok read 1"]) },
      "history.log:2: process 0 completes ':read' but invoked ':write' at line 1",
    ],
    [
      "a completion with another value",
      ["history.log"],
      { "history.log": jepsenLog(["0 invoke write 1", "0 ok write 2"]) },
      "history.log:2: the ':ok' carries 2 but the invocation carried 1",
    ],
    ["a Jepsen log checked as kv", ["history.log", "--model", "kv"], { "history.log": FINE }, "history.log: a Jepsen log holds register operations; it cannot be checked with the kv model"],
    ["an unknown format", ["h.txt"], { "h.txt": "\n\nhello\n" }, "h.txt:3: cannot tell the history format: expected a Jepsen log line ('INFO jepsen.util - ...'), an EDN map ('{:process ...}') or an etcdlab history header ('{\"format\":\"etcdlab-history\",...}')"],
    ["an unterminated EDN string", ["h.edn"], { "h.edn": '{:process 0, :type :invoke, :f :get, :key "k, :value nil}\n' }, "h.edn:1: unterminated string"],
    ["a bad EDN :type", ["h.edn"], { "h.edn": "{:process 0, :type :done, :f :read, :value nil}\n" }, "h.edn:1: expected ':type' to be ':invoke', ':ok', ':fail' or ':info', got :done"],
    ["an EDN operation of no model", ["h.edn"], { "h.edn": "{:process 0, :type :invoke, :f :enqueue, :value 1}\n" }, "h.edn:1: ':f :enqueue' is no operation of a known model (register: ':read', ':write', ':cas'; kv: ':get', ':put', ':append')"],
    [
      "a kv EDN line without a key",
      ["h.edn"],
      { "h.edn": '{:process 0, :type :invoke, :f :put, :key "k", :value "v"}\n{:process 1, :type :invoke, :f :get, :value nil}\n' },
      "h.edn:2: expected ':get' to have a string ':key'",
    ],
    ["EDN checked as etcd", ["h.edn", "--model", "etcd"], { "h.edn": "{:process 0, :type :invoke, :f :read, :value nil}\n" }, "h.edn: Jepsen EDN histories hold register or kv operations, not etcd requests"],
    ["a JSON Lines header of another version", ["h.jsonl"], { "h.jsonl": '{"format":"etcdlab-history","version":2,"model":"kv"}\n' }, "h.jsonl:1: header.version: this etcdlab reads version 1, got 2"],
    ["a JSON Lines header of another model", ["h.jsonl", "--model", "kv"], { "h.jsonl": JSONL_HEADER }, "h.jsonl:1: the header names the model 'register' but --model is 'kv'"],
    ["a line that is not JSON", ["h.jsonl"], { "h.jsonl": `${JSONL_HEADER}{"process": 1,\n` }, "h.jsonl:2: not valid JSON ("],
    [
      "an unknown field",
      ["h.jsonl"],
      { "h.jsonl": `${JSONL_HEADER}{"process":1,"invoke":0,"return":1,"outcome":"ok","input":{"type":"read"},"output":{"type":"read","value":1},"note":1}\n` },
      "h.jsonl:2: operation: unknown field 'note' (expected 'process', 'invoke', 'outcome', 'input', 'return', 'output', 'error')",
    ],
    [
      "a return before the invocation",
      ["h.jsonl"],
      { "h.jsonl": `${JSONL_HEADER}{"process":1,"invoke":5,"return":4,"outcome":"ok","input":{"type":"write","value":1},"output":{"type":"write"}}\n` },
      "h.jsonl:2: return: 4 is before invoke 5",
    ],
    [
      "an output of another type",
      ["h.jsonl"],
      { "h.jsonl": `${JSONL_HEADER}{"process":1,"invoke":0,"return":1,"outcome":"ok","input":{"type":"read"},"output":{"type":"write"}}\n` },
      'h.jsonl:2: output.type: expected "read", got "write"',
    ],
    [
      "an unknown outcome with a return time",
      ["h.jsonl"],
      { "h.jsonl": `${JSONL_HEADER}{"process":1,"invoke":0,"return":1,"outcome":"unknown","input":{"type":"read"}}\n` },
      "h.jsonl:2: return: an operation with an unknown outcome has no return time",
    ],
    [
      "a bad etcd field",
      ["h.jsonl"],
      {
        "h.jsonl":
          '{"format":"etcdlab-history","version":1,"model":"etcd"}\n' +
          '{"process":"c","invoke":0,"outcome":"unknown","input":{"type":"txn","compare":[],"success":[{"type":"put","key":3,"value":"v"}],"failure":[]}}\n',
      },
      "h.jsonl:2: input.success[0].key: expected a string, got 3",
    ],
    [
      "txn results that do not match the branch",
      ["h.jsonl"],
      {
        "h.jsonl":
          '{"format":"etcdlab-history","version":1,"model":"etcd"}\n' +
          '{"process":"c","invoke":0,"return":1,"outcome":"ok","input":{"type":"txn","compare":[],"success":[{"type":"put","key":"k","value":"v"}],"failure":[]},"output":{"type":"txn","revision":2,"succeeded":true,"results":[]}}\n',
      },
      "h.jsonl:2: output.results: expected 1 result(s), one per operation of the success branch, got 0",
    ],
  ];

  it.each(cases)("%s", async (_, argv, files, message) => {
    const result = await run(argv, files);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")).toHaveLength(2);
    if (message.endsWith("(")) expect(result.stderr.startsWith(`etcdlab: ${message}`)).toBe(true);
    else expect(result.stderr).toBe(`etcdlab: ${message}\n`);
  });
});
