/**
 * A member's side of client watches (etcd `v3rpc/watch.go`): one store watch stream per client
 * watch, its responses sent to the client as they are queued, catch-up and progress on the tick.
 *
 * 1. `watch.create` opens a stream on the member's store and creates the watcher: the store queues
 *    the created (or refused) response, the catch-up history and then the live events (src/mvcc/
 *    watch.ts has every rule). With auth enabled the client's token must allow a range read of
 *    the watched keys, or the watch is refused as etcd refuses it: created and canceled at once,
 *    with the cancel reason of gRPC's PermissionDenied.
 * 2. `flush()` (after every Ready's applies) sends what the streams queued, in stream order.
 * 3. `tick(nowMs)` (on every Raft tick, 100 ms by default, etcd's watch resync period): one
 *    `syncWatchers()` step for unsynced watchers, the progress ticker, and every
 *    `ALIVE_INTERVAL_MS` of local time a `watch.alive` to each client with watches here, naming
 *    them and whether the member has a leader: a client moves a watch whose member stops saying
 *    so to another member (`src/etcd/client-watch.ts`).
 * 4. `watch.cancel` closes the stream. A watch the store canceled (compacted) is closed after its
 *    last response went out.
 *
 * Everything here is volatile, as in etcd: a crash loses the streams, and the clients re-create
 * their watches elsewhere from the revision after the last one they delivered.
 */
import type { WatchResponse } from "../mvcc/types.js";
import type { WatchStream } from "../mvcc/watch.js";
import type { ActorContext } from "../sim/world.js";
import type { WatchAliveMessage, WatchCancelMessage, WatchCreateMessage, WatchResponseMessage } from "./protocol.js";
import type { EtcdServerState } from "./server/index.js";

/** How often a member tells its watch clients it is alive, in ms of its local time. */
export const ALIVE_INTERVAL_MS = 500;

/** The cancel reason of a watch the token does not allow (`rpctypes.ErrGRPCPermissionDenied.Error()`). */
export const WATCH_PERMISSION_DENIED = "rpc error: code = PermissionDenied desc = etcdserver: permission denied";

interface ServedWatch {
  readonly client: string;
  readonly watch: number;
  readonly attempt: number;
  readonly stream: WatchStream;
  /** The sequence number of the next response sent. */
  nextSeq: number;
}

export class MemberWatches {
  /** By store stream ID (increasing: iteration follows creation order). */
  private readonly served = new Map<number, ServedWatch>();
  /** `<client>#<watch>.<attempt>` → store stream ID. */
  private readonly byKey = new Map<string, number>();
  private nextAliveMs = 0;

  constructor(
    private readonly context: ActorContext,
    private readonly state: EtcdServerState,
  ) {}

  get size(): number {
    return this.served.size;
  }

  create(client: string, message: WatchCreateMessage, nowMs: number): void {
    const key = `${client}#${message.watch}.${message.attempt}`;
    if (this.byKey.has(key)) return;
    const request = message.request;
    const authInfo = this.state.authInfo(message.token, nowMs);
    const denied = !authInfo.ok || this.state.auth.isRangePermitted(authInfo.value, request.key === "" ? "\x00" : request.key, request.rangeEnd) !== undefined;
    if (denied) {
      const response: WatchResponse = {
        header: { revision: this.state.store.currentRevision },
        watchId: -1,
        created: true,
        canceled: true,
        compactRevision: 0,
        cancelReason: WATCH_PERMISSION_DENIED,
        fragment: false,
        events: [],
      };
      this.send(client, message.watch, message.attempt, 1, response);
      return;
    }
    const stream = this.state.store.newWatchStream(nowMs);
    this.served.set(stream.id, { client, watch: message.watch, attempt: message.attempt, stream, nextSeq: 1 });
    this.byKey.set(key, stream.id);
    stream.watch({ ...request, watchId: 0 });
    // The first catch-up step at once rather than at the next resync tick (up to 100 ms later in
    // etcd): the history of a watch from a past revision follows its created response.
    this.state.store.syncWatchers();
    this.flush();
  }

  cancel(client: string, message: WatchCancelMessage): void {
    const key = `${client}#${message.watch}.${message.attempt}`;
    const streamId = this.byKey.get(key);
    if (streamId === undefined) return;
    const served = this.served.get(streamId);
    if (served !== undefined) this.close(served);
  }

  /** Sends every queued response; closes the streams whose watch ended. */
  flush(): void {
    if (this.served.size === 0) return;
    for (const { streamId, responses } of this.state.store.takeWatchResponses()) {
      const served = this.served.get(streamId);
      if (served === undefined) continue;
      let ended = false;
      for (const response of responses) {
        this.send(served.client, served.watch, served.attempt, served.nextSeq++, response);
        if (response.canceled) ended = true;
      }
      if (ended) this.close(served);
    }
  }

  /** The watch duties of a Raft tick (see the overview). */
  tick(nowMs: number, hasLeader: boolean): void {
    if (this.served.size === 0) return;
    this.state.store.syncWatchers();
    this.state.store.tickWatchProgress(nowMs);
    this.flush();
    if (nowMs < this.nextAliveMs) return;
    this.nextAliveMs = nowMs + ALIVE_INTERVAL_MS;
    const byClient = new Map<string, { watches: number[]; attempts: number[] }>();
    for (const served of this.served.values()) {
      let entry = byClient.get(served.client);
      if (entry === undefined) {
        entry = { watches: [], attempts: [] };
        byClient.set(served.client, entry);
      }
      entry.watches.push(served.watch);
      entry.attempts.push(served.attempt);
    }
    for (const [client, entry] of byClient) {
      const message: WatchAliveMessage = { type: "watch.alive", leader: hasLeader, watches: entry.watches, attempts: entry.attempts };
      this.context.send(client, message);
    }
  }

  private close(served: ServedWatch): void {
    served.stream.close();
    this.served.delete(served.stream.id);
    this.byKey.delete(`${served.client}#${served.watch}.${served.attempt}`);
  }

  private send(client: string, watch: number, attempt: number, seq: number, response: WatchResponse): void {
    const message: WatchResponseMessage = { type: "watch.response", watch, attempt, seq, response };
    this.context.send(client, message);
  }
}
