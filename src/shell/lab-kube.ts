/**
 * The shell's Kubernetes control plane, shaped like a small kubeadm HA cluster on the simulated etcd:
 *
 * - one kube-apiserver, `apiserver-1`, with every etcd member as an endpoint (the one kubectl lines
 *   already start on first use, src/kube/env.ts);
 * - two kube-controller-manager instances, `kcm-1` and `kcm-2`, leader elected on the coordination
 *   Lease `kube-system/kube-controller-manager` as kubeadm's HA control plane runs one per control-plane
 *   node: the holder runs the deployment, replicaset and garbage collector controllers, the other
 *   waits for the lease;
 * - a kube-scheduler and three worker nodes, `node-1` to `node-3`, each with a kubelet (src/kube/nodes.ts).
 *
 * `startControlPlane` starts them and runs the world until one controller-manager holds the lease,
 * as `kubeadm init` returns once its control plane is up; `etcdlab shell` calls it for its first
 * kubectl line, and `:kube` does anywhere. `:kube-status` tells, from the registry as the etcd
 * leader's store has it (no request, no virtual time), who holds the lease, how each actor is, and
 * the pods of each node and phase.
 */
import type { EtcdCluster } from "../etcd/cluster.js";
import { KubeEnv, kubeletActor, SCHEDULER_ACTOR } from "../kube/env.js";
import { LEASE_NAME, LEASE_NAMESPACE } from "../kube/controllers.js";
import { type KubeObject, secondsOfTimestamp } from "../kube/objects.js";
import { bytesFromText, prefixEnd, textFromBytes } from "../mvcc/bytes.js";
import { InputError } from "../sim/errors.js";
import type { Micros } from "../sim/time.js";
import { LabError } from "./lab-admin.js";

/** The controller-manager instances, one per control-plane node of a kubeadm HA cluster. */
export const CONTROLLER_MANAGERS: readonly string[] = ["kcm-1", "kcm-2"];
/** The worker nodes, each with a kubelet. */
export const WORKER_NODES: readonly string[] = ["node-1", "node-2", "node-3"];
/** How long starting waits for a controller-manager to hold the lease. */
const CONTROL_PLANE_READY_LIMIT_US: Micros = 30_000_000;
/** Pod phases in the order `:kube-status` counts them. */
const POD_PHASES = ["Pending", "Running", "Succeeded", "Failed", "Unknown"] as const;

export const LAB_KUBE_COMMANDS = [":kube", ":kube-status"] as const;

const started = new WeakSet<EtcdCluster>();

/** Whether the shell's control plane runs on this cluster. */
export function controlPlaneStarted(cluster: EtcdCluster): boolean {
  return started.has(cluster);
}

/** The names `:crash` and its kin take besides members: the control plane's actors, a node for its kubelet. */
function controlPlaneNames(cluster: EtcdCluster): readonly string[] {
  if (!started.has(cluster)) return [];
  return [...KubeEnv.of(cluster).servers, ...CONTROLLER_MANAGERS, SCHEDULER_ACTOR, ...WORKER_NODES];
}

/** The actor a name of the running control plane stands for (`node-1`: its kubelet); undefined for another name. */
export function controlPlaneActor(cluster: EtcdCluster, name: string): string | undefined {
  if (!controlPlaneNames(cluster).includes(name)) return undefined;
  return WORKER_NODES.includes(name) ? kubeletActor(name) : name;
}

/** What an unknown-node error adds to the members it lists: `; control plane: ...` while one runs. */
export function controlPlaneHint(cluster: EtcdCluster): string {
  const names = controlPlaneNames(cluster);
  return names.length === 0 ? "" : `; control plane: ${names.join(", ")}`;
}

/**
 * Starts the control plane (the API server too, if no kubectl line started it yet) and runs the
 * world until a controller-manager leads, or for at most 30 s of virtual time (etcd without a
 * quorum). Returns what `:kube` prints.
 */
export function startControlPlane(cluster: EtcdCluster): string {
  if (started.has(cluster)) throw new LabError("the control plane is already running (:kube-status shows it)");
  const env = KubeEnv.of(cluster);
  const startedAt = cluster.world.now;
  // Actors a scenario step or a host started under these names: refused before anything starts.
  const taken = [...CONTROLLER_MANAGERS, SCHEDULER_ACTOR, ...WORKER_NODES.map(kubeletActor)].filter((name) => cluster.world.has(name));
  if (taken.length > 0) throw new LabError(`cannot start the control plane: ${taken.join(", ")} already ${taken.length === 1 ? "runs" : "run"}`);
  let server: string;
  try {
    server = env.server();
  } catch (error) {
    if (error instanceof InputError) throw new LabError(`cannot start the control plane: ${error.message}`);
    throw error;
  }
  for (const name of CONTROLLER_MANAGERS) env.startControllerManager(name, server);
  env.startNodes(WORKER_NODES, server);
  started.add(cluster);
  cluster.world.runFor(CONTROL_PLANE_READY_LIMIT_US, () => leader(env) !== undefined);
  const holder = leader(env);
  const waited = `${((cluster.world.now - startedAt) / 1_000_000).toFixed(1)}s`;
  return [
    `kube-apiserver: ${env.servers.join(", ")} (etcd endpoints ${cluster.members.join(", ")})`,
    `kube-controller-manager: ${CONTROLLER_MANAGERS.join(", ")} (${holder === undefined ? `no instance got lease ${LEASE_NAMESPACE}/${LEASE_NAME} within ${waited}` : `${holder} got lease ${LEASE_NAMESPACE}/${LEASE_NAME} after ${waited}`})`,
    `kube-scheduler: ${SCHEDULER_ACTOR}`,
    `nodes: ${WORKER_NODES.join(", ")} (a kubelet each)`,
    "",
  ].join("\n");
}

/** The controller-manager instance that believes it leads (the first, should two ever believe it). */
function leader(env: KubeEnv): string | undefined {
  return CONTROLLER_MANAGERS.find((name) => env.cluster.world.status(name) === "up" && env.managers.get(name)?.leading === true);
}

/** Runs `:kube` or `:kube-status`; false for another command. */
export function runLabKube(cluster: EtcdCluster, name: string, words: readonly string[], write: (text: string) => void): boolean {
  switch (name) {
    case "kube":
      if (words.length !== 0) throw new LabError("usage: :kube");
      write(startControlPlane(cluster));
      return true;
    case "kube-status":
      if (words.length !== 0) throw new LabError("usage: :kube-status");
      if (!started.has(cluster)) throw new LabError("the control plane is not running (a kubectl line or :kube starts it)");
      write(kubeStatus(cluster));
      return true;
    default:
      return false;
  }
}

/** `:kube-status`: the lease, each actor's state, the nodes' pods and the pods by phase. */
function kubeStatus(cluster: EtcdCluster): string {
  const registry = readRegistry(cluster);
  if (registry === undefined) return "no etcd leader: the registry cannot be read\n";
  const world = cluster.world;
  const env = KubeEnv.of(cluster);
  const nowSeconds = Math.floor(world.now / 1_000_000);
  const lines: string[] = [];
  const lease = registry.find((object) => object.kind === "Lease" && object.metadata.namespace === LEASE_NAMESPACE && object.metadata.name === LEASE_NAME);
  lines.push(`lease ${LEASE_NAMESPACE}/${LEASE_NAME}: ${leaseText(lease, nowSeconds)}`);
  for (const server of env.servers) lines.push(`${server}: ${world.status(server)}`);
  for (const name of CONTROLLER_MANAGERS) {
    const status = world.status(name);
    const role = status !== "up" ? "" : env.managers.get(name)?.leading === true ? ", leading" : ", waiting for the lease";
    lines.push(`${name}: ${status}${role}`);
  }
  lines.push(`${SCHEDULER_ACTOR}: ${world.status(SCHEDULER_ACTOR)}`);
  const pods = registry.filter((object) => object.kind === "Pod");
  for (const node of WORKER_NODES) {
    const count = pods.filter((pod) => (pod["spec"] as { nodeName?: string } | undefined)?.nodeName === node).length;
    lines.push(`${node}: kubelet ${world.status(kubeletActor(node))}, ${count} ${count === 1 ? "pod" : "pods"}`);
  }
  lines.push(`pods: ${podPhases(pods)}`);
  return `${lines.join("\n")}\n`;
}

function leaseText(lease: KubeObject | undefined, nowSeconds: number): string {
  if (lease === undefined) return "not created yet";
  const spec = (lease["spec"] ?? {}) as { holderIdentity?: string; renewTime?: string; leaseTransitions?: number };
  const renewed = secondsOfTimestamp(spec.renewTime ?? "");
  // A holder whose clock runs fast (:drift) stamps renewals ahead of the world's time.
  const age = renewed === undefined ? "" : renewed <= nowSeconds ? `, renewed ${nowSeconds - renewed}s ago` : `, renewTime ${renewed - nowSeconds}s ahead of now (the holder's clock)`;
  return `held by ${spec.holderIdentity ?? "nobody"}${age}, ${spec.leaseTransitions ?? 0} ${spec.leaseTransitions === 1 ? "transition" : "transitions"}`;
}

function podPhases(pods: readonly KubeObject[]): string {
  if (pods.length === 0) return "none";
  const counts = POD_PHASES.map((phase) => [phase, pods.filter((pod) => ((pod["status"] as { phase?: string } | undefined)?.phase ?? "Pending") === phase).length] as const);
  return counts
    .filter(([, count]) => count > 0)
    .map(([phase, count]) => `${count} ${phase}`)
    .join(", ");
}

/** Every object under /registry/ as the etcd leader's store has it; undefined without a leader. */
function readRegistry(cluster: EtcdCluster): KubeObject[] | undefined {
  const leaderName = cluster.leader();
  const member = leaderName === undefined ? undefined : cluster.member(leaderName);
  if (member === undefined) return undefined;
  const key = bytesFromText("/registry/");
  const answer = member.stateMachine.store.range({ key, rangeEnd: prefixEnd(key) });
  if (!answer.ok) throw new Error(`assertion failed: a range of the latest revision succeeds (${answer.error.message})`);
  return answer.value.kvs.map((kv) => JSON.parse(textFromBytes(kv.value)) as KubeObject);
}
