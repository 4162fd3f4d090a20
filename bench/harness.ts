/**
 * Shared helpers for benchmarks: wall-clock timing (allowed here, outside the simulated world) and
 * the one output format, a JSON line per figure: {"name", "unit", "value", ...extra}.
 */
import { performance } from "node:perf_hooks";

export interface BenchFigure {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly [extra: string]: unknown;
}

export function report(figure: BenchFigure): void {
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}

/** Milliseconds taken by `work`, the best of `repeat` runs (after one warm-up run). */
export function bestOfMs(repeat: number, work: () => void): number {
  work();
  let best = Infinity;
  for (let index = 0; index < repeat; index++) {
    const start = performance.now();
    work();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

export function nowMs(): number {
  return performance.now();
}

/** Runs the garbage collector when Node was started with --expose-gc (bench/run.mjs does so). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}
