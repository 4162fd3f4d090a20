/**
 * Controllers: client actors of an API server, each with its own clock and seeded randomness.
 *
 * - `CounterWriter` increments a counter kept in a ConfigMap (`data.count`) by read-modify-write.
 *   With `retry` it wraps each increment in client-go's `retry.RetryOnConflict(retry.DefaultRetry)`:
 *   a 409 means "read again and redo", up to 5 attempts 10 ms (+10% jitter) apart. Each increment
 *   writes its writer's sequence number (`data.<writer>`) with the count, so an answer that never
 *   came (a timeout, a 500) is settled by reading it back: an update carries the resourceVersion it
 *   was based on, so at most one attempt of an increment can ever land. Without `retry` it is the
 *   naive writer: one read, one write, and a 409 ends the increment (the update was refused, not lost).
 * - `ControllerManager` runs client-go's leader election on a coordination Lease (leaseDuration 15 s,
 *   renewDeadline 10 s, retryPeriod 2 s) and, while it leads, the deployment and replicaset
 *   controllers (a resync every second): a Deployment owns a ReplicaSet named after its pod
 *   template's hash, and a ReplicaSet owns Pods; `kubectl scale` starts a cascade of writes. A
 *   changed template gets a new ReplicaSet and the old ones are scaled to 0 at once (the Recreate
 *   strategy: no rolling update). The garbage collector deletes a ReplicaSet or Pod whose controller
 *   owner is gone (background propagation: `kubectl delete deployment` takes its ReplicaSet, then
 *   its Pods, a resync apart), once a GET of the owner confirms it (404, or another uid).
 */
import type { Micros } from "../sim/time.js";
import type { ActorBehavior, ActorContext } from "../sim/world.js";
import { CONTROLLER_REQUEST_TIMEOUT_US, type KubeCallOutcome, KubeClient } from "./client.js";
import type { KubeEvent } from "./events.js";
import { fnv32a, type KubeObject, type OwnerReference, randomSuffix, safeEncode, timestampAt } from "./objects.js";
import { podReady } from "./nodes.js";
import type { KubeRequest } from "./protocol.js";

/** client-go `retry.DefaultRetry`: 5 steps, 10 ms, factor 1, jitter 0.1. */
export const DEFAULT_RETRY = { steps: 5, durationUs: 10_000, factor: 1, jitter: 0.1 } as const;
/** client-go `retry.DefaultBackoff`: 4 steps, 10 ms, factor 5, jitter 0.1. */
export const DEFAULT_BACKOFF = { steps: 4, durationUs: 10_000, factor: 5, jitter: 0.1 } as const;

export interface Backoff {
  readonly steps: number;
  readonly durationUs: Micros;
  readonly factor: number;
  readonly jitter: number;
}

/** The sleep before attempt `attempt + 1` (attempt counts from 1): duration * factor^(attempt-1), plus up to jitter of it. */
export function backoffDelay(backoff: Backoff, attempt: number, int: (n: number) => number): Micros {
  const base = Math.round(backoff.durationUs * backoff.factor ** (attempt - 1));
  const jitter = Math.floor((base * backoff.jitter * int(1000)) / 1000);
  return base + jitter;
}

const TIMER_NEXT = 0;
/** A bound on reads in a row without an answer before an increment is given up (as unknown). */
const SETTLE_READS_MAX = 100;

export interface CounterWriterOptions {
  readonly server: string;
  readonly namespace: string;
  readonly configmap: string;
  readonly increments: number;
  /** RetryOnConflict; false: the naive writer. */
  readonly retry: boolean;
  /** Virtual time between increments. */
  readonly gapUs: Micros;
  /**
   * A planted bug, for tests that show the counter property can fail: `redo-unanswered` redoes an
   * increment whose write got no clear answer without first reading back whether it landed, so an
   * attempt that did land is counted twice.
   */
  readonly bug?: "redo-unanswered";
}

export interface CounterReport {
  succeeded: number;
  failed: number;
  conflicts: number;
  retries: number;
  /** The last error message of a failed increment. */
  lastError: string;
}

/** A writer's progress, kept outside the actor so a test or scenario can read it (and it survives nothing: a crashed writer stops). */
export class CounterWriter implements ActorBehavior {
  readonly report: CounterReport;
  private readonly client: KubeClient;
  private sequence = 0;
  /** Writes tried for the current increment (0: no increment under way). */
  private attempt = 0;
  /** Reads in a row that got no answer. */
  private unanswered = 0;
  /** RetryOnConflict gave up: the next read only settles whether an earlier attempt landed. */
  private settling = false;

  constructor(
    private readonly context: ActorContext,
    private readonly options: CounterWriterOptions,
    report: CounterReport = { succeeded: 0, failed: 0, conflicts: 0, retries: 0, lastError: "" },
  ) {
    this.report = report;
    // A restarted writer goes on after the increments it finished; one cut short by the crash is settled by its first read.
    this.sequence = report.succeeded + report.failed;
    this.client = new KubeClient(context, options.server);
    context.setTimer(options.gapUs, TIMER_NEXT);
  }

  onMessage(_from: string, message: unknown): void {
    this.client.onMessage(message);
  }

  onTimer(tag: number): void {
    if (tag > 0) return this.client.onTimer(tag);
    if (this.attempt === 0) {
      if (this.sequence >= this.options.increments) return;
      this.sequence++;
      this.attempt = 1;
    }
    this.read();
  }

  private get writer(): string {
    return this.context.address;
  }

  private get key(): string {
    return `/registry/configmaps/${this.options.namespace}/${this.options.configmap}`;
  }

  private call(request: KubeRequest, done: (outcome: KubeCallOutcome) => void): void {
    this.client.call(request, CONTROLLER_REQUEST_TIMEOUT_US, done);
  }

  private read(): void {
    const { namespace, configmap } = this.options;
    this.call({ verb: "get", resource: "configmaps", namespace, name: configmap }, (outcome) => {
      if (!outcome.ok || outcome.value.kind !== "object") return this.readFailed(outcome.ok ? "no object" : outcome.status.message);
      this.unanswered = 0;
      const object = outcome.value.object;
      const data = (object["data"] ?? {}) as Record<string, string>;
      if (this.options.bug !== "redo-unanswered" && Number(data[this.writer] ?? "0") >= this.sequence) return this.finish(true, "");
      if (this.settling) return this.finish(false, this.report.lastError);
      const count = Number(data["count"] ?? "0");
      const updated: KubeObject = { ...object, data: { ...data, count: String(count + 1), [this.writer]: String(this.sequence) } };
      this.call({ verb: "update", resource: "configmaps", namespace, object: updated }, (written) => this.written(written));
    });
  }

  private readFailed(message: string): void {
    this.unanswered++;
    if (this.unanswered > SETTLE_READS_MAX) return this.finish(false, `gave up after ${SETTLE_READS_MAX} reads without an answer: ${message}`);
    this.context.setTimer(backoffDelay(DEFAULT_BACKOFF, Math.min(this.unanswered, DEFAULT_BACKOFF.steps), (n) => this.context.random.int(n)), TIMER_NEXT);
  }

  private written(outcome: KubeCallOutcome): void {
    if (outcome.ok) return this.finish(true, "");
    this.report.lastError = outcome.status.message;
    const conflict = outcome.status.code === 409;
    if (conflict) this.report.conflicts++;
    if (!this.options.retry) return this.finish(false, outcome.status.message);
    if ((conflict && this.attempt >= DEFAULT_RETRY.steps) || this.attempt >= SETTLE_READS_MAX) {
      // RetryOnConflict returns the 409; one more read tells whether an earlier, unanswered attempt landed.
      this.settling = true;
      this.context.setTimer(0, TIMER_NEXT);
      return;
    }
    // A 409, or no answer (the write may have landed: the next read settles it).
    this.attempt++;
    this.report.retries++;
    const delay = backoffDelay(DEFAULT_RETRY, this.attempt - 1, (n) => this.context.random.int(n));
    this.emit({
      type: "kube.retry",
      by: this.writer,
      key: this.key,
      attempt: this.attempt,
      text: `${this.writer}: increment ${this.sequence} ${conflict ? "got 409 Conflict" : `got no clear answer (${outcome.status.message})`}; RetryOnConflict reads the object again in ${Math.round(delay / 1000)} ms (attempt ${this.attempt})`,
    });
    this.context.setTimer(delay, TIMER_NEXT);
  }

  private finish(succeeded: boolean, message: string): void {
    if (succeeded) this.report.succeeded++;
    else {
      this.report.failed++;
      this.report.lastError = message;
    }
    this.attempt = 0;
    this.unanswered = 0;
    this.settling = false;
    this.context.setTimer(this.options.gapUs, TIMER_NEXT);
  }

  private emit(event: KubeEvent): void {
    if (this.context.trace.enabled) this.context.emit(event);
  }
}

/** client-go leader election defaults for kube-controller-manager. */
export const LEASE_DURATION_US: Micros = 15_000_000;
export const RENEW_DEADLINE_US: Micros = 10_000_000;
export const RETRY_PERIOD_US: Micros = 2_000_000;
/** How often the leader's controllers resync every object. */
export const RESYNC_PERIOD_US: Micros = 1_000_000;
export const LEASE_NAMESPACE = "kube-system";
export const LEASE_NAME = "kube-controller-manager";

const TIMER_ELECTION = 0;
const TIMER_RESYNC = -1;

type LeaseSpec = { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };

export interface ManagerReport {
  /** Whether this instance leads now. */
  leading: boolean;
  acquired: number;
  lost: number;
}

export class ControllerManager implements ActorBehavior {
  readonly report: ManagerReport;
  private readonly client: KubeClient;
  /** The lease record as last seen, and when (local time) it last changed: the expiry clock. */
  private observedRecord = "";
  private observedUs: Micros = 0;
  private lastRenewUs: Micros = 0;
  private electing = false;
  private syncing = false;

  constructor(
    private readonly context: ActorContext,
    server: string,
    report: ManagerReport = { leading: false, acquired: 0, lost: 0 },
  ) {
    this.report = report;
    this.report.leading = false;
    this.client = new KubeClient(context, server);
    context.setTimer(this.jittered(), TIMER_ELECTION);
  }

  private get identity(): string {
    return this.context.address;
  }

  onMessage(_from: string, message: unknown): void {
    this.client.onMessage(message);
  }

  onTimer(tag: number): void {
    if (tag > 0) return this.client.onTimer(tag);
    if (tag === TIMER_ELECTION) return this.tryAcquireOrRenew();
    if (tag === TIMER_RESYNC) return this.resync();
  }

  /** wait.JitterUntil(retryPeriod, 1.2): the period plus up to 1.2 of it for candidates; leaders renew every period. */
  private jittered(): Micros {
    if (this.report.leading) return RETRY_PERIOD_US;
    return RETRY_PERIOD_US + Math.floor((RETRY_PERIOD_US * 1.2 * this.context.random.int(1000)) / 1000);
  }

  private call(request: KubeRequest, done: (outcome: KubeCallOutcome) => void): void {
    this.client.call(request, CONTROLLER_REQUEST_TIMEOUT_US, done);
  }

  private tryAcquireOrRenew(): void {
    if (this.electing) return;
    this.electing = true;
    const now = this.context.now();
    const finish = (ok: boolean): void => {
      this.electing = false;
      if (ok && this.report.leading) this.lastRenewUs = now;
      if (!ok && this.report.leading && this.context.now() - this.lastRenewUs >= RENEW_DEADLINE_US) this.lose();
      this.context.setTimer(this.jittered(), TIMER_ELECTION);
    };
    this.call({ verb: "get", resource: "leases", namespace: LEASE_NAMESPACE, name: LEASE_NAME }, (outcome) => {
      const stamp = timestampAt(this.context.now());
      if (!outcome.ok && outcome.status.code === 404) {
        const lease = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: LEASE_NAME }, spec: this.spec(stamp, stamp, 0) } as KubeObject;
        this.call({ verb: "create", resource: "leases", namespace: LEASE_NAMESPACE, object: lease }, (created) => {
          if (created.ok) this.acquire("", 0);
          finish(created.ok);
        });
        return;
      }
      if (!outcome.ok || outcome.value.kind !== "object") return finish(false);
      const lease = outcome.value.object;
      const spec = (lease["spec"] ?? {}) as LeaseSpec;
      const record = JSON.stringify(spec);
      if (record !== this.observedRecord) {
        this.observedRecord = record;
        this.observedUs = this.context.now();
      }
      const holder = spec.holderIdentity ?? "";
      const held = holder !== "" && holder !== this.identity && this.observedUs + LEASE_DURATION_US > this.context.now();
      if (held) {
        if (this.report.leading) this.lose();
        return finish(false);
      }
      const mine = holder === this.identity;
      const transitions = (spec.leaseTransitions ?? 0) + (mine ? 0 : 1);
      const updated = { ...lease, spec: this.spec(mine ? (spec.acquireTime ?? stamp) : stamp, stamp, transitions) } as KubeObject;
      this.call({ verb: "update", resource: "leases", namespace: LEASE_NAMESPACE, object: updated }, (written) => {
        // An instance that lost the lease and finds it still under its name takes it back (kube-controller-manager
        // exits on a lost lease and its restart, under a new identity, waits for the expiry: here it is the same actor).
        if (written.ok && !this.report.leading) this.acquire(holder, transitions);
        if (written.ok && mine && written.value.kind === "object") {
          this.observedRecord = JSON.stringify(written.value.object["spec"]);
          this.observedUs = this.context.now();
        }
        finish(written.ok);
      });
    });
  }

  private spec(acquireTime: string, renewTime: string, transitions: number): LeaseSpec {
    return { holderIdentity: this.identity, leaseDurationSeconds: LEASE_DURATION_US / 1_000_000, acquireTime, renewTime, leaseTransitions: transitions };
  }

  private acquire(previous: string, transitions: number): void {
    this.report.leading = true;
    this.report.acquired++;
    this.lastRenewUs = this.context.now();
    if (this.context.trace.enabled) {
      const text =
        previous === ""
          ? `${this.identity} acquired lease ${LEASE_NAMESPACE}/${LEASE_NAME} (no holder before) and starts its controllers`
          : previous === this.identity
            ? `${this.identity} renewed lease ${LEASE_NAMESPACE}/${LEASE_NAME}, which still named it after it had lost it, and starts its controllers again`
            : `${this.identity} took lease ${LEASE_NAMESPACE}/${LEASE_NAME} over from ${previous}, whose lease expired (not renewed for ${LEASE_DURATION_US / 1_000_000}s); leaseTransitions ${transitions}`;
      this.context.emit({ type: "kube.lease-takeover", lease: `${LEASE_NAMESPACE}/${LEASE_NAME}`, from: previous, to: this.identity, transitions, text } satisfies KubeEvent);
    }
    this.context.setTimer(0, TIMER_RESYNC);
  }

  private lose(): void {
    this.report.leading = false;
    this.report.lost++;
    if (this.context.trace.enabled) {
      const text = `${this.identity} lost lease ${LEASE_NAMESPACE}/${LEASE_NAME}: it could not renew within the renew deadline (${RENEW_DEADLINE_US / 1_000_000}s) and stops its controllers`;
      this.context.emit({ type: "kube.lease-lost", lease: `${LEASE_NAMESPACE}/${LEASE_NAME}`, holder: this.identity, text } satisfies KubeEvent);
    }
  }

  /** One pass of the deployment and replicaset controllers over the objects of every namespace. */
  private resync(): void {
    if (!this.report.leading) return;
    if (this.syncing) return;
    this.syncing = true;
    let pending = 0;
    const step = (): void => {
      pending--;
      if (pending === 0) {
        this.syncing = false;
        this.context.setTimer(RESYNC_PERIOD_US, TIMER_RESYNC);
      }
    };
    const run = (request: KubeRequest, then?: (outcome: KubeCallOutcome) => void): void => {
      pending++;
      this.call(request, (outcome) => {
        then?.(outcome);
        step();
      });
    };
    pending++;
    this.listAll((deployments, replicasets, pods) => {
      if (this.report.leading) {
        for (const deployment of deployments) this.syncDeployment(deployment, replicasets, run);
        for (const replicaset of replicasets) this.syncReplicaSet(replicaset, pods, run);
        for (const replicaset of replicasets) this.collectOrphan(replicaset, "replicasets", "deployments", deployments, run);
        for (const pod of pods) this.collectOrphan(pod, "pods", "replicasets", replicasets, run);
      }
      step();
    });
  }

  private listAll(done: (deployments: KubeObject[], replicasets: KubeObject[], pods: KubeObject[]) => void): void {
    const lists: KubeObject[][] = [];
    const resources = ["deployments", "replicasets", "pods"];
    const next = (index: number): void => {
      if (index === resources.length) return done(lists[0] as KubeObject[], lists[1] as KubeObject[], lists[2] as KubeObject[]);
      this.call({ verb: "list", resource: resources[index] as string, namespace: undefined }, (outcome) => {
        if (!outcome.ok || outcome.value.kind !== "list") return done([], [], []);
        lists.push([...outcome.value.list.items]);
        next(index + 1);
      });
    };
    next(0);
  }

  private syncDeployment(deployment: KubeObject, replicasets: readonly KubeObject[], run: (request: KubeRequest, then?: (outcome: KubeCallOutcome) => void) => void): void {
    const spec = (deployment["spec"] ?? {}) as { replicas?: number; template?: unknown; selector?: unknown };
    const replicas = spec.replicas ?? 1;
    const hash = safeEncode(String(fnv32a(JSON.stringify(spec.template ?? {}))));
    const name = `${deployment.metadata.name}-${hash}`;
    const namespace = deployment.metadata.namespace ?? "default";
    for (const old of replicasets) {
      const oldSpec = (old["spec"] ?? {}) as { replicas?: number };
      if (old.metadata.name === name || controllerOf(old)?.uid !== deployment.metadata.uid || oldSpec.replicas === 0) continue;
      run({ verb: "update", resource: "replicasets", namespace, object: { ...old, spec: { ...oldSpec, replicas: 0 } } as KubeObject });
    }
    const owned = replicasets.find((replicaset) => replicaset.metadata.name === name && (replicaset.metadata.namespace ?? "default") === namespace);
    if (owned === undefined) {
      const template = spec.template as { metadata?: { labels?: Record<string, string> } } | undefined;
      const labels = { ...(template?.metadata?.labels ?? {}), "pod-template-hash": hash };
      const object = {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: { name, labels, ownerReferences: [ownerOf(deployment)] },
        spec: { replicas, selector: { matchLabels: labels }, template: { ...(spec.template as object), metadata: { labels } } },
      } as unknown as KubeObject;
      run({ verb: "create", resource: "replicasets", namespace, object });
      return;
    }
    const ownedSpec = (owned["spec"] ?? {}) as { replicas?: number };
    if (ownedSpec.replicas !== replicas) run({ verb: "update", resource: "replicasets", namespace, object: { ...owned, spec: { ...(owned["spec"] as object), replicas } } as KubeObject });
    const counts = (owned["status"] ?? {}) as { replicas?: number; readyReplicas?: number; availableReplicas?: number };
    const current = counts.replicas ?? 0;
    // DeploymentStatus omits zero counts (omitempty), as the API server stores it.
    const status = {
      observedGeneration: deployment.metadata.generation ?? 1,
      replicas: current,
      updatedReplicas: current,
      ...(counts.readyReplicas === undefined ? {} : { readyReplicas: counts.readyReplicas }),
      ...(counts.availableReplicas === undefined ? {} : { availableReplicas: counts.availableReplicas }),
    };
    if (JSON.stringify(deployment["status"] ?? {}) !== JSON.stringify(status)) run({ verb: "update", resource: "deployments", namespace, object: { ...deployment, status } as KubeObject });
  }

  private syncReplicaSet(replicaset: KubeObject, pods: readonly KubeObject[], run: (request: KubeRequest, then?: (outcome: KubeCallOutcome) => void) => void): void {
    const uid = replicaset.metadata.uid;
    const namespace = replicaset.metadata.namespace ?? "default";
    const owned = pods.filter((pod) => pod.metadata.ownerReferences?.some((owner) => owner.uid === uid)).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    const spec = (replicaset["spec"] ?? {}) as { replicas?: number; template?: { metadata?: { labels?: Record<string, string> }; spec?: unknown } };
    const wanted = spec.replicas ?? 1;
    for (let count = owned.length; count < wanted; count++) {
      const object = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `${replicaset.metadata.name}-${randomSuffix(5, (n) => this.context.random.int(n))}`, labels: spec.template?.metadata?.labels ?? {}, ownerReferences: [ownerOf(replicaset)] },
        spec: spec.template?.spec ?? {},
        status: { phase: "Pending" },
      } as unknown as KubeObject;
      run({ verb: "create", resource: "pods", namespace, object });
    }
    for (const pod of owned.slice(wanted)) run({ verb: "delete", resource: "pods", namespace, name: pod.metadata.name });
    const ready = owned.filter(podReady).length;
    // Ready pods count as available at once (minReadySeconds 0); zero counts are left out (omitempty).
    const status = { replicas: owned.length, ...(ready === 0 ? {} : { readyReplicas: ready, availableReplicas: ready }), observedGeneration: replicaset.metadata.generation ?? 1 };
    if (JSON.stringify(replicaset["status"] ?? {}) !== JSON.stringify(status)) run({ verb: "update", resource: "replicasets", namespace, object: { ...replicaset, status } as KubeObject });
  }

  /**
   * The garbage collector's look at one object of `resource`: when its controller owner (of
   * `ownerResource`) is not among `owners` as listed, a GET asks whether it is really gone (404, or
   * the name now has another uid) before the object is deleted; an owner created after the list was
   * read is found by the GET.
   */
  private collectOrphan(object: KubeObject, resource: string, ownerResource: string, owners: readonly KubeObject[], run: (request: KubeRequest, then?: (outcome: KubeCallOutcome) => void) => void): void {
    const owner = controllerOf(object);
    if (owner === undefined || owners.some((candidate) => candidate.metadata.uid === owner.uid)) return;
    const namespace = object.metadata.namespace ?? "default";
    run({ verb: "get", resource: ownerResource, namespace, name: owner.name }, (outcome) => {
      const gone = outcome.ok ? outcome.value.kind === "object" && outcome.value.object.metadata.uid !== owner.uid : outcome.status.code === 404;
      if (gone && this.report.leading) run({ verb: "delete", resource, namespace, name: object.metadata.name });
    });
  }
}

/** The object's controller owner reference, if it has one. */
function controllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((reference) => reference.controller === true);
}

function ownerOf(object: KubeObject): { apiVersion: string; kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion: boolean } {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, uid: object.metadata.uid ?? "", controller: true, blockOwnerDeletion: true };
}

export interface WatcherReport {
  events: number;
  gone: number;
  relists: number;
  /** The resourceVersion the watch runs from now. */
  resourceVersion: string;
}

const TIMER_WATCH = 0;

/**
 * A reflector (client-go's ListAndWatch, reduced): watches a resource from a resourceVersion; on a
 * 410 it lists again and watches from the list's resourceVersion.
 */
export class Watcher implements ActorBehavior {
  readonly report: WatcherReport;
  private readonly client: KubeClient;

  constructor(
    private readonly context: ActorContext,
    private readonly options: { readonly server: string; readonly resource: string; readonly namespace: string; readonly resourceVersion: string },
    report?: WatcherReport,
  ) {
    this.report = report ?? { events: 0, gone: 0, relists: 0, resourceVersion: options.resourceVersion };
    this.client = new KubeClient(context, options.server);
    context.setTimer(0, TIMER_WATCH);
  }

  onMessage(_from: string, message: unknown): void {
    this.client.onMessage(message);
  }

  onTimer(tag: number): void {
    if (tag > 0) return this.client.onTimer(tag);
    this.watch();
  }

  private watch(): void {
    const { resource, namespace } = this.options;
    this.client.call({ verb: "watch", resource, namespace, resourceVersion: this.report.resourceVersion }, CONTROLLER_REQUEST_TIMEOUT_US, (outcome) => {
      if (!outcome.ok || outcome.value.kind !== "watch") return void this.context.setTimer(RETRY_PERIOD_US, TIMER_WATCH);
      const watchId = outcome.value.watchId;
      this.client.listen(watchId, (event) => {
        if (event.type !== "ERROR") {
          this.report.events++;
          this.report.resourceVersion = (event.object as KubeObject).metadata.resourceVersion ?? this.report.resourceVersion;
          return;
        }
        this.client.forget(watchId);
        if ((event.object as { code?: number }).code === 410) {
          this.report.gone++;
          this.relist();
        } else this.context.setTimer(RETRY_PERIOD_US, TIMER_WATCH);
      });
    });
  }

  private relist(): void {
    const { resource, namespace } = this.options;
    this.client.call({ verb: "list", resource, namespace }, CONTROLLER_REQUEST_TIMEOUT_US, (outcome) => {
      if (!outcome.ok || outcome.value.kind !== "list") return void this.context.setTimer(RETRY_PERIOD_US, TIMER_WATCH);
      const from = this.report.resourceVersion;
      this.report.relists++;
      this.report.resourceVersion = outcome.value.list.metadata.resourceVersion;
      if (this.context.trace.enabled) {
        const text = `${this.context.address}: its watch of ${resource} from resourceVersion ${from} got 410 Gone; it listed again (${outcome.value.list.items.length} objects at resourceVersion ${this.report.resourceVersion}) and watches from there`;
        this.context.emit({ type: "kube.relist", by: this.context.address, resource, resourceVersion: this.report.resourceVersion, text } satisfies KubeEvent);
      }
      this.watch();
    });
  }
}
