/**
 * Runs kubectl lines against the simulated cluster's API server (`KubeEnv`): each line is parsed
 * (src/kubectl/parse.ts), sent as REST requests through the `kubectl` client actor while the world
 * runs, and printed as kubectl prints it. Manifests for `-f` come from the cluster's host files
 * (written with the shell's `:write FILE` heredoc).
 */
import { parseAllDocuments } from "yaml";
import type { EtcdCluster } from "../etcd/cluster.js";
import type { KubeCallOutcome } from "../kube/client.js";
import { KubeEnv } from "../kube/env.js";
import { type JsonObject, type KubeObject } from "../kube/objects.js";
import type { KubeRequest } from "../kube/protocol.js";
import { apiVersion, findResource, RESOURCES, type ResourceInfo } from "../kube/resources.js";
import { kubectlErrorLine, type Status } from "../kube/status.js";
import { type KubectlCommand, parseKubectl } from "../kubectl/parse.js";
import { printAction, printDeleted, printObjects, printRaw, printTable } from "../kubectl/print.js";
import { rawRequest } from "../kubectl/raw.js";
import { InputError } from "../sim/errors.js";

export interface KubectlOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Runs one kubectl line against the cluster's (first) API server. */
export function runKubectl(cluster: EtcdCluster, line: string): KubectlOutput {
  const parsed = parseKubectl(line);
  if (!parsed.ok) return failure(`${parsed.error}\n`);
  try {
    return new KubectlRun(cluster).run(parsed.command);
  } catch (error) {
    if (error instanceof InputError) return failure(`error: ${error.message}\n`);
    throw error;
  }
}

function failure(stderr: string): KubectlOutput {
  return { stdout: "", stderr, exitCode: 1 };
}

function success(stdout: string, stderr = ""): KubectlOutput {
  return { stdout, stderr, exitCode: 0 };
}

function serverError(status: Status, prefix = ""): KubectlOutput {
  return failure(`${kubectlErrorLine(prefix === "" ? status : { ...status, message: `${prefix}${status.message}` })}\n`);
}

class KubectlRun {
  private readonly env: KubeEnv;

  constructor(private readonly cluster: EtcdCluster) {
    this.env = KubeEnv.of(cluster);
  }

  private call(request: KubeRequest): KubeCallOutcome {
    return this.env.request(request);
  }

  run(command: KubectlCommand): KubectlOutput {
    switch (command.kind) {
      case "create-configmap": {
        const info = findResource("configmaps") as ResourceInfo;
        const data = Object.fromEntries(command.literals);
        const object: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: command.name }, ...(command.literals.length > 0 ? { data } : {}) };
        return this.created(info, this.call({ verb: "create", resource: info.resource, namespace: command.namespace, object }), command.name);
      }
      case "create-deployment": {
        const info = findResource("deployments") as ResourceInfo;
        return this.created(info, this.call({ verb: "create", resource: info.resource, namespace: command.namespace, object: deploymentObject(command.name, command.image, command.replicas) }), command.name);
      }
      case "run": {
        const info = findResource("pods") as ResourceInfo;
        const object: KubeObject = {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: command.name, labels: { run: command.name } },
          spec: { containers: [{ name: command.name, image: command.image }] },
          status: { phase: "Pending" },
        };
        return this.created(info, this.call({ verb: "create", resource: info.resource, namespace: command.namespace, object }), command.name);
      }
      case "get":
        return this.get(command);
      case "get-raw":
        return this.raw(command.path);
      case "scale": {
        const outcome = this.call({ verb: "patch", resource: command.resource.resource, namespace: command.namespace, name: command.name, patch: { spec: { replicas: command.replicas } } });
        return outcome.ok ? success(printAction(command.resource, command.name, "scaled")) : serverError(outcome.status);
      }
      case "delete":
        return this.delete(command);
      case "apply":
      case "replace":
      case "create-file":
        return this.fromFile(command);
    }
  }

  /** Each object in turn (kubectl's ContinueOnError): a line for each one deleted, the errors after them. */
  private delete(command: Extract<KubectlCommand, { kind: "delete" }>): KubectlOutput {
    let stdout = "";
    let stderr = "";
    for (const [info, name] of command.targets) {
      const outcome = this.call({ verb: "delete", resource: info.resource, namespace: command.namespace, name });
      if (outcome.ok) stdout += printDeleted(info, name);
      else stderr += `${kubectlErrorLine(outcome.status)}\n`;
    }
    return { stdout, stderr, exitCode: stderr === "" ? 0 : 1 };
  }

  private created(info: ResourceInfo, outcome: KubeCallOutcome, name: string, source = ""): KubectlOutput {
    if (!outcome.ok) return serverError(outcome.status, source === "" ? "" : `error when creating "${source}": `);
    return success(printAction(info, name, "created"));
  }

  private get(command: Extract<KubectlCommand, { kind: "get" }>): KubectlOutput {
    const info = command.resource;
    const now = Math.floor(this.cluster.world.now / 1_000_000);
    if (command.name !== undefined) {
      const outcome = this.call({ verb: "get", resource: info.resource, namespace: command.namespace, name: command.name });
      if (!outcome.ok) return serverError(outcome.status);
      if (outcome.value.kind !== "object") throw new Error("assertion failed: a get returns an object");
      return success(this.format(info, [outcome.value.object], true, command.output, now));
    }
    const outcome = this.call({ verb: "list", resource: info.resource, namespace: command.namespace });
    if (!outcome.ok) return serverError(outcome.status);
    if (outcome.value.kind !== "list") throw new Error("assertion failed: a list returns a list");
    const items = outcome.value.list.items;
    if (items.length === 0 && (command.output === "table" || command.output === "wide")) return success("", `No resources found in ${command.namespace} namespace.\n`);
    return success(this.format(info, items, false, command.output, now));
  }

  private format(info: ResourceInfo, objects: readonly KubeObject[], single: boolean, output: Extract<KubectlCommand, { kind: "get" }>["output"], now: number): string {
    if (output === "table" || output === "wide") return printTable(info, objects, output === "wide", now);
    return printObjects(info, objects, single, output);
  }

  /** `kubectl get --raw PATH` (src/kubectl/raw.ts): the server's JSON as it sends it. */
  private raw(path: string): KubectlOutput {
    const parsed = rawRequest(path);
    if ("error" in parsed) return failure(`${parsed.error}\n`);
    const outcome = this.call(parsed.request);
    if (!outcome.ok) return serverError(outcome.status);
    if (outcome.value.kind === "object") return success(printRaw(outcome.value.object));
    if (outcome.value.kind === "list") return success(printRaw(outcome.value.list));
    throw new Error("assertion failed: get and list return an object or a list");
  }

  private fromFile(command: Extract<KubectlCommand, { kind: "apply" | "replace" | "create-file" }>): KubectlOutput {
    const documents = this.manifests(command.file);
    if (!Array.isArray(documents)) return documents;
    let stdout = "";
    let stderr = "";
    for (const object of documents) {
      const result = this.oneManifest(command, object);
      stdout += result.stdout;
      stderr += result.stderr;
    }
    return { stdout, stderr, exitCode: stderr === "" ? 0 : 1 };
  }

  private manifests(file: string): KubeObject[] | KubectlOutput {
    const bytes = this.cluster.files.read(file);
    if (bytes === undefined) return failure(`error: the path "${file}" does not exist\n`);
    const text = Buffer.from(bytes).toString("utf8");
    const objects: KubeObject[] = [];
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length > 0) return failure(`error: error parsing ${file}: ${(document.errors[0] as Error).message.split("\n")[0]?.replace(/:$/, "")}\n`);
      const value = document.toJSON() as unknown;
      if (value === null || value === undefined) continue;
      const object = value as Partial<KubeObject>;
      if (typeof object !== "object" || typeof object.kind !== "string" || typeof object.apiVersion !== "string") {
        return failure(`error: error validating "${file}": error validating data: invalid object to validate; if you choose to ignore these errors, turn validation off with --validate=false\n`);
      }
      objects.push(object as KubeObject);
    }
    if (objects.length === 0) return failure(`error: no objects passed to ${file === "" ? "apply" : "create"}\n`);
    return objects;
  }

  private oneManifest(command: Extract<KubectlCommand, { kind: "apply" | "replace" | "create-file" }>, object: KubeObject): KubectlOutput {
    const info = RESOURCES.find((candidate) => candidate.kind === object.kind && apiVersion(candidate) === object.apiVersion);
    if (info === undefined) return failure(`error: resource mapping not found for name: "${object.metadata?.name ?? ""}" namespace: "" from "${command.file}": no matches for kind "${object.kind}" in version "${object.apiVersion}"\n`);
    const name = object.metadata?.name ?? "";
    const fileNamespace = object.metadata?.namespace;
    if (fileNamespace !== undefined && command.namespaceGiven && fileNamespace !== command.namespace) {
      return failure(`error: the namespace from the provided object "${fileNamespace}" does not match the namespace "${command.namespace}". You must pass '--namespace=${fileNamespace}' to perform this operation.\n`);
    }
    const namespace = fileNamespace ?? command.namespace;
    const source = command.file;
    if (command.kind === "create-file") return this.created(info, this.call({ verb: "create", resource: info.resource, namespace, object }), name, source);
    if (command.kind === "replace") {
      const outcome = this.call({ verb: "update", resource: info.resource, namespace, object });
      return outcome.ok ? success(printAction(info, name, "replaced")) : serverError(outcome.status, `error when replacing "${source}": `);
    }
    const current = this.call({ verb: "get", resource: info.resource, namespace, name });
    if (!current.ok && current.status.code === 404) {
      const { resourceVersion: _ignored, ...metadata } = object.metadata;
      return this.created(info, this.call({ verb: "create", resource: info.resource, namespace, object: { ...object, metadata } }), name, source);
    }
    if (!current.ok) return serverError(current.status, `error when retrieving current configuration of:\nResource: "${info.group === "" ? "" : `${info.group}/`}${info.version}, Resource=${info.resource}", GroupVersionKind: "${object.apiVersion}, Kind=${object.kind}"\nName: "${name}", Namespace: "${namespace}"\nfrom server for: "${source}": `);
    const before = current.value.kind === "object" ? current.value.object.metadata.resourceVersion : undefined;
    const { metadata, apiVersion: _version, kind: _kind, status: _status, ...fields } = object;
    const { resourceVersion: _rv, name: _name, namespace: _namespace, ...meta } = metadata;
    const patch = { ...(Object.keys(meta).length > 0 ? { metadata: meta } : {}), ...fields } as JsonObject;
    const outcome = this.call({ verb: "patch", resource: info.resource, namespace, name, patch });
    if (!outcome.ok) return serverError(outcome.status, `error when applying patch:\nto:\nResource: "${info.resource}", Name: "${name}", Namespace: "${namespace}"\nfor: "${source}": `);
    const after = outcome.value.kind === "object" ? outcome.value.object.metadata.resourceVersion : undefined;
    return success(printAction(info, name, after === before ? "unchanged" : "configured"));
  }
}

/** What `kubectl create deployment NAME --image=I --replicas=N` sends. */
export function deploymentObject(name: string, image: string, replicas: number): KubeObject {
  const containerName = (image.split("/").pop() ?? image).split(":")[0]?.split("@")[0] ?? image;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: containerName, image }] } },
    },
  };
}

/**
 * The shell's `:write FILE` heredoc: the lines after it, up to a line `EOF`, become the host file's
 * content. Returns how many following lines it read, or the problem.
 */
export function writeHeredoc(files: EtcdCluster["files"], line: string, following: readonly string[]): { readonly used: number; readonly error?: string } {
  const words = line.trim().split(/\s+/).slice(1);
  if (words.length !== 1) return { used: 0, error: "usage: :write FILE (then the file's lines, then a line EOF)" };
  const end = following.findIndex((text) => text.trim() === "EOF");
  if (end < 0) return { used: following.length, error: `:write ${words[0]}: no line EOF ends the file's content` };
  try {
    files.write(words[0] as string, Buffer.from(following.slice(0, end).map((text) => `${text}\n`).join(""), "utf8"));
  } catch (error) {
    if (error instanceof InputError) return { used: end + 1, error: error.message };
    throw error;
  }
  return { used: end + 1 };
}
