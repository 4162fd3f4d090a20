/**
 * Go's `encoding/json.Marshal`, as far as etcdctl's `-w json` output needs it: objects keep the field
 * order of the Go struct; `omitempty` fields are left out when they hold their zero value; `[]byte`
 * is standard base64 with padding; 64-bit integers are printed exactly (bigints); strings escape `<`,
 * `>`, `&`, U+2028 and U+2029 the way Go does (HTML-safe by default).
 */
import type { ByteString } from "../mvcc/bytes.js";

export type GoJson = null | boolean | number | bigint | string | readonly GoJson[] | GoObject;

/** A Go struct or map: fields in order. */
export class GoObject {
  constructor(readonly fields: readonly (readonly [string, GoJson])[]) {}
}

type Field = readonly [string, GoJson] | undefined;

/** A struct from its fields; undefined entries (left-out omitempty fields) are skipped. */
export function goObject(...fields: readonly Field[]): GoObject {
  return new GoObject(fields.filter((field): field is readonly [string, GoJson] => field !== undefined));
}

/** A field without `omitempty`. */
export function field(name: string, value: GoJson): Field {
  return [name, value];
}

function isEmpty(value: GoJson): boolean {
  if (value === null || value === false || value === 0 || value === 0n || value === "") return true;
  return Array.isArray(value) && value.length === 0;
}

/** A field with `omitempty`: left out when it holds a zero value, an empty string or an empty slice. */
export function omitEmpty(name: string, value: GoJson): Field {
  return isEmpty(value) ? undefined : [name, value];
}

/** A `[]byte` value: base64 (standard alphabet, padded). */
export function base64(bytes: ByteString): string {
  return btoa(bytes);
}

function hex4(code: number): string {
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

/** A Go JSON string literal of text (lone surrogates, like invalid UTF-8, become U+FFFD). */
export function goJsonString(text: string): string {
  let result = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === "\\") result += `\\${char}`;
    else if (char === "\n") result += "\\n";
    else if (char === "\r") result += "\\r";
    else if (char === "\t") result += "\\t";
    else if (code < 0x20 || char === "<" || char === ">" || char === "&" || code === 0x2028 || code === 0x2029) result += hex4(code);
    else if (code >= 0xd800 && code <= 0xdfff) result += "\ufffd";
    else result += char;
  }
  return `${result}"`;
}

/** `json.Marshal(value)`. */
export function marshal(value: GoJson): string {
  if (value === null) return "null";
  if (typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new Error(`assertion failed: JSON number ${value} is not an integer`);
    return String(value);
  }
  if (typeof value === "string") return goJsonString(value);
  if (value instanceof GoObject) return `{${value.fields.map(([name, inner]) => `${goJsonString(name)}:${marshal(inner)}`).join(",")}}`;
  return `[${value.map(marshal).join(",")}]`;
}
