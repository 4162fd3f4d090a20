/**
 * Nondeterministic models: a step may lead to several states; `determinize` checks against the
 * set of possible states, as Porcupine does.
 */
import { describe, expect, it } from "vitest";
import type { RegisterInput, RegisterOutput, RegisterValue } from "../../../src/check/history/operations.js";
import { checkOperations } from "../../../src/check/linearizability/check.js";
import { determinize, ILLEGAL, type NondeterministicModel } from "../../../src/check/linearizability/model.js";
import { registerModel } from "../../../src/check/linearizability/models/register.js";
import { operations } from "./helpers.js";

/** A register whose writes may be lost: each write leaves either the new or the old value. */
const lossyRegister: NondeterministicModel<RegisterValue, RegisterInput, RegisterOutput> = {
  ...registerModel,
  name: "lossy-register",
  step(state, input, output) {
    const next = registerModel.step(state, input, output);
    if (next === ILLEGAL) return [];
    return input.type === "write" ? [next, state] : [next];
  },
};

const write = (process: number, invoke: number, value: number) => ({
  process,
  invoke,
  return: invoke + 1,
  input: { type: "write", value } as RegisterInput,
  output: { type: "write" } as RegisterOutput,
});
const read = (process: number, invoke: number, value: RegisterValue) => ({
  process,
  invoke,
  return: invoke + 1,
  input: { type: "read" } as RegisterInput,
  output: { type: "read", value } as RegisterOutput,
});

describe("determinize", () => {
  const model = determinize(lossyRegister);

  it("keeps every possible state, without duplicates, in a canonical order", () => {
    const after = model.step(model.init(), { type: "write", value: 1 }, { type: "write" });
    if (after === ILLEGAL) throw new Error("a write is legal");
    expect([...after].sort()).toEqual([1, null].sort());
    const again = model.step(after, { type: "write", value: 1 }, { type: "write" });
    if (again === ILLEGAL) throw new Error("a write is legal");
    expect(again).toHaveLength(2);
    expect(model.equal(after, again)).toBe(true);
    expect(model.hash(after)).toBe(model.hash(again));
    expect(model.step(after, { type: "read" }, { type: "read", value: 2 })).toBe(ILLEGAL);
  });

  it("accepts a history that is linearizable only if a write was lost", () => {
    const history = operations([write(0, 0, 1), read(1, 10, null)]);
    expect(checkOperations(registerModel, history).linearizable).toBe(false);
    expect(checkOperations(model, history).linearizable).toBe(true);
  });

  it("refuses a history that needs the write both lost and kept", () => {
    const history = operations([write(0, 0, 1), read(1, 10, 1), read(1, 20, null)]);
    const result = checkOperations(model, history);
    expect(result.linearizable).toBe(false);
    expect(result.explanation?.summary).toBe(
      "After write 1 (p0) and read → 1 (p1), no order explains read → nil by p1 (invoked at line 3): the register held 1.",
    );
  });
});
