/**
 * The Kubernetes layer's trace vocabulary: every 409, 410, retry, compaction and lease takeover,
 * each with a `text` in words for the transcript, the UI's keyspace pane (which counts `kube.conflict`
 * and `kube.compact` records) and lessons.
 */
export type KubeEvent =
  /** The API server answered 409: AlreadyExists on create, Conflict on a stale update or delete precondition. */
  | { readonly type: "kube.conflict"; readonly server: string; readonly reason: "AlreadyExists" | "Conflict"; readonly key: string; readonly text: string }
  /** A watch asked for events from a compacted revision: 410 Expired. */
  | { readonly type: "kube.gone"; readonly server: string; readonly key: string; readonly resourceVersion: number; readonly compactRevision: number; readonly text: string }
  /** A retry: inside the API server (GuaranteedUpdate's compare failed) or by a client (RetryOnConflict). */
  | { readonly type: "kube.retry"; readonly by: string; readonly key: string; readonly attempt: number; readonly text: string }
  /** The API server's compactor compacted etcd to `revision`. */
  | { readonly type: "kube.compact"; readonly server: string; readonly revision: number; readonly text: string }
  /** A controller-manager instance took a coordination Lease over from another holder (or from none). */
  | { readonly type: "kube.lease-takeover"; readonly lease: string; readonly from: string; readonly to: string; readonly transitions: number; readonly text: string }
  /** A leader stopped leading: it could not renew its lease within the renew deadline. */
  | { readonly type: "kube.lease-lost"; readonly lease: string; readonly holder: string; readonly text: string }
  /** The API server's connection to an etcd endpoint left READY (a request failed) or came back (it answered). */
  | { readonly type: "kube.endpoint"; readonly server: string; readonly endpoint: string; readonly ready: boolean; readonly text: string }
  /** A watcher got 410 and started over with a fresh list. */
  | { readonly type: "kube.relist"; readonly by: string; readonly resource: string; readonly resourceVersion: string; readonly text: string };

export const KUBE_EVENT_TYPES: readonly KubeEvent["type"][] = ["kube.conflict", "kube.gone", "kube.retry", "kube.compact", "kube.lease-takeover", "kube.lease-lost", "kube.endpoint", "kube.relist"];
