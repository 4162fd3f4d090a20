/**
 * Reads a Jepsen history written as EDN maps, one event a line:
 *
 *     {:process 0, :type :invoke, :f :append, :key "4", :value "x 0 1 y"}
 *     {:process 0, :type :ok, :f :append, :key "4", :value "x 0 1 y"}
 *
 * `:process` is an integer (events of the `:nemesis` process are skipped), `:type` one of
 * `:invoke`, `:ok`, `:fail`, `:info`, and `:f` an operation of the register model (`:read`,
 * `:write`, `:cas`) or of the kv model (`:get`, `:put`, `:append`, with a string `:key`). An
 * optional `:error` (keyword or string) gives the reason of a `:fail` or `:info`; other keys (such
 * as `:time` or `:index`) are ignored. The time of an event is its line number.
 *
 * `historyToEdn` writes any history back in this form, so that etcdlab's histories can be read by
 * Jepsen's tools.
 */
import { EdnKeyword, EdnMap, formatEdn, readEdnMap, describeEdn, type EdnValue } from "./edn.js";
import type { History, KvHistory, Operation, RegisterHistory } from "./history.js";
import { JEPSEN_TYPES, JepsenPairing, KV_CODEC, REGISTER_CODEC, type JepsenCodec, type JepsenEvent, type JepsenType } from "./jepsen-events.js";
import { atLine, inputErrorAt, LineError } from "./line-error.js";
import type {
  EtcdCompare,
  EtcdKeyValue,
  EtcdOpResult,
  EtcdRequest,
  EtcdResponse,
  EtcdTxnOp,
  KvInput,
  KvOutput,
  RegisterInput,
  RegisterOutput,
} from "./operations.js";
import { assertNever } from "../../sim/errors.js";

/** Reads an EDN history; `model` is inferred from the first operation's `:f` when not given. */
export function parseEdnHistory(text: string, source: string, model?: "register" | "kv"): RegisterHistory | KvHistory {
  const lines = text.split("\n");
  const events: Array<{ readonly event: JepsenEvent; readonly line: number }> = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === "") continue;
    const event = atLine(source, index + 1, () => readEvent(line));
    if (event !== undefined) events.push({ event, line: index + 1 });
  }
  const first = events[0];
  const chosen = model ?? (first === undefined ? "register" : inferModel(first.event.f, source, first.line));
  if (chosen === "register") return { model: "register", operations: pair(events, REGISTER_CODEC, source), source };
  return { model: "kv", operations: pair(events, KV_CODEC, source), source };
}

function inferModel(f: string, source: string, line: number): "register" | "kv" {
  if (REGISTER_CODEC.functions.includes(f)) return "register";
  if (KV_CODEC.functions.includes(f)) return "kv";
  throw inputErrorAt(
    source,
    line,
    `':f :${f}' is no operation of a known model (register: ':read', ':write', ':cas'; kv: ':get', ':put', ':append')`,
  );
}

function pair<Input, Output>(
  events: ReadonlyArray<{ readonly event: JepsenEvent; readonly line: number }>,
  codec: JepsenCodec<Input, Output>,
  source: string,
): Operation<Input, Output>[] {
  const pairing = new JepsenPairing(codec);
  for (const { event, line } of events) atLine(source, line, () => pairing.add(event, line));
  return pairing.finish();
}

/** One event, or undefined for an event of the nemesis. */
function readEvent(line: string): JepsenEvent | undefined {
  const map = readEdnMap(line).entries;
  const process = map.get("process");
  if (process instanceof EdnKeyword && process.name === "nemesis") return undefined;
  if (typeof process === "string") {
    // What historyToEdn writes for an etcd history (clients have names): for Jepsen's tools only.
    throw new LineError(
      `expected ':process' to be a process number, got ${describeField(process)} (an etcd history exported as EDN is for Jepsen's tools: check the etcdlab .history.jsonl beside it)`,
    );
  }
  if (typeof process !== "number" || process < 0) {
    throw new LineError(`expected ':process' to be a process number, got ${describeField(process)}`);
  }
  const type = map.get("type");
  if (!(type instanceof EdnKeyword) || !(JEPSEN_TYPES as readonly string[]).includes(type.name)) {
    throw new LineError(`expected ':type' to be ':invoke', ':ok', ':fail' or ':info', got ${describeField(type)}`);
  }
  const f = map.get("f");
  if (!(f instanceof EdnKeyword)) throw new LineError(`expected ':f' to be a keyword such as ':read', got ${describeField(f)}`);
  const key = map.get("key");
  if (key !== undefined && typeof key !== "string") throw new LineError(`expected ':key' to be a string, got ${describeEdn(key)}`);
  const error = map.get("error");
  if (error !== undefined && typeof error !== "string" && !(error instanceof EdnKeyword)) {
    throw new LineError(`expected ':error' to be a keyword or a string, got ${describeEdn(error)}`);
  }
  if (!map.has("value")) throw new LineError("expected a ':value' (nil when there is none)");
  return {
    process,
    type: type.name as JepsenType,
    f: f.name,
    key,
    value: map.get("value") as EdnValue,
    error: error instanceof EdnKeyword ? error.name : error,
  };
}

function describeField(value: EdnValue | undefined): string {
  return value === undefined ? "nothing" : describeEdn(value);
}

// ---------------------------------------------------------------------------------------------
// export

interface TimedLine {
  readonly time: number;
  /** Completions sort after invocations at the same time; then by operation. */
  readonly order: number;
  readonly text: string;
}

/**
 * The history as Jepsen EDN events in time order: each operation's `:invoke`, then its `:ok` or
 * `:fail` at its return time; an unknown outcome becomes an `:info` at the end of the history (Jepsen
 * treats `:info` as concurrent with everything after the invocation, as the checker does).
 * etcd operations use `:f :range`, `:put`, `:delete` or `:txn` with the request and response as
 * EDN maps in `:value` (the field names of `EtcdRequest`/`EtcdResponse`, in kebab-case). Jepsen's
 * format has no place for an etcd history's restores (`epochs`): they are left out.
 */
export function historyToEdn(history: History): string {
  const lines: TimedLine[] = [];
  const end = history.operations.reduce((latest, op) => Math.max(latest, op.invokeTime, Number.isFinite(op.returnTime) ? op.returnTime : 0), 0);
  for (const operation of history.operations as ReadonlyArray<Operation>) {
    const invoke = ednEvent(history.model, operation, "invoke");
    lines.push({ time: operation.invokeTime, order: 2 * operation.id, text: invoke });
    const type = operation.outcome === "unknown" ? "info" : operation.outcome;
    const time = operation.outcome === "unknown" ? end + 1 : operation.returnTime;
    lines.push({ time, order: 2 * operation.id + 1, text: ednEvent(history.model, operation, type) });
  }
  lines.sort((a, b) => a.time - b.time || (a.order & 1) - (b.order & 1) || a.order - b.order);
  return lines.map((line) => `${line.text}\n`).join("");
}

function ednEvent(model: History["model"], operation: Operation, type: JepsenType): string {
  const entries = new Map<string, EdnValue>();
  entries.set("process", operation.process);
  entries.set("type", new EdnKeyword(type));
  switch (model) {
    case "register":
      registerFields(entries, operation as Operation<RegisterInput, RegisterOutput>, type);
      break;
    case "kv":
      kvFields(entries, operation as Operation<KvInput, KvOutput>, type);
      break;
    case "etcd":
      etcdFields(entries, operation as Operation<EtcdRequest, EtcdResponse>, type);
      break;
    default:
      assertNever(model, "model");
  }
  if (type !== "invoke" && type !== "ok" && operation.error !== undefined) entries.set("error", operation.error);
  return formatEdn(new EdnMap(entries));
}

function registerFields(entries: Map<string, EdnValue>, operation: Operation<RegisterInput, RegisterOutput>, type: JepsenType): void {
  const input = operation.input;
  entries.set("f", new EdnKeyword(input.type));
  switch (input.type) {
    case "read": {
      const output = operation.output;
      entries.set("value", type === "ok" && output?.type === "read" ? output.value : null);
      return;
    }
    case "write":
      entries.set("value", input.value);
      return;
    case "cas": {
      entries.set("value", [input.from, input.to]);
      // A cas that ran and found another value is Jepsen's `:fail`.
      if (type === "ok" && operation.output?.type === "cas" && !operation.output.succeeded) entries.set("type", new EdnKeyword("fail"));
      return;
    }
  }
}

function kvFields(entries: Map<string, EdnValue>, operation: Operation<KvInput, KvOutput>, type: JepsenType): void {
  const input = operation.input;
  entries.set("f", new EdnKeyword(input.type));
  entries.set("key", input.key);
  if (input.type === "get") {
    const output = operation.output;
    entries.set("value", type === "ok" && output?.type === "get" ? output.value : null);
  } else {
    entries.set("value", input.value);
  }
}

function etcdFields(entries: Map<string, EdnValue>, operation: Operation<EtcdRequest, EtcdResponse>, type: JepsenType): void {
  entries.set("f", new EdnKeyword(operation.input.type));
  const request = etcdRequestEdn(operation.input);
  const output = operation.output;
  entries.set("value", type === "ok" && output !== undefined ? new EdnMap(new Map([["request", request], ["response", etcdResponseEdn(output)]])) : request);
}

function etcdRequestEdn(request: EtcdRequest | EtcdTxnOp): EdnMap {
  const entries = new Map<string, EdnValue>();
  switch (request.type) {
    case "range":
      entries.set("key", request.key);
      if (request.end !== undefined) entries.set("end", request.end);
      if (request.limit !== undefined) entries.set("limit", request.limit);
      if (request.revision !== undefined) entries.set("revision", request.revision);
      break;
    case "put":
      entries.set("key", request.key);
      entries.set("value", request.value);
      break;
    case "delete":
      entries.set("key", request.key);
      if (request.end !== undefined) entries.set("end", request.end);
      break;
    case "txn":
      entries.set("compare", request.compare.map(compareEdn));
      entries.set("success", request.success.map((op) => withType(op.type, etcdRequestEdn(op))));
      entries.set("failure", request.failure.map((op) => withType(op.type, etcdRequestEdn(op))));
      break;
    default:
      assertNever(request, "etcd request");
  }
  return new EdnMap(entries);
}

function compareEdn(compare: EtcdCompare): EdnMap {
  return new EdnMap(
    new Map<string, EdnValue>([
      ["key", compare.key],
      ["target", new EdnKeyword(compare.target)],
      ["operator", compare.operator],
      ["value", compare.value],
    ]),
  );
}

function etcdResponseEdn(response: EtcdResponse): EdnMap {
  const entries = new Map<string, EdnValue>([["revision", response.revision]]);
  if (response.type === "txn") {
    entries.set("succeeded", response.succeeded);
    entries.set("results", response.results.map((result) => withType(result.type, resultEdn(result))));
  } else {
    for (const [key, value] of resultEdn(response).entries) entries.set(key, value);
  }
  return new EdnMap(entries);
}

function resultEdn(result: EtcdOpResult): EdnMap {
  switch (result.type) {
    case "range":
      return new EdnMap(new Map<string, EdnValue>([["kvs", result.kvs.map(keyValueEdn)], ["count", result.count]]));
    case "put":
      return new EdnMap(new Map());
    case "delete":
      return new EdnMap(new Map<string, EdnValue>([["deleted", result.deleted]]));
  }
}

function keyValueEdn(kv: EtcdKeyValue): EdnMap {
  const entries = new Map<string, EdnValue>([
    ["key", kv.key],
    ["value", kv.value],
    ["mod-revision", kv.modRevision],
  ]);
  if (kv.createRevision !== undefined) entries.set("create-revision", kv.createRevision);
  if (kv.version !== undefined) entries.set("version", kv.version);
  return new EdnMap(entries);
}

function withType(type: string, map: EdnMap): EdnMap {
  return new EdnMap(new Map<string, EdnValue>([["type", new EdnKeyword(type)], ...map.entries]));
}
