/**
 * Strict readers of the operation shapes of `operations.ts` from parsed JSON: every field is
 * checked, unknown fields are refused, and a problem is a `LineError` naming the field path
 * (`input.success[0].key: expected a string, got 3`).
 */
import { LineError } from "./line-error.js";
import type {
  EtcdCompare,
  EtcdEpoch,
  EtcdKeyValue,
  EtcdOpResult,
  EtcdRequest,
  EtcdResponse,
  EtcdTxnOp,
  KvInput,
  KvOutput,
  ModelName,
  ModelShapes,
  RegisterInput,
  RegisterOutput,
  RegisterValue,
} from "./operations.js";

type JsonObject = Readonly<Record<string, unknown>>;

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** `value` as an object with exactly the `required` fields and some of the `optional` ones. */
export function jsonObject(value: unknown, path: string, required: readonly string[], optional: readonly string[] = []): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new LineError(`${path}: expected an object, got ${describe(value)}`);
  }
  const object = value as JsonObject;
  for (const name of required) {
    if (!(name in object)) throw new LineError(`${path}: missing the field '${name}'`);
  }
  for (const name of Object.keys(object)) {
    if (!required.includes(name) && !optional.includes(name)) {
      throw new LineError(`${path}: unknown field '${name}' (expected ${[...required, ...optional].map((n) => `'${n}'`).join(", ")})`);
    }
  }
  return object;
}

export function jsonString(value: unknown, path: string): string {
  if (typeof value !== "string") throw new LineError(`${path}: expected a string, got ${describe(value)}`);
  return value;
}

export function jsonInteger(value: unknown, path: string, minimum = 0): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < minimum) {
    throw new LineError(`${path}: expected an integer >= ${minimum}, got ${describe(value)}`);
  }
  return value;
}

function jsonBoolean(value: unknown, path: string): boolean {
  if (typeof value !== "boolean") throw new LineError(`${path}: expected true or false, got ${describe(value)}`);
  return value;
}

function jsonArray(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new LineError(`${path}: expected an array, got ${describe(value)}`);
  return value;
}

function oneOf<T extends string>(value: unknown, path: string, choices: readonly T[]): T {
  if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
    throw new LineError(`${path}: expected ${choices.map((c) => `"${c}"`).join(", ")}, got ${describe(value)}`);
  }
  return value as T;
}

/** The `type` field of the object `value`, one of `choices` (the other fields are checked later). */
function typeOf<T extends string>(value: unknown, path: string, choices: readonly T[]): T {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new LineError(`${path}: expected an object, got ${describe(value)}`);
  }
  return oneOf((value as JsonObject).type, `${path}.type`, choices);
}

// ---------------------------------------------------------------------------------------------
// register

function registerValue(value: unknown, path: string): RegisterValue {
  if (value === null || typeof value === "string" || (typeof value === "number" && Number.isSafeInteger(value))) return value;
  throw new LineError(`${path}: expected an integer, a string or null, got ${describe(value)}`);
}

function registerInput(value: unknown, path: string): RegisterInput {
  const type = typeOf(value, path, ["read", "write", "cas"] as const);
  switch (type) {
    case "read":
      jsonObject(value, path, ["type"]);
      return { type };
    case "write": {
      const object = jsonObject(value, path, ["type", "value"]);
      return { type, value: registerValue(object.value, `${path}.value`) };
    }
    case "cas": {
      const object = jsonObject(value, path, ["type", "from", "to"]);
      return { type, from: registerValue(object.from, `${path}.from`), to: registerValue(object.to, `${path}.to`) };
    }
  }
}

function registerOutput(value: unknown, path: string, input: RegisterInput): RegisterOutput {
  sameType(value, path, input.type);
  switch (input.type) {
    case "read": {
      const object = jsonObject(value, path, ["type", "value"]);
      return { type: "read", value: registerValue(object.value, `${path}.value`) };
    }
    case "write":
      jsonObject(value, path, ["type"]);
      return { type: "write" };
    case "cas": {
      const object = jsonObject(value, path, ["type", "succeeded"]);
      return { type: "cas", succeeded: jsonBoolean(object.succeeded, `${path}.succeeded`) };
    }
  }
}

/** Checks that the output `value` is an object of the same `type` as its input. */
function sameType(value: unknown, path: string, type: string): void {
  typeOf(value, path, [type]);
}

// ---------------------------------------------------------------------------------------------
// kv

function kvInput(value: unknown, path: string): KvInput {
  const type = typeOf(value, path, ["get", "put", "append"] as const);
  if (type === "get") {
    const object = jsonObject(value, path, ["type", "key"]);
    return { type, key: jsonString(object.key, `${path}.key`) };
  }
  const object = jsonObject(value, path, ["type", "key", "value"]);
  return { type, key: jsonString(object.key, `${path}.key`), value: jsonString(object.value, `${path}.value`) };
}

function kvOutput(value: unknown, path: string, input: KvInput): KvOutput {
  sameType(value, path, input.type);
  if (input.type === "get") {
    const object = jsonObject(value, path, ["type", "value"]);
    return { type: "get", value: jsonString(object.value, `${path}.value`) };
  }
  jsonObject(value, path, ["type"]);
  return { type: input.type };
}

// ---------------------------------------------------------------------------------------------
// etcd

function etcdOp(value: unknown, path: string): EtcdTxnOp {
  const type = typeOf(value, path, ["range", "put", "delete"] as const);
  switch (type) {
    case "range": {
      const object = jsonObject(value, path, ["type", "key"], ["end", "limit", "revision"]);
      return {
        type,
        key: jsonString(object.key, `${path}.key`),
        ...(object.end === undefined ? {} : { end: jsonString(object.end, `${path}.end`) }),
        ...(object.limit === undefined ? {} : { limit: jsonInteger(object.limit, `${path}.limit`) }),
        ...(object.revision === undefined ? {} : { revision: jsonInteger(object.revision, `${path}.revision`) }),
      };
    }
    case "put": {
      const object = jsonObject(value, path, ["type", "key", "value"]);
      return { type, key: jsonString(object.key, `${path}.key`), value: jsonString(object.value, `${path}.value`) };
    }
    case "delete": {
      const object = jsonObject(value, path, ["type", "key"], ["end"]);
      return {
        type,
        key: jsonString(object.key, `${path}.key`),
        ...(object.end === undefined ? {} : { end: jsonString(object.end, `${path}.end`) }),
      };
    }
  }
}

function etcdCompare(value: unknown, path: string): EtcdCompare {
  const object = jsonObject(value, path, ["key", "target", "operator", "value"]);
  const target = oneOf(object.target, `${path}.target`, ["value", "version", "create", "mod"] as const);
  const operator = oneOf(object.operator, `${path}.operator`, ["=", "!=", "<", ">"] as const);
  const compared = target === "value" ? jsonString(object.value, `${path}.value`) : jsonInteger(object.value, `${path}.value`);
  return { key: jsonString(object.key, `${path}.key`), target, operator, value: compared };
}

function etcdRequest(value: unknown, path: string): EtcdRequest {
  const type = typeOf(value, path, ["range", "put", "delete", "txn"] as const);
  if (type !== "txn") return etcdOp(value, path);
  const object = jsonObject(value, path, ["type", "compare", "success", "failure"]);
  return {
    type,
    compare: jsonArray(object.compare, `${path}.compare`).map((item, index) => etcdCompare(item, `${path}.compare[${index}]`)),
    success: jsonArray(object.success, `${path}.success`).map((item, index) => etcdOp(item, `${path}.success[${index}]`)),
    failure: jsonArray(object.failure, `${path}.failure`).map((item, index) => etcdOp(item, `${path}.failure[${index}]`)),
  };
}

function etcdKeyValue(value: unknown, path: string): EtcdKeyValue {
  const object = jsonObject(value, path, ["key", "value", "modRevision"], ["createRevision", "version"]);
  return {
    key: jsonString(object.key, `${path}.key`),
    value: jsonString(object.value, `${path}.value`),
    modRevision: jsonInteger(object.modRevision, `${path}.modRevision`, 1),
    ...(object.createRevision === undefined ? {} : { createRevision: jsonInteger(object.createRevision, `${path}.createRevision`, 1) }),
    ...(object.version === undefined ? {} : { version: jsonInteger(object.version, `${path}.version`, 1) }),
  };
}

/** A restore line's body (`EtcdEpoch`). */
export function etcdEpoch(value: unknown, path: string): EtcdEpoch {
  const object = jsonObject(value, path, ["time", "revision", "kvs"]);
  return {
    time: jsonInteger(object.time, `${path}.time`),
    revision: jsonInteger(object.revision, `${path}.revision`, 1),
    kvs: jsonArray(object.kvs, `${path}.kvs`).map((item, index) => etcdKeyValue(item, `${path}.kvs[${index}]`)),
  };
}

/** The result of `op` (a range, put or delete), with or without a header revision field. */
function etcdOpResult(value: unknown, path: string, op: EtcdTxnOp, extra: readonly string[]): EtcdOpResult {
  sameType(value, path, op.type);
  switch (op.type) {
    case "range": {
      const object = jsonObject(value, path, ["type", "kvs", "count", ...extra]);
      const kvs = jsonArray(object.kvs, `${path}.kvs`).map((item, index) => etcdKeyValue(item, `${path}.kvs[${index}]`));
      return { type: "range", kvs, count: jsonInteger(object.count, `${path}.count`) };
    }
    case "put":
      jsonObject(value, path, ["type", ...extra]);
      return { type: "put" };
    case "delete": {
      const object = jsonObject(value, path, ["type", "deleted", ...extra]);
      return { type: "delete", deleted: jsonInteger(object.deleted, `${path}.deleted`) };
    }
  }
}

function etcdResponse(value: unknown, path: string, request: EtcdRequest): EtcdResponse {
  sameType(value, path, request.type);
  const revision = jsonInteger((value as JsonObject).revision, `${path}.revision`, 1);
  if (request.type !== "txn") return { ...etcdOpResult(value, path, request, ["revision"]), revision };
  const object = jsonObject(value, path, ["type", "revision", "succeeded", "results"]);
  const succeeded = jsonBoolean(object.succeeded, `${path}.succeeded`);
  const branch = succeeded ? request.success : request.failure;
  const results = jsonArray(object.results, `${path}.results`);
  if (results.length !== branch.length) {
    throw new LineError(
      `${path}.results: expected ${branch.length} result(s), one per operation of the ${succeeded ? "success" : "failure"} branch, got ${results.length}`,
    );
  }
  return {
    type: "txn",
    revision,
    succeeded,
    results: results.map((item, index) => etcdOpResult(item, `${path}.results[${index}]`, branch[index] as EtcdTxnOp, [])),
  };
}

// ---------------------------------------------------------------------------------------------

export interface JsonShapes<Input, Output> {
  input(value: unknown, path: string): Input;
  output(value: unknown, path: string, input: Input): Output;
}

const SHAPES: { readonly [M in ModelName]: JsonShapes<ModelShapes[M]["input"], ModelShapes[M]["output"]> } = {
  register: { input: registerInput, output: registerOutput },
  kv: { input: kvInput, output: kvOutput },
  etcd: { input: etcdRequest, output: etcdResponse },
};

export function jsonShapes<M extends ModelName>(model: M): JsonShapes<ModelShapes[M]["input"], ModelShapes[M]["output"]> {
  return SHAPES[model];
}
