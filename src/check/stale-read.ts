/**
 * The stale-read oracle: a linearizable read must reflect every write acknowledged before it was
 * invoked. Two checks, fed with operations as they return:
 *
 * - the read's header revision (the store revision it was served at) is at least the revision of
 *   every write acknowledged before the read began;
 * - a single-key read never returns a version of the key older than a write to that key that was
 *   acknowledged before the read began.
 *
 * Serializable reads are exempt: they may be stale by definition. A historical read (`revision` set)
 * must be served at a current header revision too, but returns the keys as of its revision: never
 * a version written after it (what it returns is checked against the writes by revision in the
 * linearizability checker's etcd model). This is cheaper than a full
 * linearizability check and catches the classic bugs (a deposed leader serving reads, a lease
 * trusted under clock drift) with a message a learner can read.
 */
import type { HistoryOperation } from "../etcd/history.js";
import { textFromBytes } from "../mvcc/bytes.js";
import type { KvRequest, KvResponse } from "../etcd/protocol.js";
import { formatDuration, type Micros } from "../sim/time.js";
import { withRoom } from "../sim/columns.js";
import type { InvariantViolation } from "./raft-invariants.js";

/**
 * Numbers appended one by one, in a Float64Array grown by doubling: an hour of a busy cluster
 * acknowledges some 180,000 writes, kept for the whole run, which as objects the collector would
 * copy and promote one by one.
 */
class Column {
  values = new Float64Array(16);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) this.values = withRoom(this.values, this.length + 1);
    this.values[this.length++] = value;
  }

  clear(): void {
    this.length = 0;
  }
}

/**
 * The acknowledged puts of one key, in return order (their return times), and for each position
 * the revision and process of the highest revision up to it (the first one, on a tie), so that a
 * read finds what it must see by a binary search instead of a scan of the key's whole history.
 */
class KeyAcks {
  readonly returnTimes = new Column();
  readonly highestRevisions = new Column();
  readonly highestProcesses: string[] = [];
}

export class StaleReadChecker {
  /** Acknowledged writes in return order (their return times), with the running maximum revision. */
  private readonly returnTimes = new Column();
  private readonly maxRevisions = new Column();
  private readonly keyAcks = new Map<string, KeyAcks>();
  readonly violations: InvariantViolation[] = [];
  /** Operations invoked in an earlier epoch (another cluster, before a restore) are not checked. */
  private epoch = 0;

  constructor(private readonly onViolation: (violation: InvariantViolation) => void = () => undefined) {}

  /** A new cluster from now on (a restore): the old one's acknowledged writes no longer count. */
  newEpoch(): void {
    this.epoch++;
    this.returnTimes.clear();
    this.maxRevisions.clear();
    this.keyAcks.clear();
  }

  /** Feed each operation as it returns (`History.onReturn`). */
  observe(operation: HistoryOperation): void {
    if (operation.outcome !== "ok" || operation.response === null || operation.returnUs === null || (operation.epoch ?? 0) !== this.epoch) return;
    const revision = writeRevision(operation.request, operation.response);
    if (revision !== undefined) {
      this.recordWrite(operation, revision);
      return;
    }
    if (operation.request.kind === "range" && operation.response.kind === "range" && operation.request.request.serializable !== true) {
      this.checkRead(operation, operation.request.request.key, operation.request.request.rangeEnd, operation.response.response);
    }
  }

  private recordWrite(operation: HistoryOperation, revision: number): void {
    const returnUs = operation.returnUs as Micros;
    const count = this.maxRevisions.length;
    const previousMax = count === 0 ? 0 : (this.maxRevisions.values[count - 1] as number);
    this.returnTimes.push(returnUs);
    this.maxRevisions.push(Math.max(previousMax, revision));
    const request = operation.request;
    if (request.kind !== "put") return;
    let keyAcks = this.keyAcks.get(request.request.key);
    if (keyAcks === undefined) {
      keyAcks = new KeyAcks();
      this.keyAcks.set(request.request.key, keyAcks);
    }
    const position = keyAcks.returnTimes.length;
    const highest = keyAcks.highestRevisions;
    if (position === 0 || revision > (highest.values[position - 1] as number)) {
      highest.push(revision);
      keyAcks.highestProcesses.push(operation.process);
    } else {
      highest.push(highest.values[position - 1] as number);
      keyAcks.highestProcesses.push(keyAcks.highestProcesses[position - 1] as string);
    }
    keyAcks.returnTimes.push(returnUs);
  }

  private checkRead(operation: HistoryOperation, key: string, rangeEnd: string | undefined, response: Extract<KvResponse, { kind: "range" }>["response"]): void {
    const index = lastBefore(this.returnTimes, operation.invokeUs);
    if (index >= 0) {
      const required = this.maxRevisions.values[index] as number;
      if (response.header.revision < required) {
        this.report(operation, `was served at revision ${response.header.revision}, but revision ${required} had been acknowledged to a client before the read began`);
        return;
      }
    }
    const at = operation.request.kind === "range" ? (operation.request.request.revision ?? 0) : 0;
    if (at > 0) {
      // A historical read: the keys as of revision `at`, so older than the writes acknowledged since
      // (the linearizability checker compares them with the store's past); never newer.
      const newer = response.kvs.find((kv) => kv.modRevision > at);
      if (newer !== undefined) this.report(operation, `asked for revision ${at} but returned the version of ${textFromBytes(newer.key)} written at revision ${newer.modRevision}`);
      return;
    }
    if (rangeEnd !== undefined && rangeEnd !== "") return;
    const keyAcks = this.keyAcks.get(key);
    if (keyAcks === undefined) return;
    const keyIndex = lastBefore(keyAcks.returnTimes, operation.invokeUs);
    if (keyIndex < 0) return;
    const requiredRevision = keyAcks.highestRevisions.values[keyIndex] as number;
    const seen = response.kvs[0]?.modRevision;
    if (seen !== undefined && seen < requiredRevision) {
      this.report(operation, `returned the version of ${textFromBytes(key)} written at revision ${seen}, but ${keyAcks.highestProcesses[keyIndex] as string}'s write at revision ${requiredRevision} had been acknowledged before the read began`);
    }
  }

  private report(operation: HistoryOperation, what: string): void {
    const key = operation.request.kind === "range" ? textFromBytes(operation.request.request.key) : "?";
    const detail = `${operation.process}'s read of ${key} (invoked at ${formatDuration(operation.invokeUs)} on ${operation.endpoint}) ${what}`;
    const violation = { kind: "stale-read", detail, timeUs: operation.returnUs as Micros };
    if (this.violations.length < 100) this.violations.push(violation);
    this.onViolation(violation);
  }
}

/** The revision a write created, or undefined for reads and writes that changed nothing. */
export function writeRevision(request: KvRequest, response: KvResponse): number | undefined {
  switch (response.kind) {
    case "put":
      return response.response.header.revision;
    case "deleteRange":
      return response.response.deleted > 0 ? response.response.header.revision : undefined;
    case "txn":
      return request.kind === "txn" && hasWrites(request) ? response.response.header.revision : undefined;
    default:
      return undefined;
  }
}

function hasWrites(request: Extract<KvRequest, { kind: "txn" }>): boolean {
  return [...(request.request.success ?? []), ...(request.request.failure ?? [])].some((op) => op.type !== "range");
}

/** Index of the last ack returned strictly before `time` (`returnTimes` is in return order), or -1. */
function lastBefore(returnTimes: Column, time: Micros): number {
  const times = returnTimes.values;
  let low = 0;
  let high = returnTimes.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((times[middle] as number) < time) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
