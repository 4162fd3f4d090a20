/**
 * The armed timers of a world, by id, so that a timer can be cancelled.
 *
 * Timer ids increase and most timers are short-lived (Raft ticks, request deadlines), so a
 * direct-mapped table indexed by the low bits of the id holds nearly all of them; a timer whose
 * slot is still taken by an older armed one goes to a small overflow map. Unlike a `Map` under
 * constant insertion and deletion, the table never reallocates.
 */

export interface ArmedTimer {
  readonly timerId: number;
}

const SLOT_COUNT = 4096;
const SLOT_MASK = SLOT_COUNT - 1;

export class TimerTable<T extends ArmedTimer> {
  private readonly slots: Array<T | undefined> = new Array<T | undefined>(SLOT_COUNT).fill(undefined);
  private readonly overflow = new Map<number, T>();

  arm(timer: T): void {
    const slot = timer.timerId & SLOT_MASK;
    if (this.slots[slot] === undefined) this.slots[slot] = timer;
    else this.overflow.set(timer.timerId, timer);
  }

  get(id: number): T | undefined {
    const timer = this.slots[id & SLOT_MASK];
    if (timer !== undefined && timer.timerId === id) return timer;
    return this.overflow.size === 0 ? undefined : this.overflow.get(id);
  }

  /** Forgets `timer` (fired, cancelled or stale); a timer not armed is ignored. */
  disarm(timer: T): void {
    const slot = timer.timerId & SLOT_MASK;
    if (this.slots[slot] === timer) this.slots[slot] = undefined;
    else if (this.overflow.size > 0) this.overflow.delete(timer.timerId);
  }
}
