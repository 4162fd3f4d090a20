/**
 * The kv model (Porcupine's): string keys to string values. `get` returns the key's value (the
 * empty string if it was never written), `put` sets it, `append` concatenates to it.
 *
 * Keys are independent, so the model partitions a history by key and each key is checked alone
 * (P-compositionality); the state is then the value of one key, with its hash. Values grow by
 * appends, so the hash (FNV-1a) is carried along and extended by the appended text only.
 */
import type { KvInput, KvOutput } from "../../history/operations.js";
import { extendHash, hashString } from "../hashing.js";
import { ILLEGAL, partitionByKey, type Model } from "../model.js";

/** The value of one key, and `hashString(value)`. */
export interface KvState {
  readonly value: string;
  readonly hash: number;
}

const EMPTY: KvState = { value: "", hash: hashString("") };

export const kvModel: Model<KvState, KvInput, KvOutput> = {
  name: "kv",
  init: () => EMPTY,
  step(state, input, output) {
    switch (input.type) {
      case "get":
        return output === undefined || (output.type === "get" && output.value === state.value) ? state : ILLEGAL;
      case "put":
        return { value: input.value, hash: hashString(input.value) };
      case "append":
        return { value: state.value + input.value, hash: extendHash(state.hash, input.value) };
    }
  },
  hash: (state) => state.hash,
  equal: (a, b) => a === b || (a.hash === b.hash && a.value === b.value),
  partition: (operations) => partitionByKey(operations, (input) => input.key),
  isReadOnly: (input) => input.type === "get",
  describeOperation(input, output) {
    const unknown = output === undefined ? " (outcome unknown)" : "";
    const key = JSON.stringify(input.key);
    switch (input.type) {
      case "get":
        return output?.type === "get" ? `get ${key} → ${JSON.stringify(output.value)}` : `get ${key}${unknown}`;
      case "put":
      case "append":
        return `${input.type} ${key} ${JSON.stringify(input.value)}${unknown}`;
    }
  },
  explainIllegal: (state, input) => `key ${JSON.stringify(input.key)} held ${JSON.stringify(state.value)}`,
};
