/**
 * The worker thread of `etcdlab fuzz` (see src/fuzz/pool.ts): it takes the sweep's configuration
 * as its `workerData` and answers each job with its result. It lives under src/cli because it owns
 * the wall clock that bounds each history check.
 */
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import type { JobMessage, ResultMessage } from "../fuzz/pool.js";
import { runJob, type SweepConfig } from "../fuzz/sweep.js";

const config = workerData as SweepConfig;
const port = parentPort;
if (port === null) throw new Error("assertion failed: the fuzz worker runs in a worker thread");
port.on("message", (message: JobMessage) => {
  const reply: ResultMessage = { index: message.index, result: runJob(message.job, config, () => performance.now()) };
  port.postMessage(reply);
});
