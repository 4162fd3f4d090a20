/**
 * The register model, operations with unknown outcomes, explanations and the time budget.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RegisterInput, RegisterOutput } from "../../../src/check/history/operations.js";
import { parseHistory } from "../../../src/check/history/parse.js";
import { checkHistory, checkOperations } from "../../../src/check/linearizability/check.js";
import { ILLEGAL } from "../../../src/check/linearizability/model.js";
import { registerModel } from "../../../src/check/linearizability/models/register.js";
import { jepsenLog, operations } from "./helpers.js";

const check = (lines: readonly string[]) => checkHistory(parseHistory(jepsenLog(lines), { source: "history.log" }));

describe("the register model", () => {
  it("starts nil; a read returns the value, a write sets it", () => {
    expect(registerModel.init()).toBe(null);
    expect(registerModel.step(null, { type: "read" }, { type: "read", value: null })).toBe(null);
    expect(registerModel.step(null, { type: "read" }, { type: "read", value: 1 })).toBe(ILLEGAL);
    expect(registerModel.step(null, { type: "write", value: 4 }, { type: "write" })).toBe(4);
    expect(registerModel.step(4, { type: "read" }, { type: "read", value: 4 })).toBe(4);
  });

  it("cas [a b] sets b and succeeds iff the register held a; a failed cas changes nothing", () => {
    const cas: RegisterInput = { type: "cas", from: 1, to: 2 };
    const succeeded: RegisterOutput = { type: "cas", succeeded: true };
    const failed: RegisterOutput = { type: "cas", succeeded: false };
    expect(registerModel.step(1, cas, succeeded)).toBe(2);
    expect(registerModel.step(3, cas, succeeded)).toBe(ILLEGAL);
    expect(registerModel.step(3, cas, failed)).toBe(3);
    expect(registerModel.step(1, cas, failed)).toBe(ILLEGAL);
  });

  it("accepts any output for an unknown outcome, and applies the operation", () => {
    expect(registerModel.step(7, { type: "read" }, undefined)).toBe(7);
    expect(registerModel.step(7, { type: "cas", from: 7, to: 8 }, undefined)).toBe(8);
    expect(registerModel.step(7, { type: "cas", from: 1, to: 8 }, undefined)).toBe(7);
  });

  it("describes operations and states in words", () => {
    expect(registerModel.describeOperation({ type: "read" }, { type: "read", value: null })).toBe("read → nil");
    expect(registerModel.describeOperation({ type: "write", value: "x" }, undefined)).toBe('write "x" (outcome unknown)');
    expect(registerModel.describeOperation({ type: "cas", from: 1, to: 2 }, { type: "cas", succeeded: false })).toBe("cas from 1 to 2 (failed)");
    expect(registerModel.explainIllegal(3, { type: "cas", from: 1, to: 2 }, { type: "cas", succeeded: true })).toBe("the register held 3, not 1");
    expect(registerModel.explainIllegal(1, { type: "cas", from: 1, to: 2 }, { type: "cas", succeeded: false })).toBe(
      "the register held 1, so the cas would have succeeded",
    );
  });

  it("linearizes overlapping operations in either order", () => {
    // p1 reads 2 while p0 writes 2: the write may take effect first.
    expect(check(["0 invoke write 2", "1 invoke read nil", "1 ok read 2", "0 ok write 2"]).linearizable).toBe(true);
    // ...but a read that starts after the write returned cannot miss it.
    expect(check(["0 invoke write 2", "0 ok write 2", "1 invoke read nil", "1 ok read nil"]).linearizable).toBe(false);
  });

  it("respects real time across processes (the classic 6.824 quiz example)", () => {
    const ops = operations<RegisterInput, RegisterOutput>([
      { process: 0, invoke: 0, return: 100, input: { type: "write", value: 200 }, output: { type: "write" } },
      { process: 1, invoke: 10, return: 30, input: { type: "read" }, output: { type: "read", value: 200 } },
      { process: 2, invoke: 40, return: 90, input: { type: "read" }, output: { type: "read", value: null } },
    ]);
    expect(checkOperations(registerModel, ops).linearizable).toBe(false);
    const legal = operations<RegisterInput, RegisterOutput>([
      { process: 0, invoke: 0, return: 100, input: { type: "write", value: 100 }, output: { type: "write" } },
      { process: 1, invoke: 25, return: 75, input: { type: "read" }, output: { type: "read", value: 100 } },
      { process: 2, invoke: 30, return: 60, input: { type: "read" }, output: { type: "read", value: null } },
    ]);
    expect(checkOperations(registerModel, legal).linearizable).toBe(true);
  });
});

describe("operations with an unknown outcome", () => {
  it("a timed-out write that a later read observes must have happened: linearizable", () => {
    const result = check(["0 invoke write 1", "0 info write :timed-out", "1 invoke read nil", "1 ok read 1"]);
    expect(result.linearizable).toBe(true);
  });

  it("a timed-out write that nobody observes may not have happened: linearizable", () => {
    const result = check(["0 invoke write 1", "0 info write :timed-out", "1 invoke read nil", "1 ok read nil", "2 invoke read nil", "2 ok read nil"]);
    expect(result.linearizable).toBe(true);
  });

  it("the same write completed ok must have happened before the reads: not linearizable", () => {
    const result = check(["0 invoke write 1", "0 ok write 1", "1 invoke read nil", "1 ok read nil"]);
    expect(result.linearizable).toBe(false);
  });

  it("a timed-out write happens at most once: observed, it cannot be undone", () => {
    const result = check(["0 invoke write 1", "0 info write :timed-out", "1 invoke read nil", "1 ok read 1", "2 invoke read nil", "2 ok read nil"]);
    expect(result.linearizable).toBe(false);
  });

  it("a timed-out write may take effect after the client gave up", () => {
    const result = check(["0 invoke write 1", "0 info write :timed-out", "1 invoke read nil", "1 ok read nil", "2 invoke read nil", "2 ok read 1"]);
    expect(result.linearizable).toBe(true);
  });

  it("an invocation that never completes is unknown too", () => {
    const history = parseHistory(jepsenLog(["0 invoke write 1", "1 invoke read nil", "1 ok read 1"]), { source: "history.log" });
    expect(history.operations[0]).toMatchObject({ outcome: "unknown", returnTime: Infinity, returnLine: undefined });
    expect(checkHistory(history).linearizable).toBe(true);
  });

  it("a :fail write definitely did not happen: reading its value is not linearizable", () => {
    const history = parseHistory(jepsenLog(["0 invoke write 1", "0 fail write 1", "1 invoke read nil", "1 ok read 1"]), { source: "history.log" });
    expect(history.operations[0]).toMatchObject({ outcome: "fail", returnTime: 2 });
    expect(checkHistory(history)).toMatchObject({ linearizable: false, operations: 2, checkedOperations: 1 });
  });

  it("a :fail :read :timed-out is an unknown read, and is set aside", () => {
    const history = parseHistory(jepsenLog(["0 invoke read nil", "0 fail read :timed-out"]), { source: "history.log" });
    expect(history.operations[0]).toMatchObject({ outcome: "unknown", error: "timed-out", returnLine: 2 });
    expect(checkHistory(history)).toMatchObject({ linearizable: true, operations: 1, checkedOperations: 0 });
  });
});

describe("explanations", () => {
  it("names the longest linearizable prefix and the operation that cannot follow it", () => {
    const result = check(["0 invoke write 1", "0 ok write 1", "1 invoke write 3", "1 ok write 3", "2 invoke read nil", "2 ok read 3", "4 invoke read nil", "4 ok read 1"]);
    expect(result.linearizable).toBe(false);
    expect(result.explanation).toEqual({
      partition: 0,
      partitionLabel: null,
      prefix: [0, 1, 2],
      culprit: 3,
      summary: "After write 1 (p0), write 3 (p1) and read → 3 (p2), no order explains read → 1 by p4 (invoked at line 7): the register held 3.",
      text: [
        "After write 1 (p0), write 3 (p1) and read → 3 (p2), no order explains read → 1 by p4 (invoked at line 7): the register held 3.",
        "The longest linearizable prefix found has 3 operations, in this order:",
        "  1. write 1 by p0 (line 1)",
        "  2. write 3 by p1 (line 3)",
        "  3. read → 3 by p2 (line 5)",
        "",
      ].join("\n"),
    });
  });

  it("orders concurrent operations as the linearization does", () => {
    // p1's write 3 overlaps p0's write 2; p2 then reads 3 and p3 reads 2.
    const result = check(["0 invoke write 2", "1 invoke write 3", "0 ok write 2", "1 ok write 3", "2 invoke read nil", "2 ok read 3", "3 invoke read nil", "3 ok read 2"]);
    expect(result.explanation?.summary).toBe(
      "After write 2 (p0), write 3 (p1) and read → 3 (p2), no order explains read → 2 by p3 (invoked at line 7): the register held 3.",
    );
  });

  it("says so when not even the first operation fits", () => {
    const result = check(["0 invoke read nil", "0 ok read 5"]);
    expect(result.explanation?.summary).toBe("At the start, no order explains read → 5 by p0 (invoked at line 1): the register held nil.");
    expect(result.explanation?.text).toBe("At the start, no order explains read → 5 by p0 (invoked at line 1): the register held nil.\n");
  });

  it("names only the last three operations of a long prefix, and lists the last twenty", () => {
    const lines: string[] = [];
    for (let value = 1; value <= 25; value++) lines.push(`0 invoke write ${value}`, `0 ok write ${value}`);
    lines.push("1 invoke read nil", "1 ok read 7");
    const explanation = check(lines).explanation;
    expect(explanation?.summary).toBe(
      "After 25 operations ending in write 23 (p0), write 24 (p0) and write 25 (p0), no order explains read → 7 by p1 (invoked at line 51): the register held 25.",
    );
    const text = explanation?.text.split("\n") ?? [];
    expect(text[1]).toBe("The longest linearizable prefix found has 25 operations; the last 20, in order:");
    expect(text[2]).toBe("  6. write 6 by p0 (line 11)");
    expect(text[21]).toBe("  25. write 25 by p0 (line 49)");
    expect(explanation?.prefix).toHaveLength(25);
  });
});

describe("the time budget", () => {
  const hard = readFileSync(join(import.meta.dirname, "../../fixtures/porcupine/jepsen/etcd_002.log"), "utf8");
  const hardBad = readFileSync(join(import.meta.dirname, "../../fixtures/porcupine/jepsen/etcd_099.log"), "utf8");

  /** A fake clock: 0 when the check starts, then far in the future. */
  function jumpingClock(): () => number {
    let reads = 0;
    return () => (reads++ === 0 ? 0 : 1_000_000);
  }

  it("gives unknown, not a verdict, when it runs out (for a linearizable and a non-linearizable history)", () => {
    for (const text of [hard, hardBad]) {
      const result = checkHistory(parseHistory(text, { source: "history.log" }), { timeoutMs: 50, now: jumpingClock() });
      expect(result).toMatchObject({ verdict: "unknown", linearizable: null, explanation: null });
    }
  });

  it("gives the verdict when the clock stays within the budget", () => {
    const frozen = (): number => 0;
    expect(checkHistory(parseHistory(hard, { source: "history.log" }), { timeoutMs: 50, now: frozen }).linearizable).toBe(true);
    expect(checkHistory(parseHistory(hardBad, { source: "history.log" }), { timeoutMs: 50, now: frozen }).linearizable).toBe(false);
  });

  it("is deterministic: the same history gives the same explanation every time", () => {
    const first = checkHistory(parseHistory(hardBad, { source: "history.log" }));
    const second = checkHistory(parseHistory(hardBad, { source: "history.log" }));
    expect(second.explanation).toEqual(first.explanation);
  });
});
