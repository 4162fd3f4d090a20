/**
 * The register model: one register, initially nil. A read returns its value; a write sets it; a
 * cas [from to] sets it to `to` iff it holds `from`, and succeeds iff it held `from` (a cas that
 * reports failure ran and changed nothing). Jepsen's `:fail` operations definitely did not happen
 * and never reach the model (the checker drops them).
 *
 * There is one register, so a history is checked as a whole (no partitions).
 */
import type { RegisterInput, RegisterOutput, RegisterValue } from "../../history/operations.js";
import { hashInteger, hashString } from "../hashing.js";
import { ILLEGAL, type Model } from "../model.js";

const NIL_HASH = 0x2545f491;

export function hashRegisterValue(value: RegisterValue): number {
  if (value === null) return NIL_HASH;
  return typeof value === "number" ? hashInteger(value) : hashString(value);
}

/** A value as a person reads it: `nil`, `3` or `"abc"`. */
export function formatRegisterValue(value: RegisterValue): string {
  if (value === null) return "nil";
  return typeof value === "number" ? String(value) : JSON.stringify(value);
}

export const registerModel: Model<RegisterValue, RegisterInput, RegisterOutput> = {
  name: "register",
  init: () => null,
  step(state, input, output) {
    switch (input.type) {
      case "read":
        return output === undefined || (output.type === "read" && output.value === state) ? state : ILLEGAL;
      case "write":
        return input.value;
      case "cas": {
        const holds = state === input.from;
        if (output !== undefined && !(output.type === "cas" && output.succeeded === holds)) return ILLEGAL;
        return holds ? input.to : state;
      }
    }
  },
  hash: hashRegisterValue,
  equal: (a, b) => a === b,
  isReadOnly: (input) => input.type === "read",
  describeOperation(input, output) {
    const unknown = output === undefined ? " (outcome unknown)" : "";
    switch (input.type) {
      case "read":
        return output?.type === "read" ? `read → ${formatRegisterValue(output.value)}` : `read${unknown}`;
      case "write":
        return `write ${formatRegisterValue(input.value)}${unknown}`;
      case "cas": {
        const failed = output?.type === "cas" && !output.succeeded ? " (failed)" : "";
        return `cas from ${formatRegisterValue(input.from)} to ${formatRegisterValue(input.to)}${failed}${unknown}`;
      }
    }
  },
  explainIllegal(state, input) {
    const held = `the register held ${formatRegisterValue(state)}`;
    if (input.type === "cas") {
      return state === input.from ? `${held}, so the cas would have succeeded` : `${held}, not ${formatRegisterValue(input.from)}`;
    }
    return held;
  },
};
