/**
 * Package mvcc: etcd's storage half, as a pure TypeScript library for a deterministic simulator.
 *
 * What it holds, one instance per etcd member:
 * - an append-only MVCC key-value store: revisions (`main.sub`; the empty store is at revision 1),
 *   a B+ tree key index of generations (key_index.ts), a backend log of revision records with
 *   bbolt-like byte accounting (backend.ts), Range/Put/DeleteRange/Txn/Compact with etcd's rules
 *   and exact errors (apply.ts, kv_store.ts);
 * - watches, pull-based (watch.ts); leases with virtual-time expiry (lessor.ts); alarms and the
 *   backend quota (alarms.ts, quota.ts); snapshots and hashes (snapshot.ts, hash.ts);
 * - the API-level request checks a member runs before proposing (validation.ts).
 *
 * The library reads no clock and draws no random numbers: the caller passes the virtual time
 * (integer milliseconds) to whatever depends on it. It imports nothing but `sorted-btree`.
 *
 * Keys and values are byte strings (bytes.ts): JS strings of chars 0..255.
 */
export { AlarmSet, alarmTypeNumbers } from "./alarms.js";
export { initialDatabaseBytes, pageBytes, recordBytes } from "./backend.js";
export {
  type ByteString,
  arrayFromBytes,
  bytesFromArray,
  bytesFromHex,
  bytesFromText,
  compareBytes,
  fromKeyRangeEnd,
  hexFromBytes,
  isByteString,
  prefixEnd,
  textFromBytes,
} from "./bytes.js";
export { assert, assertNever, EtcdError, etcdErrors, failure, GrpcCode, type GrpcCodeName, type Result, success, watchCancelReasons } from "./errors.js";
export { Generation, KeyIndex, type KeyIndexLookup, newKeyIndexLookup } from "./key_index.js";
export { type HashKVResponse, MvccStore, type MvccStoreConfig, type StoreStatus, type StreamResponses } from "./kv_store.js";
export {
  defaultExpiredLeaseRetryIntervalMs,
  defaultMinLeaseTtlSeconds,
  foreverRemainingSeconds,
  type GrantedLease,
  type LeaseTimeToLive,
  Lessor,
  type LessorConfig,
  maxLeaseTtlSeconds,
  type RenewResult,
} from "./lessor.js";
export { BackendQuota, defaultQuotaBytes, kvOverheadBytes, leaseOverheadBytes, maxQuotaBytes, putCost, type QuotaRequest, quotaCost, txnCost } from "./quota.js";
export { formatRevision, mainOf, packRevision, type Revision, subOf, unpackRevision } from "./revision.js";
export { type SnapshotAlarm, type SnapshotRecord, snapshotFormat, snapshotFormatVersion, snapshotProblem, type StoreSnapshot } from "./snapshot.js";
export { TreeIndex } from "./tree_index.js";
export type * from "./types.js";
export { sortOrders, sortTargets } from "./types.js";
export {
  checkDeleteRangeRequest,
  checkPutRequest,
  checkRangeRequest,
  checkRequestSize,
  checkTxnRequest,
  defaultMaxRequestBytes,
  defaultMaxTxnOps,
  type RaftRequest,
  raftRequestSize,
} from "./validation.js";
export { defaultProgressNotifyIntervalMs, defaultWatchBatchMaxRevisions, fragmentWatchResponse, invalidWatchId, WatchStream } from "./watch.js";
