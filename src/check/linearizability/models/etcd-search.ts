/**
 * The linearizability search specialised to the etcd model: the Wing-Gong-Lowe search of
 * `search.ts` (same entry list, linearized set and cache of visited configurations), pruned by
 * what revisions imply. Its verdicts are those of the generic search; only faster.
 *
 * Every request with a known response carries a revision: the store's revision after it. From the
 * request and response alone we know whether it wrote (`responseWrites`), hence the one store
 * revision at which it can be linearized, its *slot*: the response's revision minus one for a
 * write, the response's revision otherwise. The store's revision only grows, by one per write.
 * Hence, in a configuration whose store is at revision `r`:
 *
 * 1. A known request whose slot is not `r` is refused (the model would refuse it too).
 * 2. A known request whose slot is `r` can only ever be linearized in this very store: until the
 *    revision moves on, only requests that do not write can come, and they leave the store as it
 *    is. So if the model refuses it now, the configuration is a dead end.
 * 3. Nothing may take the store past `r` while a known request with slot `r` is pending (it could
 *    never be linearized after): a write with slot `r` waits for the other requests with slot `r`
 *    (there is at most one write per slot in a linearizable history), and a request with an
 *    unknown outcome may only write when no known request has slot `r`, which is exactly when a
 *    revision's writer is missing from the history (a timed-out request that did take effect).
 * 4. Once a known request is linearized, no alternative to it needs trying from the same
 *    configuration (it is *forced*): a write with slot `r` is then the only thing that can come
 *    next (by 3); a legal request that does not write can be moved to the front of any
 *    linearization of the rest (everything before it there leaves the store as it is, and
 *    everything that returned before it was invoked is already linearized, else the generic
 *    search would not try it here). So when the search backtracks over a forced step, it
 *    backtracks over the configuration before it too; and a forced step that reaches a
 *    configuration already visited (which failed) fails at once.
 *
 * Only the requests with an unknown outcome are choices, and only where a revision's writer is
 * missing. The generic search instead lets every timed-out write take any place, and every
 * order of them is a distinct state: exponential in the number of timeouts.
 *
 * When the history is not linearizable, the longest prefix the pruned search linearized is
 * extended with known requests the model accepts, as long as some is accepted (in the real-time
 * order the generic search follows), so that, as there, the pending request that returns first
 * is one the model refuses after the prefix: the culprit of the explanation.
 */
import type { Operation } from "../../history/history.js";
import type { EtcdRequest, EtcdResponse } from "../../history/operations.js";
import { ILLEGAL, type Model } from "../model.js";
import { EntryList, LinearizedSet, searchLinearization, STEPS_PER_CLOCK_READ, type Budget, type SearchResult } from "../search.js";
import { VisitedSet } from "../visited.js";
import { linearizesByRevision, slotsOf } from "./etcd-by-revision.js";
import { assert } from "../../../sim/errors.js";
import {
  acceptsAt,
  applyUnknown,
  equalEtcdStates,
  hashEtcdState,
  INITIAL_ETCD_STATE,
  isReadOnlyRequest,
  stepEtcd,
  type EtcdState,
} from "./etcd-store.js";

type EtcdOperation = Operation<EtcdRequest, EtcdResponse>;

const STATE_FUNCTIONS = { hash: hashEtcdState, equal: equalEtcdStates };

/** The model as the generic search needs it (the rest only serves explanations). */
function etcdStepModel(initial: EtcdState): Model<EtcdState, EtcdRequest, EtcdResponse> {
  return {
    name: "etcd",
    init: () => initial,
    step: stepEtcd,
    ...STATE_FUNCTIONS,
    isReadOnly: isReadOnlyRequest,
    describeOperation: () => "",
    explainIllegal: () => "",
  };
}

function outsideContract(operation: EtcdOperation): boolean {
  return Number.isNaN(operation.invokeTime) || Number.isNaN(operation.returnTime) || (operation.returnTime === Infinity) !== (operation.output === undefined);
}

export interface EtcdSearchOptions {
  /** Try the order by revision first (`etcd-by-revision.ts`); default true. For tests. */
  readonly byRevision?: boolean;
  /**
   * The store the history starts from (a restored one, or one that keeps its past for historical
   * reads); default the empty store at revision 1. The order by revision is only tried from there.
   */
  readonly initial?: EtcdState;
}

export function searchEtcd(
  operations: ReadonlyArray<EtcdOperation>,
  budget: Budget | undefined,
  options: EtcdSearchOptions = {},
): SearchResult<EtcdState> {
  // Outside `Operation`'s contract (times that are numbers, a known output exactly when the return
  // time is finite), the reasoning above does not hold: leave such a history to the generic search.
  const initial = options.initial ?? INITIAL_ETCD_STATE;
  if (operations.some(outsideContract)) {
    return searchLinearization(etcdStepModel(initial), operations, budget);
  }
  const count = operations.length;
  // Slots count from the initial revision: slot 1 is the initial store's revision.
  const offset = initial.revision - 1;
  const slots = slotsOf(operations, offset);
  const { open, slot, writes } = slots;
  let pendingKnown = slots.known;
  if (pendingKnown === 0) return { kind: "linearizable" };
  if (options.byRevision !== false && initial === INITIAL_ETCD_STATE && linearizesByRevision(operations, slots, budget)) return { kind: "linearizable" };
  // How many known requests still pending have each slot.
  const pendingAt = new Int32Array(count + 2);
  for (let index = 0; index < count; index++) {
    const needed = slot[index] as number;
    if (open[index] === 0 && needed >= 0) pendingAt[needed] = (pendingAt[needed] as number) + 1;
  }

  const list = new EntryList(operations);
  const inputs = operations.map((operation) => operation.input);
  const outputs = operations.map((operation) => operation.output);

  const linearized = new LinearizedSet(count);
  // Configurations are only cached once a choice is on the stack: before, each is reached once.
  let visited: VisitedSet<EtcdState> | undefined;
  let choices = 0;
  const stackEntries = new Int32Array(count);
  const stackStates = new Array<EtcdState | undefined>(count).fill(undefined);
  const stackForced = new Uint8Array(count);
  let depth = 0;
  let state = initial;
  let bestPrefix = new Int32Array(0);
  let bestState = state;
  let untilClockRead = STEPS_PER_CLOCK_READ;

  let entry = list.first();
  for (;;) {
    if (--untilClockRead === 0) {
      untilClockRead = STEPS_PER_CLOCK_READ;
      if (budget !== undefined && budget.now() >= budget.deadline) return { kind: "out-of-time" };
    }
    let backtrack = false;
    if (entry === -1) {
      // Unreachable: the list empties only once every known request is linearized.
      return { kind: "linearizable" };
    } else if ((entry & 1) === 0) {
      const operation = entry >>> 1;
      const revision = state.revision - offset;
      if (open[operation] === 0) {
        if (slot[operation] !== revision || (writes[operation] === 1 && (pendingAt[revision] as number) > 1)) {
          entry = list.next[entry] as number;
          continue;
        }
        const nextState = acceptsAt(state, inputs[operation] as EtcdRequest, outputs[operation] as EtcdResponse);
        if (nextState === ILLEGAL) {
          backtrack = true;
        } else {
          linearized.toggle(operation);
          if (choices > 0 && !(visited as VisitedSet<EtcdState>).add(linearized.words, linearized.lowHash, linearized.highHash, nextState)) {
            linearized.toggle(operation);
            backtrack = true;
          } else {
            stackEntries[depth] = entry;
            stackStates[depth] = state;
            stackForced[depth] = 1;
            depth++;
            pendingAt[revision] = (pendingAt[revision] as number) - 1;
            if (--pendingKnown === 0) return { kind: "linearizable" };
            state = nextState;
            list.lift(entry);
            entry = list.first();
            continue;
          }
        }
      } else {
        if (pendingAt[revision] !== 0) {
          entry = list.next[entry] as number;
          continue;
        }
        const nextState = applyUnknown(state, inputs[operation] as EtcdRequest);
        // A request that changes nothing now may as well come last (or never happen).
        if (nextState.revision !== state.revision) {
          linearized.toggle(operation);
          visited ??= new VisitedSet<EtcdState>(linearized.words.length, STATE_FUNCTIONS);
          if (visited.add(linearized.words, linearized.lowHash, linearized.highHash, nextState)) {
            stackEntries[depth] = entry;
            stackStates[depth] = state;
            stackForced[depth] = 0;
            depth++;
            choices++;
            state = nextState;
            list.lift(entry);
            entry = list.first();
            continue;
          }
          linearized.toggle(operation);
        }
        entry = list.next[entry] as number;
        continue;
      }
    } else {
      // Only requests with an unknown outcome remain: they can all come last, in any order.
      if (open[entry >>> 1] === 1) return { kind: "linearizable" };
      backtrack = true;
    }
    if (backtrack) {
      if (depth > bestPrefix.length) {
        bestPrefix = stackEntries.slice(0, depth);
        bestState = state;
      }
      // Pop forced steps, then the choice before them, and try the next entry after that choice.
      let forced = 1;
      while (forced === 1) {
        if (depth === 0) return explainFailure(operations, list, bestPrefix, bestState);
        depth--;
        entry = stackEntries[depth] as number;
        state = stackStates[depth] as EtcdState;
        stackStates[depth] = undefined;
        forced = stackForced[depth] as number;
        const operation = entry >>> 1;
        linearized.toggle(operation);
        list.unlift(entry);
        if (forced === 0) choices--;
        if (open[operation] === 0) {
          const needed = slot[operation] as number;
          if (needed >= 0) pendingAt[needed] = (pendingAt[needed] as number) + 1;
          pendingKnown++;
        }
      }
      entry = list.next[entry] as number;
    }
  }
}

/**
 * The not-linearizable result: the longest prefix found, extended with known requests the model
 * accepts while there are some (trying them in the generic search's order), and the pending
 * request that returns first, which the model then refuses. `list` holds every entry.
 */
function explainFailure(
  operations: ReadonlyArray<EtcdOperation>,
  list: EntryList,
  prefix: Int32Array,
  prefixState: EtcdState,
): SearchResult<EtcdState> {
  const order = Array.from(prefix, (entry) => entry >>> 1);
  for (const entry of prefix) list.lift(entry);
  let state = prefixState;
  let entry = list.first();
  while (entry !== -1 && (entry & 1) === 0) {
    const operation = operations[entry >>> 1] as EtcdOperation;
    const nextState = operation.output === undefined ? ILLEGAL : stepEtcd(state, operation.input, operation.output);
    if (nextState === ILLEGAL) {
      entry = list.next[entry] as number;
      continue;
    }
    state = nextState;
    order.push(entry >>> 1);
    list.lift(entry);
    entry = list.first();
  }
  assert(entry !== -1 && operations[entry >>> 1]?.output !== undefined, "a history that is not linearizable has a known request that cannot be placed");
  return { kind: "not-linearizable", prefix: order, state, culprit: entry >>> 1 };
}
