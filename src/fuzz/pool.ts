/**
 * Runs a sweep's jobs on worker threads, one job at a time per worker, handing the next job to
 * whichever worker finishes first; or, with one worker or no compiled worker script (tests run the
 * TypeScript sources), one after another in this thread. Each job's result depends only on the job
 * and the sweep's configuration, and results come back in job order, so the number of workers
 * changes how long a sweep takes, never what it finds.
 *
 * The worker script is the caller's (src/cli/fuzz-worker.ts): it owns the wall clock that bounds
 * each history check, which nothing under src/fuzz may read.
 */
import { Worker } from "node:worker_threads";
import { assert } from "../sim/errors.js";
import { type FuzzJob, type FuzzJobResult, runJob, type SweepConfig } from "./sweep.js";

/** The most worker threads a pool starts. */
export const WORKERS_MAX = 256;

/**
 * The young generation of each worker (V8 sizes it at three semi-spaces): the 64 MB semi-spaces the
 * benchmarks run with (bench/run.mjs) instead of V8's default 16 MB. A seed allocates tens of MB
 * that die with its world; fewer scavenges copy less of what is still alive (about 4% less CPU for
 * `etcdlab fuzz --workers 2`).
 */
export const WORKER_YOUNG_GENERATION_MB = 192;

export interface PoolOptions {
  readonly workers: number;
  /**
   * The compiled worker script: it takes `SweepConfig` as its `workerData`, and answers each
   * `JobMessage` with a `ResultMessage`. Undefined: every job runs in this thread.
   */
  readonly workerScript: URL | undefined;
  readonly config: SweepConfig;
  /** The wall clock (milliseconds) of jobs run in this thread. */
  readonly now: () => number;
}

export interface JobMessage {
  readonly index: number;
  readonly job: FuzzJob;
}

export interface ResultMessage {
  readonly index: number;
  readonly result: FuzzJobResult;
}

export type ResultListener = (index: number, result: FuzzJobResult) => void;

/** Runs `jobs`, calling `onResult` as each one finishes; resolves with every result, in job order. */
export async function runJobs(jobs: readonly FuzzJob[], options: PoolOptions, onResult: ResultListener = () => undefined): Promise<FuzzJobResult[]> {
  assert(Number.isInteger(options.workers) && options.workers >= 1 && options.workers <= WORKERS_MAX, `a pool has 1 to ${WORKERS_MAX} workers (got ${options.workers})`);
  if (options.workers === 1 || options.workerScript === undefined || jobs.length <= 1) return runHere(jobs, options, onResult);
  return runOnWorkers(jobs, options.workerScript, Math.min(options.workers, jobs.length), options.config, onResult);
}

function runHere(jobs: readonly FuzzJob[], options: PoolOptions, onResult: ResultListener): FuzzJobResult[] {
  return jobs.map((job, index) => {
    const result = runJob(job, options.config, options.now);
    onResult(index, result);
    return result;
  });
}

function runOnWorkers(jobs: readonly FuzzJob[], script: URL, count: number, config: SweepConfig, onResult: ResultListener): Promise<FuzzJobResult[]> {
  return new Promise((resolve, reject) => {
    const results: Array<FuzzJobResult | undefined> = new Array(jobs.length).fill(undefined);
    const workers: Worker[] = [];
    let next = 0;
    let done = 0;
    let settled = false;
    const finish = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      for (const worker of workers) void worker.terminate();
      if (error !== undefined) reject(error);
      else resolve(results.map((result) => result as FuzzJobResult));
    };
    const feed = (worker: Worker): void => {
      if (next >= jobs.length) return;
      const message: JobMessage = { index: next, job: jobs[next] as FuzzJob };
      next++;
      worker.postMessage(message);
    };
    for (let index = 0; index < count; index++) {
      const worker = new Worker(script, { workerData: config, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
      workers.push(worker);
      worker.on("message", (message: ResultMessage) => {
        results[message.index] = message.result;
        done++;
        onResult(message.index, message.result);
        if (done === jobs.length) finish(undefined);
        else feed(worker);
      });
      worker.on("error", (error) => finish(error));
      worker.on("exit", (code) => finish(new Error(`a fuzz worker exited with code ${code} before the sweep was done`)));
      feed(worker);
    }
  });
}
