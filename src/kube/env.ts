/**
 * The Kubernetes side of a simulated etcd cluster: its API servers and the client actors that talk
 * to them (kubectl, controllers), kept beside the `EtcdCluster` so that the shell, scenarios and
 * lessons driving the same cluster share them.
 */
import type { EtcdCluster } from "../etcd/cluster.js";
import { InputError } from "../sim/errors.js";
import type { Micros } from "../sim/time.js";
import { ApiServer, DEFAULT_COMPACTION_INTERVAL_US } from "./apiserver.js";
import { type KubeCallOutcome, kubeClientActor } from "./client.js";
import { Kubelet, Scheduler } from "./nodes.js";
import type { KubeRequest } from "./protocol.js";
import { ControllerManager, type CounterReport, CounterWriter, type CounterWriterOptions, type ManagerReport, Watcher, type WatcherReport } from "./controllers.js";

/** The API server started on demand (by the first kubectl line) when none was started explicitly. */
export const DEFAULT_APISERVER = "apiserver-1";
/** The actor kubectl lines run through. */
export const KUBECTL_CLIENT = "kubectl";
/** kubectl's wait for an answer (client-go has no default timeout; the API server's own is 60 s). */
export const KUBECTL_TIMEOUT_US: Micros = 60_000_000;

export interface ApiServerSpec {
  readonly name: string;
  readonly endpoints: readonly string[];
  readonly compactionIntervalUs: Micros;
}

/** The scheduler's actor, and a kubelet's: `kubelet-<node>`. */
export const SCHEDULER_ACTOR = "kube-scheduler";
export function kubeletActor(node: string): string {
  return `kubelet-${node}`;
}

const environments = new WeakMap<EtcdCluster, KubeEnv>();

export class KubeEnv {
  readonly servers: string[] = [];
  /** Reports of the controllers started, by actor name (they outlive a crash of their actor). */
  readonly writers = new Map<string, CounterReport>();
  readonly managers = new Map<string, ManagerReport>();
  readonly watchers = new Map<string, WatcherReport>();

  private constructor(readonly cluster: EtcdCluster) {}

  /** The cluster's Kubernetes side (made on first use). */
  static of(cluster: EtcdCluster): KubeEnv {
    let env = environments.get(cluster);
    if (env === undefined) {
      env = new KubeEnv(cluster);
      environments.set(cluster, env);
    }
    return env;
  }

  startApiServer(spec: ApiServerSpec): void {
    const world = this.cluster.world;
    if (world.has(spec.name)) throw new InputError(`an actor named '${spec.name}' already exists`);
    for (const endpoint of spec.endpoints) {
      if (!this.cluster.members.includes(endpoint)) throw new InputError(`unknown member '${endpoint}' (members: ${this.cluster.members.join(", ")})`);
    }
    const options = { endpoints: spec.endpoints, compactionIntervalUs: spec.compactionIntervalUs, history: this.cluster.history };
    world.spawn(spec.name, (context) => new ApiServer(context, options));
    this.servers.push(spec.name);
  }

  /** The API server named, or the first one (started with every member as endpoint when there is none). */
  server(name?: string): string {
    if (name !== undefined) {
      if (!this.servers.includes(name)) throw new InputError(`unknown API server '${name}' (started: ${this.servers.join(", ") || "none"})`);
      return name;
    }
    if (this.servers.length === 0) this.startApiServer({ name: DEFAULT_APISERVER, endpoints: this.cluster.members, compactionIntervalUs: DEFAULT_COMPACTION_INTERVAL_US });
    return this.servers[0] as string;
  }

  apiServer(name: string): ApiServer | undefined {
    const behavior = this.cluster.world.has(name) ? this.cluster.world.behavior(name) : undefined;
    return behavior instanceof ApiServer ? behavior : undefined;
  }

  /** Sends one request from kubectl's actor and runs the world until the answer (or kubectl's timeout). */
  request(request: KubeRequest, server?: string, client = KUBECTL_CLIENT): KubeCallOutcome {
    const target = this.server(server);
    const actor = kubeClientActor(this.cluster.world, client, target);
    actor.client.server = target;
    return this.cluster.world.runUntilAnswered<KubeCallOutcome>(KUBECTL_TIMEOUT_US, (done) => actor.client.call(request, KUBECTL_TIMEOUT_US, done));
  }

  private spawn(name: string): void {
    if (this.cluster.world.has(name)) throw new InputError(`an actor named '${name}' already exists`);
  }

  startCounterWriter(name: string, options: Omit<CounterWriterOptions, "server"> & { readonly server?: string }): void {
    this.spawn(name);
    const report: CounterReport = { succeeded: 0, failed: 0, conflicts: 0, retries: 0, lastError: "" };
    const full = { ...options, server: this.server(options.server) };
    this.writers.set(name, report);
    this.cluster.world.spawn(name, (context) => new CounterWriter(context, full, report));
  }

  startControllerManager(name: string, server?: string): void {
    this.spawn(name);
    const report: ManagerReport = { leading: false, acquired: 0, lost: 0 };
    const target = this.server(server);
    this.managers.set(name, report);
    this.cluster.world.spawn(name, (context) => new ControllerManager(context, target, report));
  }

  /** Nodes: one kube-scheduler binding pods to them, and a kubelet per node starting the pods bound to it. */
  startNodes(nodes: readonly string[], server?: string): void {
    const target = this.server(server);
    const actors = [SCHEDULER_ACTOR, ...nodes.map(kubeletActor)];
    for (const actor of actors) this.spawn(actor);
    if (new Set(nodes).size !== nodes.length) throw new InputError(`node names repeat: ${nodes.join(", ")}`);
    this.cluster.world.spawn(SCHEDULER_ACTOR, (context) => new Scheduler(context, target, nodes));
    nodes.forEach((node, index) => this.cluster.world.spawn(kubeletActor(node), (context) => new Kubelet(context, target, node, index)));
  }

  startWatcher(name: string, options: { readonly server?: string; readonly resource: string; readonly namespace: string; readonly resourceVersion: string }): void {
    this.spawn(name);
    const full = { ...options, server: this.server(options.server) };
    const report: WatcherReport = { events: 0, gone: 0, relists: 0, resourceVersion: options.resourceVersion };
    this.watchers.set(name, report);
    this.cluster.world.spawn(name, (context) => new Watcher(context, full, report));
  }
}
