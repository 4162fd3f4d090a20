/**
 * The Go standard-library formatting that etcdctl's output depends on, re-implemented so that the
 * printers produce the same bytes: `strconv.Quote` (the `%q` verb), `strconv.ParseInt`/`ParseUint`/
 * `ParseBool` with their exact error texts, `time.ParseDuration` and `time.Duration.String`,
 * `go-humanize.Bytes` (the "db size" and "total size" columns), and the hexadecimal `%x`, `%016x`
 * and `%16x` verbs for 64-bit IDs.
 *
 * 64-bit IDs (member and cluster IDs) are bigints: a JS number cannot hold them exactly.
 */
import { type ByteString, bytesFromText } from "../mvcc/bytes.js";
import { editDistance } from "../scenario/words.js";

const uint64Max = (1n << 64n) - 1n;
const int64Max = (1n << 63n) - 1n;
const int64Min = -(1n << 63n);

/** `%x` of a 64-bit value (Go prints a negative int64 with a sign: -1 is "-1"). */
export function hex(value: bigint | number): string {
  const big = BigInt(value);
  return big < 0n ? `-${(-big).toString(16)}` : big.toString(16);
}

/** `%016x`: zero-padded to 16 digits. */
export function hex016(value: bigint | number): string {
  const big = BigInt(value);
  return big < 0n ? `-${(-big).toString(16).padStart(15, "0")}` : big.toString(16).padStart(16, "0");
}

/** `%16x`: space-padded to 16 characters. */
export function hex16(value: bigint | number): string {
  return hex(value).padStart(16, " ");
}

/** A strconv.NumError message. */
function numError(functionName: string, text: string, reason: "invalid syntax" | "value out of range"): string {
  return `strconv.${functionName}: parsing ${quoteText(text)}: ${reason}`;
}

export type ParseOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** The digits of `text` in `base` (2..36) or, with base 0, in the base its prefix names (underscores allowed). */
function parseDigits(text: string, base: number): { readonly value: bigint } | undefined {
  let digits = text;
  let radix = base;
  let underscores = false;
  if (base === 0) {
    radix = 10;
    underscores = true;
    const lower = digits.toLowerCase();
    if (lower.startsWith("0x")) {
      radix = 16;
      digits = digits.slice(2);
    } else if (lower.startsWith("0o")) {
      radix = 8;
      digits = digits.slice(2);
    } else if (lower.startsWith("0b")) {
      radix = 2;
      digits = digits.slice(2);
    } else if (digits.length > 1 && digits.startsWith("0")) {
      radix = 8;
      digits = digits.slice(1);
    }
    if (radix !== 10 && digits.startsWith("_")) digits = digits.slice(1);
  }
  if (underscores) {
    if (digits.startsWith("_") || digits.endsWith("_") || digits.includes("__")) return undefined;
    digits = digits.replaceAll("_", "");
  }
  if (digits.length === 0) return undefined;
  let value = 0n;
  const bigRadix = BigInt(radix);
  for (const char of digits.toLowerCase()) {
    const digit = Number.parseInt(char, 36);
    if (Number.isNaN(digit) || digit >= radix) return undefined;
    value = value * bigRadix + BigInt(digit);
  }
  return { value };
}

/** `strconv.ParseInt(text, base, 64)`. */
export function parseGoInt(text: string, base: number): ParseOutcome<bigint> {
  let body = text;
  let negative = false;
  if (body.startsWith("+") || body.startsWith("-")) {
    negative = body.startsWith("-");
    body = body.slice(1);
  }
  const parsed = parseDigits(body, base);
  if (parsed === undefined) return { ok: false, error: numError("ParseInt", text, "invalid syntax") };
  const value = negative ? -parsed.value : parsed.value;
  if (value > int64Max || value < int64Min) return { ok: false, error: numError("ParseInt", text, "value out of range") };
  return { ok: true, value };
}

/** `strconv.ParseUint(text, base, 64)`. */
export function parseGoUint(text: string, base: number): ParseOutcome<bigint> {
  const parsed = parseDigits(text, base);
  if (parsed === undefined) return { ok: false, error: numError("ParseUint", text, "invalid syntax") };
  if (parsed.value > uint64Max) return { ok: false, error: numError("ParseUint", text, "value out of range") };
  return { ok: true, value: parsed.value };
}

const trueWords = ["1", "t", "T", "TRUE", "true", "True"];
const falseWords = ["0", "f", "F", "FALSE", "false", "False"];

/** `strconv.ParseBool`. */
export function parseGoBool(text: string): ParseOutcome<boolean> {
  if (trueWords.includes(text)) return { ok: true, value: true };
  if (falseWords.includes(text)) return { ok: true, value: false };
  return { ok: false, error: numError("ParseBool", text, "invalid syntax") };
}

const durationUnitsNs: ReadonlyMap<string, bigint> = new Map([
  ["ns", 1n],
  ["us", 1_000n],
  ["\u00b5s", 1_000n],
  ["\u03bcs", 1_000n],
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
  ["m", 60_000_000_000n],
  ["h", 3_600_000_000_000n],
]);

/** `time.ParseDuration`: nanoseconds, or Go's error text. */
export function parseGoDuration(text: string): ParseOutcome<bigint> {
  const invalid = { ok: false as const, error: `time: invalid duration ${quoteText(text)}` };
  let rest = text;
  let negative = false;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    negative = rest.startsWith("-");
    rest = rest.slice(1);
  }
  if (rest === "0") return { ok: true, value: 0n };
  if (rest === "") return invalid;
  let totalNs = 0n;
  while (rest !== "") {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest);
    const whole = number?.[1] ?? "";
    const fraction = number?.[2] ?? "";
    if (number === null || (whole === "" && fraction === "")) return invalid;
    rest = rest.slice(number[0].length);
    const unit = /^[^\d.]*/.exec(rest)?.[0] ?? "";
    if (unit === "") return { ok: false, error: `time: missing unit in duration ${quoteText(text)}` };
    const unitNs = durationUnitsNs.get(unit);
    if (unitNs === undefined) return { ok: false, error: `time: unknown unit ${quoteText(unit)} in duration ${quoteText(text)}` };
    rest = rest.slice(unit.length);
    const scale = 10n ** BigInt(fraction.length);
    totalNs += BigInt(whole === "" ? "0" : whole) * unitNs + (BigInt(fraction === "" ? "0" : fraction) * unitNs) / scale;
    if (totalNs > int64Max) return invalid;
  }
  return { ok: true, value: negative ? -totalNs : totalNs };
}

/** The fraction of `value / 10^precision` without trailing zeros ("" when it is 0), and the integer part. */
function fraction(value: bigint, precision: number): { readonly text: string; readonly whole: bigint } {
  const scale = 10n ** BigInt(precision);
  const digits = (value % scale).toString().padStart(precision, "0").replace(/0+$/, "");
  return { text: digits === "" ? "" : `.${digits}`, whole: value / scale };
}

/** `time.Duration(ns).String()`: "1.5ms", "250µs", "2m3.5s", "0s". */
export function goDuration(nanoseconds: bigint | number): string {
  let value = BigInt(nanoseconds);
  const sign = value < 0n ? "-" : "";
  if (value < 0n) value = -value;
  if (value === 0n) return "0s";
  if (value < 1_000_000_000n) {
    if (value < 1_000n) return `${sign}${value}ns`;
    const precision = value < 1_000_000n ? 3 : 6;
    const unit = value < 1_000_000n ? "\u00b5s" : "ms";
    const parts = fraction(value, precision);
    return `${sign}${parts.whole}${parts.text}${unit}`;
  }
  const parts = fraction(value, 9);
  const totalSeconds = parts.whole;
  const seconds = `${totalSeconds % 60n}${parts.text}s`;
  const totalMinutes = totalSeconds / 60n;
  if (totalMinutes === 0n) return `${sign}${seconds}`;
  const minutes = `${totalMinutes % 60n}m`;
  const hours = totalMinutes / 60n;
  return `${sign}${hours > 0n ? `${hours}h` : ""}${minutes}${seconds}`;
}

/** Go's `%.0f` on a value with one decimal: exact halves round to even. */
function formatNoDecimals(tenths: number): string {
  const whole = Math.floor(tenths / 10);
  const rest = tenths % 10;
  if (rest < 5) return String(whole);
  if (rest > 5) return String(whole + 1);
  return String(whole % 2 === 0 ? whole : whole + 1);
}

const humanSizes = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];

/** `humanize.Bytes`: SI units, one decimal below 10 ("4.1 kB", "20 kB", "7 B"). */
export function humanizeBytes(size: number): string {
  if (size < 10) return `${size} B`;
  const exponent = Math.floor(Math.log(size) / Math.log(1000));
  const suffix = humanSizes[exponent] ?? "EB";
  const tenths = Math.floor((size / 1000 ** exponent) * 10 + 0.5);
  return tenths < 100 ? `${(tenths / 10).toFixed(1)} ${suffix}` : `${formatNoDecimals(tenths)} ${suffix}`;
}

const printable = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

/** `strconv.Quote` of one rune (Go's `appendEscapedRune` with `"` as the quote). */
function quoteRune(codePoint: number): string {
  if (codePoint === 0x22) return '\\"';
  if (codePoint === 0x5c) return "\\\\";
  if (codePoint === 0x20 || (codePoint > 0x20 && codePoint < 0x7f)) return String.fromCodePoint(codePoint);
  if (codePoint >= 0x80 && printable.test(String.fromCodePoint(codePoint))) return String.fromCodePoint(codePoint);
  const escapes: Readonly<Record<number, string>> = { 7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v" };
  const named = escapes[codePoint];
  if (named !== undefined) return named;
  if (codePoint < 0x20 || codePoint === 0x7f) return `\\x${codePoint.toString(16).padStart(2, "0")}`;
  if (codePoint < 0x10000) return `\\u${codePoint.toString(16).padStart(4, "0")}`;
  return `\\U${codePoint.toString(16).padStart(8, "0")}`;
}

/** The length of the valid UTF-8 sequence at `index` and its code point, or undefined when invalid. */
function decodeUtf8(bytes: ByteString, index: number): { readonly codePoint: number; readonly length: number } | undefined {
  const first = bytes.charCodeAt(index);
  if (first < 0x80) return { codePoint: first, length: 1 };
  const length = first >= 0xf0 && first <= 0xf4 ? 4 : first >= 0xe0 && first <= 0xef ? 3 : first >= 0xc2 && first <= 0xdf ? 2 : 0;
  if (length === 0 || index + length > bytes.length) return undefined;
  let codePoint = first & (0xff >> (length + 1));
  for (let offset = 1; offset < length; offset++) {
    const next = bytes.charCodeAt(index + offset);
    if ((next & 0xc0) !== 0x80) return undefined;
    codePoint = (codePoint << 6) | (next & 0x3f);
  }
  const minimum = [0, 0, 0x80, 0x800, 0x10000][length] ?? 0;
  if (codePoint < minimum || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return undefined;
  return { codePoint, length };
}

/** `%q` of a Go string holding these bytes: invalid UTF-8 bytes become `\xNN`. */
export function quoteBytes(bytes: ByteString): string {
  let quoted = '"';
  for (let index = 0; index < bytes.length; ) {
    const decoded = decodeUtf8(bytes, index);
    if (decoded === undefined) {
      quoted += `\\x${bytes.charCodeAt(index).toString(16).padStart(2, "0")}`;
      index += 1;
    } else {
      quoted += quoteRune(decoded.codePoint);
      index += decoded.length;
    }
  }
  return `${quoted}"`;
}

/** `%q` of text (a JS string: names, URLs, command-line words). */
export function quoteText(text: string): string {
  let quoted = '"';
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    quoted += codePoint >= 0xd800 && codePoint <= 0xdfff ? "\\ufffd" : quoteRune(codePoint);
  }
  return `${quoted}"`;
}

/** Go's `%v` of a []string: `[a b c]`. */
export function goStringList(items: readonly string[]): string {
  return `[${items.join(" ")}]`;
}

/**
 * Reads one Go-quoted string (what `%q` scanning accepts: "double-quoted" with escapes, or
 * `back-quoted`) at the start of `text`. Returns its bytes (literal text is UTF-8 encoded; `\x` and
 * octal escapes are raw bytes) and the rest of the text, or undefined when there is none.
 */
export function scanQuoted(text: string): { readonly value: ByteString; readonly rest: string } | undefined {
  if (text.startsWith("`")) {
    const end = text.indexOf("`", 1);
    return end < 0 ? undefined : { value: bytesFromText(text.slice(1, end)), rest: text.slice(end + 1) };
  }
  if (!text.startsWith('"')) return undefined;
  let value = "";
  for (let index = 1; index < text.length; index++) {
    const char = String.fromCodePoint(text.codePointAt(index) ?? 0);
    if (char === '"') return { value, rest: text.slice(index + 1) };
    if (char === "\n") return undefined;
    if (char !== "\\") {
      value += bytesFromText(char);
      index += char.length - 1;
      continue;
    }
    const escaped = unescapeAt(text, index + 1);
    if (escaped === undefined) return undefined;
    value += escaped.value;
    index += escaped.length;
  }
  return undefined;
}

const simpleEscapes: Readonly<Record<string, string>> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"', "'": "'" };

/** One escape of a Go interpreted string literal, starting after its backslash, as bytes. */
function unescapeAt(text: string, index: number): { readonly value: ByteString; readonly length: number } | undefined {
  const char = text[index] ?? "";
  const simple = simpleEscapes[char];
  if (simple !== undefined) return { value: simple, length: 1 };
  const hexLengths: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };
  const hexLength = hexLengths[char];
  if (hexLength !== undefined) {
    const digits = text.slice(index + 1, index + 1 + hexLength);
    if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(digits)) return undefined;
    const code = Number.parseInt(digits, 16);
    if (char === "x") return { value: String.fromCharCode(code), length: 1 + hexLength };
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
    return { value: bytesFromText(String.fromCodePoint(code)), length: 1 + hexLength };
  }
  const octal = text.slice(index, index + 3);
  if (/^[0-7]{3}$/.test(octal) && Number.parseInt(octal, 8) <= 0xff) return { value: String.fromCharCode(Number.parseInt(octal, 8)), length: 3 };
  return undefined;
}

/** Go's `levenshteinDistance(s, t, ignoreCase)` as cobra uses it for suggestions: the edit distance, ignoring case. */
export function levenshtein(source: string, target: string): number {
  return editDistance(source.toLowerCase(), target.toLowerCase());
}
