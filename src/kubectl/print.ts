/**
 * kubectl's printers: the default tables (the server-side table columns of each resource, laid out
 * by Go's tabwriter as kubectl configures it: min width 6, padding 3), `-o wide`, `-o json`
 * (4-space indent, keys sorted as an unstructured object marshals), `-o yaml` and `-o name`, and
 * the lines of create, scale, delete, apply and replace, all as kubectl v1.30 prints them.
 */
import { stringify as stringifyYaml } from "yaml";
import type { KubeObject } from "../kube/objects.js";
import { secondsOfTimestamp } from "../kube/objects.js";
import { qualifiedKind, type ResourceInfo } from "../kube/resources.js";
import type { OutputFormat } from "./parse.js";

/** `k8s.io/apimachinery/pkg/util/duration.HumanDuration`, at second precision. */
export function humanDuration(totalSeconds: number): string {
  if (totalSeconds < -1) return "<invalid>";
  if (totalSeconds < 0) return "0s";
  if (totalSeconds < 120) return `${totalSeconds}s`;
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 10) {
    const seconds = totalSeconds % 60;
    return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(totalSeconds / 3600);
  if (hours < 8) {
    const rest = minutes % 60;
    return rest === 0 ? `${hours}h` : `${hours}h${rest}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const rest = hours % 24;
    return rest === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${rest}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const years = Math.floor(hours / 24 / 365);
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${years}y`;
}

/** Go's text/tabwriter as kubectl sets it up: every cell but the last of a row padded to max(widest + 3, 6). */
export function tabulate(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      if (column < row.length - 1) widths[column] = Math.max(widths[column] ?? 0, cell.length + 3, 6);
    });
  }
  return rows.map((row) => row.map((cell, column) => (column < row.length - 1 ? cell.padEnd(widths[column] as number) : cell)).join("")).join("\n") + "\n";
}

type Row = readonly string[];

interface Columns {
  readonly header: Row;
  readonly wide: Row;
  row(object: KubeObject, age: string): { readonly normal: Row; readonly wide: Row };
}

const NONE = "<none>";

function field(object: unknown, ...path: string[]): unknown {
  let current = object;
  for (const step of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

function count(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

function containers(object: unknown): { names: string; images: string } {
  const list = (field(object, "spec", "template", "spec", "containers") ?? []) as { name?: string; image?: string }[];
  return { names: list.map((item) => item.name ?? "").join(",") || NONE, images: list.map((item) => item.image ?? "").join(",") || NONE };
}

function selector(object: unknown): string {
  const labels = (field(object, "spec", "selector", "matchLabels") ?? {}) as Record<string, string>;
  const text = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
  return text === "" ? NONE : text;
}

interface ContainerStatus {
  readonly ready?: boolean;
  readonly restartCount?: number;
  readonly state?: { readonly waiting?: { readonly reason?: string }; readonly running?: unknown; readonly terminated?: { readonly reason?: string } };
}

/**
 * READY, STATUS and RESTARTS of a pod as kubectl's pod printer works them out (`printPod`): the
 * phase, or the pod's reason, or the reason a container waits or terminated; ready containers
 * count only when running.
 */
function podSummary(pod: KubeObject): { ready: number; total: number; reason: string; restarts: number } {
  const total = ((field(pod, "spec", "containers") ?? []) as unknown[]).length;
  let reason = (field(pod, "status", "reason") as string | undefined) || ((field(pod, "status", "phase") as string | undefined) ?? "");
  let ready = 0;
  let restarts = 0;
  const statuses = (field(pod, "status", "containerStatuses") ?? []) as ContainerStatus[];
  for (let index = statuses.length - 1; index >= 0; index--) {
    const status = statuses[index] as ContainerStatus;
    restarts += status.restartCount ?? 0;
    const waiting = status.state?.waiting?.reason ?? "";
    const terminated = status.state?.terminated?.reason ?? "";
    if (waiting !== "") reason = waiting;
    else if (terminated !== "") reason = terminated;
    else if (status.ready === true && status.state?.running !== undefined) ready++;
  }
  return { ready, total, reason, restarts };
}

const COLUMNS: Readonly<Record<string, Columns>> = {
  configmaps: {
    header: ["NAME", "DATA", "AGE"],
    wide: [],
    row: (object, age) => ({ normal: [object.metadata.name, String(Object.keys((object["data"] ?? {}) as object).length), age], wide: [] }),
  },
  pods: {
    header: ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
    wide: ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
    row: (object, age) => {
      const { ready, total, reason, restarts } = podSummary(object);
      const ip = (field(object, "status", "podIP") as string | undefined) ?? NONE;
      const node = (field(object, "spec", "nodeName") as string | undefined) ?? NONE;
      return { normal: [object.metadata.name, `${ready}/${total}`, reason, String(restarts), age], wide: [ip, node, NONE, NONE] };
    },
  },
  deployments: {
    header: ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
    wide: ["CONTAINERS", "IMAGES", "SELECTOR"],
    row: (object, age) => {
      const desired = count(field(object, "spec", "replicas"));
      const ready = count(field(object, "status", "readyReplicas"));
      const updated = count(field(object, "status", "updatedReplicas"));
      const available = count(field(object, "status", "availableReplicas"));
      const { names, images } = containers(object);
      return { normal: [object.metadata.name, `${ready}/${desired}`, String(updated), String(available), age], wide: [names, images, selector(object)] };
    },
  },
  replicasets: {
    header: ["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
    wide: ["CONTAINERS", "IMAGES", "SELECTOR"],
    row: (object, age) => {
      const { names, images } = containers(object);
      const normal = [object.metadata.name, String(count(field(object, "spec", "replicas"))), String(count(field(object, "status", "replicas"))), String(count(field(object, "status", "readyReplicas"))), age];
      return { normal, wide: [names, images, selector(object)] };
    },
  },
  leases: {
    header: ["NAME", "HOLDER", "AGE"],
    wide: [],
    row: (object, age) => ({ normal: [object.metadata.name, (field(object, "spec", "holderIdentity") as string | undefined) ?? "", age], wide: [] }),
  },
};

/** A table of objects of one resource, with AGE measured at `nowSeconds` of virtual time. */
export function printTable(info: ResourceInfo, objects: readonly KubeObject[], wide: boolean, nowSeconds: number): string {
  const columns = COLUMNS[info.resource];
  if (columns === undefined) throw new Error(`assertion failed: a table layout for ${info.resource}`);
  const rows: Row[] = [wide ? [...columns.header, ...columns.wide] : columns.header];
  for (const object of objects) {
    const created = secondsOfTimestamp(object.metadata.creationTimestamp ?? "");
    const age = created === undefined ? NONE : humanDuration(nowSeconds - created);
    const row = columns.row(object, age);
    rows.push(wide ? [...row.normal, ...row.wide] : row.normal);
  }
  return tabulate(rows);
}

/** The value with every object's keys sorted (how an unstructured object marshals). */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sorted((value as Record<string, unknown>)[key])]),
  );
}

/** What `kubectl get -o json|yaml|name` prints for one object, or for several (a `List`). */
export function printObjects(info: ResourceInfo, objects: readonly KubeObject[], single: boolean, format: Exclude<OutputFormat, "table" | "wide">): string {
  if (format === "name") return objects.map((object) => `${qualifiedKind(info)}/${object.metadata.name}\n`).join("");
  const value = single ? objects[0] : { apiVersion: "v1", items: objects, kind: "List", metadata: { resourceVersion: "" } };
  if (format === "json") return `${JSON.stringify(sorted(value), null, 4)}\n`;
  return stringifyYaml(sorted(value), { version: "1.1", indentSeq: false, lineWidth: 0 });
}

/** The JSON a server returns for `--raw`: kind and apiVersion first, as Go's structs marshal. */
export function printRaw(value: { readonly apiVersion: string; readonly kind: string }): string {
  const { kind, apiVersion, ...rest } = value;
  return `${JSON.stringify({ kind, apiVersion, ...rest })}\n`;
}

/** `configmap/cfg created`, `deployment.apps/web scaled`. */
export function printAction(info: ResourceInfo, name: string, action: string): string {
  return `${qualifiedKind(info)}/${name} ${action}\n`;
}

/**
 * `configmap "cfg" deleted`: kubectl v1.30's `DeleteOptions.PrintObj` (staging/src/k8s.io/kubectl/
 * pkg/cmd/delete/delete.go), `<kind>[.<group>] "<name>" deleted`, printed for each object as its
 * DELETE succeeds. (kubernetes/kubernetes#126619, merged in 2024, makes later kubectl name the
 * namespace too, `... deleted from default namespace`; which release first ships it was not
 * checked. etcdlab prints as v1.30 does throughout.)
 */
export function printDeleted(info: ResourceInfo, name: string): string {
  return `${qualifiedKind(info)} "${name}" deleted\n`;
}
