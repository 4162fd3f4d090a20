/**
 * Flag parsing as spf13/pflag does it for cobra commands: `--flag value`, `--flag=value`, `-f value`,
 * `-fvalue`, `-f=value`, bool flags without a value (`--prefix`, `--prefix=false`), grouped bool
 * shorthands, flags anywhere among the arguments (interspersed), `--` ending the flags; and pflag's
 * error texts (`unknown flag: --foo`, `unknown shorthand flag: 'x' in -x`, `flag needs an argument:
 * --limit`, `invalid argument "x" for "--limit" flag: strconv.ParseInt: ...`, `bad flag syntax: ---x`).
 *
 * Values: bool, string, int64 (Go `strconv.ParseInt(s, 0, 64)`: `0x10`, `0o7`, `1_000`), duration
 * (`time.ParseDuration`) and string slice (comma separated; each use appends).
 */
import { parseGoBool, parseGoDuration, parseGoInt, quoteText } from "./go-format.js";

export type FlagKind = "bool" | "string" | "int64" | "duration" | "stringSlice";

export interface FlagSpec {
  readonly name: string;
  readonly shorthand?: string;
  readonly kind: FlagKind;
  /** The default, written as on the command line ("" and "false" for most). */
  readonly defaultValue: string;
}

export type FlagValue = boolean | string | bigint | readonly string[];

interface FlagState {
  readonly spec: FlagSpec;
  value: FlagValue;
  changed: boolean;
}

/** Parsed flag values; reading a flag that was not declared is a bug. */
export class FlagValues {
  constructor(private readonly states: ReadonlyMap<string, FlagState>) {}

  private state(name: string): FlagState {
    const state = this.states.get(name);
    if (state === undefined) throw new Error(`assertion failed: flag --${name} is not declared`);
    return state;
  }

  bool(name: string): boolean {
    const value = this.state(name).value;
    if (typeof value !== "boolean") throw new Error(`assertion failed: flag --${name} is not a bool`);
    return value;
  }

  string(name: string): string {
    const value = this.state(name).value;
    if (typeof value !== "string") throw new Error(`assertion failed: flag --${name} is not a string`);
    return value;
  }

  /** An int64 flag, or a duration flag in nanoseconds. */
  integer(name: string): bigint {
    const value = this.state(name).value;
    if (typeof value !== "bigint") throw new Error(`assertion failed: flag --${name} is not an integer`);
    return value;
  }

  list(name: string): readonly string[] {
    const value = this.state(name).value;
    if (!Array.isArray(value)) throw new Error(`assertion failed: flag --${name} is not a list`);
    return value;
  }

  changed(name: string): boolean {
    return this.state(name).changed;
  }
}

export type FlagParseOutcome =
  | { readonly ok: true; readonly values: FlagValues; readonly positional: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** pflag's `readAsCSV`: comma-separated fields, "quoted" fields may hold commas ("" is a quote). */
function readCsv(text: string): { readonly ok: true; readonly fields: string[] } | { readonly ok: false; readonly error: string } {
  if (text === "") return { ok: true, fields: [] };
  const fields: string[] = [];
  let index = 0;
  while (index <= text.length) {
    if (text[index] === '"') {
      let value = "";
      index += 1;
      for (;;) {
        if (index >= text.length) return { ok: false, error: `parse error on line 1, column ${index + 1}: extraneous or missing " in quoted-field` };
        if (text[index] === '"' && text[index + 1] === '"') {
          value += '"';
          index += 2;
        } else if (text[index] === '"') {
          index += 1;
          break;
        } else {
          value += text[index] ?? "";
          index += 1;
        }
      }
      if (index < text.length && text[index] !== ",") return { ok: false, error: `parse error on line 1, column ${index + 1}: extraneous or missing " in quoted-field` };
      fields.push(value);
    } else {
      const end = text.indexOf(",", index);
      const value = text.slice(index, end < 0 ? text.length : end);
      const quote = value.indexOf('"');
      if (quote >= 0) return { ok: false, error: `parse error on line 1, column ${index + quote + 1}: bare " in non-quoted-field` };
      fields.push(value);
      index += value.length;
    }
    if (index >= text.length) break;
    index += 1;
  }
  return { ok: true, fields };
}

function initialValue(spec: FlagSpec): FlagValue {
  switch (spec.kind) {
    case "bool":
      return spec.defaultValue === "true";
    case "string":
      return spec.defaultValue;
    case "int64":
      return BigInt(spec.defaultValue);
    case "duration": {
      const parsed = parseGoDuration(spec.defaultValue);
      if (!parsed.ok) throw new Error(`assertion failed: default of --${spec.name} is not a duration`);
      return parsed.value;
    }
    case "stringSlice":
      return spec.defaultValue === "" ? [] : spec.defaultValue.split(",");
  }
}

/** Sets a flag from its text; returns the error of the value's parser. */
function setValue(state: FlagState, text: string): string | undefined {
  const spec = state.spec;
  switch (spec.kind) {
    case "bool": {
      const parsed = parseGoBool(text);
      if (!parsed.ok) return parsed.error;
      state.value = parsed.value;
      break;
    }
    case "string":
      state.value = text;
      break;
    case "int64": {
      const parsed = parseGoInt(text, 0);
      if (!parsed.ok) return parsed.error;
      state.value = parsed.value;
      break;
    }
    case "duration": {
      const parsed = parseGoDuration(text);
      if (!parsed.ok) return parsed.error;
      state.value = parsed.value;
      break;
    }
    case "stringSlice": {
      const parsed = readCsv(text);
      if (!parsed.ok) return parsed.error;
      state.value = state.changed && Array.isArray(state.value) ? [...state.value, ...parsed.fields] : parsed.fields;
      break;
    }
  }
  state.changed = true;
  return undefined;
}

function invalidArgument(state: FlagState, text: string, error: string): string {
  const spec = state.spec;
  const flagName = spec.shorthand === undefined ? `--${spec.name}` : `-${spec.shorthand}, --${spec.name}`;
  return `invalid argument ${quoteText(text)} for ${quoteText(flagName)} flag: ${error}`;
}

/** Go's `%q` of a byte (a shorthand letter): 'x'. */
function quoteChar(char: string): string {
  return char === "'" ? "'\\''" : `'${char}'`;
}

class FlagParser {
  readonly positional: string[] = [];
  private readonly byName = new Map<string, FlagState>();
  private readonly byShorthand = new Map<string, FlagState>();

  constructor(specs: readonly FlagSpec[]) {
    for (const spec of specs) {
      const state: FlagState = { spec, value: initialValue(spec), changed: false };
      this.byName.set(spec.name, state);
      if (spec.shorthand !== undefined) this.byShorthand.set(spec.shorthand, state);
    }
  }

  values(): FlagValues {
    return new FlagValues(this.byName);
  }

  private set(state: FlagState, text: string): string | undefined {
    const error = setValue(state, text);
    return error === undefined ? undefined : invalidArgument(state, text, error);
  }

  /** `--name[=value]`; returns the error, consuming the next argument as the value when needed. */
  parseLong(word: string, rest: string[]): string | undefined {
    const body = word.slice(2);
    if (body.length === 0 || body.startsWith("-") || body.startsWith("=")) return `bad flag syntax: ${word}`;
    const equals = body.indexOf("=");
    const name = equals < 0 ? body : body.slice(0, equals);
    const state = this.byName.get(name);
    if (state === undefined) return `unknown flag: --${name}`;
    if (equals >= 0) return this.set(state, body.slice(equals + 1));
    if (state.spec.kind === "bool") return this.set(state, "true");
    const value = rest.shift();
    if (value === undefined) return `flag needs an argument: ${word}`;
    return this.set(state, value);
  }

  /** `-abc`, `-w json`, `-wjson`, `-w=json`. */
  parseShort(word: string, rest: string[]): string | undefined {
    let shorthands = word.slice(1);
    while (shorthands.length > 0) {
      const char = shorthands[0] ?? "";
      const state = this.byShorthand.get(char);
      if (state === undefined) return `unknown shorthand flag: ${quoteChar(char)} in -${shorthands}`;
      if (shorthands.length > 2 && shorthands[1] === "=") return this.set(state, shorthands.slice(2));
      if (state.spec.kind === "bool") {
        const error = this.set(state, "true");
        if (error !== undefined) return error;
        shorthands = shorthands.slice(1);
        continue;
      }
      if (shorthands.length > 1) return this.set(state, shorthands.slice(1));
      const value = rest.shift();
      if (value === undefined) return `flag needs an argument: ${quoteChar(char)} in -${shorthands}`;
      return this.set(state, value);
    }
    return undefined;
  }
}

/** Parses `args` against `specs` with flags and arguments interspersed. */
export function parseFlags(args: readonly string[], specs: readonly FlagSpec[]): FlagParseOutcome {
  const parser = new FlagParser(specs);
  const rest = [...args];
  while (rest.length > 0) {
    const word = rest.shift() ?? "";
    if (word.length < 2 || !word.startsWith("-")) {
      parser.positional.push(word);
      continue;
    }
    if (word === "--") {
      parser.positional.push(...rest);
      break;
    }
    const error = word.startsWith("--") ? parser.parseLong(word, rest) : parser.parseShort(word, rest);
    if (error !== undefined) return { ok: false, error };
  }
  return { ok: true, values: parser.values(), positional: parser.positional };
}

/** Whether `--name` (without a value) or `-x` names a flag that takes no value (cobra `stripFlags`). */
export function takesNoValue(word: string, specs: readonly FlagSpec[]): boolean {
  const spec = word.startsWith("--") ? specs.find((candidate) => candidate.name === word.slice(2)) : specs.find((candidate) => candidate.shorthand === word.slice(1));
  return spec?.kind === "bool";
}
