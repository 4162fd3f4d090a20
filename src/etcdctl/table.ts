/**
 * The ASCII tables of `-w table`, as github.com/olekukonko/tablewriter v0.0.5 renders them with the
 * settings etcdctl uses (`printer_table.go`: `SetHeader`, `Append`, `SetAlignment(ALIGN_RIGHT)`,
 * `Render`):
 *
 * - borders on every side, `+` at crossings, `-` for lines, `|` between cells, one space of padding;
 * - headers upper-cased (`_` becomes a space) and centred (the extra space goes right);
 * - cells right-aligned;
 * - a cell wider than 30 columns is wrapped at spaces into lines of at most 30 columns (or of its
 *   longest word) with tablewriter's minimum-raggedness line breaking; a word is never split.
 *
 * Widths count code points (etcdctl's cells are ASCII: IDs, URLs, sizes, booleans).
 */

const maxCellWidth = 30;
const longLinePenalty = 100_000;

function width(text: string): number {
  return [...text].length;
}

/** tablewriter `WrapWords`: split words into lines of at most `limit` columns with minimal raggedness. */
function wrapWords(words: readonly string[], limit: number): string[][] {
  const count = words.length;
  const lengths: number[][] = [];
  for (let start = 0; start < count; start++) {
    const row: number[] = [];
    let total = width(words[start] ?? "");
    row[start] = total;
    for (let end = start + 1; end < count; end++) {
      total += 1 + width(words[end] ?? "");
      row[end] = total;
    }
    lengths.push(row);
  }
  const lengthOf = (start: number, end: number): number => lengths[start]?.[end] ?? 0;
  const breakAt: number[] = new Array<number>(count).fill(count);
  const cost: number[] = new Array<number>(count).fill(2 ** 31 - 1);
  for (let start = count - 1; start >= 0; start--) {
    if (lengthOf(start, count - 1) <= limit) {
      cost[start] = 0;
      breakAt[start] = count;
      continue;
    }
    for (let next = start + 1; next < count; next++) {
      const gap = limit - lengthOf(start, next - 1);
      let candidate = gap * gap + (cost[next] ?? 0);
      if (lengthOf(start, next - 1) > limit) candidate += longLinePenalty;
      if (candidate < (cost[start] ?? 0)) {
        cost[start] = candidate;
        breakAt[start] = next;
      }
    }
  }
  const lines: string[][] = [];
  for (let start = 0; start < count; start = breakAt[start] ?? count) lines.push(words.slice(start, breakAt[start] ?? count));
  return lines;
}

/** tablewriter `WrapString`: the limit grows to the longest word. */
function wrapString(text: string, limit: number): string[] {
  const words = text.replaceAll("\n", " ").split(" ");
  let effectiveLimit = limit;
  for (const word of words) effectiveLimit = Math.max(effectiveLimit, width(word));
  return wrapWords(words, effectiveLimit).map((line) => line.join(" "));
}

interface Cell {
  readonly lines: readonly string[];
  /** The width the cell claims for its column: its wrap limit, or its widest line if wider. */
  readonly width: number;
}

/** tablewriter `parseDimension`: the lines of a cell after wrapping, and the width it needs. */
function parseCell(text: string): Cell {
  const raw = text.split("\n");
  const limit = Math.min(maxCellWidth, Math.max(...raw.map(width)));
  const lines = wrapString(raw.join(" "), limit);
  return { lines, width: Math.max(limit, ...lines.map(width)) };
}

/** tablewriter `Title`: upper case, underscores (and dots not between digits) become spaces, trimmed. */
function title(text: string): string {
  const chars = [...text];
  const isNumberOrSpace = (char: string | undefined): boolean => char !== undefined && /[0-9 ]/.test(char);
  const replaced = chars.map((char, index) => {
    if (char === "_") return " ";
    if (char === "." && ((index !== 0 && !isNumberOrSpace(chars[index - 1])) || (index !== chars.length - 1 && !isNumberOrSpace(chars[index + 1])))) return " ";
    return char;
  });
  const trimmed = replaced.join("").trim();
  return (trimmed === "" && text.length > 0 ? " " : trimmed).toUpperCase();
}

function padCenter(text: string, columns: number): string {
  const gap = columns - width(text);
  if (gap <= 0) return text;
  const left = Math.floor(gap / 2);
  return " ".repeat(left) + text + " ".repeat(gap - left);
}

function padLeft(text: string, columns: number): string {
  const gap = columns - width(text);
  return gap > 0 ? " ".repeat(gap) + text : text;
}

/** Renders a table the way etcdctl's table printer does; every line ends with "\n". */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const headerCells = headers.map(parseCell);
  const bodyCells = rows.map((row) => row.map(parseCell));
  const columnWidths = headers.map((_, column) => Math.max(0, ...[headerCells[column], ...bodyCells.map((row) => row[column])].map((cell) => cell?.width ?? 0)));
  const separator = `+${columnWidths.map((columns) => "-".repeat(columns + 2)).join("+")}+\n`;
  let output = separator;
  const headerHeight = Math.max(...headerCells.map((cell) => cell.lines.length));
  for (let line = 0; line < headerHeight; line++) {
    output += `|${columnWidths.map((columns, column) => ` ${padCenter(title(headerCells[column]?.lines[line] ?? ""), columns)} `).join("|")}|\n`;
  }
  output += separator;
  for (const row of bodyCells) {
    const height = Math.max(...row.map((cell) => cell.lines.length));
    for (let line = 0; line < height; line++) {
      output += `|${columnWidths.map((columns, column) => ` ${padLeft(row[column]?.lines[line] ?? "", columns)} `).join("|")}|\n`;
    }
  }
  return output + separator;
}
