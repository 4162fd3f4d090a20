/**
 * Random etcd requests, stores and small histories for property tests of the etcd model and its
 * specialised search; and what a sound explanation of a not-linearizable etcd history is.
 *
 * A history is made linearizable by construction, then perhaps broken: requests run one after the
 * other on the model's store, each at a linearization point inside its [invoke, return] interval;
 * some time out (their effect kept or not, their response lost), some fail (no effect); then, with
 * some probability, one response or one interval is altered, which usually (not always) makes the
 * history not linearizable.
 */
import fc from "fast-check";
import { expect } from "vitest";
import type { Operation, Outcome } from "../../../src/check/history/history.js";
import type { EtcdCompare, EtcdRequest, EtcdResponse, EtcdTxnOp } from "../../../src/check/history/operations.js";
import type { CheckResult } from "../../../src/check/linearizability/check.js";
import { ILLEGAL } from "../../../src/check/linearizability/model.js";
import { etcdModel, executeEtcd, INITIAL_ETCD_STATE, type EtcdState } from "../../../src/check/linearizability/models/etcd.js";

export type EtcdOperation = Operation<EtcdRequest, EtcdResponse>;

const KEYS = ["a", "b", "c"] as const;
const VALUES = ["1", "2", "3"] as const;

const key = fc.constantFrom(...KEYS);

const rangeOp: fc.Arbitrary<EtcdTxnOp> = fc.oneof(
  { weight: 4, arbitrary: key.map((k): EtcdTxnOp => ({ type: "range", key: k })) },
  { weight: 1, arbitrary: fc.constantFrom<EtcdTxnOp>({ type: "range", key: "a", end: "c" }, { type: "range", key: "b", end: "\0" }) },
  { weight: 1, arbitrary: fc.constantFrom<EtcdTxnOp>({ type: "range", key: "a", end: "\0", limit: 1 }, { type: "range", key: "b", limit: 1 }) },
);

const putOp: fc.Arbitrary<EtcdTxnOp> = fc.record({ key, value: fc.constantFrom(...VALUES) }).map(({ key: k, value }): EtcdTxnOp => ({ type: "put", key: k, value }));

const deleteOp: fc.Arbitrary<EtcdTxnOp> = fc.oneof(
  { weight: 3, arbitrary: key.map((k): EtcdTxnOp => ({ type: "delete", key: k })) },
  { weight: 1, arbitrary: fc.constant<EtcdTxnOp>({ type: "delete", key: "a", end: "c" }) },
);

const txnOp: fc.Arbitrary<EtcdTxnOp> = fc.oneof({ weight: 2, arbitrary: rangeOp }, { weight: 3, arbitrary: putOp }, { weight: 1, arbitrary: deleteOp });

const compare: fc.Arbitrary<EtcdCompare> = fc.oneof(
  fc.record({
    key,
    target: fc.constantFrom("version", "create", "mod"),
    operator: fc.constantFrom("=", "!=", "<", ">"),
    value: fc.nat(4),
  }),
  fc.record({ key, target: fc.constant("value"), operator: fc.constantFrom("=", "!=", "<", ">"), value: fc.constantFrom(...VALUES) }),
) as fc.Arbitrary<EtcdCompare>;

/** Any request the model knows, weighted towards the fuzzer's single-key ranges and puts. */
export const etcdRequest: fc.Arbitrary<EtcdRequest> = fc.oneof(
  { weight: 4, arbitrary: rangeOp as fc.Arbitrary<EtcdRequest> },
  { weight: 5, arbitrary: putOp as fc.Arbitrary<EtcdRequest> },
  { weight: 1, arbitrary: deleteOp as fc.Arbitrary<EtcdRequest> },
  {
    weight: 2,
    arbitrary: fc
      .record({
        compare: fc.array(compare, { maxLength: 2 }),
        success: fc.array(txnOp, { maxLength: 2 }),
        failure: fc.array(txnOp, { maxLength: 2 }),
      })
      .map(({ compare: compares, success, failure }): EtcdRequest => ({ type: "txn", compare: compares, success, failure })),
  },
);

/** A store reached by a few random requests from the empty one. */
export const etcdState: fc.Arbitrary<EtcdState> = fc.array(etcdRequest, { maxLength: 8 }).map((requests) => {
  let state = INITIAL_ETCD_STATE;
  for (const request of requests) state = executeEtcd(state, request).next;
  return state;
});

/** A response that is perhaps altered from the right one: a revision, a key-value, a count, a branch. */
export function alterResponse(response: EtcdResponse, how: number): EtcdResponse {
  switch (how % 6) {
    case 0:
      return { ...response, revision: response.revision + 1 };
    case 1:
      return { ...response, revision: response.revision - 1 };
    case 2:
      if (response.type === "range" && response.kvs.length > 0) {
        const [first, ...rest] = response.kvs;
        return { ...response, kvs: [{ ...first!, value: first!.value === "1" ? "2" : "1" }, ...rest] };
      }
      if (response.type === "range") return { ...response, count: response.count + 1, kvs: [{ key: "a", value: "1", modRevision: 2 }] };
      return { ...response, revision: response.revision + 2 };
    case 3:
      if (response.type === "range" && response.kvs.length > 0) {
        const [first, ...rest] = response.kvs;
        return { ...response, kvs: [{ ...first!, modRevision: first!.modRevision - 1 }, ...rest] };
      }
      if (response.type === "range") return response;
      if (response.type === "delete") return { ...response, deleted: response.deleted === 0 ? 1 : 0 };
      return response;
    case 4:
      if (response.type === "range" && response.kvs.length > 0) {
        const [first, ...rest] = response.kvs;
        return { ...response, kvs: [{ ...first!, version: (first!.version ?? 1) + 1 }, ...rest] };
      }
      if (response.type === "txn") return { ...response, succeeded: !response.succeeded };
      return response;
    default:
      return response;
  }
}

export interface HistorySpec {
  readonly steps: ReadonlyArray<{
    readonly request: EtcdRequest;
    /** Time from the previous linearization point to this one. */
    readonly gap: number;
    /** How long before its linearization point it was invoked, and after it returned. */
    readonly before: number;
    readonly after: number;
    /** ok; unknown and applied; unknown and lost; failed (not applied). */
    readonly fate: "ok" | "applied" | "lost" | "failed";
  }>;
  /** Which response (index among the ok ones) to alter and how, or none. */
  readonly alter: { readonly which: number; readonly how: number } | null;
  /** Which operation to invoke later (its invocation moves past its linearization point), or none. */
  readonly delay: { readonly which: number; readonly by: number } | null;
}

export function historySpec(minLength: number, maxLength: number): fc.Arbitrary<HistorySpec> {
  return fc.record({
    steps: fc.array(
      fc.record({
        request: etcdRequest,
        gap: fc.integer({ min: 0, max: 4 }),
        before: fc.integer({ min: 0, max: 8 }),
        after: fc.integer({ min: 0, max: 8 }),
        fate: fc.constantFrom<"ok" | "applied" | "lost" | "failed">("ok", "ok", "ok", "ok", "ok", "ok", "applied", "lost", "failed"),
      }),
      { minLength, maxLength },
    ),
    alter: fc.oneof(fc.constant(null), fc.record({ which: fc.nat(40), how: fc.nat(5) })),
    delay: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.record({ which: fc.nat(40), by: fc.integer({ min: 1, max: 12 }) }) }),
  });
}

/** The history a spec describes, in order of invocation. */
export function buildHistory(spec: HistorySpec): EtcdOperation[] {
  let state = INITIAL_ETCD_STATE;
  let time = 100;
  type Draft = { -readonly [Field in keyof Omit<EtcdOperation, "id" | "line" | "returnLine">]: EtcdOperation[Field] };
  const built: Draft[] = [];
  spec.steps.forEach((step, index) => {
    time += step.gap;
    const { next, response } = executeEtcd(state, step.request);
    if (step.fate === "ok" || step.fate === "applied") state = next;
    const outcome: Outcome = step.fate === "ok" ? "ok" : step.fate === "failed" ? "fail" : "unknown";
    let invokeTime = time - step.before;
    if (spec.delay !== null && spec.delay.which % spec.steps.length === index) invokeTime = time + spec.delay.by;
    built.push({
      process: `p${index}`,
      invokeTime,
      returnTime: outcome === "unknown" ? Infinity : Math.max(invokeTime, time + step.after),
      input: step.request,
      output: outcome === "ok" ? response : undefined,
      outcome,
      error: undefined,
    });
  });
  const known = built.filter((operation) => operation.output !== undefined);
  if (spec.alter !== null && known.length > 0) {
    const target = known[spec.alter.which % known.length]!;
    target.output = alterResponse(target.output!, spec.alter.how);
  }
  return built
    .map((operation, order) => ({ operation, order }))
    .sort((a, b) => a.operation.invokeTime - b.operation.invokeTime || a.order - b.order)
    .map(({ operation }, id) => ({ ...operation, id, line: id + 1, returnLine: operation.outcome === "unknown" ? undefined : id + 1 }));
}

/**
 * A not-linearizable result names a prefix that is a legal run of the model in an order that
 * respects real time, and a culprit with a known response that the model refuses after it.
 */
export function expectSoundExplanation(history: readonly EtcdOperation[], result: CheckResult): void {
  const explanation = result.explanation;
  expect(explanation).not.toBeNull();
  if (explanation === null) return;
  const searched = history.filter((operation) => operation.outcome === "ok" || (operation.outcome === "unknown" && !etcdModel.isReadOnly(operation.input)));
  const placed = new Set<number>();
  let state: EtcdState = INITIAL_ETCD_STATE;
  for (const id of explanation.prefix) {
    const operation = history[id] as EtcdOperation;
    expect(placed.has(id)).toBe(false);
    expect(searched.filter((other) => other.returnTime < operation.invokeTime && !placed.has(other.id))).toEqual([]);
    const next = etcdModel.step(state, operation.input, operation.output);
    expect(next).not.toBe(ILLEGAL);
    state = next as EtcdState;
    placed.add(id);
  }
  const culprit = history[explanation.culprit] as EtcdOperation;
  expect(placed.has(culprit.id)).toBe(false);
  expect(culprit.output).toBeDefined();
  expect(etcdModel.step(state, culprit.input, culprit.output)).toBe(ILLEGAL);
}
