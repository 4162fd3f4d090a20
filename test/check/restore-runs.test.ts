/**
 * Restores in a simulated run, as `etcdlab run` checks it: the restored cluster is judged from the
 * snapshot, and going back to the old data directory judges the old cluster from where it stopped;
 * neither the Raft checker, the stale-read checker nor the history check objects.
 */
import { describe, expect, it } from "vitest";
import type { EtcdHistory } from "../../src/check/history/index.js";
import { parseScenario, runScenario } from "../../src/scenario/index.js";

const historyCheck = { timeoutMs: 60_000, now: () => performance.now() };

const steps = [
  "  - campaign: n1",
  "  - wait: 200ms",
  '  - etcdctl: {line: "put a 1", output: OK}',
  '  - etcdctl: {line: "snapshot save /backup.db", output: "Snapshot saved at /backup.db"}',
  '  - etcdctl: {line: "put a 2", output: OK}',
  '  - etcdctl: {line: "put b 1", output: OK}',
  '  - etcdctl: {line: "snapshot restore /backup.db --data-dir /var/lib/etcd-restored", matches: "restored snapshot"}',
  "  - shell: {script: ':manifest data-dir /var/lib/etcd-restored'}",
  '  - etcdctl: {line: "get a --print-value-only", output: "1"}',
  '  - etcdctl: {line: "get b", output: ""}',
  '  - etcdctl: {line: "put c 1", output: OK}',
  "  - shell: {script: ':manifest data-dir /var/lib/etcd'}",
  '  - etcdctl: {line: "get a --print-value-only", output: "2"}',
  '  - etcdctl: {line: "get b --print-value-only", output: "1"}',
  '  - etcdctl: {line: "get c", output: ""}',
  "",
].join("\n");

describe("a run with restores", () => {
  it("checks each cluster from the store it started with: no violation", () => {
    const scenario = parseScenario(`title: t\ndescription: d\nseed: 5\ncluster: {members: 3}\nsteps:\n${steps}`, "t.yaml");
    const result = runScenario(scenario, { historyCheck });
    expect({ ok: result.ok, failed: result.expectations.results.filter((record) => !record.passed), violations: result.violations, verdict: result.historyVerdict }).toEqual({
      ok: true,
      failed: [],
      violations: [],
      verdict: "linearizable",
    });
    const epochs = (result.history as EtcdHistory).epochs ?? [];
    expect(epochs.map((epoch) => [epoch.revision, epoch.kvs.map((kv) => `${kv.key}=${kv.value}@${kv.modRevision}`)])).toEqual([
      [2, ["a=1@2"]],
      [4, ["a=2@3", "b=1@4"]],
    ]);
  });
});
