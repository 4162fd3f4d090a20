/**
 * What travels between Kubernetes clients (kubectl, controllers) and an API server actor: REST
 * verbs as requests, objects, lists or a `Status` as answers, and watch events.
 */
import type { JsonObject, KubeObject } from "./objects.js";
import type { Status } from "./status.js";

export type KubeRequest =
  | { readonly verb: "create"; readonly resource: string; readonly namespace: string; readonly object: KubeObject }
  /** `resourceVersion`: the object read must come from a state at least that new (else 504 Too large resource version). */
  | { readonly verb: "get"; readonly resource: string; readonly namespace: string; readonly name: string; readonly resourceVersion?: string }
  | { readonly verb: "list"; readonly resource: string; readonly namespace: string | undefined; readonly options?: ListOptions }
  /** PUT: the object's resourceVersion is a precondition; without one the update is unconditional. */
  | { readonly verb: "update"; readonly resource: string; readonly namespace: string; readonly object: KubeObject }
  /** A JSON merge patch (RFC 7386) applied to the latest object (kubectl scale, apply). */
  | { readonly verb: "patch"; readonly resource: string; readonly namespace: string; readonly name: string; readonly patch: JsonObject }
  | { readonly verb: "delete"; readonly resource: string; readonly namespace: string; readonly name: string; readonly resourceVersion?: string }
  /** Watch the namespace's objects from a resourceVersion ("" or "0": list first, then watch). */
  | { readonly verb: "watch"; readonly resource: string; readonly namespace: string | undefined; readonly resourceVersion: string }
  | { readonly verb: "unwatch"; readonly watchId: number };

/** A LIST's query parameters (list.ts says what each does). */
export interface ListOptions {
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: string;
  /** At most this many objects (0: all). */
  readonly limit?: number;
  readonly continue?: string;
}

export interface KubeList {
  readonly apiVersion: string;
  readonly kind: string;
  /** ListMeta in its field order; `continue` and `remainingItemCount` only on a page with more after it. */
  readonly metadata: { readonly resourceVersion: string; readonly continue?: string; readonly remainingItemCount?: number };
  readonly items: readonly KubeObject[];
}

export type KubeResult =
  | { readonly kind: "object"; readonly object: KubeObject }
  | { readonly kind: "list"; readonly list: KubeList }
  /** A watch was set up; its events follow as `kube.watch-event` messages with this id. */
  | { readonly kind: "watch"; readonly watchId: number };

export type KubeOutcome = { readonly ok: true; readonly value: KubeResult } | { readonly ok: false; readonly status: Status };

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export interface WatchEvent {
  readonly type: WatchEventType;
  /** The object (for ERROR, the Status). */
  readonly object: KubeObject | Status;
}

export interface KubeRequestMessage {
  readonly type: "kube.request";
  readonly id: number;
  readonly request: KubeRequest;
}

export interface KubeResponseMessage {
  readonly type: "kube.response";
  readonly id: number;
  readonly outcome: KubeOutcome;
}

export interface KubeWatchMessage {
  readonly type: "kube.watch-event";
  readonly watchId: number;
  readonly event: WatchEvent;
}

export type KubeMessage = KubeRequestMessage | KubeResponseMessage | KubeWatchMessage;

export function isKubeMessage(message: unknown): message is KubeMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return type === "kube.request" || type === "kube.response" || type === "kube.watch-event";
}

/** A request in kubectl-like words, for traces: `update configmaps default/cfg`. */
export function describeKubeRequest(request: KubeRequest): string {
  switch (request.verb) {
    case "create":
    case "update":
      return `${request.verb} ${request.resource} ${request.namespace}/${request.object.metadata.name}`;
    case "get":
    case "patch":
    case "delete":
      return `${request.verb} ${request.resource} ${request.namespace}/${request.name}`;
    case "list":
    case "watch":
      return `${request.verb} ${request.resource}${request.namespace === undefined ? "" : ` -n ${request.namespace}`}`;
    case "unwatch":
      return `unwatch ${request.watchId}`;
  }
}
