/**
 * The store a new cluster starts from, for the history's new epoch (`EtcdCluster.beginEpoch`): its
 * revision and live keys, read from a store snapshot (a restored data directory's, or the one a
 * stopped cluster left).
 */
import { isTombstone } from "../mvcc/backend.js";
import type { StoreSnapshot } from "../mvcc/snapshot.js";
import type { KeyValue } from "../mvcc/types.js";
import type { Member } from "./member.js";

export interface EpochStore {
  readonly revision: number;
  /** The live keys, in key order. */
  readonly kvs: readonly KeyValue[];
}

/** The live keys of a snapshot (its records in revision order: the last of a key wins, a tombstone deletes it). */
export function epochStoreOf(snapshot: StoreSnapshot): EpochStore {
  const live = new Map<string, KeyValue>();
  for (const [, , key, value, createRevision, modRevision, version, lease] of snapshot.records) {
    const kv: KeyValue = { key, value, createRevision, modRevision, version, lease };
    if (isTombstone(kv)) live.delete(key);
    else live.set(key, kv);
  }
  const kvs = [...live.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { revision: snapshot.currentRevision, kvs };
}

/** The store of the member furthest ahead (the highest revision): what a cluster that stops now has acknowledged. */
export function furthestStore(members: ReadonlyArray<Member>): EpochStore | undefined {
  let best: Member | undefined;
  for (const member of members) if (best === undefined || member.stateMachine.store.currentRevision > best.stateMachine.store.currentRevision) best = member;
  return best === undefined ? undefined : epochStoreOf(best.stateMachine.store.snapshot());
}
