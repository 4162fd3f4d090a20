/**
 * The search against a dumb reference: on small random register and etcd histories (with
 * concurrency, unknown outcomes and wrong answers), the checker (for etcd, both the etcd model's
 * specialised search and the generic one) agrees with an enumeration of
 * every order that respects real time, in which every ok operation appears and an operation with
 * an unknown outcome appears at most once.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Operation } from "../../../src/check/history/history.js";
import type { EtcdRequest, EtcdResponse, RegisterInput, RegisterOutput, RegisterValue } from "../../../src/check/history/operations.js";
import { checkOperations } from "../../../src/check/linearizability/check.js";
import { ILLEGAL, type Model } from "../../../src/check/linearizability/model.js";
import { etcdModel, executeEtcd, INITIAL_ETCD_STATE } from "../../../src/check/linearizability/models/etcd.js";
import { registerModel } from "../../../src/check/linearizability/models/register.js";
import { operations, type OperationSpec } from "./helpers.js";
import { buildHistory, historySpec } from "./etcd-helpers.js";

/** Whether some real-time-respecting order of the operations is legal (unknown ones optional). */
function bruteForce<State, Input, Output>(model: Model<State, Input, Output>, history: ReadonlyArray<Operation<Input, Output>>): boolean {
  const used = new Array<boolean>(history.length).fill(false);
  const mustWait = (candidate: Operation<Input, Output>): boolean =>
    history.some((other, index) => !used[index] && other.outcome === "ok" && other.returnTime < candidate.invokeTime);
  const search = (state: State): boolean => {
    if (history.every((operation, index) => used[index] || operation.outcome !== "ok")) return true;
    return history.some((operation, index) => {
      if (used[index] || mustWait(operation)) return false;
      const next = model.step(state, operation.input, operation.output);
      if (next === ILLEGAL) return false;
      used[index] = true;
      const found = search(next);
      used[index] = false;
      return found;
    });
  };
  return search(model.init());
}

const VALUES: readonly RegisterValue[] = [null, 1, 2];

const timing = fc.record({ process: fc.nat(3), invoke: fc.nat(12), duration: fc.nat(6), unknown: fc.boolean() });

const registerOperation = fc
  .record({
    timing,
    input: fc.oneof(
      fc.constant<RegisterInput>({ type: "read" }),
      fc.constantFrom(...VALUES).map((value): RegisterInput => ({ type: "write", value })),
      fc.record({ from: fc.constantFrom(...VALUES), to: fc.constantFrom(...VALUES) }).map(({ from, to }): RegisterInput => ({ type: "cas", from, to })),
    ),
    read: fc.constantFrom(...VALUES),
    succeeded: fc.boolean(),
  })
  .map(({ timing: { process, invoke, duration, unknown }, input, read, succeeded }): OperationSpec<RegisterInput, RegisterOutput> => {
    const output: RegisterOutput = input.type === "read" ? { type: "read", value: read } : input.type === "write" ? { type: "write" } : { type: "cas", succeeded };
    return unknown ? { process, invoke, input } : { process, invoke, return: invoke + duration, input, output };
  });

const etcdOperation = fc
  .record({
    timing,
    input: fc.oneof(
      fc.constantFrom("a", "b").map((key): EtcdRequest => ({ type: "range", key: "a", end: key === "a" ? "c" : "b" })),
      fc.record({ key: fc.constantFrom("a", "b"), value: fc.constantFrom("1", "2") }).map(({ key, value }): EtcdRequest => ({ type: "put", key, value })),
      fc.constant<EtcdRequest>({ type: "delete", key: "a" }),
      fc.nat(3).map((mod): EtcdRequest => ({ type: "txn", compare: [{ key: "a", target: "mod", operator: "=", value: mod }], success: [{ type: "put", key: "a", value: "3" }], failure: [{ type: "range", key: "a" }] })),
    ),
    /** The answer is computed from a random store, so that it is plausible but often wrong. */
    answerFrom: fc.array(fc.record({ key: fc.constantFrom("a", "b"), value: fc.constantFrom("1", "2") }), { maxLength: 3 }),
  })
  .map(({ timing: { process, invoke, duration, unknown }, input, answerFrom }): OperationSpec<EtcdRequest, EtcdResponse> => {
    let state = INITIAL_ETCD_STATE;
    for (const { key, value } of answerFrom) state = executeEtcd(state, { type: "put", key, value }).next;
    const output = executeEtcd(state, input).response;
    return unknown ? { process, invoke, input } : { process, invoke, return: invoke + duration, input, output };
  });

describe("the search agrees with brute force", () => {
  it("on small register histories", () => {
    let linearizable = 0;
    fc.assert(
      fc.property(fc.array(registerOperation, { minLength: 1, maxLength: 7 }), (specs) => {
        const history = operations(specs);
        const expected = bruteForce(registerModel, history);
        if (expected) linearizable++;
        expect(checkOperations(registerModel, history).linearizable).toBe(expected);
      }),
      { seed: 42, numRuns: 3000 },
    );
    expect(linearizable).toBeGreaterThan(300);
    expect(linearizable).toBeLessThan(2700);
  });

  it("on small etcd histories", () => {
    let linearizable = 0;
    fc.assert(
      fc.property(fc.array(etcdOperation, { minLength: 1, maxLength: 6 }), (specs) => {
        const history = operations(specs);
        const expected = bruteForce(etcdModel, history);
        if (expected) linearizable++;
        // The model's specialised search, and the generic one.
        expect(checkOperations(etcdModel, history).linearizable).toBe(expected);
        expect(checkOperations(etcdModel, history, { genericSearch: true }).linearizable).toBe(expected);
      }),
      { seed: 7, numRuns: 1500 },
    );
    expect(linearizable).toBeGreaterThan(150);
    expect(linearizable).toBeLessThan(1350);
  });

  it("on small etcd histories that are linearizable by construction, perhaps broken", () => {
    let linearizable = 0;
    fc.assert(
      fc.property(historySpec(1, 7), (spec) => {
        const history = buildHistory(spec);
        const expected = bruteForce(etcdModel, history.filter((operation) => operation.outcome !== "fail"));
        if (expected) linearizable++;
        expect(checkOperations(etcdModel, history).linearizable).toBe(expected);
        expect(checkOperations(etcdModel, history, { genericSearch: true }).linearizable).toBe(expected);
      }),
      { seed: 31, numRuns: 2000 },
    );
    expect(linearizable).toBeGreaterThan(600);
    expect(linearizable).toBeLessThan(1800);
  });
});
