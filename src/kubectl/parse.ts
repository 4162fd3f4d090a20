/**
 * kubectl's command language, the part etcdlab speaks: a line's words become a `KubectlCommand`,
 * or kubectl's own one-line error (`error: unknown flag: --foo`).
 *
 *   kubectl create configmap NAME [--from-literal=K=V ...]
 *   kubectl create deployment NAME --image=I [--replicas=N]
 *   kubectl create -f FILE | kubectl apply -f FILE | kubectl replace -f FILE
 *   kubectl run NAME --image=I
 *   kubectl get RESOURCE [NAME] [-o json|yaml|wide] | kubectl get --raw PATH
 *   kubectl scale deployment NAME --replicas=N
 *   kubectl delete RESOURCE NAME
 *
 * Every command takes `-n NS` / `--namespace NS` (default `default`).
 */
import { splitShellWords } from "../etcdctl/words.js";
import { findResource, type ResourceInfo } from "../kube/resources.js";

export type OutputFormat = "table" | "wide" | "json" | "yaml" | "name";

export type KubectlCommand =
  | { readonly kind: "create-configmap"; readonly name: string; readonly literals: readonly (readonly [string, string])[]; readonly namespace: string }
  | { readonly kind: "create-deployment"; readonly name: string; readonly image: string; readonly replicas: number; readonly namespace: string }
  | { readonly kind: "run"; readonly name: string; readonly image: string; readonly namespace: string }
  | { readonly kind: "get"; readonly resource: ResourceInfo; readonly name: string | undefined; readonly output: OutputFormat; readonly namespace: string; readonly namespaceGiven: boolean }
  | { readonly kind: "get-raw"; readonly path: string }
  | { readonly kind: "scale"; readonly resource: ResourceInfo; readonly name: string; readonly replicas: number; readonly namespace: string }
  /** `kubectl delete TYPE NAME...` or `kubectl delete TYPE/NAME...`: the objects in the order given. */
  | { readonly kind: "delete"; readonly targets: readonly (readonly [ResourceInfo, string])[]; readonly namespace: string }
  | { readonly kind: "apply" | "replace" | "create-file"; readonly file: string; readonly namespace: string; readonly namespaceGiven: boolean };

export type KubectlParse = { readonly ok: true; readonly command: KubectlCommand } | { readonly ok: false; readonly error: string };

/** Flags each command accepts, and whether they take a value. */
const FLAG_VALUES: Readonly<Record<string, boolean>> = {
  namespace: true,
  output: true,
  image: true,
  replicas: true,
  "from-literal": true,
  filename: true,
  raw: true,
};
const SHORT_FLAGS: Readonly<Record<string, string>> = { n: "namespace", o: "output", f: "filename" };

interface Flags {
  readonly positional: string[];
  readonly values: Map<string, string[]>;
}

class ParseError extends Error {}

function fail(message: string): never {
  throw new ParseError(message);
}

/** Splits words into positional arguments and flags (`--flag=v`, `--flag v`, `-n v`, `-nv`). */
function readFlags(words: readonly string[], command: string, allowed: readonly string[]): Flags {
  const positional: string[] = [];
  const values = new Map<string, string[]>();
  const add = (flag: string, value: string): void => {
    if (!allowed.includes(flag)) fail(`unknown flag: --${flag}\nSee 'kubectl ${command} --help' for usage.`);
    values.set(flag, [...(values.get(flag) ?? []), value]);
  };
  for (let index = 0; index < words.length; index++) {
    const word = words[index] as string;
    if (word.startsWith("--")) {
      const [name, inline] = splitOnce(word.slice(2));
      if (!(name in FLAG_VALUES) || !allowed.includes(name)) fail(`unknown flag: --${name}\nSee 'kubectl ${command} --help' for usage.`);
      if (inline !== undefined) add(name, inline);
      else if (index + 1 < words.length) add(name, words[++index] as string);
      else fail(`flag needs an argument: --${name}`);
    } else if (word.startsWith("-") && word.length > 1) {
      const letter = word[1] as string;
      const name = SHORT_FLAGS[letter];
      if (name === undefined || !allowed.includes(name)) fail(`unknown shorthand flag: '${letter}' in ${word}\nSee 'kubectl ${command} --help' for usage.`);
      const rest = word.slice(2).replace(/^=/, "");
      if (rest !== "") add(name, rest);
      else if (index + 1 < words.length) add(name, words[++index] as string);
      else fail(`flag needs an argument: '${letter}' in -${letter}`);
    } else positional.push(word);
  }
  return { positional, values };
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf("=");
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function last(flags: Flags, name: string): string | undefined {
  const values = flags.values.get(name);
  return values === undefined ? undefined : values[values.length - 1];
}

function namespaceOf(flags: Flags): string {
  const namespace = last(flags, "namespace") ?? "default";
  if (namespace === "") fail("a resource cannot be retrieved by name across all namespaces");
  return namespace;
}

function replicasOf(flags: Flags, fallback: number | undefined): number {
  const text = last(flags, "replicas");
  if (text === undefined) {
    if (fallback === undefined) fail("required flag(s) \"replicas\" not set");
    return fallback;
  }
  if (!/^\d+$/.test(text)) fail(`invalid argument "${text}" for "--replicas" flag: strconv.ParseInt: parsing "${text}": invalid syntax`);
  return Number(text);
}

function resourceOf(name: string): ResourceInfo {
  const info = findResource(name);
  if (info === undefined) fail(`the server doesn't have a resource type "${name}"`);
  return info;
}

function exactlyOneName(flags: Flags): string {
  if (flags.positional.length !== 1) fail(`exactly one NAME is required, got ${flags.positional.length}`);
  return flags.positional[0] as string;
}

const OUTPUTS: readonly OutputFormat[] = ["json", "yaml", "wide", "name"];

export function parseKubectl(line: string): KubectlParse {
  const split = splitShellWords(line);
  if (!split.ok) return { ok: false, error: `error: ${split.error}` };
  const words = split.words.map((word) => word.text);
  if (words[0] !== "kubectl") throw new Error("assertion failed: a kubectl line starts with kubectl");
  try {
    return { ok: true, command: parseWords(words.slice(1)) };
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, error: `error: ${error.message}` };
    throw error;
  }
}

function parseWords(words: readonly string[]): KubectlCommand {
  const verb = words[0];
  const rest = words.slice(1);
  switch (verb) {
    case undefined:
      return fail("a command is required (known: create, run, get, scale, delete, apply, replace)");
    case "create":
      return parseCreate(rest);
    case "run": {
      const flags = readFlags(rest, "run", ["namespace", "image"]);
      if (flags.positional.length === 0) fail("NAME is required for run");
      const image = last(flags, "image");
      if (image === undefined || image === "") fail("--image is required");
      return { kind: "run", name: flags.positional[0] as string, image, namespace: namespaceOf(flags) };
    }
    case "get":
      return parseGet(rest);
    case "scale": {
      const flags = readFlags(rest, "scale", ["namespace", "replicas"]);
      const replicas = replicasOf(flags, undefined);
      const [type, name] = typeAndName(flags);
      return { kind: "scale", resource: type, name, replicas, namespace: namespaceOf(flags) };
    }
    case "delete": {
      const flags = readFlags(rest, "delete", ["namespace"]);
      return { kind: "delete", targets: deleteTargets(flags.positional), namespace: namespaceOf(flags) };
    }
    case "apply":
    case "replace": {
      const flags = readFlags(rest, verb, ["namespace", "filename"]);
      const file = last(flags, "filename");
      if (file === undefined) fail(verb === "apply" ? "must specify one of -f and -k" : "must specify --filename to replace");
      return { kind: verb, file, namespace: namespaceOf(flags), namespaceGiven: flags.values.has("namespace") };
    }
    default:
      return fail(`unknown command "${verb}" for "kubectl"`);
  }
}

/** `TYPE NAME` or `TYPE/NAME`. */
function typeAndName(flags: Flags): [ResourceInfo, string] {
  const [first, second] = flags.positional;
  if (first === undefined) fail("You must provide one or more resources by argument or filename.");
  if (first.includes("/")) {
    const [type, name] = splitSlash(first);
    return [resourceOf(type), name];
  }
  if (second === undefined) fail("resource(s) were provided, but no name was specified");
  return [resourceOf(first), second];
}

/** `TYPE NAME...` or `TYPE/NAME...` (kubectl's `ResourceTypeOrNameArgs`, one resource type). */
function deleteTargets(words: readonly string[]): [ResourceInfo, string][] {
  const [first, ...rest] = words;
  if (first === undefined) fail("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
  if (first.includes("/")) {
    return words.map((word) => {
      if (!word.includes("/")) fail(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'`);
      const [type, name] = splitSlash(word);
      if (type === "" || name === "" || name.includes("/")) fail("arguments in resource/name form must have a single resource and name");
      return [resourceOf(type), name];
    });
  }
  const info = resourceOf(first);
  if (rest.length === 0) fail(`resource(s) were provided, but no name was specified`);
  return rest.map((name) => [info, name]);
}

function splitSlash(text: string): [string, string] {
  const at = text.indexOf("/");
  return [text.slice(0, at), text.slice(at + 1)];
}

function parseCreate(words: readonly string[]): KubectlCommand {
  const sub = words[0];
  if (sub === "configmap" || sub === "cm") {
    const flags = readFlags(words.slice(1), "create configmap", ["namespace", "from-literal"]);
    const name = exactlyOneName(flags);
    const literals = (flags.values.get("from-literal") ?? []).map((literal): [string, string] => {
      const [key, value] = splitOnce(literal);
      if (value === undefined || key === "") fail(`invalid literal source ${literal}, expected key=value`);
      return [key, value];
    });
    return { kind: "create-configmap", name, literals, namespace: namespaceOf(flags) };
  }
  if (sub === "deployment" || sub === "deploy") {
    const flags = readFlags(words.slice(1), "create deployment", ["namespace", "image", "replicas"]);
    const name = exactlyOneName(flags);
    const image = last(flags, "image");
    if (image === undefined || image === "") fail('required flag(s) "image" not set');
    return { kind: "create-deployment", name, image, replicas: replicasOf(flags, 1), namespace: namespaceOf(flags) };
  }
  const flags = readFlags(words, "create", ["namespace", "filename"]);
  const file = last(flags, "filename");
  if (flags.positional.length > 0) fail(`unknown command "${flags.positional[0]}" for "kubectl create" (etcdlab knows configmap, deployment, -f FILE)`);
  if (file === undefined) fail("must specify one of -f and -k");
  return { kind: "create-file", file, namespace: namespaceOf(flags), namespaceGiven: flags.values.has("namespace") };
}

function parseGet(words: readonly string[]): KubectlCommand {
  const flags = readFlags(words, "get", ["namespace", "output", "raw"]);
  const raw = last(flags, "raw");
  if (raw !== undefined) {
    if (flags.positional.length > 0) fail("arguments may not be passed when --raw is specified");
    return { kind: "get-raw", path: raw };
  }
  const output = last(flags, "output");
  if (output !== undefined && !(OUTPUTS as readonly string[]).includes(output)) {
    fail(`unable to match a printer suitable for the output format "${output}", allowed formats are: json,name,wide,yaml`);
  }
  const [first, second, third] = flags.positional;
  if (first === undefined) fail("Required resource not specified.");
  if (third !== undefined) fail("etcdlab's kubectl get takes one resource type and at most one name");
  let resource: ResourceInfo;
  let name: string | undefined;
  if (first.includes("/")) {
    if (second !== undefined) fail("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'");
    const [type, objectName] = splitSlash(first);
    resource = resourceOf(type);
    name = objectName;
  } else {
    resource = resourceOf(first);
    name = second;
  }
  return { kind: "get", resource, name, output: output === undefined ? "table" : (output as OutputFormat), namespace: namespaceOf(flags), namespaceGiven: flags.values.has("namespace") };
}
