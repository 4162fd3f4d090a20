/**
 * The kv model and P-compositionality: a history is checked key by key.
 */
import { describe, expect, it } from "vitest";
import type { KvInput, KvOutput } from "../../../src/check/history/operations.js";
import { parseHistory } from "../../../src/check/history/parse.js";
import { checkHistory, checkOperations } from "../../../src/check/linearizability/check.js";
import { hashString } from "../../../src/check/linearizability/hashing.js";
import { ILLEGAL } from "../../../src/check/linearizability/model.js";
import { kvModel } from "../../../src/check/linearizability/models/kv.js";
import { operations } from "./helpers.js";

const edn = (lines: readonly string[]): string => lines.map((line) => `${line}\n`).join("");

describe("the kv model", () => {
  it("reads the empty string for a key never written; put sets, append concatenates", () => {
    const empty = kvModel.init();
    expect(kvModel.step(empty, { type: "get", key: "k" }, { type: "get", value: "" })).toBe(empty);
    const put = kvModel.step(empty, { type: "put", key: "k", value: "ab" }, { type: "put" });
    expect(put).toEqual({ value: "ab", hash: hashString("ab") });
    if (put === ILLEGAL) throw new Error("put is legal");
    const appended = kvModel.step(put, { type: "append", key: "k", value: "cd" }, { type: "append" });
    expect(appended).toEqual({ value: "abcd", hash: hashString("abcd") });
    expect(kvModel.step(put, { type: "get", key: "k" }, { type: "get", value: "a" })).toBe(ILLEGAL);
  });

  it("partitions by key, in key order, and checks each key alone", () => {
    const ops = operations<KvInput, KvOutput>([
      { process: 0, invoke: 0, return: 1, input: { type: "put", key: "b", value: "1" }, output: { type: "put" } },
      { process: 1, invoke: 0, return: 1, input: { type: "put", key: "a", value: "2" }, output: { type: "put" } },
      { process: 0, invoke: 2, return: 3, input: { type: "get", key: "b" }, output: { type: "get", value: "1" } },
    ]);
    const partitions = kvModel.partition?.(ops) ?? [];
    expect(partitions.map((partition) => [partition.label, partition.operations.map((operation) => operation.id)])).toEqual([
      ['key "a"', [1]],
      ['key "b"', [0, 2]],
    ]);
    expect(checkOperations(kvModel, ops)).toMatchObject({ linearizable: true, partitions: 2 });
  });

  it("names the key in the explanation", () => {
    const history = parseHistory(
      edn([
        '{:process 0, :type :invoke, :f :append, :key "x", :value "1"}',
        '{:process 0, :type :ok, :f :append, :key "x", :value "1"}',
        '{:process 1, :type :invoke, :f :put, :key "y", :value "9"}',
        '{:process 1, :type :ok, :f :put, :key "y", :value "9"}',
        '{:process 0, :type :invoke, :f :append, :key "x", :value "2"}',
        '{:process 0, :type :ok, :f :append, :key "x", :value "2"}',
        '{:process 1, :type :invoke, :f :get, :key "x", :value nil}',
        '{:process 1, :type :ok, :f :get, :key "x", :value "21"}',
      ]),
      { source: "kv.edn" },
    );
    const result = checkHistory(history);
    expect(result).toMatchObject({ linearizable: false, partitions: 2 });
    expect(result.explanation).toMatchObject({ partition: 0, partitionLabel: 'key "x"', prefix: [0, 2], culprit: 3 });
    expect(result.explanation?.summary).toBe(
      'On key "x": after append "x" "1" (p0) and append "x" "2" (p0), no order explains get "x" → "21" by p1 (invoked at line 7): key "x" held "12".',
    );
  });
});
