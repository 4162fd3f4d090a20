/**
 * Leases and historical reads in a simulated run, as `etcdlab run` checks it: the deletes of a
 * lease revoke are in the client history as the lessor's (without them the check would flag the
 * reads after it), and `get --rev=N` is answered and checked from the store's past.
 */
import { describe, expect, it } from "vitest";
import type { EtcdHistory } from "../../src/check/history/index.js";
import { checkHistory } from "../../src/check/linearizability/index.js";
import { parseScenario, runScenario } from "../../src/scenario/index.js";

const historyCheck = { timeoutMs: 60_000, now: () => performance.now() };

function run(steps: string) {
  const scenario = parseScenario(`title: t\ndescription: d\nseed: 4\ncluster: {members: 3}\nsteps:\n  - campaign: n1\n  - wait: 200ms\n${steps}`, "t.yaml");
  return runScenario(scenario, { historyCheck });
}

describe("a run with leases", () => {
  const steps = [
    '  - etcdctl: {line: "lease grant 60", capture: {LEASE: "lease ([0-9a-f]+) granted"}}',
    '  - etcdctl: {line: "put session alive --lease=${LEASE}", output: OK}',
    '  - etcdctl: {line: "put other x", output: OK}',
    '  - etcdctl: {line: "get session --print-value-only", output: alive}',
    '  - etcdctl: {line: "lease revoke ${LEASE}", output: "lease ${LEASE} revoked"}',
    '  - etcdctl: {line: "get session", output: ""}',
    '  - etcdctl: {line: "--endpoints=n3 get other --print-value-only", output: x}',
    "",
  ].join("\n");

  it("records the revoke's delete as the lessor's, and the linearizable reads around it check out", () => {
    const result = run(steps);
    expect({ ok: result.ok, violations: result.violations, verdict: result.historyVerdict }).toEqual({ ok: true, violations: [], verdict: "linearizable" });
    const lessor = result.history?.operations.filter((operation) => operation.process === "lessor") ?? [];
    expect(lessor.map((operation) => [operation.input, operation.output])).toEqual([
      [
        { type: "txn", compare: [], success: [{ type: "delete", key: "session" }], failure: [] },
        { type: "txn", succeeded: true, results: [{ type: "delete", deleted: 1 }], revision: 4 },
      ],
    ]);
  });

  it("would be flagged without the lessor's delete", () => {
    const history = run(steps).history as EtcdHistory | null;
    if (history === null) throw new Error("no history");
    const withoutLessor = { ...history, operations: history.operations.filter((operation) => operation.process !== "lessor") };
    expect(checkHistory(withoutLessor).verdict).toBe("not-linearizable");
  });
});

describe("a run with historical reads", () => {
  it("answers get --rev=N from the past, and neither checker objects", () => {
    const result = run(
      [
        '  - etcdctl: {line: "put a 1", output: OK}',
        '  - etcdctl: {line: "put a 2", output: OK}',
        '  - etcdctl: {line: "get a --rev=2 -w json", matches: \'"mod_revision":2\'}',
        '  - etcdctl: {line: "get a --rev=2 --print-value-only", output: "1"}',
        '  - etcdctl: {line: "get a --rev=3 --print-value-only", output: "2"}',
        "",
      ].join("\n"),
    );
    expect({ ok: result.ok, violations: result.violations, verdict: result.historyVerdict }).toEqual({ ok: true, violations: [], verdict: "linearizable" });
    const reads = (result.history as EtcdHistory | null)?.operations.filter((operation) => operation.input.type === "range") ?? [];
    expect(reads.map((operation) => [operation.input, operation.output?.revision])).toEqual([
      [{ type: "range", key: "a", revision: 2 }, 3],
      [{ type: "range", key: "a", revision: 2 }, 3],
      [{ type: "range", key: "a", revision: 3 }, 3],
    ]);
  });
});
