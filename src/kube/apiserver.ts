/**
 * A kube-apiserver as an actor: it serves Kubernetes REST verbs to client actors over etcd, through
 * its own etcd client (`ClientActor`, embedded: the server forwards it the etcd responses and its
 * timers), the way `k8s.io/apiserver/pkg/storage/etcd3` does:
 *
 * - objects are JSON under `/registry/<resource>/<namespace>/<name>`; an object's resourceVersion is
 *   its key's mod_revision, a list's the response header's revision;
 * - create is a txn `mod_revision(key) == 0`; when it fails the answer is 409 AlreadyExists;
 * - update, patch and delete run GuaranteedUpdate / conditionalDelete: read, check the client's
 *   resourceVersion (a stale one is 409 Conflict, with no write), then a txn guarded by
 *   `mod_revision(key) == <what was read>`; when another writer got there first the txn's else
 *   branch returns the fresh object and the loop tries again on it;
 * - the compactor: every interval a txn on `compact_rev_key`'s version (a cluster-wide logical clock
 *   shared by every API server) and, when it wins, a compaction to the revision it saw one interval
 *   before; the first tick never compacts;
 * - a watch from a resourceVersion older than etcd's compacted revision gets a 410 Expired ERROR event.
 *
 * Errors from etcd that the storage layer does not interpret become 500s with etcd's message. Each
 * etcd request goes to the next READY endpoint round the ring (balancer.ts, clientv3's round robin);
 * a member that goes silent and does not answer a keepalive ping is left out until it answers again.
 */
import { ClientActor, type CallOutcome, type ClientWatch } from "../etcd/client.js";
import type { History } from "../etcd/history.js";
import type { KvRequest } from "../etcd/protocol.js";
import type { EtcdError } from "../mvcc/errors.js";
import { bytesFromText, prefixEnd, textFromBytes } from "../mvcc/bytes.js";
import type { KeyValue, RangeResponse, TxnResponse } from "../mvcc/types.js";
import type { Micros } from "../sim/time.js";
import type { ActorBehavior, ActorContext } from "../sim/world.js";
import { EndpointBalancer, KEEPALIVE_FAILED } from "./balancer.js";
import type { KubeEvent } from "./events.js";
import {
  DecodedObjects,
  encodeForStorage,
  jsonEqual,
  type KubeObject,
  mergePatch,
  type ObjectMeta,
  orderedMeta,
  timestampAt,
  uuidFrom,
  withResourceVersion,
} from "./objects.js";
import type { KubeOutcome, KubeRequest, KubeRequestMessage, KubeResult } from "./protocol.js";
import { apiVersion, collectionPrefix, findResource, objectKey, type ResourceInfo } from "./resources.js";
import { listCollection } from "./list.js";
import { alreadyExists, badRequest, conflict, internal, invalid, notFound, type Status, tooLargeResourceVersion } from "./status.js";
import { WatchHub } from "./watch.js";

/** kube-apiserver's `--etcd-compaction-interval` default. */
export const DEFAULT_COMPACTION_INTERVAL_US: Micros = 5 * 60 * 1_000_000;
/** How long the server waits for one etcd request (a member that went away is found sooner, by keepalive: balancer.ts). */
export const ETCD_REQUEST_TIMEOUT_US: Micros = 10_000_000;
/** The key the compactors of every API server share (outside `/registry`). */
export const COMPACT_REV_KEY = "compact_rev_key";
/** A bound on GuaranteedUpdate's loop (Kubernetes has none; a busy key would need this many lost races in a row). */
const GUARANTEED_UPDATE_ATTEMPTS_MAX = 64;
/**
 * The compactor's timer tag. The embedded etcd client uses tags from 1 up for requests and small
 * negative ones, -(watch id), for its watches; the server's own tags start far below those.
 */
const COMPACT_TIMER = -1_000_000_000;

export interface ApiServerOptions {
  readonly endpoints: readonly string[];
  /** 0 disables the compactor. */
  readonly compactionIntervalUs: Micros;
  readonly history: History;
}

type Done = (outcome: KubeOutcome) => void;
type UpdateResult = { readonly ok: true; readonly object: KubeObject } | { readonly ok: false; readonly status: Status };

/** Kinds whose strategy counts spec changes in metadata.generation (not pods in v1.30: PodObservedGenerationTracking came later). */
const GENERATION_RESOURCES: ReadonlySet<string> = new Set(["deployments", "replicasets"]);

export class ApiServer implements ActorBehavior {
  readonly etcd: ClientActor;
  readonly balancer: EndpointBalancer;
  /** Objects as decoded from etcd, parsed once per stored value (lists, gets, updates and watches share them). */
  readonly decoded = new DecodedObjects();
  private readonly watches: WatchHub;
  /** The compactor's state: `compact_rev_key`'s expected version, and the revision seen at the previous tick. */
  private compactTime = 0;
  private compactRevision = 0;

  constructor(
    private readonly context: ActorContext,
    private readonly options: ApiServerOptions,
  ) {
    if (options.endpoints.length === 0) throw new Error("assertion failed: an API server has etcd endpoints");
    this.etcd = new ClientActor(context, options.history);
    this.balancer = new EndpointBalancer(context, this.etcd, options.endpoints, (event) => this.emit(event));
    this.watches = new WatchHub(this, (to, message) => context.send(to, message));
    if (options.compactionIntervalUs > 0) context.setTimer(options.compactionIntervalUs, COMPACT_TIMER);
  }

  get name(): string {
    return this.context.address;
  }

  get endpoints(): readonly string[] {
    return this.options.endpoints;
  }

  onMessage(from: string, message: unknown): void {
    const typed = message as KubeRequestMessage;
    if (typed.type !== "kube.request") {
      this.etcd.onMessage(from, message);
      return;
    }
    this.serve(from, typed.request, (outcome) => this.context.send(from, { type: "kube.response", id: typed.id, outcome }));
  }

  onTimer(tag: number): void {
    if (tag === COMPACT_TIMER) this.compactTick();
    else if (!this.balancer.onTimer(tag)) this.etcd.onTimer(tag);
  }

  emit(event: KubeEvent): void {
    if (this.context.trace.enabled) this.context.emit(event);
  }

  /** Runs one request and calls `done` with its outcome. */
  serve(from: string, request: KubeRequest, done: Done): void {
    if (request.verb === "unwatch") {
      this.watches.cancel(request.watchId);
      done({ ok: true, value: { kind: "watch", watchId: request.watchId } });
      return;
    }
    const info = findResource(request.resource);
    if (info === undefined) {
      done({ ok: false, status: notFound404Resource(request.resource) });
      return;
    }
    switch (request.verb) {
      case "create":
        return this.create(info, request.namespace, request.object, done);
      case "get":
        return this.get(info, request.namespace, request.name, request.resourceVersion ?? "", done);
      case "list":
        return listCollection((etcdRequest, then) => this.kv(etcdRequest, then), this.decoded, info, request.namespace, request.options ?? {}, done);
      case "update":
        return this.update(info, request.namespace, request.object, done);
      case "patch":
        return this.patch(info, request.namespace, request.name, request.patch, done);
      case "delete":
        return this.delete(info, request.namespace, request.name, request.resourceVersion, done);
      case "watch":
        return this.watches.watch(from, info, request.namespace, request.resourceVersion, done);
    }
  }

  /**
   * One etcd request through the embedded client, to the balancer's next endpoint; `done` runs
   * once: with the answer, at the deadline, or when keepalive gives up on the member first.
   */
  kv(request: KvRequest, done: (outcome: CallOutcome) => void): void {
    const endpoint = this.balancer.pick();
    let settled = false;
    const settle = (outcome: CallOutcome): void => {
      if (settled) return;
      settled = true;
      done(outcome);
    };
    const token = this.balancer.sent(endpoint, () => settle({ ok: false, error: KEEPALIVE_FAILED, timedOut: false }));
    this.etcd.call(endpoint, request, ETCD_REQUEST_TIMEOUT_US, (outcome) => {
      this.balancer.ended(token, !outcome.timedOut);
      settle(outcome);
    });
  }

  /** Starts an etcd watch through the embedded client. */
  etcdWatch(...args: Parameters<ClientActor["watch"]>): ClientWatch {
    return this.etcd.watch(...args);
  }

  private create(info: ResourceInfo, namespace: string, object: KubeObject, done: Done): void {
    const meta = object.metadata ?? ({} as ObjectMeta);
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== "" && meta.resourceVersion !== "0") {
      done({ ok: false, status: internal("resourceVersion should not be set on objects to be created") });
      return;
    }
    if (typeof meta.name !== "string" || meta.name === "") {
      done({ ok: false, status: invalid(info, "", "metadata.name", "Required value: name or generateName is required") });
      return;
    }
    const name = meta.name;
    const random = this.context.random;
    const created: KubeObject = {
      ...object,
      apiVersion: apiVersion(info),
      kind: info.kind,
      metadata: orderedMeta({
        ...meta,
        namespace,
        uid: uuidFrom(() => random.uint32()),
        ...(GENERATION_RESOURCES.has(info.resource) ? { generation: 1 } : {}),
        creationTimestamp: timestampAt(this.context.now()),
      }),
    };
    const key = bytesFromText(objectKey(info, namespace, name));
    const data = bytesFromText(encodeForStorage(created));
    const txn: KvRequest = { kind: "txn", request: { compare: [{ target: "MOD", result: "EQUAL", key, modRevision: 0 }], success: [{ type: "put", request: { key, value: data } }] } };
    this.kv(txn, (outcome) => {
      if (!outcome.ok) return done({ ok: false, status: internal(errorText(outcome.error)) });
      const response = (outcome.value as { response: TxnResponse }).response;
      if (!response.succeeded) {
        const status = alreadyExists(info, name);
        this.emit({ type: "kube.conflict", server: this.name, reason: "AlreadyExists", key: objectKey(info, namespace, name), text: `${this.name}: create ${objectKey(info, namespace, name)} failed its compare (mod_revision = 0): 409 ${status.message}` });
        return done({ ok: false, status });
      }
      done(objectResult(withResourceVersion(created, String(response.header.revision))));
    });
  }

  /** `etcd3/store.go: Get`: the latest object; a resourceVersion asks that the state read be at least that new. */
  private get(info: ResourceInfo, namespace: string, name: string, resourceVersion: string, done: Done): void {
    if (!/^\d*$/.test(resourceVersion)) {
      done({ ok: false, status: badRequest(`invalid resource version: resourceVersion: Invalid value: "${resourceVersion}": strconv.ParseUint: parsing "${resourceVersion}": invalid syntax`) });
      return;
    }
    this.read(objectKey(info, namespace, name), (outcome) => {
      if (!outcome.ok) return done(outcome);
      const minimum = Number(resourceVersion || "0");
      if (minimum > outcome.value.header.revision) return done({ ok: false, status: tooLargeResourceVersion(minimum, outcome.value.header.revision) });
      const kv = outcome.value.kvs[0];
      if (kv === undefined) return done({ ok: false, status: notFound(info, name) });
      done(objectResult(this.decoded.decode(kv)));
    });
  }

  /** PUT: the registry's update closure inside GuaranteedUpdate. */
  private update(info: ResourceInfo, namespace: string, object: KubeObject, done: Done): void {
    const name = object.metadata?.name ?? "";
    const wanted = object.metadata?.resourceVersion ?? "";
    if (!/^\d*$/.test(wanted)) {
      done({ ok: false, status: badRequest(`invalid resource version "${wanted}"`) });
      return;
    }
    const key = objectKey(info, namespace, name);
    this.guaranteedUpdate(key, done, (existing) => {
      if (existing === undefined) return { ok: false, status: notFound(info, name) };
      const existingVersion = existing.metadata.resourceVersion ?? "";
      if (wanted !== "" && wanted !== "0" && wanted !== existingVersion) {
        const status = conflict(info, name);
        this.emit({ type: "kube.conflict", server: this.name, reason: "Conflict", key, text: `${this.name}: update of ${key} at resourceVersion ${wanted}, but it is at ${existingVersion}: 409 ${status.message}` });
        return { ok: false, status };
      }
      return { ok: true, object: successor(info, existing, { ...object, apiVersion: apiVersion(info), kind: info.kind }) };
    });
  }

  private patch(info: ResourceInfo, namespace: string, name: string, patch: KubeObject | Record<string, unknown>, done: Done): void {
    this.guaranteedUpdate(objectKey(info, namespace, name), done, (existing) => {
      if (existing === undefined) return { ok: false, status: notFound(info, name) };
      return { ok: true, object: successor(info, existing, mergePatch(existing, patch as never)) };
    });
  }

  /**
   * `etcd3/store.go: GuaranteedUpdate`: read the key, run `tryUpdate` on what is there, write with a
   * txn guarded by the mod_revision read; when the guard fails, the txn's else branch is the new
   * current state and the loop runs `tryUpdate` again. An unchanged object is not written.
   */
  private guaranteedUpdate(key: string, done: Done, tryUpdate: (existing: KubeObject | undefined) => UpdateResult): void {
    const keyBytes = bytesFromText(key);
    const attempt = (state: KeyValue | undefined, attemptNumber: number): void => {
      const existing = state === undefined ? undefined : this.decoded.decode(state);
      const result = tryUpdate(existing);
      if (!result.ok) return done({ ok: false, status: result.status });
      const data = encodeForStorage(result.object);
      if (state !== undefined && existing !== undefined && data === textFromBytes(state.value)) return done(objectResult(existing));
      const txn: KvRequest = {
        kind: "txn",
        request: {
          compare: [{ target: "MOD", result: "EQUAL", key: keyBytes, modRevision: state?.modRevision ?? 0 }],
          success: [{ type: "put", request: { key: keyBytes, value: bytesFromText(data) } }],
          failure: [{ type: "range", request: { key: keyBytes } }],
        },
      };
      this.kv(txn, (outcome) => {
        if (!outcome.ok) return done({ ok: false, status: internal(errorText(outcome.error)) });
        const response = (outcome.value as { response: TxnResponse }).response;
        if (response.succeeded) return done(objectResult(withResourceVersion(result.object, String(response.header.revision))));
        const fresh = freshState(response);
        if (attemptNumber >= GUARANTEED_UPDATE_ATTEMPTS_MAX) return done({ ok: false, status: internal(`GuaranteedUpdate of ${key} lost ${attemptNumber} races in a row`) });
        this.emit({
          type: "kube.retry",
          by: this.name,
          key,
          attempt: attemptNumber + 1,
          text: `${this.name}: GuaranteedUpdate of ${key}: the txn's compare (mod_revision = ${state?.modRevision ?? 0}) failed, the key is at ${fresh?.modRevision ?? "none"}; trying again on the fresh object`,
        });
        attempt(fresh, attemptNumber + 1);
      });
    };
    this.read(key, (outcome) => {
      if (!outcome.ok) return done(outcome);
      attempt(outcome.value.kvs[0], 1);
    });
  }

  /** `etcd3/store.go: conditionalDelete`, with an optional resourceVersion precondition. */
  private delete(info: ResourceInfo, namespace: string, name: string, precondition: string | undefined, done: Done): void {
    const key = objectKey(info, namespace, name);
    const keyBytes = bytesFromText(key);
    const attempt = (state: KeyValue | undefined, attemptNumber: number): void => {
      if (state === undefined) return done({ ok: false, status: notFound(info, name) });
      const existing = this.decoded.decode(state);
      if (precondition !== undefined && precondition !== String(state.modRevision)) {
        const cause = `StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: ResourceVersion in precondition: ${precondition}, ResourceVersion in object meta: ${state.modRevision}`;
        const status = conflict(info, name, cause);
        this.emit({ type: "kube.conflict", server: this.name, reason: "Conflict", key, text: `${this.name}: delete of ${key} with precondition resourceVersion ${precondition}, but it is at ${state.modRevision}: 409` });
        return done({ ok: false, status });
      }
      const txn: KvRequest = {
        kind: "txn",
        request: {
          compare: [{ target: "MOD", result: "EQUAL", key: keyBytes, modRevision: state.modRevision }],
          success: [{ type: "deleteRange", request: { key: keyBytes } }],
          failure: [{ type: "range", request: { key: keyBytes } }],
        },
      };
      this.kv(txn, (outcome) => {
        if (!outcome.ok) return done({ ok: false, status: internal(errorText(outcome.error)) });
        const response = (outcome.value as { response: TxnResponse }).response;
        if (response.succeeded) return done(objectResult(withResourceVersion(existing, String(response.header.revision))));
        if (attemptNumber >= GUARANTEED_UPDATE_ATTEMPTS_MAX) return done({ ok: false, status: internal(`delete of ${key} lost ${attemptNumber} races in a row`) });
        this.emit({ type: "kube.retry", by: this.name, key, attempt: attemptNumber + 1, text: `${this.name}: delete of ${key}: the txn's compare (mod_revision = ${state.modRevision}) failed; trying again on the fresh object` });
        attempt(freshState(response), attemptNumber + 1);
      });
    };
    this.read(key, (outcome) => {
      if (!outcome.ok) return done(outcome);
      attempt(outcome.value.kvs[0], 1);
    });
  }

  private read(key: string, done: (outcome: { ok: true; value: RangeResponse } | { ok: false; status: Status }) => void): void {
    this.kv({ kind: "range", request: { key: bytesFromText(key) } }, (outcome) => {
      if (!outcome.ok) return done({ ok: false, status: internal(errorText(outcome.error)) });
      done({ ok: true, value: (outcome.value as { response: RangeResponse }).response });
    });
  }

  /** `etcd3/compact.go: compact`: one tick of the compactor. */
  private compactTick(): void {
    this.context.setTimer(this.options.compactionIntervalUs, COMPACT_TIMER);
    const key = bytesFromText(COMPACT_REV_KEY);
    const expected = this.compactTime;
    const revision = this.compactRevision;
    const txn: KvRequest = {
      kind: "txn",
      request: {
        compare: [{ target: "VERSION", result: "EQUAL", key, version: expected }],
        success: [{ type: "put", request: { key, value: bytesFromText(String(revision)) } }],
        failure: [{ type: "range", request: { key } }],
      },
    };
    this.kv(txn, (outcome) => {
      if (!outcome.ok) return;
      const response = (outcome.value as { response: TxnResponse }).response;
      this.compactRevision = response.header.revision;
      if (!response.succeeded) {
        this.compactTime = freshState(response)?.version ?? 0;
        return;
      }
      this.compactTime = expected + 1;
      if (revision === 0) return;
      this.kv({ kind: "compact", request: { revision } }, (compacted) => {
        if (!compacted.ok) return;
        this.emit({ type: "kube.compact", server: this.name, revision, text: `${this.name}: compacted etcd to revision ${revision} (the revision it saw one compaction interval ago); older revisions are gone` });
      });
    });
  }
}

/**
 * What an etcd client error says in a 500 (`ErrorToAPIStatus`: the error's text): etcd's own errors
 * as clientv3 turns them back into `rpctypes` errors (`etcdserver: request timed out`), gRPC's
 * transport errors as a gRPC status prints itself.
 */
function errorText(error: EtcdError): string {
  return error === KEEPALIVE_FAILED ? `rpc error: code = ${error.codeName} desc = ${error.message}` : error.message;
}

function objectResult(object: KubeObject): KubeOutcome {
  return { ok: true, value: { kind: "object", object } satisfies KubeResult };
}

/** The txn's else branch: the key as it is now (undefined when it is gone). */
function freshState(response: TxnResponse): KeyValue | undefined {
  const first = response.responses[0];
  return first?.type === "range" ? first.response.kvs[0] : undefined;
}

/** The object an update writes: identity from the existing object, generation bumped when the spec changed. */
function successor(info: ResourceInfo, existing: KubeObject, updated: KubeObject): KubeObject {
  const generation = existing.metadata.generation;
  const specChanged = !jsonEqual(existing["spec"], updated["spec"]);
  const meta: ObjectMeta = {
    ...updated.metadata,
    name: existing.metadata.name,
    namespace: existing.metadata.namespace,
    uid: existing.metadata.uid,
    creationTimestamp: existing.metadata.creationTimestamp,
    ...(generation === undefined ? {} : { generation: specChanged && GENERATION_RESOURCES.has(info.resource) ? generation + 1 : generation }),
  };
  return { ...updated, apiVersion: existing.apiVersion, kind: existing.kind, metadata: orderedMeta(meta) };
}

/** The server's answer for a resource it does not serve (kubectl resolves names before asking). */
function notFound404Resource(resource: string): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `the server could not find the requested resource (${resource})`, reason: "NotFound", code: 404 };
}
