// Paired comparison of two builds on the raft benchmark's workload, in one process: on a shared
// machine, separate runs vary by more than the 1-5% a change is worth, and runs alternated in one
// process (same heap flags, same moment) vary less. Compile each tree first, e.g.
//   node node_modules/typescript/bin/tsc -p tsconfig.bench.json --outDir /tmp/before   (then change the code)
//   node node_modules/typescript/bin/tsc -p tsconfig.bench.json --outDir /tmp/after
//   ln -s "$PWD/node_modules" /tmp/before/node_modules; ln -s "$PWD/node_modules" /tmp/after/node_modules
//   node --expose-gc --max-semi-space-size=64 --min-semi-space-size=64 bench/compare.mjs /tmp/before /tmp/after 16 600
// (arguments: the two build directories, rounds, virtual seconds per run). Each round runs both
// builds, in alternating order, and measures each run's process CPU time; the first round warms
// the JIT and is left out. It prints both series, the ratio of the means and the median of the
// paired ratios (after/before), and in how many rounds the second build used less CPU.
import { cpuUsage } from "node:process";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const [before, after] = [process.argv[2], process.argv[3]];
if (before === undefined || after === undefined) throw new Error("usage: compare.mjs BEFORE_DIR AFTER_DIR [ROUNDS] [VIRTUAL_S]");
const rounds = Number(process.argv[4] ?? 16);
const virtualUs = Number(process.argv[5] ?? 600) * 1_000_000;
if (typeof globalThis.gc !== "function") throw new Error("run with --expose-gc");

async function load(dir) {
  const url = (path) => pathToFileURL(resolve(dir, path)).href;
  const { World } = await import(url("src/sim/world.js"));
  const { Trace } = await import(url("src/sim/trace.js"));
  const { DEFAULT_SETTINGS, EtcdCluster, summarizeMessage } = await import(url("src/etcd/cluster.js"));
  const { bytesFromText } = await import(url("src/mvcc/bytes.js"));
  // The workload of bench/raft.bench.ts in its default trace mode (the most recent 10,000 events kept).
  return () => {
    const trace = new Trace(true, { retain: 10_000 });
    const link = { latency: { kind: "uniform", minUs: 1_000, maxUs: 5_000 }, lossPpm: 0, duplicatePpm: 0, reorderPpm: 0, reorderDelayUs: 0 };
    const world = new World({ seed: 1, trace, summarize: summarizeMessage, defaultLink: link, fsyncLatency: { kind: "uniform", minUs: 1_000, maxUs: 3_000 } });
    const cluster = new EtcdCluster(world, { members: 5, bugs: [], observe: true, settings: { ...DEFAULT_SETTINGS } });
    const client = cluster.client("c1");
    let proposals = 0;
    let endpoint = "n1";
    const propose = () => {
      proposals++;
      if (proposals % 50 === 0) endpoint = cluster.leader() ?? "n1";
      client.call(endpoint, { kind: "put", request: { key: bytesFromText(`k${proposals % 100}`), value: bytesFromText(`v${proposals}`) } }, 5_000_000, () => undefined);
      if (world.now + 20_000 < virtualUs) world.schedule(world.now + 20_000, propose);
    };
    world.schedule(2_000_000, propose);
    world.runUntil(virtualUs);
  };
}

const runs = { before: await load(before), after: await load(after) };
const cpuMs = { before: [], after: [] };
for (let round = 0; round < rounds; round++) {
  for (const name of round % 2 === 0 ? ["before", "after"] : ["after", "before"]) {
    globalThis.gc();
    const start = cpuUsage();
    runs[name]();
    const used = cpuUsage(start);
    cpuMs[name].push((used.user + used.system) / 1000);
  }
}
const measured = (series) => series.slice(1);
const mean = (series) => measured(series).reduce((sum, value) => sum + value, 0) / measured(series).length;
for (const name of ["before", "after"]) console.log(`${name.padEnd(6)} ${cpuMs[name].map((ms) => ms.toFixed(0)).join(" ")} (mean without the first: ${mean(cpuMs[name]).toFixed(0)} ms)`);
const ratios = measured(cpuMs.after).map((ms, index) => ms / measured(cpuMs.before)[index]).sort((a, b) => a - b);
console.log(`after/before: ${(mean(cpuMs.after) / mean(cpuMs.before)).toFixed(3)} (means), median paired ${ratios[Math.floor(ratios.length / 2)].toFixed(3)}, after lower in ${ratios.filter((ratio) => ratio < 1).length} of ${ratios.length}`);
