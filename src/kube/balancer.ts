/**
 * The API server's connections to its etcd endpoints, as clientv3 (v3.4 and later) keeps them:
 * gRPC's `round_robin` policy sends each request to the next connection that is READY, and gRPC
 * keepalive finds a member that went away.
 *
 * Keepalive: while requests to a member are waiting and nothing has come from it for
 * `KEEPALIVE_TIME_US`, the client pings it (here a probe: a lease list, which a member answers
 * itself, leader or not). A member that answers is alive, merely slow (a proposal waiting for a
 * new leader, say), and keeps its turn: the connection follows the transport, not the requests'
 * results. A member that does not answer within `KEEPALIVE_TIMEOUT_US` loses its connection: every
 * request waiting on it fails at once with `Unavailable` (the caller may retry elsewhere; each
 * may still take effect, and the history records it as unknown when its deadline passes), and the
 * connection reconnects in the background with gRPC's backoff (`backoff.DefaultConfig`: 1 s, x1.6,
 * jitter 0.2, at most 120 s), a probe each time, until the member answers and is READY again.
 * When no connection is READY every endpoint takes its turn (gRPC would wait for one).
 *
 * kube-apiserver sets keepalive to 30 s and 10 s (`storagebackend/factory/etcd3.go`), and learns of
 * a crashed member sooner from the reset of its connection. The simulated network has neither
 * connections nor resets, so the lab pings on the scale of its watch streams (client-watch.ts gives
 * a silent member 2 s): a crashed member is out of the rotation about 3 s after the first request
 * it leaves unanswered. (The first pass of this API server instead moved a single "current
 * endpoint" on every failed request, so three requests stuck on a dead member carried it round
 * three endpoints and back to the dead one, and kube traffic stalled until it restarted.)
 */
import type { ClientActor } from "../etcd/client.js";
import type { ServerRequest } from "../etcd/protocol.js";
import { EtcdError } from "../mvcc/errors.js";
import type { Micros } from "../sim/time.js";
import type { ActorContext } from "../sim/world.js";
import type { KubeEvent } from "./events.js";

/** grpc-go `backoff.DefaultConfig`, the reconnect backoff of a connection in TRANSIENT_FAILURE. */
export const RECONNECT_BACKOFF = { baseUs: 1_000_000, multiplier: 1.6, jitter: 0.2, maxUs: 120_000_000 } as const;
/** Silence from a member with requests waiting on it before the client pings it. */
export const KEEPALIVE_TIME_US: Micros = 1_000_000;
/** How long a ping or a reconnect probe waits for the member's answer. */
export const KEEPALIVE_TIMEOUT_US: Micros = 2_000_000;
/** How often the client looks for silent members while requests wait. */
export const KEEPALIVE_CHECK_INTERVAL_US: Micros = 500_000;
/** What a request waiting on a connection that keepalive closed gets (grpc-go's words). */
export const KEEPALIVE_FAILED = new EtcdError("Unavailable", "keepalive ping failed to receive ACK within timeout");

/**
 * Timer tags: the keepalive check, and a reconnect probe per endpoint (PROBE_TIMER_BASE - index).
 * Below the compactor's tag and the embedded etcd client's (requests from 1 up, watches at small
 * negative numbers).
 */
const KEEPALIVE_TIMER = -1_500_000_000;
const PROBE_TIMER_BASE = -2_000_000_000;

/** The probe and keepalive ping: a lease list, which a member answers itself, leader or not. */
const PROBE: ServerRequest = { kind: "leaseLeases", request: {} };

interface Connection {
  readonly endpoint: string;
  ready: boolean;
  /** Failed reconnects in a row (the backoff's exponent). */
  failures: number;
  /** A keepalive ping is out. */
  pinging: boolean;
  /** Local time of the last answer of any kind from the member. */
  heardUs: Micros;
}

interface Waiting {
  readonly connection: Connection;
  readonly sentUs: Micros;
  readonly fail: () => void;
}

export class EndpointBalancer {
  private readonly connections: Connection[];
  /** The round robin's next position. */
  private next = 0;
  /** Requests waiting for an answer, by token (in the order sent). */
  private readonly waiting = new Map<number, Waiting>();
  private nextToken = 1;
  private checking = false;

  constructor(
    private readonly context: ActorContext,
    private readonly etcd: ClientActor,
    endpoints: readonly string[],
    private readonly emit: (event: KubeEvent) => void,
  ) {
    if (endpoints.length === 0) throw new Error("assertion failed: a balancer has endpoints");
    this.connections = endpoints.map((endpoint) => ({ endpoint, ready: true, failures: 0, pinging: false, heardUs: 0 }));
  }

  get endpoints(): readonly string[] {
    return this.connections.map((connection) => connection.endpoint);
  }

  /** Whether the connection to `endpoint` is READY. */
  ready(endpoint: string): boolean {
    return this.connection(endpoint).ready;
  }

  /** The endpoint for the next request: the next READY one round the ring (any, when none is). */
  pick(): string {
    const count = this.connections.length;
    for (let step = 0; step < count; step++) {
      const index = (this.next + step) % count;
      const connection = this.connections[index] as Connection;
      if (connection.ready) {
        this.next = (index + 1) % count;
        return connection.endpoint;
      }
    }
    const fallback = this.connections[this.next] as Connection;
    this.next = (this.next + 1) % count;
    return fallback.endpoint;
  }

  /** Every endpoint: the one `pick` chooses first, then the other READY ones, then the rest (a watch's fallbacks). */
  ordered(): string[] {
    const first = this.pick();
    const rest = this.connections.filter((connection) => connection.endpoint !== first);
    return [first, ...rest.filter((connection) => connection.ready).map((connection) => connection.endpoint), ...rest.filter((connection) => !connection.ready).map((connection) => connection.endpoint)];
  }

  /** A request went to `endpoint`; `fail` ends it at once if keepalive closes the connection. Returns its token for `answered`. */
  sent(endpoint: string, fail: () => void): number {
    const token = this.nextToken++;
    this.waiting.set(token, { connection: this.connection(endpoint), sentUs: this.context.now(), fail });
    if (!this.checking) {
      this.checking = true;
      this.context.setTimer(KEEPALIVE_CHECK_INTERVAL_US, KEEPALIVE_TIMER);
    }
    return token;
  }

  /** The request ended: answered (the member is there) or past its own deadline. */
  ended(token: number, answered: boolean): void {
    const waiting = this.waiting.get(token);
    if (waiting === undefined) return;
    this.waiting.delete(token);
    if (answered) this.heard(waiting.connection);
  }

  /** Handles a timer of the balancer; false when the tag is not one. */
  onTimer(tag: number): boolean {
    if (tag === KEEPALIVE_TIMER) {
      this.checkSilence();
      return true;
    }
    const index = PROBE_TIMER_BASE - tag;
    if (index < 0 || index >= this.connections.length) return false;
    this.probe(index);
    return true;
  }

  /** Pings every READY member that has requests waiting and has been silent for KEEPALIVE_TIME_US. */
  private checkSilence(): void {
    const now = this.context.now();
    for (const waiting of this.waiting.values()) {
      const connection = waiting.connection;
      if (!connection.ready || connection.pinging) continue;
      if (now - Math.max(connection.heardUs, waiting.sentUs) >= KEEPALIVE_TIME_US) this.ping(connection);
    }
    this.checking = this.waiting.size > 0;
    if (this.checking) this.context.setTimer(KEEPALIVE_CHECK_INTERVAL_US, KEEPALIVE_TIMER);
  }

  private ping(connection: Connection): void {
    connection.pinging = true;
    this.etcd.callServer(connection.endpoint, PROBE, KEEPALIVE_TIMEOUT_US, (outcome) => {
      connection.pinging = false;
      if (!outcome.timedOut) return this.heard(connection);
      if (connection.ready) this.close(connection);
    });
  }

  /** Keepalive failed: the connection leaves READY, and every request waiting on it fails now. */
  private close(connection: Connection): void {
    connection.ready = false;
    connection.failures = 0;
    const others = this.connections.filter((other) => other.ready).map((other) => other.endpoint);
    const server = this.context.address;
    this.emit({
      type: "kube.endpoint",
      server,
      endpoint: connection.endpoint,
      ready: false,
      text: `${server}: etcd endpoint ${connection.endpoint} left requests unanswered and did not answer a keepalive ping within ${KEEPALIVE_TIMEOUT_US / 1_000_000}s; the requests waiting on it fail, and new ones go to ${others.length === 0 ? "every endpoint in turn (none is known to answer)" : others.join(", ")} until it answers a probe`,
    });
    for (const [token, waiting] of this.waiting) {
      if (waiting.connection !== connection) continue;
      this.waiting.delete(token);
      waiting.fail();
    }
    this.scheduleProbe(this.connections.indexOf(connection), connection);
  }

  private probe(index: number): void {
    const connection = this.connections[index] as Connection;
    if (connection.ready) return;
    this.etcd.callServer(connection.endpoint, PROBE, KEEPALIVE_TIMEOUT_US, (outcome) => {
      if (connection.ready) return;
      if (!outcome.timedOut) return this.heard(connection);
      connection.failures++;
      this.scheduleProbe(index, connection);
    });
  }

  private heard(connection: Connection): void {
    connection.heardUs = this.context.now();
    if (connection.ready) return;
    connection.ready = true;
    connection.failures = 0;
    const server = this.context.address;
    this.emit({ type: "kube.endpoint", server, endpoint: connection.endpoint, ready: true, text: `${server}: etcd endpoint ${connection.endpoint} answers again; it takes its turn for requests` });
  }

  private scheduleProbe(index: number, connection: Connection): void {
    const base = Math.min(RECONNECT_BACKOFF.baseUs * RECONNECT_BACKOFF.multiplier ** connection.failures, RECONNECT_BACKOFF.maxUs);
    // grpc-go: delay * (1 + jitter * (2r - 1)), r uniform in [0, 1).
    const spread = Math.floor((base * RECONNECT_BACKOFF.jitter * (2 * this.context.random.int(1000) - 1000)) / 1000);
    this.context.setTimer(Math.round(base) + spread, PROBE_TIMER_BASE - index);
  }

  private connection(endpoint: string): Connection {
    const connection = this.connections.find((candidate) => candidate.endpoint === endpoint);
    if (connection === undefined) throw new Error(`assertion failed: ${endpoint} is one of the balancer's endpoints`);
    return connection;
  }
}
