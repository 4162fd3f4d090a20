/**
 * The deletes of lease revokes, for the client history: a lease revoke (a client's `lease revoke`,
 * or the leader's when a lease expires) deletes every key attached to the lease in one revision,
 * which no KV request of the history wrote. Without it, a read after the revoke sees keys vanish
 * and revisions skip, and the checkers would call that a violation.
 *
 * `recordLeaseDeletes` makes a member's state machine report each revoke it applies that deleted
 * something: the keys (attached to the lease just before, in key order) and the new revision.
 */
import type { EtcdServerState } from "./server/index.js";
import type { InternalRequest } from "./server/requests.js";

export type LeaseDeleteListener = (revision: number, keys: readonly string[]) => void;

export function recordLeaseDeletes(state: EtcdServerState, listener: LeaseDeleteListener): void {
  const apply = state.apply.bind(state) as (request: Parameters<EtcdServerState["apply"]>[0], index: number, nowMs?: number) => ReturnType<EtcdServerState["apply"]>;
  const recording = (request: Parameters<EtcdServerState["apply"]>[0], index: number, nowMs?: number): ReturnType<EtcdServerState["apply"]> => {
    // (A client's KV request has a `kind` and no `type`.)
    if ((request as { readonly type?: string }).type !== "leaseRevoke") return apply(request, index, nowMs);
    const store = state.store;
    const before = store.currentRevision;
    const id = (request as Extract<InternalRequest, { type: "leaseRevoke" }>).request.id;
    const keys = store.lessor.has(id) ? store.lessor.timeToLive(id, true, nowMs ?? 0).keys : [];
    const outcome = apply(request, index, nowMs);
    if (outcome.ok && store.currentRevision > before && keys.length > 0) listener(store.currentRevision, keys);
    return outcome;
  };
  (state as { apply: typeof recording }).apply = recording;
}
