/**
 * MvccStore: one member's etcd state machine below Raft: the MVCC key-value store, its lessor, its
 * alarms and quota, its watchers (etcd `mvcc.watchableStore` plus the `apply` layer of
 * etcdserver: `uber_applier.go`, `quota.go`, `capped.go`, `corrupt.go`).
 *
 * The member calls the request methods when it applies committed Raft entries (put, deleteRange,
 * txn, compact, leaseGrant, leaseRevoke, alarm), and `range` (and `txn` for read-only txns) when it
 * serves reads. Every method returns a value: a `Result` whose failure side is an `EtcdError` with
 * etcd's code and message. Revisions: the empty store is at revision 1, the first write makes it 2.
 *
 * Apply rules, in etcd's order:
 * - CORRUPT alarm active: every write request fails with `etcdserver: corrupt cluster`.
 * - NOSPACE alarm active: Put, a Txn with a put in either branch and LeaseGrant fail with
 *   `etcdserver: mvcc: database space exceeded` without writing; ranges, deletes, txns without puts,
 *   compaction, lease revoke still work.
 * - Quota: a Put/Txn/LeaseGrant that does not fit (`dbSize + cost < quota` is false, measured before
 *   it runs) is still applied, then answered with the no-space error; the member reacts to that
 *   error by proposing the NOSPACE alarm for itself (etcd `server.go`).
 * The API-level checks (empty key, txn size, duplicate keys, request size) live in validation.ts.
 *
 * Watches: `newWatchStream(nowMs)` opens a stream; events of every committed write reach synced
 * watchers at once; `syncWatchers()` (every 100 ms) lets unsynced ones catch up; the member drains
 * `takeWatchResponses()` after each apply and each sync.
 */
import { AlarmSet } from "./alarms.js";
import { executeDeleteRange, executePut, executeRange, checkTxn, compareToPath, executeTxn, isTxnReadOnly } from "./apply.js";
import { Backend } from "./backend.js";
import { type EtcdError, etcdErrors, failure, type Result, success } from "./errors.js";
import { hashAll, hashRecords } from "./hash.js";
import { Lessor, type LessorConfig } from "./lessor.js";
import { BackendQuota, leaseOverheadBytes, putCost, type QuotaRequest, quotaCost, txnCost } from "./quota.js";
import { alarmFromSnapshot, restoreRecords, snapshotAlarm, type SnapshotRecord, type StoreSnapshot, snapshotFormat, snapshotFormatVersion, snapshotRecords } from "./snapshot.js";
import { StoreCore } from "./store_core.js";
import type {
  AlarmMember,
  AlarmRequest,
  AlarmResponse,
  AlarmType,
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
  WatchResponse,
} from "./types.js";
import { type WatchConfig, WatchHub, type WatchStream } from "./watch.js";

export interface MvccStoreConfig extends LessorConfig, WatchConfig {
  /** 0 or absent: 2 GiB; negative: no quota. */
  readonly quotaBackendBytes?: number;
}

export interface StoreStatus {
  readonly revision: number;
  /** -1 before the first compaction. */
  readonly compactRevision: number;
  readonly dbSize: number;
  readonly dbSizeInUse: number;
  /** Infinity when the quota is disabled. */
  readonly quotaBytes: number;
}

/** `HashKVResponse`: the hash of the records up to `hashRevision`. */
export interface HashKVResponse {
  readonly header: { readonly revision: number };
  readonly hash: number;
  readonly compactRevision: number;
  readonly hashRevision: number;
}

export interface StreamResponses {
  readonly streamId: number;
  readonly responses: WatchResponse[];
}

type WriteKind = "put" | "txn" | "leaseGrant" | "other";

export class MvccStore {
  readonly lessor: Lessor;
  private readonly backend = new Backend();
  private readonly core: StoreCore;
  private readonly alarmSet: AlarmSet;
  private readonly quota: BackendQuota;
  private readonly watches: WatchHub;

  constructor(config: MvccStoreConfig = {}) {
    this.lessor = new Lessor(config, this.backend, (keys) => this.core.deleteKeys(keys));
    this.core = new StoreCore(this.backend, this.lessor);
    this.alarmSet = new AlarmSet(this.backend);
    this.quota = new BackendQuota(config.quotaBackendBytes ?? 0);
    this.watches = new WatchHub(this.core, config);
    this.core.commitListener = (revision, changes) => this.watches.notify(revision, changes);
  }

  /** A store holding the state of a snapshot. */
  static fromSnapshot(snapshot: StoreSnapshot, config: MvccStoreConfig = {}): MvccStore {
    const store = new MvccStore(config);
    store.restoreSnapshot(snapshot);
    return store;
  }

  get currentRevision(): number {
    return this.core.currentRevision;
  }

  /** The last compaction revision, -1 before the first. */
  get compactRevision(): number {
    return this.core.compactRevision;
  }

  private refusal(kind: WriteKind, cost: number): EtcdError | undefined {
    if (this.alarmSet.isActive("CORRUPT")) return etcdErrors.corrupt;
    if (kind === "other" || !this.alarmSet.isActive("NOSPACE")) return undefined;
    return kind === "txn" && cost === 0 ? undefined : etcdErrors.noSpace;
  }

  private fits(cost: number): boolean {
    return this.quota.available(cost, this.backend.size);
  }

  range(request: RangeRequest): Result<RangeResponse> {
    return executeRange(this.core.reader, request);
  }

  put(request: PutRequest): Result<PutResponse> {
    const cost = putCost(request);
    const refusal = this.refusal("put", cost);
    if (refusal !== undefined) return failure(refusal);
    const fits = this.fits(cost);
    const lease = request.lease ?? 0;
    if (lease !== 0 && !this.lessor.has(lease)) return failure(etcdErrors.leaseNotFound);
    const transaction = this.core.begin();
    const result = executePut(transaction, request);
    transaction.end();
    return result.ok && !fits ? failure(etcdErrors.noSpace) : result;
  }

  deleteRange(request: DeleteRangeRequest): Result<DeleteRangeResponse> {
    const refusal = this.refusal("other", 0);
    if (refusal !== undefined) return failure(refusal);
    const transaction = this.core.begin();
    const response = executeDeleteRange(transaction, request);
    transaction.end();
    return success(response);
  }

  txn(request: TxnRequest): Result<TxnResponse> {
    const readOnly = isTxnReadOnly(request);
    const cost = txnCost(request);
    const refusal = readOnly ? undefined : this.refusal("txn", cost);
    if (refusal !== undefined) return failure(refusal);
    const fits = this.fits(cost);
    const transaction = this.core.begin();
    const path = compareToPath(transaction, request);
    const error = checkTxn(transaction, this.lessor, request, path, { position: 0 });
    if (error !== undefined) {
      transaction.end();
      return failure(error);
    }
    const response = executeTxn(transaction, request, path, { position: 0 });
    transaction.end();
    if (!fits) return failure(etcdErrors.noSpace);
    const revision = transaction.changes.length > 0 ? transaction.beginRevision + 1 : transaction.beginRevision;
    return success({ ...response, header: { revision } });
  }

  /** Logical and physical compaction at once; the response header holds the current revision. */
  compact(request: CompactionRequest): Result<CompactionResponse> {
    const refusal = this.refusal("other", 0);
    if (refusal !== undefined) return failure(refusal);
    const revision = request.revision;
    if (revision <= this.core.compactRevision) return failure(etcdErrors.compacted);
    if (revision > this.core.currentRevision) return failure(etcdErrors.futureRevision);
    this.core.compactRevision = revision;
    const keep = this.core.index.compact(revision);
    this.backend.removeNotKept(revision, keep);
    return success({ header: { revision: this.core.currentRevision } });
  }

  leaseGrant(request: LeaseGrantRequest, nowMs: number): Result<LeaseGrantResponse> {
    const refusal = this.refusal("leaseGrant", leaseOverheadBytes);
    if (refusal !== undefined) return failure(refusal);
    const fits = this.fits(leaseOverheadBytes);
    const granted = this.lessor.grant(request.id, request.ttl, nowMs);
    if (!granted.ok) return granted;
    if (!fits) return failure(etcdErrors.noSpace);
    return success({ header: { revision: this.core.currentRevision }, id: granted.value.id, ttl: granted.value.ttlSeconds, error: "" });
  }

  /** Revokes a lease: its keys are deleted, sorted by key, in one revision (none without keys). */
  leaseRevoke(request: LeaseRevokeRequest): Result<LeaseRevokeResponse> {
    const refusal = this.refusal("other", 0);
    if (refusal !== undefined) return failure(refusal);
    const revoked = this.lessor.revoke(request.id);
    if (!revoked.ok) return failure(revoked.error);
    return success({ header: { revision: this.core.currentRevision } });
  }

  /** Applies an alarm request (etcd `uberApplier.Alarm`). */
  alarm(request: AlarmRequest): AlarmResponse {
    let alarms: AlarmMember[] = [];
    switch (request.action) {
      case "GET":
        alarms = this.alarmSet.get(request.alarm);
        break;
      case "ACTIVATE": {
        const activated = this.alarmSet.activate(request.memberId, request.alarm);
        if (activated !== undefined) alarms = [activated];
        break;
      }
      case "DEACTIVATE": {
        const deactivated = this.alarmSet.deactivate(request.memberId, request.alarm);
        if (deactivated !== undefined) alarms = [deactivated];
        break;
      }
    }
    return { header: { revision: this.core.currentRevision }, alarms };
  }

  isAlarmActive(alarm: AlarmType): boolean {
    return this.alarmSet.isActive(alarm);
  }

  /** The API-level quota check (etcd `quotaAlarmer.check`): does the request fit now? */
  quotaAvailable(request: QuotaRequest): boolean {
    return this.fits(quotaCost(request));
  }

  /** Rewrites the database: dbSize drops to dbSizeInUse (per member, not replicated). */
  defragment(): void {
    this.backend.defragment();
  }

  status(): StoreStatus {
    return {
      revision: this.core.currentRevision,
      compactRevision: this.core.compactRevision,
      dbSize: this.backend.size,
      dbSizeInUse: this.backend.sizeInUse,
      quotaBytes: this.quota.limitBytes,
    };
  }

  /** etcd HashKV: 0 hashes up to the current revision. */
  hashKV(revision: number): Result<HashKVResponse> {
    const compactRevision = this.core.compactRevision;
    const current = this.core.currentRevision;
    if (revision > 0 && revision < compactRevision) return failure(etcdErrors.compacted);
    if (revision > 0 && revision > current) return failure(etcdErrors.futureRevision);
    const hashRevision = revision === 0 ? current : revision;
    const hash = hashRecords(this.backend, compactRevision, hashRevision, this.core.index.keep(hashRevision));
    return success({ header: { revision: current }, hash, compactRevision, hashRevision });
  }

  /** A hash of the whole state (records, leases, alarms, compact revision). */
  hash(): number {
    return hashAll(this.backend, this.lessor, this.alarmSet, this.core.compactRevision);
  }

  /**
   * The whole state as a snapshot. Its records are listed on first read (a member snapshots its
   * store every few thousand entries, and most snapshots are never sent or saved): until then the
   * snapshot holds a view of the backend's records, which later writes and compactions leave as it
   * is. `records` reads like a data property (JSON, spreads and copies included).
   */
  snapshot(): StoreSnapshot {
    const view = this.backend.view();
    let records: SnapshotRecord[] | undefined;
    return {
      format: snapshotFormat,
      formatVersion: snapshotFormatVersion,
      currentRevision: this.core.currentRevision,
      compactRevision: this.core.compactRevision,
      dbSize: this.backend.size,
      get records(): SnapshotRecord[] {
        records ??= snapshotRecords(view);
        return records;
      },
      leases: this.lessor.persistedLeases(),
      alarms: this.alarmSet.get("NONE").map(snapshotAlarm),
    };
  }

  /**
   * Replaces the whole state by a snapshot's (a Raft snapshot applied by a member). Watch streams
   * stay open; their watchers catch up from their next revision at the next `syncWatchers()`.
   */
  restoreSnapshot(snapshot: StoreSnapshot): void {
    this.backend.reset();
    this.core.index.clear();
    this.core.currentRevision = snapshot.currentRevision;
    this.core.compactRevision = snapshot.compactRevision;
    const attachments = restoreRecords(this.core, snapshot.records);
    this.lessor.recover(snapshot.leases);
    for (const [key, lease] of attachments) if (this.lessor.has(lease)) this.lessor.attach(lease, key);
    this.alarmSet.recover(snapshot.alarms.map(alarmFromSnapshot));
    this.backend.restoreAllocatedBytes(snapshot.dbSize);
    this.watches.restore();
  }

  newWatchStream(nowMs: number): WatchStream {
    return this.watches.newStream(nowMs);
  }

  /** One catch-up step for unsynced watchers; returns how many are still unsynced. */
  syncWatchers(): number {
    return this.watches.syncWatchers();
  }

  /** Periodic progress notifications for progress_notify watchers. */
  tickWatchProgress(nowMs: number): void {
    this.watches.tickProgress(nowMs);
  }

  /** Watcher counts, for metrics (etcd_debugging_mvcc_watcher_total, ..._slow_watcher_total). */
  watchStatus(): { readonly watchers: number; readonly unsyncedWatchers: number } {
    return { watchers: this.watches.watcherCount, unsyncedWatchers: this.watches.unsyncedCount };
  }

  /** Drains the queued watch responses of every stream. */
  takeWatchResponses(): StreamResponses[] {
    return this.watches.takeResponses();
  }
}
