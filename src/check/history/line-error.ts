/**
 * A problem with one line of a history file. Line parsers throw it with a message that does not
 * repeat the location; the file parser adds `<file>:<line>: ` and turns it into an `InputError`.
 */
import { InputError } from "../../sim/errors.js";

export class LineError extends Error {
  override readonly name = "LineError";
}

/** The user-facing error for a problem at `line` of `source`. */
export function inputErrorAt(source: string, line: number, message: string): InputError {
  return new InputError(`${source}:${line}: ${message}`);
}

/** Runs `parse` for one line, giving any `LineError` the file name and line number. */
export function atLine<T>(source: string, line: number, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof LineError) throw inputErrorAt(source, line, error.message);
    throw error;
  }
}
