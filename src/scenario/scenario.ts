/**
 * Scenario files: YAML that names a cluster, a network and disk model, optional planted bugs, an
 * optional nemesis, and a timeline of steps (faults, commands, waits, narration, expectations).
 *
 * The loader turns a file into a `Scenario` (plain, resolved data) or refuses it with one line:
 * `file:line:column: message`, with a hint for likely typos. See docs/scenario-format.md.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { z } from "zod";
import { InputError } from "../sim/errors.js";
import { DEFAULT_NEMESIS, NEMESIS_KINDS, type NemesisKind, type NemesisOptions } from "../sim/faults.js";
import { DEFAULT_LINK, type LatencyDistribution, type LinkModel } from "../sim/network.js";
import { MICROS_PER_MS, type Micros } from "../sim/time.js";
import { clusterKinds, expectationKinds, stepKinds } from "./registry.js";
import { type Path, YamlSource } from "./source.js";
import { durationSchema, latencySchema, probabilitySchema } from "./values.js";
import { closest } from "./words.js";
import "./kernel-steps.js";

export interface LoadedStep {
  /** `file:line:column` of the step, for messages. */
  readonly where: string;
  /** `line:column` of the step (the trace header records this, never a machine's path). */
  readonly position: string;
  /** Absolute virtual time to advance to before the step, when it has `at:`. */
  readonly at?: Micros;
  readonly kind: string;
  readonly value: unknown;
}

export interface Scenario {
  readonly file: string;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly seed: number;
  readonly cluster: { readonly kind: string; readonly options: unknown };
  readonly network: LinkModel;
  readonly fsync: LatencyDistribution;
  readonly bugs: readonly string[];
  readonly nemesis?: NemesisOptions;
  /** Keep running until this virtual time after the last step (if later). */
  readonly runUntil?: Micros;
  readonly steps: readonly LoadedStep[];
}

const TOP_LEVEL_KEYS = ["title", "description", "seed", "cluster", "network", "disk", "bugs", "nemesis", "run-until", "steps"];

const networkSchema = z.strictObject({
  latency: latencySchema.optional(),
  loss: probabilitySchema.optional(),
  duplicate: probabilitySchema.optional(),
  reorder: probabilitySchema.optional(),
  "reorder-delay": durationSchema.optional(),
});

const diskSchema = z.strictObject({ fsync: latencySchema.optional() });

const nemesisSchema = z.strictObject({
  from: durationSchema,
  until: durationSchema,
  "mean-gap": durationSchema.optional(),
  "max-drift": z.number().min(0).max(0.9).optional(),
  "max-slow-disk": z.number().int().min(2).optional(),
  "max-loss": probabilitySchema.optional(),
  ...Object.fromEntries(NEMESIS_KINDS.map((kind) => [kind, z.number().int().nonnegative().optional()])),
});

/** Loads a scenario file; `displayName` is how the file is named in messages (default: `path`). */
export function loadScenarioFile(path: string, displayName = path): Scenario {
  return parseScenario(readDefinitionFile(path, displayName, "scenario"), displayName);
}

/**
 * The text of a scenario or lesson file, or one clear error naming it as `displayName`: not found,
 * a directory, or unreadable.
 */
export function readDefinitionFile(path: string, displayName: string, kind: "scenario" | "lesson"): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`${kind} file '${displayName}' not found`);
    if (code === "EISDIR") throw new InputError(`'${displayName}' is a directory, not a ${kind} file`);
    throw new InputError(`cannot read ${kind} file '${displayName}' (${code ?? "error"})`);
  }
}

export function parseScenario(text: string, fileName: string): Scenario {
  const source = YamlSource.parse(text, fileName);
  const value = source.value();
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    source.fail([], "a scenario must be a YAML mapping with at least 'title', 'description' and 'steps'");
  }
  const top = value as Record<string, unknown>;
  source.checkKeys([], top, TOP_LEVEL_KEYS, "key");
  for (const required of ["title", "description", "steps"]) {
    if (top[required] === undefined) source.fail([], `missing '${required}'`);
  }
  const title = parseWith(source, ["title"], z.string().min(1), top.title);
  const description = parseWith(source, ["description"], z.string().min(1), top.description);
  const seed = top.seed === undefined ? 1 : parseWith(source, ["seed"], seedSchema, top.seed);
  const cluster = parseCluster(source, top.cluster);
  const network = parseNetwork(source, top.network);
  const disk = top.disk === undefined ? {} : parseWith(source, ["disk"], diskSchema, top.disk);
  const bugs = top.bugs === undefined ? [] : parseWith(source, ["bugs"], z.array(z.string()), top.bugs);
  const known = clusterKinds().get(cluster.kind)?.bugs ?? [];
  bugs.forEach((bug, index) => {
    if (!known.includes(bug)) source.fail(["bugs", index], unknownWord("bug", bug, known));
  });
  const nemesis = top.nemesis === undefined ? undefined : parseNemesis(source, top.nemesis);
  const runUntil = top["run-until"] === undefined ? undefined : parseWith(source, ["run-until"], durationSchema, top["run-until"]);
  const steps = parseSteps(source, top.steps, cluster.kind);
  return {
    file: fileName,
    name: basename(fileName).replace(/\.ya?ml$/, ""),
    title,
    description,
    seed,
    cluster,
    network,
    fsync: disk.fsync ?? { kind: "uniform", minUs: 1 * MICROS_PER_MS, maxUs: 3 * MICROS_PER_MS },
    bugs,
    ...(nemesis ? { nemesis } : {}),
    ...(runUntil !== undefined ? { runUntil } : {}),
    steps,
  };
}

export const seedSchema = z.number().int().min(0).max(2 ** 32 - 1);

function parseCluster(source: YamlSource, raw: unknown): { kind: string; options: unknown } {
  const value = raw === undefined ? {} : raw;
  if (typeof value !== "object" || value === null || Array.isArray(value)) source.fail(["cluster"], "'cluster' must be a mapping, e.g. {members: 3}");
  const { kind = "etcd", ...rest } = value as Record<string, unknown>;
  if (typeof kind !== "string" || !clusterKinds().has(kind)) {
    source.fail(["cluster", "kind"], unknownWord("cluster kind", String(kind), [...clusterKinds().keys()]));
  }
  const definition = clusterKinds().get(kind);
  const options = parseWith(source, ["cluster"], (definition as NonNullable<typeof definition>).schema, rest);
  return { kind, options };
}

function parseNetwork(source: YamlSource, raw: unknown): LinkModel {
  if (raw === undefined) return DEFAULT_LINK;
  const value = parseWith(source, ["network"], networkSchema, raw);
  return {
    latency: value.latency ?? DEFAULT_LINK.latency,
    lossPpm: value.loss ?? 0,
    duplicatePpm: value.duplicate ?? 0,
    reorderPpm: value.reorder ?? 0,
    reorderDelayUs: value["reorder-delay"] ?? 20 * MICROS_PER_MS,
  };
}

function parseNemesis(source: YamlSource, raw: unknown): NemesisOptions {
  const value = parseWith(source, ["nemesis"], nemesisSchema, raw) as z.infer<typeof nemesisSchema> & Partial<Record<NemesisKind, number>>;
  if (value.until <= value.from) source.fail(["nemesis", "until"], "'until' must be later than 'from'");
  const weights = Object.fromEntries(NEMESIS_KINDS.map((kind) => [kind, value[kind] ?? DEFAULT_NEMESIS.weights[kind]])) as Record<NemesisKind, number>;
  return {
    startUs: value.from,
    endUs: value.until,
    meanGapUs: value["mean-gap"] ?? DEFAULT_NEMESIS.meanGapUs,
    weights,
    maxDrift: value["max-drift"] ?? DEFAULT_NEMESIS.maxDrift,
    maxSlowDiskFactor: value["max-slow-disk"] ?? DEFAULT_NEMESIS.maxSlowDiskFactor,
    maxLossPpm: value["max-loss"] ?? DEFAULT_NEMESIS.maxLossPpm,
  };
}

function parseSteps(source: YamlSource, raw: unknown, cluster: string): LoadedStep[] {
  if (!Array.isArray(raw)) source.fail(["steps"], "'steps' must be a list of steps, e.g. '- crash: n1'");
  const steps: LoadedStep[] = [];
  let lastAt = 0;
  raw.forEach((item: unknown, index: number) => {
    const path: Path = ["steps", index];
    const step = parseStep(source, path, item, cluster);
    if (step.at !== undefined) {
      if (step.at < lastAt) source.fail([...path, "at"], `steps must be in time order: 'at' goes back to before an earlier step's 'at'`);
      lastAt = step.at;
    }
    steps.push(step);
  });
  return steps;
}

function parseStep(source: YamlSource, path: Path, item: unknown, cluster: string): LoadedStep {
  const where = source.where(path);
  const position = where.slice(source.fileName.length + 1);
  const fields: Record<string, unknown> =
    typeof item === "string" ? { [item]: null } : typeof item === "object" && item !== null && !Array.isArray(item) ? { ...(item as Record<string, unknown>) } : {};
  if (Object.keys(fields).length === 0) source.fail(path, "a step must be a mapping such as '- crash: n1' or a bare word such as '- heal'");
  let at: Micros | undefined;
  if ("at" in fields) {
    at = parseWith(source, [...path, "at"], durationSchema, fields.at);
    delete fields.at;
  }
  const kinds = Object.keys(fields);
  if (kinds.length === 0) source.fail(path, "a step with 'at' needs something to do at that time, e.g. '- {at: 2s, crash: n1}'");
  if (kinds.length > 1) source.fail([...path, kinds[1] as string], `one step does one thing: found both '${kinds[0]}' and '${kinds[1]}' (write two steps)`, true);
  const kind = kinds[0] as string;
  const keyPath: Path = typeof item === "string" ? path : [...path, kind];
  if (kind === "expect") return { where, position, ...(at !== undefined ? { at } : {}), kind, value: parseExpect(source, keyPath, fields.expect, cluster) };
  const definition = stepKinds().get(kind);
  if (definition === undefined) source.fail(keyPath, unknownWord("step", kind, [...stepKinds().keys(), "expect"]), true);
  if (definition.clusters !== undefined && !definition.clusters.includes(cluster)) {
    source.fail(keyPath, `step '${kind}' needs a cluster of kind ${definition.clusters.join(" or ")} (this scenario's cluster is '${cluster}')`, true);
  }
  const value = parseWith(source, keyPath, definition.schema, fields[kind]);
  return { where, position, ...(at !== undefined ? { at } : {}), kind, value };
}

export interface LoadedExpectation {
  readonly kind: string;
  readonly value: unknown;
}

function parseExpect(source: YamlSource, path: Path, raw: unknown, cluster: string): LoadedExpectation[] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    source.fail(path, "'expect' needs a mapping of expectations, e.g. 'expect: {status: {n1: crashed}}'");
  }
  return Object.entries(raw as Record<string, unknown>).map(([kind, value]) => {
    const definition = expectationKinds().get(kind);
    if (definition === undefined) source.fail([...path, kind], unknownWord("expectation", kind, [...expectationKinds().keys()]), true);
    if (definition.clusters !== undefined && !definition.clusters.includes(cluster)) {
      source.fail([...path, kind], `expectation '${kind}' needs a cluster of kind ${definition.clusters.join(" or ")}`, true);
    }
    return { kind, value: parseWith(source, [...path, kind], definition.schema, value) };
  });
}

export function unknownWord(what: string, word: string, known: readonly string[]): string {
  const hint = closest(word, known);
  return `unknown ${what} '${word}'${hint ? `: did you mean '${hint}'?` : known.length > 0 ? ` (known: ${[...known].sort().join(", ")})` : ""}`;
}

/** Parses `value` with `schema`, refusing it at the position of the first problem zod reports. */
export function parseWith<T>(source: YamlSource, path: Path, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const issuePath = [...path, ...(issue.path as Array<string | number>)];
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] as string;
    source.fail([...issuePath, key], `unknown key '${key}'`, true);
  }
  source.fail(issuePath, issue.message);
}
