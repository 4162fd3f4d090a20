/**
 * A small, strict command-line parser shared by every `etcdlab` subcommand.
 *
 * Each command declares its flags (name, kind, default); anything else is a `UsageError` with one
 * clear line ("unknown flag '--sede': did you mean '--seed'?"), which `main` prints as
 * `etcdlab: <message>` with exit code 2. Flags take `--name value` or `--name=value`.
 */
import { closest } from "../scenario/words.js";

export { closest };

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export type FlagKind = "boolean" | "string" | "integer";

export interface FlagSpec {
  readonly kind: FlagKind;
  /** A one-letter alias, e.g. `w` for `-w`. */
  readonly short?: string;
  /** The flag may be given several times; its value is then a list. */
  readonly repeatable?: boolean;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Map<string, string | boolean | number | Array<string | number>>;
}

export function parseArgs(argv: readonly string[], specs: FlagSpecs): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | boolean | number | Array<string | number>>();
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.short) byShort.set(spec.short, name);

  for (let index = 0; index < argv.length; index++) {
    const token = argv[index] as string;
    if (token === "--") {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!token.startsWith("-") || token === "-" || /^-\d/.test(token)) {
      positionals.push(token);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (token.startsWith("--")) {
      const equals = token.indexOf("=");
      name = equals >= 0 ? token.slice(2, equals) : token.slice(2);
      inline = equals >= 0 ? token.slice(equals + 1) : undefined;
    } else {
      const short = token.slice(1, 2);
      const long = byShort.get(short);
      if (long === undefined) throw new UsageError(`unknown flag '${token}'`);
      name = long;
      inline = token.length > 2 ? token.slice(2).replace(/^=/, "") : undefined;
    }
    const spec = specs[name];
    if (spec === undefined) {
      const hint = closest(name, Object.keys(specs));
      throw new UsageError(`unknown flag '--${name}'${hint ? `: did you mean '--${hint}'?` : ""}`);
    }
    let value: string | boolean | number;
    if (spec.kind === "boolean") {
      if (inline !== undefined && inline !== "true" && inline !== "false") {
        throw new UsageError(`flag '--${name}' takes no value (got '${inline}')`);
      }
      value = inline !== "false";
    } else {
      let raw = inline;
      if (raw === undefined) {
        const next = argv[index + 1];
        if (next === undefined) throw new UsageError(`flag '--${name}' needs a value`);
        raw = next;
        index++;
      }
      value = spec.kind === "integer" ? parseInteger(name, raw) : raw;
    }
    if (spec.repeatable) {
      const list = (flags.get(name) as Array<string | number> | undefined) ?? [];
      list.push(value as string | number);
      flags.set(name, list);
    } else {
      if (flags.has(name)) throw new UsageError(`flag '--${name}' given twice`);
      flags.set(name, value);
    }
  }
  return { positionals, flags };
}

export function parseInteger(name: string, raw: string): number {
  if (!/^-?\d+$/.test(raw)) throw new UsageError(`flag '--${name}' needs an integer (got '${raw}')`);
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new UsageError(`flag '--${name}' is out of range (got '${raw}')`);
  return value;
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === "string" ? value : undefined;
}

export function flagInteger(args: ParsedArgs, name: string): number | undefined {
  const value = args.flags.get(name);
  return typeof value === "number" ? value : undefined;
}

export function flagBoolean(args: ParsedArgs, name: string): boolean {
  return args.flags.get(name) === true;
}

export function flagList(args: ParsedArgs, name: string): Array<string | number> {
  const value = args.flags.get(name);
  return Array.isArray(value) ? value : [];
}
