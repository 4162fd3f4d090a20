/**
 * MVCC store benchmarks, one JSON line per figure:
 * - mvcc.put_ops_per_s: puts per second on a store of 100,000 keys (target >= 500,000);
 * - mvcc.get_ops_per_s: single-key latest reads per second on 100,000 keys (target >= 1,000,000);
 * - mvcc.compact_1m_s: seconds to compact 1,000,000 revisions (100,000 keys x 10 puts) (target <= 1);
 * - mvcc.bytes_per_revision: JS heap growth per revision beyond the value bytes, measured after
 *   garbage collection while 1,000,000 revisions are written over 100,000 existing key strings
 *   (target <= 250).
 */
import { bestOfMs, collectGarbage, nowMs, report } from "./harness.js";
import { MvccStore } from "../src/mvcc/index.js";

const keyCount = 100_000;
const keys = Array.from({ length: keyCount }, (_, index) => `key-${index.toString().padStart(8, "0")}`);

/** A deterministic permutation step (no Math.random): visits every key in a scattered order. */
function scatteredIndex(step: number): number {
  return (step * 7_919) % keyCount;
}

function populatedStore(rounds: number): MvccStore {
  const store = new MvccStore({ quotaBackendBytes: -1 });
  for (let round = 0; round < rounds; round++) {
    for (let index = 0; index < keyCount; index++) store.put({ key: keys[scatteredIndex(index)] as string, value: "value-0001" });
  }
  return store;
}

function benchPut(): void {
  const operations = 200_000;
  const store = populatedStore(1);
  let step = 0;
  const milliseconds = bestOfMs(5, () => {
    for (let index = 0; index < operations; index++) store.put({ key: keys[scatteredIndex(step++)] as string, value: "value-0002" });
  });
  report({ name: "mvcc.put_ops_per_s", unit: "ops/s", value: Math.round((operations / milliseconds) * 1000), target: ">= 500000", keys: keyCount });
}

function benchGet(): void {
  const operations = 1_000_000;
  const store = populatedStore(2);
  let found = 0;
  const milliseconds = bestOfMs(5, () => {
    for (let index = 0; index < operations; index++) {
      const result = store.range({ key: keys[scatteredIndex(index)] as string });
      if (result.ok) found += result.value.kvs.length;
    }
  });
  if (found === 0) throw new Error("benchmark read nothing");
  report({ name: "mvcc.get_ops_per_s", unit: "ops/s", value: Math.round((operations / milliseconds) * 1000), target: ">= 1000000", keys: keyCount });
}

function benchCompact(): void {
  let best = Infinity;
  for (let repeat = 0; repeat < 2; repeat++) {
    const store = populatedStore(10);
    collectGarbage();
    const start = nowMs();
    const result = store.compact({ revision: store.currentRevision });
    best = Math.min(best, nowMs() - start);
    if (!result.ok) throw new Error(result.error.message);
  }
  report({ name: "mvcc.compact_1m_s", unit: "s", value: Number((best / 1000).toFixed(3)), target: "<= 1", revisions: 10 * keyCount });
}

function benchMemory(): void {
  const rounds = 10;
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const store = new MvccStore({ quotaBackendBytes: -1 });
  let valueBytes = 0;
  for (let round = 0; round < rounds; round++) {
    for (let index = 0; index < keyCount; index++) {
      const value = (round * keyCount + index).toString(36).padStart(10, "0");
      valueBytes += value.length;
      store.put({ key: keys[index] as string, value });
    }
  }
  collectGarbage();
  const growth = process.memoryUsage().heapUsed - before;
  const revisions = rounds * keyCount;
  if (store.currentRevision !== revisions + 1) throw new Error("unexpected revision count");
  report({ name: "mvcc.bytes_per_revision", unit: "bytes", value: Math.round((growth - valueBytes) / revisions), target: "<= 250", revisions });
}

benchPut();
benchGet();
benchCompact();
benchMemory();
