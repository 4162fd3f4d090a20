/**
 * The client's side of watches (clientv3's `watchGrpcStream`, with `WithRequireLeader`): a watch
 * that outlives the member serving it.
 *
 * A watch is created on one endpoint (`watch.create`, attempt 1). Its listener sees every response
 * of that member: the created response once, events, progress notifications. The client keeps the
 * revision of the last event it delivered (or, for a watch from "now", the revision the created
 * response named) and checks the member on every `CHECK_INTERVAL_US`: a member that sent nothing
 * for this watch for `SILENCE_LIMIT_US` (no response and no `watch.alive` naming it with a leader:
 * crashed, paused, cut off, restarted without the watch, or without a leader) is given up. The
 * watch is then created again (the next attempt) on the next endpoint, from the revision after the
 * last one delivered, so the listener sees every event exactly once, in revision order, without a
 * gap. Events at or below the last delivered revision and responses of abandoned attempts are
 * dropped; the created response of a re-creation is not passed on. If the history since then was
 * compacted meanwhile, the member cancels the watch with the compact revision and so does the
 * client (`onCanceled`).
 */
import { etcdErrors } from "../mvcc/errors.js";
import type { WatchCreateRequest, WatchResponse } from "../mvcc/types.js";
import type { Micros } from "../sim/time.js";
import type { ActorContext } from "../sim/world.js";
import type { WatchAliveMessage, WatchCancelMessage, WatchCreateMessage, WatchResponseMessage } from "./protocol.js";

/** How often the client checks that a watch's member is still there. */
export const CHECK_INTERVAL_US: Micros = 500_000;
/** How long a member may stay silent about a watch (four of its alive intervals) before the client moves it. */
export const SILENCE_LIMIT_US: Micros = 2_000_000;

export interface ClientWatchListener {
  /** Every WatchResponse the member streams for this watch (created, events, progress notifications). */
  onResponse(response: WatchResponse): void;
  /**
   * The watch ended for good: canceled by the server (e.g. compacted: response.compactRevision > 0
   * and cancelReason "etcdserver: mvcc: required revision has been compacted"), or by cancel().
   */
  onCanceled(response: WatchResponse | undefined): void;
}

export interface ClientWatch {
  readonly id: number;
  cancel(): void;
}

interface WatchState {
  readonly id: number;
  readonly endpoints: readonly string[];
  readonly request: WatchCreateRequest;
  readonly listener: ClientWatchListener;
  readonly token: string | undefined;
  endpointIndex: number;
  attempt: number;
  /** The revision of the last event delivered; -1 until known (a watch from "now" before its created response). */
  lastRevision: number;
  created: boolean;
  /** The sequence number of the next response to take from the member (a stream keeps its order). */
  nextSeq: number;
  /** Responses that came ahead of their turn (the simulated network may reorder), by sequence number. */
  readonly early: Map<number, WatchResponse>;
  /** The last response delivered was a fragment: its revision's events go on in the next one. */
  fragmentOpen: boolean;
  /** Local time of the last word from the member about this attempt. */
  heardUs: Micros;
  timer: number;
  ended: boolean;
}

/** Timer tags of watches are negative: -(watch id). */
export function watchTimerTag(id: number): number {
  return -id;
}

export class ClientWatches {
  private readonly watches = new Map<number, WatchState>();
  private nextWatch = 1;

  constructor(private readonly context: ActorContext) {}

  get size(): number {
    return this.watches.size;
  }

  start(endpoints: readonly string[], request: WatchCreateRequest, listener: ClientWatchListener, token?: string): ClientWatch {
    if (endpoints.length === 0) throw new Error("assertion failed: a watch needs at least one endpoint");
    const id = this.nextWatch++;
    const startRevision = request.startRevision ?? 0;
    const state: WatchState = {
      id,
      endpoints,
      request,
      listener,
      token,
      endpointIndex: 0,
      attempt: 0,
      lastRevision: startRevision > 0 ? startRevision - 1 : -1,
      created: false,
      nextSeq: 1,
      early: new Map(),
      fragmentOpen: false,
      heardUs: this.context.now(),
      timer: 0,
      ended: false,
    };
    this.watches.set(id, state);
    this.createAttempt(state);
    state.timer = this.context.setTimer(CHECK_INTERVAL_US, watchTimerTag(id));
    return { id, cancel: () => this.cancel(id) };
  }

  /** Ends a watch on the client's initiative: the member is told, the listener gets onCanceled(undefined). */
  cancel(id: number): void {
    const state = this.watches.get(id);
    if (state === undefined) return;
    this.sendCancel(state);
    this.end(state, undefined);
  }

  onResponse(message: WatchResponseMessage): void {
    const state = this.watches.get(message.watch);
    if (state === undefined || message.attempt !== state.attempt || message.seq < state.nextSeq) return;
    state.early.set(message.seq, message.response);
    for (let next = state.early.get(state.nextSeq); next !== undefined && !state.ended; next = state.early.get(state.nextSeq)) {
      state.early.delete(state.nextSeq);
      state.nextSeq++;
      state.heardUs = this.context.now();
      this.take(state, next);
    }
  }

  private take(state: WatchState, response: WatchResponse): void {
    if (response.canceled) {
      // etcd sends a compacted cancel without a reason; the listener gets clientv3's Err() text in it.
      this.end(state, response.compactRevision > 0 && response.cancelReason === "" ? { ...response, cancelReason: etcdErrors.compacted.message } : response);
      return;
    }
    if (response.created) {
      if (state.lastRevision < 0) state.lastRevision = response.header.revision;
      if (state.created) return;
      state.created = true;
      state.listener.onResponse(response);
      return;
    }
    if (response.events.length === 0) {
      if (response.header.revision > state.lastRevision) state.lastRevision = response.header.revision;
      state.listener.onResponse(response);
      return;
    }
    const floor = state.fragmentOpen ? state.lastRevision - 1 : state.lastRevision;
    const fresh = response.events.filter((event) => event.kv.modRevision > floor);
    if (fresh.length === 0) return;
    state.fragmentOpen = response.fragment;
    state.lastRevision = (fresh[fresh.length - 1] as (typeof fresh)[number]).kv.modRevision;
    state.listener.onResponse(fresh.length === response.events.length ? response : { ...response, events: fresh });
  }

  onAlive(from: string, message: WatchAliveMessage): void {
    if (!message.leader) return;
    const now = this.context.now();
    for (let index = 0; index < message.watches.length; index++) {
      const state = this.watches.get(message.watches[index] as number);
      // A response missing from the stream (lost on the network) is a broken stream: no word refreshes it.
      if (state !== undefined && state.attempt === message.attempts[index] && this.endpointOf(state) === from && state.early.size === 0) state.heardUs = now;
    }
  }

  /** A watch's check timer: moves the watch when its member has been silent too long. */
  onTimer(tag: number): void {
    const state = this.watches.get(-tag);
    if (state === undefined) return;
    if (this.context.now() - state.heardUs >= SILENCE_LIMIT_US) {
      this.sendCancel(state);
      state.endpointIndex = (state.endpointIndex + 1) % state.endpoints.length;
      this.createAttempt(state);
    }
    state.timer = this.context.setTimer(CHECK_INTERVAL_US, watchTimerTag(state.id));
  }

  private createAttempt(state: WatchState): void {
    state.attempt++;
    state.fragmentOpen = false;
    state.nextSeq = 1;
    state.early.clear();
    state.heardUs = this.context.now();
    const request: WatchCreateRequest = state.lastRevision < 0 ? state.request : { ...state.request, startRevision: state.lastRevision + 1 };
    const message: WatchCreateMessage = state.token === undefined ? { type: "watch.create", watch: state.id, attempt: state.attempt, request } : { type: "watch.create", watch: state.id, attempt: state.attempt, request, token: state.token };
    this.context.send(this.endpointOf(state), message);
  }

  private sendCancel(state: WatchState): void {
    const message: WatchCancelMessage = { type: "watch.cancel", watch: state.id, attempt: state.attempt };
    this.context.send(this.endpointOf(state), message);
  }

  private endpointOf(state: WatchState): string {
    return state.endpoints[state.endpointIndex] as string;
  }

  private end(state: WatchState, response: WatchResponse | undefined): void {
    if (state.ended) return;
    state.ended = true;
    this.watches.delete(state.id);
    this.context.cancelTimer(state.timer);
    state.listener.onCanceled(response);
  }
}
