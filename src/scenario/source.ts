/**
 * Reading YAML with positions, so every mistake in a scenario file is reported as
 * `file:line:column: message`, with a hint when the mistake looks like a typo.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { closest } from "./words.js";
import { InputError } from "../sim/errors.js";

export type Path = ReadonlyArray<string | number>;

export class YamlSource {
  private constructor(
    readonly fileName: string,
    readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  static parse(text: string, fileName: string): YamlSource {
    const lines = new LineCounter();
    const document = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    const first = document.errors[0];
    if (first !== undefined) {
      const position = first.linePos?.[0];
      const where = position ? `${fileName}:${position.line}:${position.col}` : fileName;
      const message = (first.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
      throw new InputError(`${where}: YAML syntax error: ${message}`);
    }
    return new YamlSource(fileName, document, lines);
  }

  value(): unknown {
    return this.document.toJS({ maxAliasCount: 100 });
  }

  /** `file:line:column` of the value at `path` (or of its key when `key` is true). */
  where(path: Path, key = false): string {
    let node: unknown = this.document.contents;
    let position = 0;
    for (const step of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === step);
        if (pair === undefined) break;
        const target = key && step === path[path.length - 1] ? pair.key : pair.value;
        position = (target as Node | null)?.range?.[0] ?? (pair.key as Node | null)?.range?.[0] ?? position;
        node = pair.value;
      } else if (isSeq(node) && typeof step === "number") {
        const item = node.items[step] as Node | undefined;
        if (item === undefined) break;
        position = item.range?.[0] ?? position;
        node = item;
      } else {
        break;
      }
    }
    if (path.length === 0) position = (this.document.contents as Node | null)?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(position);
    return `${this.fileName}:${line}:${col}`;
  }

  fail(path: Path, message: string, key = false): never {
    throw new InputError(`${this.where(path, key)}: ${message}`);
  }

  /** Refuses keys of a mapping that are not in `allowed`, suggesting the nearest allowed one. */
  checkKeys(path: Path, value: Record<string, unknown>, allowed: readonly string[], what: string): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        const hint = closest(key, allowed);
        this.fail([...path, key], `unknown ${what} '${key}'${hint ? `: did you mean '${hint}'?` : ` (expected one of: ${allowed.join(", ")})`}`, true);
      }
    }
  }
}
