/**
 * The `:` prompt's history, as a shell keeps it: every line run is remembered (not blank ones,
 * nor the same line twice in a row); up recalls older lines, down newer ones, and down past the
 * newest brings back what was being typed before the first up. Opening the prompt starts again
 * from the newest. At most `PROMPT_HISTORY_LIMIT` lines are kept, the oldest dropped first.
 */
export const PROMPT_HISTORY_LIMIT = 500;

export class PromptHistory {
  private readonly lines: string[] = [];
  /** The line shown: an index into `lines`, or `lines.length` for the draft. */
  private position = 0;
  /** What was typed before the first up. */
  private draft = "";

  get size(): number {
    return this.lines.length;
  }

  /** Remembers a line that was run. */
  add(line: string): void {
    const trimmed = line.trim();
    if (trimmed !== "" && this.lines[this.lines.length - 1] !== trimmed) {
      this.lines.push(trimmed);
      if (this.lines.length > PROMPT_HISTORY_LIMIT) this.lines.shift();
    }
    this.reset();
  }

  /** The prompt opens: back to the newest, with an empty draft. */
  reset(): void {
    this.position = this.lines.length;
    this.draft = "";
  }

  /** The line before the one shown (`current` is what the prompt holds); undefined at the oldest. */
  up(current: string): string | undefined {
    if (this.position === 0) return undefined;
    if (this.position === this.lines.length) this.draft = current;
    this.position--;
    return this.lines[this.position];
  }

  /** The line after the one shown, or the draft after the newest; undefined at the draft. */
  down(): string | undefined {
    if (this.position >= this.lines.length) return undefined;
    this.position++;
    return this.position === this.lines.length ? this.draft : this.lines[this.position];
  }
}
