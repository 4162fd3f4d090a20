/**
 * A small, strict reader and writer for the subset of EDN (Clojure's data notation) that Jepsen
 * histories use: maps with keyword keys, vectors, keywords, strings, integers, `nil`, `true` and
 * `false`. Commas are whitespace, as in EDN.
 *
 * Anything else (floats, symbols, sets, lists, tagged literals, comments) is refused with a
 * `LineError` naming what was found, rather than guessed at.
 */
import { LineError } from "./line-error.js";

/** An EDN keyword such as `:invoke`, held without its colon. */
export class EdnKeyword {
  constructor(readonly name: string) {}
}

/** An EDN map whose keys are keywords, held by keyword name, in the order they were written. */
export class EdnMap {
  constructor(readonly entries: ReadonlyMap<string, EdnValue>) {}
}

export type EdnValue = null | boolean | number | string | EdnKeyword | EdnMap | readonly EdnValue[];

const KEYWORD_CHARACTER = /[A-Za-z0-9*+!\-_?<>=./]/;

class Reader {
  position = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    const text = this.text;
    while (this.position < text.length) {
      const code = text.charCodeAt(this.position);
      // space, tab, newline, carriage return, comma
      if (code === 32 || code === 9 || code === 10 || code === 13 || code === 44) this.position++;
      else break;
    }
  }

  value(): EdnValue {
    this.skipSpace();
    const character = this.text[this.position];
    if (character === undefined) throw new LineError("expected a value, got the end of the line");
    if (character === "{") return this.map();
    if (character === "[") return this.vector();
    if (character === '"') return this.string();
    if (character === ":") return new EdnKeyword(this.keywordName());
    if ((character >= "0" && character <= "9") || character === "-" || character === "+") return this.integer();
    const word = /^[A-Za-z][A-Za-z0-9*+!\-_?<>=./]*/.exec(this.text.slice(this.position))?.[0];
    if (word === "nil" || word === "true" || word === "false") {
      this.position += word.length;
      return word === "nil" ? null : word === "true";
    }
    if (word !== undefined) throw new LineError(`unsupported EDN symbol '${word}'`);
    throw new LineError(`unexpected character '${character}'`);
  }

  map(): EdnMap {
    this.position++; // {
    const entries = new Map<string, EdnValue>();
    for (;;) {
      this.skipSpace();
      const character = this.text[this.position];
      if (character === "}") {
        this.position++;
        return new EdnMap(entries);
      }
      if (character === undefined) throw new LineError("expected '}' to close the map");
      if (character !== ":") throw new LineError(`expected a keyword as a map key, got '${this.peekToken()}'`);
      const key = this.keywordName();
      if (entries.has(key)) throw new LineError(`duplicate key ':${key}'`);
      this.skipSpace();
      if (this.text[this.position] === "}" || this.position >= this.text.length) {
        throw new LineError(`the key ':${key}' has no value`);
      }
      entries.set(key, this.value());
    }
  }

  vector(): EdnValue[] {
    this.position++; // [
    const items: EdnValue[] = [];
    for (;;) {
      this.skipSpace();
      const character = this.text[this.position];
      if (character === "]") {
        this.position++;
        return items;
      }
      if (character === undefined) throw new LineError("expected ']' to close the vector");
      items.push(this.value());
    }
  }

  string(): string {
    const text = this.text;
    let index = this.position + 1;
    let result = "";
    let chunkStart = index;
    for (;;) {
      const character = text[index];
      if (character === undefined) throw new LineError("unterminated string");
      if (character === '"') {
        result += text.slice(chunkStart, index);
        this.position = index + 1;
        return result;
      }
      if (character === "\\") {
        result += text.slice(chunkStart, index);
        const escape = text[index + 1];
        if (escape === "u") {
          const hex = text.slice(index + 2, index + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new LineError(`bad unicode escape '\\u${hex}'`);
          result += String.fromCharCode(Number.parseInt(hex, 16));
          index += 6;
        } else {
          const decoded = escape === undefined ? undefined : ESCAPES.get(escape);
          if (decoded === undefined) throw new LineError(`bad escape '\\${escape ?? ""}' in a string`);
          result += decoded;
          index += 2;
        }
        chunkStart = index;
        continue;
      }
      index++;
    }
  }

  keywordName(): string {
    const start = this.position + 1;
    let index = start;
    while (index < this.text.length && KEYWORD_CHARACTER.test(this.text[index] as string)) index++;
    if (index === start) throw new LineError("expected a keyword name after ':'");
    this.position = index;
    return this.text.slice(start, index);
  }

  integer(): number {
    const token = this.peekToken();
    if (!/^[-+]?\d+$/.test(token)) throw new LineError(`expected an integer, got '${token}'`);
    const value = Number(token);
    if (!Number.isSafeInteger(value)) throw new LineError(`integer ${token} is too large`);
    this.position += token.length;
    return value;
  }

  /** The text from here to the next delimiter, for messages and number parsing. */
  peekToken(): string {
    const rest = this.text.slice(this.position);
    return /^[^\s,{}[\]"]*/.exec(rest)?.[0] || (rest[0] ?? "");
  }
}

const ESCAPES = new Map([
  ['"', '"'],
  ["\\", "\\"],
  ["n", "\n"],
  ["t", "\t"],
  ["r", "\r"],
]);

/** Reads one EDN map that fills the whole of `text` (surrounding whitespace aside). */
export function readEdnMap(text: string): EdnMap {
  const reader = new Reader(text);
  reader.skipSpace();
  if (reader.text[reader.position] !== "{") {
    throw new LineError(`expected an EDN map starting with '{', got '${reader.peekToken()}'`);
  }
  const map = reader.map();
  reader.skipSpace();
  if (reader.position < text.length) {
    throw new LineError(`unexpected '${reader.peekToken()}' after the end of the map`);
  }
  return map;
}

/** Reads one EDN value that fills the whole of `text` (surrounding whitespace aside). */
export function readEdnValue(text: string): EdnValue {
  const reader = new Reader(text);
  const value = reader.value();
  reader.skipSpace();
  if (reader.position < text.length) throw new LineError(`unexpected '${reader.peekToken()}' after the value`);
  return value;
}

/** Writes `value` as EDN; `readEdnValue(formatEdn(v))` gives back `v`. */
export function formatEdn(value: EdnValue): string {
  if (value === null) return "nil";
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  if (typeof value === "string") return formatEdnString(value);
  if (value instanceof EdnKeyword) return `:${value.name}`;
  if (value instanceof EdnMap) {
    const parts: string[] = [];
    for (const [key, item] of value.entries) parts.push(`:${key} ${formatEdn(item)}`);
    return `{${parts.join(", ")}}`;
  }
  return `[${value.map(formatEdn).join(" ")}]`;
}

function formatEdnString(text: string): string {
  let result = '"';
  for (const character of text) {
    const code = character.charCodeAt(0);
    if (character === '"') result += '\\"';
    else if (character === "\\") result += "\\\\";
    else if (character === "\n") result += "\\n";
    else if (character === "\t") result += "\\t";
    else if (character === "\r") result += "\\r";
    else if (code < 32 || code === 127) result += `\\u${code.toString(16).padStart(4, "0")}`;
    else result += character;
  }
  return `${result}"`;
}

/** Whether two values are equal (keywords by name, vectors and maps item by item). */
export function ednEqual(a: EdnValue, b: EdnValue): boolean {
  if (a === b) return true;
  if (a instanceof EdnKeyword) return b instanceof EdnKeyword && a.name === b.name;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    const other = b as readonly EdnValue[];
    return (a as readonly EdnValue[]).every((item, index) => ednEqual(item, other[index] as EdnValue));
  }
  if (a instanceof EdnMap) {
    if (!(b instanceof EdnMap) || a.entries.size !== b.entries.size) return false;
    for (const [key, item] of a.entries) {
      const other = b.entries.get(key);
      if (other === undefined || !ednEqual(item, other)) return false;
    }
    return true;
  }
  return false;
}

/** A short rendering of a value for messages: EDN, cut at 40 characters. */
export function describeEdn(value: EdnValue): string {
  const text = formatEdn(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
