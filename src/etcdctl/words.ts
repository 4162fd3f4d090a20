/**
 * Splitting a line into words.
 *
 * `splitShellWords` is what a POSIX shell does to a command line before etcdctl sees it: words are
 * separated by blanks; 'single quotes' keep everything literally; "double quotes" keep everything
 * but `\"`, `\\`, `\$` and `` \` `` (a backslash before any other char stays); outside quotes a
 * backslash keeps the next char; an unquoted `#` that starts a word starts a comment. Variables,
 * globs and redirections are not expanded: `$HOME` stays `$HOME`.
 *
 * `argify` is etcdctl's own splitter for the request lines of `txn` (`util.go: Argify`): a regular
 * expression picks "double-quoted" words (unquoted with Go's `%q` scanning, so `\x00` escapes give
 * bytes), 'single-quoted' words (taken literally) and bare words.
 */
import { type ByteString, bytesFromText } from "../mvcc/bytes.js";
import { scanQuoted } from "./go-format.js";

export interface ShellWord {
  readonly text: string;
  /** The word had no quotes or backslashes before its first `=`: a shell would take `NAME=value` as an assignment. */
  readonly assignable: boolean;
}

export type SplitOutcome = { readonly ok: true; readonly words: readonly ShellWord[] } | { readonly ok: false; readonly error: string };

const blank = /[ \t\r\n]/;

/** Splits a command line the way a POSIX shell does (without expansions). */
export function splitShellWords(line: string): SplitOutcome {
  const words: ShellWord[] = [];
  let text = "";
  let inWord = false;
  let quotedBeforeEquals = false;
  let sawEquals = false;
  const finish = (): void => {
    if (inWord) words.push({ text, assignable: !quotedBeforeEquals && sawEquals && /^[A-Za-z_][A-Za-z0-9_]*=/.test(text) });
    text = "";
    inWord = false;
    quotedBeforeEquals = false;
    sawEquals = false;
  };
  const markQuoted = (): void => {
    if (!sawEquals) quotedBeforeEquals = true;
  };
  for (let index = 0; index < line.length; index++) {
    const char = line[index] ?? "";
    if (blank.test(char)) {
      finish();
      continue;
    }
    if (char === "#" && !inWord) break;
    inWord = true;
    if (char === "'") {
      const end = line.indexOf("'", index + 1);
      if (end < 0) return { ok: false, error: "unexpected EOF while looking for matching `''" };
      markQuoted();
      text += line.slice(index + 1, end);
      index = end;
    } else if (char === '"') {
      markQuoted();
      const end = readDoubleQuoted(line, index + 1);
      if (end === undefined) return { ok: false, error: "unexpected EOF while looking for matching `\"'" };
      text += end.text;
      index = end.end;
    } else if (char === "\\") {
      markQuoted();
      if (index + 1 < line.length) text += line[index + 1] ?? "";
      index += 1;
    } else {
      if (char === "=") sawEquals = true;
      text += char;
    }
  }
  finish();
  return { ok: true, words };
}

/** The text of a double-quoted string starting after its opening quote, and the index of its closing quote. */
function readDoubleQuoted(line: string, start: number): { readonly text: string; readonly end: number } | undefined {
  let text = "";
  for (let index = start; index < line.length; index++) {
    const char = line[index] ?? "";
    if (char === '"') return { text, end: index };
    if (char === "\\" && index + 1 < line.length && '"\\$`'.includes(line[index + 1] ?? "")) {
      text += line[index + 1] ?? "";
      index += 1;
    } else {
      text += char;
    }
  }
  return undefined;
}

const argifyPattern = /"(?:[^"\\]|\\.)*"|'[^']*'|[^'"\t\n\f\r ][^\t\n\f\r ]*[^'"\t\n\f\r ]?/g;

export type ArgifyOutcome = { readonly ok: true; readonly words: readonly ByteString[] } | { readonly ok: false; readonly error: string };

/** etcdctl's `Argify`: the words of a txn request line, as byte strings. */
export function argify(line: string): ArgifyOutcome {
  const words: ByteString[] = [];
  for (const match of line.matchAll(argifyPattern)) {
    const word = match[0];
    if (word.startsWith("'")) {
      words.push(bytesFromText(word.slice(1, -1)));
    } else if (word.startsWith('"')) {
      const scanned = scanQuoted(word);
      if (scanned === undefined) return { ok: false, error: "invalid syntax" };
      words.push(scanned.value);
    } else {
      words.push(bytesFromText(word));
    }
  }
  return { ok: true, words };
}
