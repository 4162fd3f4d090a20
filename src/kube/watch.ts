/**
 * The API server's watches: a Kubernetes watch of a collection from a resourceVersion becomes an
 * etcd watch of the collection's prefix from the next revision, with previous values (the etcd3
 * watcher, without the watch cache). etcd's events become ADDED (a PUT that created the key),
 * MODIFIED and DELETED (the previous object, stamped with the deletion's revision) events.
 *
 * A watch from "" or "0" lists first and sends every object as ADDED, then watches from the list's
 * revision + 1. A watch whose start revision etcd has compacted gets one ERROR event with a 410
 * Expired status and ends: the client must list again (and watch from the list's resourceVersion).
 * The status says what the etcd3 watcher says (`interpretWatchError`): `The resourceVersion for
 * the provided watch is too old.` (A watch cache, which this server does not have, would say
 * `too old resource version: <rv> (<oldest it holds>)` instead.)
 */
import type { WatchResponse } from "../mvcc/types.js";
import { bytesFromText, prefixEnd } from "../mvcc/bytes.js";
import type { ClientWatch } from "../etcd/client.js";
import type { ApiServer } from "./apiserver.js";
import { withResourceVersion } from "./objects.js";
import type { KubeOutcome, KubeWatchMessage, WatchEvent } from "./protocol.js";
import { collectionPrefix, type ResourceInfo } from "./resources.js";
import { badRequest, expired, internal } from "./status.js";

export const EXPIRED_WATCH = "The resourceVersion for the provided watch is too old.";

interface ServedWatch {
  readonly client: string;
  etcd: ClientWatch | undefined;
  ended: boolean;
}

export class WatchHub {
  private readonly watches = new Map<number, ServedWatch>();
  private nextId = 1;

  constructor(
    private readonly server: ApiServer,
    private readonly send: (to: string, message: KubeWatchMessage) => void,
  ) {}

  watch(client: string, info: ResourceInfo, namespace: string | undefined, resourceVersion: string, done: (outcome: KubeOutcome) => void): void {
    if (!/^\d*$/.test(resourceVersion)) {
      done({ ok: false, status: badRequest(`invalid resource version "${resourceVersion}"`) });
      return;
    }
    const id = this.nextId++;
    const served: ServedWatch = { client, etcd: undefined, ended: false };
    this.watches.set(id, served);
    const requested = resourceVersion === "" ? 0 : Number(resourceVersion);
    if (requested > 0) {
      done({ ok: true, value: { kind: "watch", watchId: id } });
      this.start(id, served, info, namespace, requested);
      return;
    }
    this.server.serve(client, { verb: "list", resource: info.resource, namespace }, (outcome) => {
      if (!outcome.ok || outcome.value.kind !== "list") {
        this.watches.delete(id);
        done(outcome.ok ? { ok: false, status: internal("the list before the watch returned no list") } : outcome);
        return;
      }
      done({ ok: true, value: { kind: "watch", watchId: id } });
      for (const object of outcome.value.list.items) this.deliver(id, served, { type: "ADDED", object });
      this.start(id, served, info, namespace, Number(outcome.value.list.metadata.resourceVersion));
    });
  }

  cancel(id: number): void {
    const served = this.watches.get(id);
    if (served === undefined) return;
    served.ended = true;
    this.watches.delete(id);
    served.etcd?.cancel();
  }

  private start(id: number, served: ServedWatch, info: ResourceInfo, namespace: string | undefined, fromVersion: number): void {
    if (served.ended) return;
    const prefix = collectionPrefix(info, namespace);
    const key = bytesFromText(prefix);
    served.etcd = this.server.etcdWatch(
      this.server.balancer.ordered(),
      { key, rangeEnd: prefixEnd(key), startRevision: fromVersion + 1, prevKv: true },
      {
        onResponse: (response) => this.onResponse(id, served, response),
        onCanceled: (response) => this.onCanceled(id, served, prefix, fromVersion, response),
      },
    );
  }

  private onResponse(id: number, served: ServedWatch, response: WatchResponse): void {
    for (const event of response.events) {
      if (served.ended) return;
      const kv = event.kv;
      if (event.type === "PUT") {
        const object = this.server.decoded.decode(kv);
        this.deliver(id, served, { type: kv.createRevision === kv.modRevision ? "ADDED" : "MODIFIED", object });
      } else if (event.prevKv !== undefined) {
        const previous = this.server.decoded.decode(event.prevKv);
        this.deliver(id, served, { type: "DELETED", object: withResourceVersion(previous, String(kv.modRevision)) });
      }
    }
  }

  private onCanceled(id: number, served: ServedWatch, prefix: string, fromVersion: number, response: WatchResponse | undefined): void {
    if (served.ended) return;
    if (response !== undefined && response.compactRevision > 0) {
      const status = expired(EXPIRED_WATCH);
      this.server.emit({
        type: "kube.gone",
        server: this.server.name,
        key: prefix,
        resourceVersion: fromVersion,
        compactRevision: response.compactRevision,
        text: `${this.server.name}: a watch of ${prefix} from resourceVersion ${fromVersion}, but etcd has compacted up to revision ${response.compactRevision}: 410 ${status.message}`,
      });
      this.deliver(id, served, { type: "ERROR", object: status });
    } else {
      this.deliver(id, served, { type: "ERROR", object: internal(response?.cancelReason || "the etcd watch was canceled") });
    }
    served.ended = true;
    this.watches.delete(id);
  }

  private deliver(id: number, served: ServedWatch, event: WatchEvent): void {
    this.send(served.client, { type: "kube.watch-event", watchId: id, event });
  }
}
