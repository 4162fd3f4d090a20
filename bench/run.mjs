// `npm run bench`: compiles the benchmarks, then runs each `bench/*.bench.ts` in its own Node
// process (one core, a fresh heap) and passes through the JSON lines it prints:
// {"name", "unit", "value", ...}. `npm run bench -- NAME` runs only the files whose name contains NAME.
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.bench.json")], {
  stdio: "inherit",
});
const filter = process.argv[2] ?? "";
const files = readdirSync(join(root, "bench"))
  .filter((file) => file.endsWith(".bench.ts") && file.includes(filter))
  .sort();
// A simulation allocates short-lived objects at about 1 GB/s (messages, Ready batches, trace
// events) while it keeps a window of recent trace events alive: with V8's default young generation
// (16 MB semi-spaces, grown on demand) every scavenge copies that window again. A fixed 64 MB young
// generation runs a quarter as many scavenges (about 10% less CPU in raft.realtime_speedup). The
// figures report the flags they ran with (`nodeFlags`).
const NODE_FLAGS = ["--expose-gc", "--max-semi-space-size=64", "--min-semi-space-size=64"];
let failed = false;
for (const file of files) {
  const compiled = join(root, ".bench-build/bench", file.replace(/\.ts$/, ".js"));
  const result = spawnSync(process.execPath, [...NODE_FLAGS, compiled], { stdio: "inherit" });
  if (result.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
