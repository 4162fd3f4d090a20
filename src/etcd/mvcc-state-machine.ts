/**
 * The etcd state machine: the MVCC store, applied in Raft order. Writes are applied exactly as
 * etcd's apply layer does (one store transaction per request); reads are served from the current
 * state.
 */
import { MvccStore, type StoreSnapshot } from "../mvcc/index.js";
import { assertNever } from "../sim/errors.js";
import type { KvRequest, KvResponse, Outcome } from "./protocol.js";
import type { StateMachine } from "./state-machine.js";

export class MvccStateMachine implements StateMachine {
  store = new MvccStore();

  apply(request: KvRequest): Outcome<KvResponse> {
    return this.execute(request);
  }

  read(request: KvRequest): Outcome<KvResponse> {
    return this.execute(request);
  }

  snapshot(): unknown {
    return this.store.snapshot();
  }

  restore(data: unknown): void {
    this.store.restoreSnapshot(data as StoreSnapshot);
  }

  private execute(request: KvRequest): Outcome<KvResponse> {
    switch (request.kind) {
      case "range": {
        const result = this.store.range(request.request);
        return result.ok ? { ok: true, value: { kind: "range", response: result.value } } : result;
      }
      case "put": {
        const result = this.store.put(request.request);
        return result.ok ? { ok: true, value: { kind: "put", response: result.value } } : result;
      }
      case "deleteRange": {
        const result = this.store.deleteRange(request.request);
        return result.ok ? { ok: true, value: { kind: "deleteRange", response: result.value } } : result;
      }
      case "txn": {
        const result = this.store.txn(request.request);
        return result.ok ? { ok: true, value: { kind: "txn", response: result.value } } : result;
      }
      case "compact": {
        const result = this.store.compact(request.request);
        return result.ok ? { ok: true, value: { kind: "compact", response: result.value } } : result;
      }
      default:
        return assertNever(request, "request");
    }
  }
}
