/**
 * The node side of a cluster, as little of it as makes `kubectl get pods` tell the truth: a
 * scheduler that binds each unscheduled pod to a node, and a kubelet per node that "starts" the
 * pods bound to it. Both are client actors of an API server that look at every pod once a second
 * (a resync, like the controllers'), and write with the resourceVersion they read (a 409 waits for
 * the next look).
 *
 * - `Scheduler`: a pod without `spec.nodeName` goes to the node with the fewest pods (ties by name),
 *   with condition PodScheduled (kube-scheduler POSTs a Binding; here an update of the pod).
 * - `Kubelet`: a pod bound to its node and not yet seen gets status phase Pending, its containers
 *   waiting with reason ContainerCreating (kubectl shows STATUS ContainerCreating); after the
 *   image pull and start (1 s to 2 s, from the kubelet's seeded randomness), phase Running, every
 *   container running and ready, conditions Ready and ContainersReady, a pod IP (READY 1/1, STATUS
 *   Running). No probes, restarts, volumes, image digests or termination: containers run for ever.
 */
import type { Micros } from "../sim/time.js";
import type { ActorBehavior, ActorContext } from "../sim/world.js";
import { CONTROLLER_REQUEST_TIMEOUT_US, type KubeCallOutcome, KubeClient } from "./client.js";
import { type KubeObject, timestampAt } from "./objects.js";

/** How often the scheduler and kubelets look at the pods. */
export const NODE_RESYNC_US: Micros = 1_000_000;
/** A container's start (image pull included): at least this, plus up to as much again. */
export const CONTAINER_START_US: Micros = 1_000_000;

const TIMER_RESYNC = 0;

interface PodSpec {
  nodeName?: string;
  containers?: { name?: string; image?: string }[];
}

interface PodStatus {
  phase?: string;
  conditions?: { type: string; status: string; lastTransitionTime: string }[];
  hostIP?: string;
  podIP?: string;
  startTime?: string;
  containerStatuses?: unknown[];
}

function specOf(pod: KubeObject): PodSpec {
  return (pod["spec"] ?? {}) as PodSpec;
}

function statusOf(pod: KubeObject): PodStatus {
  return (pod["status"] ?? {}) as PodStatus;
}

/** An actor that lists every pod once a second and acts on what it sees. */
abstract class PodResync implements ActorBehavior {
  protected readonly client: KubeClient;
  private busy = false;

  constructor(
    protected readonly context: ActorContext,
    server: string,
  ) {
    this.client = new KubeClient(context, server);
    context.setTimer(NODE_RESYNC_US, TIMER_RESYNC);
  }

  onMessage(_from: string, message: unknown): void {
    this.client.onMessage(message);
  }

  onTimer(tag: number): void {
    if (tag > 0) return this.client.onTimer(tag);
    if (this.busy) return;
    this.busy = true;
    this.client.call({ verb: "list", resource: "pods", namespace: undefined }, CONTROLLER_REQUEST_TIMEOUT_US, (outcome) => {
      if (outcome.ok && outcome.value.kind === "list") this.sync(outcome.value.list.items);
      this.busy = false;
      this.context.setTimer(NODE_RESYNC_US, TIMER_RESYNC);
    });
  }

  protected abstract sync(pods: readonly KubeObject[]): void;

  /** An update with the resourceVersion read; `written` runs when it took. */
  protected write(pod: KubeObject, written?: () => void): void {
    this.client.call({ verb: "update", resource: "pods", namespace: pod.metadata.namespace ?? "default", object: pod }, CONTROLLER_REQUEST_TIMEOUT_US, (outcome: KubeCallOutcome) => {
      if (outcome.ok) written?.();
    });
  }
}

export class Scheduler extends PodResync {
  constructor(
    context: ActorContext,
    server: string,
    private readonly nodes: readonly string[],
  ) {
    super(context, server);
    if (nodes.length === 0) throw new Error("assertion failed: a scheduler has nodes");
  }

  protected sync(pods: readonly KubeObject[]): void {
    const load = new Map(this.nodes.map((node) => [node, 0]));
    for (const pod of pods) {
      const node = specOf(pod).nodeName;
      if (node !== undefined && load.has(node)) load.set(node, (load.get(node) ?? 0) + 1);
    }
    const now = timestampAt(this.context.now());
    for (const pod of pods) {
      if (specOf(pod).nodeName !== undefined) continue;
      const node = this.nodes.reduce((best, candidate) => ((load.get(candidate) ?? 0) < (load.get(best) ?? 0) ? candidate : best));
      load.set(node, (load.get(node) ?? 0) + 1);
      const status = statusOf(pod);
      this.write({ ...pod, spec: { ...specOf(pod), nodeName: node }, status: { ...status, phase: "Pending", conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: now }] } } as unknown as KubeObject);
    }
  }
}

export class Kubelet extends PodResync {
  /** When each pod's containers will be up (local time), by namespace/name. */
  private readonly starting = new Map<string, Micros>();
  private nextIp = 2;

  constructor(
    context: ActorContext,
    server: string,
    /** The node's name, and its index among the nodes (its addresses). */
    private readonly node: string,
    private readonly nodeIndex: number,
  ) {
    super(context, server);
  }

  protected sync(pods: readonly KubeObject[]): void {
    const now = this.context.now();
    const seen = new Set<string>();
    for (const pod of pods) {
      if (specOf(pod).nodeName !== this.node || statusOf(pod).phase === "Running") continue;
      const key = `${pod.metadata.namespace ?? ""}/${pod.metadata.name}`;
      seen.add(key);
      const readyAt = this.starting.get(key);
      if (readyAt === undefined) {
        const startUs = now + CONTAINER_START_US + this.context.random.int(CONTAINER_START_US);
        this.write(this.creating(pod), () => this.starting.set(key, startUs));
      } else if (now >= readyAt) {
        this.write(this.running(pod), () => this.starting.delete(key));
      }
    }
    // Pods gone, or running, leave the table (in insertion order: deterministic).
    for (const key of [...this.starting.keys()]) if (!seen.has(key)) this.starting.delete(key);
  }

  private containers(pod: KubeObject): { name: string; image: string }[] {
    return (specOf(pod).containers ?? []).map((container) => ({ name: container.name ?? "", image: container.image ?? "" }));
  }

  private creating(pod: KubeObject): KubeObject {
    const now = timestampAt(this.context.now());
    const scheduled = (statusOf(pod).conditions ?? []).find((condition) => condition.type === "PodScheduled");
    const status: PodStatus = {
      phase: "Pending",
      conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: scheduled?.lastTransitionTime ?? now }],
      hostIP: `172.18.0.${this.nodeIndex + 2}`,
      startTime: now,
      containerStatuses: this.containers(pod).map(({ name, image }) => ({ name, image, imageID: "", ready: false, restartCount: 0, started: false, state: { waiting: { reason: "ContainerCreating" } } })),
    };
    return { ...pod, status } as unknown as KubeObject;
  }

  private running(pod: KubeObject): KubeObject {
    const now = timestampAt(this.context.now());
    const before = statusOf(pod);
    const status: PodStatus = {
      ...before,
      phase: "Running",
      conditions: [...(before.conditions ?? []), { type: "Initialized", status: "True", lastTransitionTime: now }, { type: "Ready", status: "True", lastTransitionTime: now }, { type: "ContainersReady", status: "True", lastTransitionTime: now }],
      podIP: `10.244.${this.nodeIndex}.${this.nextIp++}`,
      containerStatuses: this.containers(pod).map(({ name, image }) => ({ name, image, imageID: "", ready: true, restartCount: 0, started: true, state: { running: { startedAt: now } } })),
    };
    return { ...pod, status } as unknown as KubeObject;
  }
}

/** Whether a pod counts as ready (its Ready condition is True). */
export function podReady(pod: KubeObject): boolean {
  return (statusOf(pod).conditions ?? []).some((condition) => condition.type === "Ready" && condition.status === "True");
}
