/**
 * Virtual time: an integer number of microseconds since the start of a run.
 *
 * Nothing in the simulated world reads a real clock. Durations in scenario files are written with
 * units ("250ms", "2s", "5m", "1h", "1500us") and parsed here; traces show raw microseconds.
 */
import { InputError } from "./errors.js";

/** Virtual microseconds. Always a non-negative safe integer. */
export type Micros = number;

export const MICROS_PER_MS = 1_000;
export const MICROS_PER_SECOND = 1_000_000;

export function milliseconds(count: number): Micros {
  return Math.round(count * MICROS_PER_MS);
}

export function seconds(count: number): Micros {
  return Math.round(count * MICROS_PER_SECOND);
}

const UNIT_MICROS: Readonly<Record<string, number>> = {
  us: 1,
  µs: 1,
  ms: MICROS_PER_MS,
  s: MICROS_PER_SECOND,
  m: 60 * MICROS_PER_SECOND,
  h: 3600 * MICROS_PER_SECOND,
};

/**
 * Parses "250ms", "1.5s", "2m", "1h30m", "100us" into microseconds. A bare number is refused: a
 * duration without a unit is ambiguous, and ambiguity in a scenario file is a bug waiting to happen.
 */
export function parseDuration(text: string): Micros {
  const trimmed = text.trim();
  const pattern = /(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(trimmed)) !== null) {
    total += Number(match[1]) * (UNIT_MICROS[match[2] as string] as number);
    consumed = pattern.lastIndex;
  }
  if (consumed === 0 || consumed !== trimmed.length) {
    throw new InputError(`invalid duration '${text}' (expected a number with a unit: us, ms, s, m or h, e.g. '250ms')`);
  }
  return Math.round(total);
}

/** Formats microseconds compactly for people: 1500000 → "1.500s", 2500 → "2.500ms". */
export function formatDuration(micros: Micros): string {
  if (micros >= MICROS_PER_SECOND) return `${(micros / MICROS_PER_SECOND).toFixed(3)}s`;
  if (micros >= MICROS_PER_MS) return `${(micros / MICROS_PER_MS).toFixed(3)}ms`;
  return `${micros}us`;
}
