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
import type { InvariantViolation } from "./raft-invariants.js";

interface Ack {
  readonly returnUs: Micros;
  readonly revision: number;
  readonly process: string;
}

/**
 * The acknowledged puts of one key, in return order, and for each position the position of the
 * highest revision up to it (the first one, on a tie), so that a read finds what it must see by a
 * binary search instead of a scan of the key's whole history.
 */
interface KeyAcks {
  readonly acks: Ack[];
  readonly highest: number[];
  /** The revision of the last entry of `highest`. */
  highestRevision: number;
}

export class StaleReadChecker {
  /** Acknowledged writes in return order, with the running maximum revision. */
  private readonly acks: Ack[] = [];
  private readonly maxRevisions: number[] = [];
  private readonly keyAcks = new Map<string, KeyAcks>();
  readonly violations: InvariantViolation[] = [];
  /** Operations invoked in an earlier epoch (another cluster, before a restore) are not checked. */
  private epoch = 0;

  constructor(private readonly onViolation: (violation: InvariantViolation) => void = () => undefined) {}

  /** A new cluster from now on (a restore): the old one's acknowledged writes no longer count. */
  newEpoch(): void {
    this.epoch++;
    this.acks.length = 0;
    this.maxRevisions.length = 0;
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
    const ack = { returnUs: operation.returnUs as Micros, revision, process: operation.process };
    const previousMax = this.maxRevisions[this.maxRevisions.length - 1] ?? 0;
    this.acks.push(ack);
    this.maxRevisions.push(Math.max(previousMax, revision));
    const request = operation.request;
    if (request.kind !== "put") return;
    let keyAcks = this.keyAcks.get(request.request.key);
    if (keyAcks === undefined) {
      keyAcks = { acks: [], highest: [], highestRevision: 0 };
      this.keyAcks.set(request.request.key, keyAcks);
    }
    if (keyAcks.acks.length === 0 || revision > keyAcks.highestRevision) {
      keyAcks.highest.push(keyAcks.acks.length);
      keyAcks.highestRevision = revision;
    } else {
      keyAcks.highest.push(keyAcks.highest[keyAcks.highest.length - 1] as number);
    }
    keyAcks.acks.push(ack);
  }

  private checkRead(operation: HistoryOperation, key: string, rangeEnd: string | undefined, response: Extract<KvResponse, { kind: "range" }>["response"]): void {
    const index = lastBefore(this.acks, operation.invokeUs);
    if (index >= 0) {
      const required = this.maxRevisions[index] as number;
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
    const keyIndex = lastBefore(keyAcks.acks, operation.invokeUs);
    if (keyIndex < 0) return;
    const required = keyAcks.acks[keyAcks.highest[keyIndex] as number] as Ack;
    const seen = response.kvs[0]?.modRevision;
    if (seen !== undefined && seen < required.revision) {
      this.report(operation, `returned the version of ${textFromBytes(key)} written at revision ${seen}, but ${required.process}'s write at revision ${required.revision} had been acknowledged before the read began`);
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

/** Index of the last ack returned strictly before `time` (acks are in return order), or -1. */
function lastBefore(acks: readonly Ack[], time: Micros): number {
  let low = 0;
  let high = acks.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((acks[middle] as Ack).returnUs < time) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
