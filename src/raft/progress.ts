/**
 * The leader's view of one peer's log (etcd's tracker.Progress), and its flow-control state:
 *
 * - probe: the follower's last index is unknown; the leader sends one MsgApp and waits for its
 *   answer (or a heartbeat response) before sending the next.
 * - replicate: the steady state; the leader sends entries optimistically, advancing `next`, up to
 *   `maxInflightMessages` unacknowledged messages.
 * - snapshot: the follower needs entries the leader has compacted; a MsgSnap is in flight and
 *   replication pauses until the follower acknowledges it or the host reports its fate.
 *
 * Invariants: 0 <= match < next; sentCommit < next; pendingSnapshot is 0 outside the snapshot state.
 */
import { Inflights } from "./inflights.js";
import type { NodeId, ProgressState } from "./types.js";

export class Progress {
  readonly id: NodeId;
  /** The highest index known to match the leader's log. */
  match = 0;
  /** The next index to send; entries in (match, next) are in flight. */
  next: number;
  /** The highest commit index sent to the follower (capped at next − 1). */
  sentCommit = 0;
  state: ProgressState = "probe";
  /** The index of the snapshot in flight, in the snapshot state. */
  pendingSnapshot = 0;
  /** Heard from since the last check-quorum; always true for the leader itself. */
  recentActive: boolean;
  /** In probe: a probe is outstanding. In replicate: the in-flight window is full. */
  paused = false;
  readonly inflights: Inflights;
  isLearner: boolean;
  /** The highest heartbeat round the peer acknowledged (see read-only.ts). */
  acknowledgedRound = 0;

  constructor(id: NodeId, next: number, isLearner: boolean, inflightCapacity: number) {
    this.id = id;
    this.next = next;
    this.isLearner = isLearner;
    this.recentActive = true;
    this.inflights = new Inflights(inflightCapacity);
  }

  /** Forgets everything learned under a previous leader (a new term or a new leader). */
  resetForLeader(lastIndex: number): void {
    this.match = 0;
    this.next = lastIndex + 1;
    this.sentCommit = 0;
    this.recentActive = false;
    this.acknowledgedRound = 0;
    this.resetState("probe");
  }

  isPaused(): boolean {
    return this.state === "snapshot" || this.paused;
  }

  becomeProbe(): void {
    if (this.state === "snapshot") {
      const pendingSnapshot = this.pendingSnapshot;
      this.resetState("probe");
      this.next = Math.max(this.match + 1, pendingSnapshot + 1);
    } else {
      this.resetState("probe");
      this.next = this.match + 1;
    }
    this.sentCommit = Math.min(this.sentCommit, this.next - 1);
  }

  becomeReplicate(): void {
    this.resetState("replicate");
    this.next = this.match + 1;
    this.sentCommit = Math.min(this.sentCommit, this.next - 1);
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState("snapshot");
    this.pendingSnapshot = snapshotIndex;
    this.next = snapshotIndex + 1;
    this.sentCommit = snapshotIndex;
  }

  /** Records a MsgApp carrying `entryCount` entries starting at `next`. */
  sentEntries(entryCount: number): void {
    if (this.state === "replicate") {
      if (entryCount > 0) {
        this.next += entryCount;
        this.inflights.add(this.next - 1);
      }
      this.paused = this.inflights.full();
    } else if (entryCount > 0) {
      this.paused = true;
    }
  }

  sentCommitIndex(commit: number): void {
    this.sentCommit = Math.min(commit, this.next - 1);
  }

  /** True when sending `commit` may advance the follower's commit index. */
  canBumpCommit(commit: number): boolean {
    return commit > this.sentCommit && this.sentCommit < this.next - 1;
  }

  /** An acknowledgement of `index`; false when it is stale (not above match). */
  maybeUpdate(index: number): boolean {
    if (index <= this.match) return false;
    this.match = index;
    this.next = Math.max(this.next, index + 1);
    this.paused = false;
    return true;
  }

  /**
   * A rejection of the MsgApp whose previous index was `rejected`, with the index the follower
   * suggests probing next. False when the rejection is stale.
   */
  maybeDecreaseTo(rejected: number, matchHint: number): boolean {
    if (this.state === "replicate") {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      this.sentCommit = Math.min(this.sentCommit, this.next - 1);
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.sentCommit = Math.min(this.sentCommit, this.next - 1);
    this.paused = false;
    return true;
  }

  private resetState(state: ProgressState): void {
    this.paused = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }
}
