/**
 * The search specialised to the etcd model (`models/etcd-search.ts`) against the generic
 * Wing-Gong-Lowe search, which it must agree with on every history: on random small histories
 * (linearizable by construction or broken on purpose, with transactions, deletes, ranges, failed
 * requests and unknown outcomes), and the store's shortcuts it runs on against the model's step.
 * Real fuzz histories are in `etcd-fuzz-histories.test.ts`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EtcdRequest, EtcdResponse } from "../../../src/check/history/operations.js";
import { checkOperations } from "../../../src/check/linearizability/check.js";
import { ILLEGAL, type Model } from "../../../src/check/linearizability/model.js";
import { etcdModel, executeEtcd, INITIAL_ETCD_STATE, type EtcdState } from "../../../src/check/linearizability/models/etcd.js";
import { acceptsAt, applyUnknown, equalEtcdStates, responseWrites, stepEtcd } from "../../../src/check/linearizability/models/etcd-store.js";
import { linearizesByRevision, slotsOf, WorkingStore, type SavedStore } from "../../../src/check/linearizability/models/etcd-by-revision.js";
import { searchEtcd } from "../../../src/check/linearizability/models/etcd-search.js";
import { alterResponse, buildHistory, etcdRequest, etcdState, expectSoundExplanation, historySpec, type EtcdOperation } from "./etcd-helpers.js";
import { operations, type OperationSpec } from "./helpers.js";

describe("the store's shortcuts for the specialised search", () => {
  it("accept exactly what the model's step accepts, with the same next state", () => {
    fc.assert(
      fc.property(etcdState, etcdRequest, fc.option(fc.nat(5)), (state, request, how) => {
        const right = executeEtcd(state, request).response;
        const response = how === null ? right : alterResponse(right, how);
        const expected = stepEtcd(state, request, response);
        const actual = acceptsAt(state, request, response);
        if (expected === ILLEGAL) {
          expect(actual).toBe(ILLEGAL);
        } else {
          expect(actual).not.toBe(ILLEGAL);
          expect(equalEtcdStates(actual as EtcdState, expected)).toBe(true);
          expect(etcdModel.hash(actual as EtcdState)).toBe(etcdModel.hash(expected));
          // The revision a legal response implies: one more exactly when it says the store wrote.
          expect(expected.revision).toBe(state.revision + (responseWrites(request, response) ? 1 : 0));
        }
        const unknown = applyUnknown(state, request);
        const reference = stepEtcd(state, request, undefined) as EtcdState;
        expect(equalEtcdStates(unknown, reference)).toBe(true);
        expect(etcdModel.hash(unknown)).toBe(etcdModel.hash(reference));
      }),
      { seed: 11, numRuns: 4000 },
    );
  });

  it("the fast path's working store runs requests as the model's step does, in place", () => {
    const step = fc.record({ request: etcdRequest, how: fc.option(fc.nat(5), { freq: 3 }), unknown: fc.boolean() });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 14 }), fc.nat(14), (steps, saveAt) => {
        let state = INITIAL_ETCD_STATE;
        const store = new WorkingStore();
        let saved: { readonly state: EtcdState; readonly store: SavedStore } | undefined;
        steps.forEach(({ request, how, unknown }, index) => {
          if (index === saveAt) saved = { state, store: store.save() };
          if (unknown) {
            const next = stepEtcd(state, request, undefined) as EtcdState;
            expect(store.apply(request)).toBe(next.revision !== state.revision);
            state = next;
          } else {
            const right = executeEtcd(state, request).response;
            const next = stepEtcd(state, request, how === null ? right : alterResponse(right, how));
            expect(store.accept(request, how === null ? right : alterResponse(right, how))).toBe(next !== ILLEGAL);
            if (next !== ILLEGAL) state = next;
          }
          expect(equalEtcdStates(store, state)).toBe(true);
        });
        if (saved !== undefined) {
          store.restore(saved.store);
          expect(equalEtcdStates(store, saved.state)).toBe(true);
        }
      }),
      { seed: 12, numRuns: 2000 },
    );
  });

  it("handle a limit below one as the model does (it keeps nothing)", () => {
    const state = executeEtcd(INITIAL_ETCD_STATE, { type: "put", key: "a", value: "1" }).next;
    const request: EtcdRequest = { type: "range", key: "a", limit: 0.5 };
    const response = executeEtcd(state, request).response;
    expect(response).toMatchObject({ kvs: [], count: 1 });
    expect(acceptsAt(state, request, response)).toBe(state);
    expect(acceptsAt(state, request, { type: "range", kvs: [{ key: "a", value: "1", modRevision: 2 }], count: 1, revision: 2 })).toBe(ILLEGAL);
  });
});

/** The etcd model with its search, but without the fast path: the search alone decides. */
const searchAlone: Model<EtcdState, EtcdRequest, EtcdResponse> = {
  ...etcdModel,
  search: (operations, budget) => searchEtcd(operations, budget, { byRevision: false }),
};

/** The operations the checker searches (without failed requests and reads of unknown outcome). */
function searched(history: readonly EtcdOperation[]): EtcdOperation[] {
  return history.filter((operation) => operation.outcome === "ok" || (operation.outcome === "unknown" && !etcdModel.isReadOnly(operation.input)));
}

interface Tally {
  linearizable: number;
  notLinearizable: number;
  /** Linearizable histories with something to search, and how many of them the fast path did. */
  searchedLinearizable: number;
  byRevision: number;
  unknownWrites: number;
}

const noTally = (): Tally => ({ linearizable: 0, notLinearizable: 0, searchedLinearizable: 0, byRevision: 0, unknownWrites: 0 });

/** Checks `history` every way, expecting the same verdict; counts what it saw in `tally`. */
function expectSameVerdicts(history: readonly EtcdOperation[], tally: Tally): void {
  const generic = checkOperations(etcdModel, history, { genericSearch: true });
  const fast = checkOperations(etcdModel, history);
  const alone = checkOperations(searchAlone, history);
  expect(fast.verdict).toBe(generic.verdict);
  expect(alone.verdict).toBe(generic.verdict);
  expect({ ...fast, explanation: null }).toEqual({ ...generic, explanation: null });
  const relevant = searched(history);
  // The fast path only ever says yes with a linearization in hand.
  const byRevision = relevant.length > 0 && linearizesByRevision(relevant, slotsOf(relevant));
  if (byRevision) {
    expect(generic.verdict).toBe("linearizable");
    tally.byRevision++;
  }
  if (generic.linearizable === false) {
    tally.notLinearizable++;
    expectSoundExplanation(history, fast);
    expectSoundExplanation(history, alone);
    expect(fast.explanation).toEqual(alone.explanation);
  } else {
    tally.linearizable++;
    if (relevant.length > 0) tally.searchedLinearizable++;
  }
  if (relevant.some((operation) => operation.outcome === "unknown")) tally.unknownWrites++;
}

describe("the specialised etcd search agrees with the generic search", () => {
  it("on random small histories, linearizable or not, with unknown outcomes", () => {
    const tally = noTally();
    fc.assert(
      fc.property(historySpec(1, 10), (spec) => expectSameVerdicts(buildHistory(spec), tally)),
      { seed: 2024, numRuns: 6000 },
    );
    expect(tally.linearizable).toBeGreaterThan(1500);
    expect(tally.notLinearizable).toBeGreaterThan(1500);
    expect(tally.byRevision).toBeGreaterThan(tally.searchedLinearizable * 0.98);
    expect(tally.unknownWrites).toBeGreaterThan(2000);
  });

  it("on longer histories with more concurrency and timeouts", () => {
    const tally = noTally();
    fc.assert(
      fc.property(historySpec(12, 24), (spec) => expectSameVerdicts(buildHistory(spec), tally)),
      { seed: 99, numRuns: 800 },
    );
    expect(tally.linearizable).toBeGreaterThan(200);
    expect(tally.notLinearizable).toBeGreaterThan(100);
    expect(tally.byRevision).toBeGreaterThan(tally.searchedLinearizable * 0.98);
    expect(tally.unknownWrites).toBeGreaterThan(600);
  });

  it("fills revisions that timed-out requests wrote, going back to an earlier choice when a later one fails", () => {
    const kv = (key: string, value: string, modRevision: number) => ({ key, value, modRevision });
    const history = operations<EtcdRequest, EtcdResponse>([
      // Both timed out; "a" was written at revision 3 and "b" at revision 2, as the reads show.
      { process: "t1", invoke: 0, input: { type: "put", key: "a", value: "x" } },
      { process: "t2", invoke: 1, input: { type: "put", key: "b", value: "y" } },
      // A transaction that would write nothing at either gap cannot fill one.
      { process: "t3", invoke: 2, input: { type: "txn", compare: [{ key: "c", target: "version", operator: ">", value: 0 }], success: [{ type: "put", key: "c", value: "z" }], failure: [] } },
      { process: "c1", invoke: 10, return: 20, input: { type: "range", key: "a" }, output: { type: "range", kvs: [kv("a", "x", 3)], count: 1, revision: 3 } },
      { process: "c2", invoke: 10, return: 20, input: { type: "range", key: "b" }, output: { type: "range", kvs: [kv("b", "y", 2)], count: 1, revision: 3 } },
      { process: "c1", invoke: 30, return: 40, input: { type: "put", key: "a", value: "w" }, output: { type: "put", revision: 4 } },
    ]);
    const relevant = searched(history);
    expect(linearizesByRevision(relevant, slotsOf(relevant))).toBe(true);
    expect(checkOperations(etcdModel, history).verdict).toBe("linearizable");
    expect(checkOperations(searchAlone, history).verdict).toBe("linearizable");
    expect(checkOperations(etcdModel, history, { genericSearch: true }).verdict).toBe("linearizable");
    // With "b" read at revision 3 instead, no choice works.
    const broken = history.map((operation) =>
      operation.id === 4 ? { ...operation, output: { type: "range" as const, kvs: [kv("b", "y", 3)], count: 1, revision: 3 } } : operation,
    );
    expect(linearizesByRevision(searched(broken), slotsOf(searched(broken)))).toBe(false);
    const fast = checkOperations(etcdModel, broken);
    expect(fast.verdict).toBe("not-linearizable");
    expect(checkOperations(etcdModel, broken, { genericSearch: true }).verdict).toBe("not-linearizable");
    expectSoundExplanation(broken, fast);
  });

  it("gives the same explanations as the generic search on the model's own examples", () => {
    const put = (key: string, value: string): EtcdRequest => ({ type: "put", key, value });
    const get = (key: string): EtcdRequest => ({ type: "range", key });
    const history = operations<EtcdRequest, EtcdResponse>([
      { process: "c1", invoke: 0, return: 10, input: put("a", "1"), output: { type: "put", revision: 2 } },
      { process: "c2", invoke: 5, return: 15, input: put("b", "1"), output: { type: "put", revision: 3 } },
      { process: "c3", invoke: 20, return: 30, input: get("c"), output: { type: "range", kvs: [], count: 0, revision: 3 } },
      { process: "c3", invoke: 40, return: 50, input: get("c"), output: { type: "range", kvs: [], count: 0, revision: 2 } },
    ]);
    expect(checkOperations(etcdModel, history)).toEqual(checkOperations(etcdModel, history, { genericSearch: true }));
  });

  it("runs out of time only with a budget, and then says unknown", () => {
    // Eight revisions that only timed-out puts of "z" can have written, twelve candidates, and a
    // read at the end that no choice explains: every choice has to be tried (the fast path gives
    // up, and the search is left with thousands of configurations).
    const specs: Array<OperationSpec<EtcdRequest, EtcdResponse>> = [];
    for (let index = 0; index < 12; index++) specs.push({ process: `t${index}`, invoke: 0, input: { type: "put", key: "z", value: `u${index}` } });
    specs.push({ process: "c1", invoke: 10, return: 20, input: { type: "put", key: "z", value: "w" }, output: { type: "put", revision: 10 } });
    specs.push({ process: "c1", invoke: 30, return: 40, input: { type: "range", key: "z" }, output: { type: "range", kvs: [{ key: "z", value: "x", modRevision: 10 }], count: 1, revision: 10 } });
    const history = operations(specs);
    expect(checkOperations(etcdModel, history)).toMatchObject({ verdict: "not-linearizable", explanation: { culprit: 13 } });
    let ticks = 0;
    // The search reads the clock once every few thousand steps; this one gives it two readings.
    const result = checkOperations(etcdModel, history, { timeoutMs: 2, now: () => ticks++ });
    expect(result).toMatchObject({ verdict: "unknown", linearizable: null, explanation: null });
    expect(ticks).toBeGreaterThanOrEqual(3);
  });
});
