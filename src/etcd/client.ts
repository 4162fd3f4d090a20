/**
 * A client of the cluster, as an actor: it sends requests to a member (its endpoint) and gets each
 * response back, or gives up after its own timeout, as etcdctl's `--command-timeout` does. A
 * request that timed out on the client has an unknown outcome: it may still take effect.
 *
 * Every call is recorded in the run's `History` (invoke and return times, outcome), which the
 * checkers read.
 */
import { EtcdError } from "../mvcc/errors.js";
import { IdWindow } from "../sim/id-window.js";
import type { Micros } from "../sim/time.js";
import type { ActorBehavior, ActorContext, World } from "../sim/world.js";
import {
  type ClientRequestMessage,
  type ClientResponseMessage,
  describeOutcome,
  describeRequest,
  type KvRequest,
  type KvResponse,
  type Outcome,
  type ResponseCluster,
  type ServerRequest,
  type ServerResponse,
  type WatchAliveMessage,
  type WatchResponseMessage,
} from "./protocol.js";
import { History } from "./history.js";
import { type ClientWatch, type ClientWatchListener, ClientWatches } from "./client-watch.js";
import type { WatchCreateRequest } from "../mvcc/types.js";

export type { ClientWatch, ClientWatchListener } from "./client-watch.js";

/** What the client library reports when its own deadline passes first (etcdctl prints it). */
export const CLIENT_DEADLINE_EXCEEDED = new EtcdError("DeadlineExceeded", "context deadline exceeded");

/** `cluster`: the header fields of the member that answered (absent when the client timed out). */
export type CallOutcome = Outcome<KvResponse> & { readonly timedOut: boolean; readonly cluster?: ResponseCluster };
export type ServerCallOutcome = Outcome<ServerResponse> & { readonly timedOut: boolean; readonly cluster?: ResponseCluster };

interface Call {
  /** The operation's index in the history; -1 for lease and maintenance calls, which it does not record. */
  readonly historyIndex: number;
  readonly timer: number;
  readonly done: (outcome: Outcome<unknown> & { readonly timedOut: boolean; readonly cluster?: ResponseCluster }) => void;
}

export class ClientActor implements ActorBehavior {
  private readonly calls = new IdWindow<Call>();
  /**
   * Request IDs: 1, 2, ... in the first life, and from `incarnation * 2^32 + 1` after a restart, so
   * that a restarted client never reuses an ID the members still remember (they drop duplicates,
   * which the network may deliver).
   */
  private nextId: number;
  private readonly watches: ClientWatches;
  /** The simple token sent with every request and watch created from now on (auth); none: anonymous. */
  token: string | undefined;

  constructor(
    private readonly context: ActorContext,
    private readonly history: History,
  ) {
    this.watches = new ClientWatches(context);
    this.nextId = context.incarnation * 2 ** 32 + 1;
  }

  /**
   * Watches keys through the cluster (see client-watch.ts): created on `endpoints[0]`, moved to the
   * next endpoint when its member goes silent, resumed after the last delivered revision.
   */
  watch(endpoints: readonly string[], request: WatchCreateRequest, listener: ClientWatchListener): ClientWatch {
    return this.watches.start(endpoints, request, listener, this.token);
  }

  get address(): string {
    return this.context.address;
  }

  /** Sends `request` to `endpoint`; `done` runs once, with the response or with a timeout. */
  call(endpoint: string, request: KvRequest, timeoutUs: Micros, done: (outcome: CallOutcome) => void, process = this.context.address): void {
    const id = this.nextId++;
    const historyIndex = this.history.invoke(process, endpoint, request, this.context.now());
    if (this.context.trace.enabled) {
      this.context.emit({ type: "client.invoke", client: process, endpoint, op: historyIndex, summary: describeRequest(request) });
    }
    const timer = this.context.setTimer(timeoutUs, id);
    this.calls.add(id, { historyIndex, timer, done: done as Call["done"] });
    this.send(endpoint, id, request);
  }

  private send(endpoint: string, id: number, request: ClientRequestMessage["request"]): void {
    const message: ClientRequestMessage = this.token === undefined ? { type: "client.request", id, request } : { type: "client.request", id, request, token: this.token };
    this.context.send(endpoint, message);
  }

  /**
   * Sends a lease or maintenance request (not recorded in the history, which holds KV operations
   * for the checkers); `done` runs once, with the response or with a timeout.
   */
  callServer(endpoint: string, request: ServerRequest, timeoutUs: Micros, done: (outcome: ServerCallOutcome) => void): void {
    const id = this.nextId++;
    const timer = this.context.setTimer(timeoutUs, id);
    this.calls.add(id, { historyIndex: -1, timer, done: done as Call["done"] });
    this.send(endpoint, id, request);
  }

  onMessage(from: string, message: unknown): void {
    const type = (message as { type: string }).type;
    if (type === "watch.response") return this.watches.onResponse(message as WatchResponseMessage);
    if (type === "watch.alive") return this.watches.onAlive(from, message as WatchAliveMessage);
    const response = message as ClientResponseMessage;
    const call = this.calls.get(response.id);
    if (call === undefined) return;
    this.calls.delete(response.id);
    this.context.cancelTimer(call.timer);
    const outcome = response.outcome;
    if (call.historyIndex >= 0) {
      this.history.complete(call.historyIndex, outcome as Outcome<KvResponse>, this.context.now());
      if (this.context.trace.enabled) {
        const index = call.historyIndex;
        this.context.emit({ type: "client.return", client: this.history.process(index), op: index, outcome: this.history.outcome(index), summary: describeOutcome(outcome) });
      }
    }
    call.done(outcome.ok ? { ok: true, value: outcome.value, timedOut: false, cluster: response.cluster } : { ok: false, error: outcome.error, timedOut: false, cluster: response.cluster });
  }

  onTimer(id: number): void {
    if (id < 0) return this.watches.onTimer(id);
    const call = this.calls.get(id);
    if (call === undefined) return;
    this.calls.delete(id);
    if (call.historyIndex < 0) {
      call.done({ ok: false, error: CLIENT_DEADLINE_EXCEEDED, timedOut: true });
      return;
    }
    this.history.timeout(call.historyIndex, this.context.now());
    if (this.context.trace.enabled) {
      this.context.emit({ type: "client.return", client: this.history.process(call.historyIndex), op: call.historyIndex, outcome: "unknown", summary: CLIENT_DEADLINE_EXCEEDED.message });
    }
    call.done({ ok: false, error: CLIENT_DEADLINE_EXCEEDED, timedOut: true });
  }
}

/** Spawns a client actor named `address` and returns it. */
export function spawnClient(world: World, address: string, history: History): ClientActor {
  world.spawn(address, (context) => new ClientActor(context, history));
  return world.behavior(address) as ClientActor;
}
