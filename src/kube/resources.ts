/**
 * The Kubernetes resources the simulated API server serves, as its discovery would describe them:
 * plural resource name (also the etcd key prefix, `/registry/<resource>/<namespace>/<name>`), the
 * singular, short names, kind and group/version. Every one of them is namespaced.
 */
export interface ResourceInfo {
  /** The plural, lower-case name: the REST path segment and the etcd key's resource prefix. */
  readonly resource: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly kind: string;
  /** "" for the core group. */
  readonly group: string;
  readonly version: string;
}

export const RESOURCES: readonly ResourceInfo[] = [
  { resource: "configmaps", singular: "configmap", shortNames: ["cm"], kind: "ConfigMap", group: "", version: "v1" },
  { resource: "pods", singular: "pod", shortNames: ["po"], kind: "Pod", group: "", version: "v1" },
  { resource: "deployments", singular: "deployment", shortNames: ["deploy"], kind: "Deployment", group: "apps", version: "v1" },
  { resource: "replicasets", singular: "replicaset", shortNames: ["rs"], kind: "ReplicaSet", group: "apps", version: "v1" },
  { resource: "leases", singular: "lease", shortNames: [], kind: "Lease", group: "coordination.k8s.io", version: "v1" },
];

/** The etcd prefix of every object (kube-apiserver's `--etcd-prefix` default). */
export const REGISTRY_PREFIX = "/registry";

/** A resource by any name kubectl accepts: plural, singular, short name, kind, or `resource.group`. */
export function findResource(name: string): ResourceInfo | undefined {
  const lower = name.toLowerCase();
  return RESOURCES.find(
    (info) =>
      info.resource === lower ||
      info.singular === lower ||
      info.shortNames.includes(lower) ||
      info.kind.toLowerCase() === lower ||
      (info.group !== "" && (lower === `${info.resource}.${info.group}` || lower === `${info.singular}.${info.group}`)),
  );
}

/** `resource.group` as Kubernetes' `GroupResource.String()` writes it: `configmaps`, `deployments.apps`. */
export function qualifiedResource(info: ResourceInfo): string {
  return info.group === "" ? info.resource : `${info.resource}.${info.group}`;
}

/** `kind.group` in lower case as kubectl names objects it printed: `configmap`, `deployment.apps`. */
export function qualifiedKind(info: ResourceInfo): string {
  const kind = info.kind.toLowerCase();
  return info.group === "" ? kind : `${kind}.${info.group}`;
}

export function apiVersion(info: ResourceInfo): string {
  return info.group === "" ? info.version : `${info.group}/${info.version}`;
}

/** The object's etcd key: `/registry/configmaps/default/cfg`. */
export function objectKey(info: ResourceInfo, namespace: string, name: string): string {
  return `${REGISTRY_PREFIX}/${info.resource}/${namespace}/${name}`;
}

/** The prefix a list or watch of a namespace's objects ranges over (with its trailing slash). */
export function collectionPrefix(info: ResourceInfo, namespace: string | undefined): string {
  return namespace === undefined ? `${REGISTRY_PREFIX}/${info.resource}/` : `${REGISTRY_PREFIX}/${info.resource}/${namespace}/`;
}

/** The REST path of a collection or object: `/api/v1/namespaces/default/configmaps/cfg`. */
export function restPath(info: ResourceInfo, namespace: string | undefined, name?: string): string {
  const root = info.group === "" ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
  const collection = namespace === undefined ? `${root}/${info.resource}` : `${root}/namespaces/${namespace}/${info.resource}`;
  return name === undefined ? collection : `${collection}/${name}`;
}
