/**
 * The history readers and writers (src/check/history): the EDN subset, Jepsen logs, Jepsen EDN
 * histories, etcdlab JSON Lines, and the exports.
 */
import { describe, expect, it } from "vitest";
import { EdnKeyword, EdnMap, formatEdn, readEdnMap, readEdnValue } from "../../../src/check/history/edn.js";
import { historyToEdn, parseEdnHistory } from "../../../src/check/history/edn-history.js";
import type { History, Operation } from "../../../src/check/history/history.js";
import { parseJepsenLog } from "../../../src/check/history/jepsen-log.js";
import { formatHistoryHeader, formatHistoryJsonl, formatOperationLine, parseHistoryJsonl } from "../../../src/check/history/jsonl.js";
import type { EtcdRequest, EtcdResponse } from "../../../src/check/history/operations.js";
import { detectFormat, parseHistory } from "../../../src/check/history/parse.js";
import { jepsenLog, operations } from "./helpers.js";

describe("the EDN reader", () => {
  it("reads maps of keywords to keywords, strings, integers, nil, booleans, vectors and maps", () => {
    const map = readEdnMap('{:a 1, :b "x\\"y\\n\\u0041", :c [nil true false :k -3], :d {:e +7}}');
    expect([...map.entries.keys()]).toEqual(["a", "b", "c", "d"]);
    expect(map.entries.get("a")).toBe(1);
    expect(map.entries.get("b")).toBe('x"y\nA');
    expect(map.entries.get("c")).toEqual([null, true, false, new EdnKeyword("k"), -3]);
    expect((map.entries.get("d") as EdnMap).entries.get("e")).toBe(7);
  });

  it("writes what it reads", () => {
    const text = '{:process 3, :type :ok, :value [1 "a\\tb" nil], :nested {:x true}}';
    expect(formatEdn(readEdnMap(text))).toBe('{:process 3, :type :ok, :value [1 "a\\tb" nil], :nested {:x true}}');
    expect(readEdnValue(formatEdn("quote \" backslash \\ bell \u0007"))).toBe("quote \" backslash \\ bell \u0007");
  });

  it.each([
    ["{:a 1", "expected '}' to close the map"],
    ['{:a "x}', "unterminated string"],
    ["{:a 1.5}", "expected an integer, got '1.5'"],
    ["{:a 99999999999999999999}", "integer 99999999999999999999 is too large"],
    ["{a 1}", "expected a keyword as a map key, got 'a'"],
    ["{:a 1 :a 2}", "duplicate key ':a'"],
    ["{:a}", "the key ':a' has no value"],
    ["{:a @x}", "unexpected character '@'"],
    ["{:a foo}", "unsupported EDN symbol 'foo'"],
    ["{:a [1 2}", "unexpected character '}'"],
    ['{:a "\\q"}', "bad escape '\\q' in a string"],
    ["{:a 1} x", "unexpected 'x' after the end of the map"],
    ["[1 2]", "expected an EDN map starting with '{', got '['"],
  ])("refuses %s: %s", (text, message) => {
    expect(() => readEdnMap(text)).toThrow(message);
  });
});

describe("Jepsen logs", () => {
  it("pairs invocations and completions by process; times are line numbers", () => {
    const text = jepsenLog(["1 invoke cas [3 4]", "0 invoke read nil", "0 ok read 3", "1 fail cas [3 4]", "2 invoke write 5", "2 info write :timed-out"]);
    const history = parseJepsenLog(`${text}INFO  jepsen.util - :nemesis\t:info\t:start\tnil\n\n`, "h.log");
    expect(history.operations).toEqual([
      {
        id: 0,
        process: 1,
        invokeTime: 1,
        returnTime: 4,
        input: { type: "cas", from: 3, to: 4 },
        output: undefined,
        outcome: "fail",
        error: undefined,
        line: 1,
        returnLine: 4,
      },
      { id: 1, process: 0, invokeTime: 2, returnTime: 3, input: { type: "read" }, output: { type: "read", value: 3 }, outcome: "ok", error: undefined, line: 2, returnLine: 3 },
      { id: 2, process: 2, invokeTime: 5, returnTime: Infinity, input: { type: "write", value: 5 }, output: undefined, outcome: "unknown", error: "timed-out", line: 5, returnLine: 6 },
    ]);
  });

  it("splits on any whitespace", () => {
    const history = parseJepsenLog("INFO  jepsen.util - 1   :invoke :cas    [1 2]\nINFO jepsen.util - 1 :ok :cas [1  2]\n", "h.log");
    expect(history.operations[0]).toMatchObject({ input: { type: "cas", from: 1, to: 2 }, output: { type: "cas", succeeded: true } });
  });
});

describe("Jepsen EDN histories", () => {
  it("infers the register model from the first operation and skips the nemesis", () => {
    const history = parseEdnHistory(
      [
        "{:process :nemesis, :type :info, :f :start, :value nil}",
        "{:process 0, :type :invoke, :f :write, :value 1, :time 100}",
        "{:process 0, :type :info, :f :write, :value 1, :error :timeout}",
      ].join("\n"),
      "h.edn",
    );
    expect(history.model).toBe("register");
    expect(history.operations).toEqual([
      { id: 0, process: 0, invokeTime: 2, returnTime: Infinity, input: { type: "write", value: 1 }, output: undefined, outcome: "unknown", error: "timeout", line: 2, returnLine: 3 },
    ]);
  });

  it("reads a missing key's nil as the empty string", () => {
    const history = parseHistory('{:process 0, :type :invoke, :f :get, :key "k", :value nil}\n{:process 0, :type :ok, :f :get, :key "k", :value nil}\n', {
      source: "h.edn",
    });
    expect(history.model).toBe("kv");
    expect(history.operations[0]?.output).toEqual({ type: "get", value: "" });
  });
});

/** Process, input, output and outcome: what survives an export and a re-read. */
const essence = (history: History) =>
  (history.operations as ReadonlyArray<Operation>).map(({ process, input, output, outcome }) => ({ process, input, output, outcome }));

describe("etcdlab JSON Lines", () => {
  const etcd = operations<EtcdRequest, EtcdResponse>([
    { process: "client-1", invoke: 100, return: 250, input: { type: "put", key: "a", value: "1" }, output: { type: "put", revision: 2 } },
    {
      process: "client-2",
      invoke: 120,
      return: 300,
      input: { type: "txn", compare: [{ key: "a", target: "mod", operator: ">", value: 0 }], success: [{ type: "range", key: "a", end: "b", limit: 5 }], failure: [] },
      output: { type: "txn", succeeded: true, revision: 2, results: [{ type: "range", count: 1, kvs: [{ key: "a", value: "1", modRevision: 2, createRevision: 2, version: 1 }] }] },
    },
    { process: "client-3", invoke: 130, input: { type: "delete", key: "a" } },
    { process: 7, invoke: 140, return: 150, input: { type: "range", key: "z" }, outcome: "fail" },
  ]);
  const history: History = { model: "etcd", operations: etcd, source: "h.jsonl" };

  it("writes one header line and one line per operation", () => {
    expect(formatHistoryHeader("etcd")).toBe('{"format":"etcdlab-history","version":1,"model":"etcd"}\n');
    expect(formatOperationLine(etcd[0] as Operation)).toBe(
      '{"process":"client-1","invoke":100,"return":250,"outcome":"ok","input":{"type":"put","key":"a","value":"1"},"output":{"type":"put","revision":2}}\n',
    );
    expect(formatOperationLine({ ...(etcd[2] as Operation), error: "etcdserver: request timed out" })).toBe(
      '{"process":"client-3","invoke":130,"outcome":"unknown","input":{"type":"delete","key":"a"},"error":"etcdserver: request timed out"}\n',
    );
  });

  it("reads back what it writes", () => {
    const text = formatHistoryJsonl(history);
    const parsed = parseHistoryJsonl(text, "h.jsonl");
    expect(parsed.model).toBe("etcd");
    expect(parsed.operations).toEqual(etcd.map((operation, index) => ({ ...operation, line: index + 2, returnLine: operation.outcome === "unknown" ? undefined : index + 2 })));
    expect(detectFormat(text, "h.jsonl")).toBe("jsonl");
  });

  it("orders operations by invocation, whatever the order of the lines", () => {
    const lines = formatHistoryJsonl(history).trimEnd().split("\n");
    const shuffled = [lines[0], lines[3], lines[1], lines[4], lines[2]].join("\n");
    const parsed = parseHistoryJsonl(shuffled, "h.jsonl");
    expect(parsed.operations.map((operation) => [operation.id, operation.invokeTime, operation.line])).toEqual([
      [0, 100, 3],
      [1, 120, 5],
      [2, 130, 2],
      [3, 140, 4],
    ]);
  });
});

describe("the EDN export", () => {
  it("round-trips register and kv histories through Jepsen EDN", () => {
    const register = parseJepsenLog(jepsenLog(["0 invoke write 3", "1 invoke read nil", "1 ok read 3", "0 ok write 3", "2 invoke cas [3 4]", "2 info cas :timed-out", "3 invoke write 1", "3 fail write 1"]), "h.log");
    const exported = historyToEdn(register);
    expect(exported.split("\n").slice(0, 4)).toEqual([
      "{:process 0, :type :invoke, :f :write, :value 3}",
      "{:process 1, :type :invoke, :f :read, :value nil}",
      "{:process 1, :type :ok, :f :read, :value 3}",
      "{:process 0, :type :ok, :f :write, :value 3}",
    ]);
    expect(essence(parseEdnHistory(exported, "h.edn"))).toEqual(essence(register));

    const kv = parseHistory('{:process 0, :type :invoke, :f :append, :key "k", :value "x"}\n{:process 0, :type :ok, :f :append, :key "k", :value "x"}\n', { source: "k.edn" });
    expect(historyToEdn(kv)).toBe('{:process 0, :type :invoke, :f :append, :key "k", :value "x"}\n{:process 0, :type :ok, :f :append, :key "k", :value "x"}\n');
  });

  it("writes etcd requests and responses as EDN maps", () => {
    const [put] = operations<EtcdRequest, EtcdResponse>([
      { process: "c1", invoke: 5, return: 9, input: { type: "put", key: "a", value: "1" }, output: { type: "put", revision: 2 } },
    ]);
    const history: History = { model: "etcd", operations: put === undefined ? [] : [put], source: "h.jsonl" };
    expect(historyToEdn(history)).toBe(
      '{:process "c1", :type :invoke, :f :put, :value {:key "a", :value "1"}}\n' +
        '{:process "c1", :type :ok, :f :put, :value {:request {:key "a", :value "1"}, :response {:revision 2}}}\n',
    );
  });
});

describe("format and model inference", () => {
  it("reads an empty text as an empty history of the given model (the register by default)", () => {
    expect(parseHistory("", { source: "e.log" })).toEqual({ model: "register", operations: [], source: "e.log" });
    expect(parseHistory("\n \n", { source: "e.log", model: "etcd" })).toEqual({ model: "etcd", operations: [], source: "e.log" });
  });

  it("tells the formats apart by their first line", () => {
    expect(detectFormat("\nINFO  jepsen.util - 0\t:invoke\t:read\tnil\n", "h")).toBe("jepsen-log");
    expect(detectFormat("  {:process 0}", "h")).toBe("edn");
    expect(detectFormat('{"format":"etcdlab-history","version":1,"model":"kv"}', "h")).toBe("jsonl");
  });
});
