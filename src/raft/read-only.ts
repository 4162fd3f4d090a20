/**
 * The leader's read-only state: numbered heartbeat rounds, the ReadIndex requests waiting for a
 * quorum to confirm a round, and the read lease.
 *
 * Every heartbeat broadcast opens a new round r (1, 2, 3, ... within one leadership); each
 * MsgHeartbeat carries r in its `index` field and the follower echoes it back. A follower that
 * acknowledges r considered this node its leader at some moment after round r was sent. Hence:
 *
 * - Safe reads (etcd's ReadOnlySafe, in the style of etcd-io/raft 3.7): a request is recorded
 *   with the commit index of the moment and the number of the round broadcast right after it; it
 *   is answered once a quorum has acknowledged that round or a later one. A retried request is a
 *   new request with a new round: it can never be confirmed by an earlier round.
 * - Lease reads: when a quorum (the leader included) has acknowledged a round sent during the
 *   leader's tick T, no other leader can be elected before the followers' election timeouts run
 *   out (they refuse votes for electionTicks of their own ticks after hearing from the leader,
 *   with check-quorum). Allowing for a clock drift of d, the leader trusts the lease until its own
 *   tick T + floor(electionTicks × (1 − d)) − 1, and serves reads at once until then.
 *   Three things void that argument, and the lease with it: a leader transfer (the transferee's
 *   campaign bypasses the followers' leases, at any later moment: no lease for the rest of the
 *   leadership), a configuration change (the next lease is counted in the new configuration),
 *   and a follower's restart (it forgets having heard from the leader; raft.ts makes a restarted
 *   node ignore votes for an election timeout).
 *
 * To find the tick a round was sent in, the state remembers the first and last round sent during
 * each of the last `electionTicks` ticks (an older round could not hold a lease anyway).
 */
import { assert } from "./assert.js";
import type { NodeId } from "./types.js";

export interface PendingRead {
  readonly requester: NodeId;
  readonly context: string;
  /** The leader's commit index when the request arrived. */
  readonly index: number;
  /** The first heartbeat round that confirms the request. */
  readonly round: number;
}

/** A ReadIndex request held by a new leader until it commits an entry of its own term. */
export interface PostponedRead {
  readonly requester: NodeId;
  readonly context: string;
}

export class ReadOnlyState {
  /** The last round broadcast. */
  round = 0;
  /** The highest round acknowledged by a quorum. */
  confirmedRound = 0;
  /** The last leader tick at which the lease holds (inclusive); −1 without a lease. */
  leaseLastTick = -1;
  /** A MsgTimeoutNow was sent in this leadership: no lease can be trusted any more. */
  leaseRevoked = false;
  pending: PendingRead[] = [];
  postponed: PostponedRead[] = [];
  /** For each of the last `window` ticks (slot tick % window): the tick, and the first and last round sent in it. */
  private readonly slotTicks: number[];
  private readonly slotFirstRounds: number[];
  private readonly slotLastRounds: number[];
  private readonly window: number;
  readonly leaseTicks: number;

  constructor(electionTicks: number, clockDriftBound: number) {
    this.window = electionTicks;
    this.slotTicks = new Array<number>(electionTicks).fill(-1);
    this.slotFirstRounds = new Array<number>(electionTicks).fill(0);
    this.slotLastRounds = new Array<number>(electionTicks).fill(0);
    // The tolerance absorbs floating-point error (10 × (1 − 0.7) is 3.0000000000000004).
    this.leaseTicks = Math.floor(electionTicks * (1 - clockDriftBound) + 1e-9);
  }

  reset(): void {
    this.round = 0;
    this.confirmedRound = 0;
    this.leaseLastTick = -1;
    this.leaseRevoked = false;
    this.pending = [];
    this.postponed = [];
    this.slotTicks.fill(-1);
  }

  /** Opens the next round, sent during leader tick `tick`. */
  openRound(tick: number): number {
    this.round++;
    const slot = tick % this.window;
    if (this.slotTicks[slot] !== tick) {
      this.slotTicks[slot] = tick;
      this.slotFirstRounds[slot] = this.round;
    }
    this.slotLastRounds[slot] = this.round;
    return this.round;
  }

  /** The tick during which `round` was sent, or −1 when that was more than `window` ticks ago. */
  private sentTick(round: number, now: number): number {
    for (let tick = Math.max(0, now - this.window + 1); tick <= now; tick++) {
      const slot = tick % this.window;
      if (this.slotTicks[slot] !== tick) continue;
      if ((this.slotFirstRounds[slot] as number) <= round && round <= (this.slotLastRounds[slot] as number)) return tick;
    }
    return -1;
  }

  /** A quorum acknowledged `round`: extends the lease (when `lease`) and returns the reads it confirms. */
  confirm(round: number, now: number, lease: boolean): PendingRead[] {
    assert(round <= this.round, "a confirmed round was opened");
    if (round <= this.confirmedRound) return [];
    this.confirmedRound = round;
    if (lease) {
      const sent = this.sentTick(round, now);
      if (sent >= 0) this.leaseLastTick = Math.max(this.leaseLastTick, sent + this.leaseTicks - 1);
    }
    let count = 0;
    while (count < this.pending.length && (this.pending[count] as PendingRead).round <= round) count++;
    if (count === 0) return [];
    return this.pending.splice(0, count);
  }

  holdsLease(now: number): boolean {
    return !this.leaseRevoked && now <= this.leaseLastTick;
  }

  /** A configuration change: rounds confirmed so far count no more towards a lease. */
  dropLease(): void {
    this.leaseLastTick = -1;
  }
}
