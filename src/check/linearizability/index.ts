/**
 * The linearizability checker: the Wing-Gong-Lowe search with a cache of visited configurations
 * and P-compositionality (`check.ts`, `search.ts`), the `Model` interface (`model.ts`) and the
 * register, kv and etcd models (`models/`; the etcd model has a faster search of its own, driven by
 * revisions), with explanations a learner can follow (`explain.ts`).
 */
export { checkHistory, checkOperations, type CheckOptions, type CheckResult, type Verdict } from "./check.js";
export type { Explanation } from "./explain.js";
export {
  determinize,
  ILLEGAL,
  partitionByKey,
  type AnyModel,
  type Illegal,
  type Model,
  type NondeterministicModel,
  type Partition,
} from "./model.js";
export { registerModel } from "./models/register.js";
export { kvModel, type KvState } from "./models/kv.js";
export { etcdModel, executeEtcd, INITIAL_ETCD_STATE, type EtcdKeyState, type EtcdState } from "./models/etcd.js";
