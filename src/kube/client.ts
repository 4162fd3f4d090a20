/**
 * A Kubernetes API client for actors (kubectl, controllers): it sends requests to an API server
 * actor and gets each answer back, or gives up after its own timeout (an unknown outcome: the
 * request may still take effect). Watch events arrive through `onWatchEvent`.
 *
 * The client lives inside its actor: the actor forwards `kube.*` messages and the client's timers
 * (tags from 1 up; the actor keeps tags <= 0 for itself).
 */
import type { Micros } from "../sim/time.js";
import type { ActorBehavior, ActorContext, World } from "../sim/world.js";
import type { KubeOutcome, KubeRequest, KubeResponseMessage, KubeWatchMessage, WatchEvent } from "./protocol.js";
import { internal } from "./status.js";

/** What a client reports when the API server does not answer in time (client-go's context deadline). */
export const KUBE_CLIENT_TIMEOUT_MESSAGE = "context deadline exceeded";

/** How long a controller, the scheduler or a kubelet waits for the API server's answer. */
export const CONTROLLER_REQUEST_TIMEOUT_US: Micros = 5_000_000;

export type KubeCallOutcome = KubeOutcome & { readonly timedOut: boolean };

interface PendingCall {
  readonly timer: number;
  readonly done: (outcome: KubeCallOutcome) => void;
}

export class KubeClient {
  private readonly pending = new Map<number, PendingCall>();
  private readonly watchers = new Map<number, (event: WatchEvent) => void>();
  private nextId = 1;

  constructor(
    private readonly context: ActorContext,
    /** The API server actor this client talks to. */
    public server: string,
  ) {}

  call(request: KubeRequest, timeoutUs: Micros, done: (outcome: KubeCallOutcome) => void): void {
    const id = this.nextId++;
    const timer = this.context.setTimer(timeoutUs, id);
    this.pending.set(id, { timer, done });
    this.context.send(this.server, { type: "kube.request", id, request });
  }

  /** Routes watch events of `watchId` to `listener` (until `forget`). */
  listen(watchId: number, listener: (event: WatchEvent) => void): void {
    this.watchers.set(watchId, listener);
  }

  forget(watchId: number): void {
    this.watchers.delete(watchId);
  }

  /** Handles a `kube.*` message; false when the message is not the client's. */
  onMessage(message: unknown): boolean {
    const typed = message as KubeResponseMessage | KubeWatchMessage;
    if (typed.type === "kube.watch-event") {
      this.watchers.get(typed.watchId)?.(typed.event);
      return true;
    }
    if (typed.type !== "kube.response") return false;
    const call = this.pending.get(typed.id);
    if (call === undefined) return true;
    this.pending.delete(typed.id);
    this.context.cancelTimer(call.timer);
    call.done({ ...typed.outcome, timedOut: false });
    return true;
  }

  /** Handles a timer of the client (tags >= 1). */
  onTimer(tag: number): void {
    const call = this.pending.get(tag);
    if (call === undefined) return;
    this.pending.delete(tag);
    call.done({ ok: false, status: internal(KUBE_CLIENT_TIMEOUT_MESSAGE), timedOut: true });
  }
}

/** An actor that is only a Kubernetes client (kubectl in the shell and in scenarios). */
export class KubeClientActor implements ActorBehavior {
  readonly client: KubeClient;

  constructor(context: ActorContext, server: string) {
    this.client = new KubeClient(context, server);
  }

  onMessage(_from: string, message: unknown): void {
    this.client.onMessage(message);
  }

  onTimer(tag: number): void {
    this.client.onTimer(tag);
  }
}

/** Spawns (once) a client actor at `address` and returns it. */
export function kubeClientActor(world: World, address: string, server: string): KubeClientActor {
  if (!world.has(address)) world.spawn(address, (context) => new KubeClientActor(context, server));
  const actor = world.behavior(address);
  if (!(actor instanceof KubeClientActor)) throw new Error(`assertion failed: ${address} is a Kubernetes client actor`);
  return actor;
}
