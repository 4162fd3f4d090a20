/** Shared helpers of the server tests: request builders, unwrapping and error checks. */
import { expect } from "vitest";
import type { EtcdError } from "../../../src/mvcc/index.js";
import type { Outcome } from "../../../src/etcd/protocol.js";
import {
  type AuthInfo,
  EtcdServerState,
  type EtcdServerConfig,
  headerFor,
  type InternalRequest,
  type InternalRequests,
  type InternalRequestType,
  type InternalResponse,
  type InternalResponses,
  type LeaseDeleteListener,
} from "../../../src/etcd/server/index.js";

export function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`unexpected error: ${outcome.error.message}`);
  return outcome.value;
}

export function expectError(outcome: Outcome<unknown>, error: EtcdError): void {
  expect(outcome.ok ? "ok" : { code: outcome.error.code, message: outcome.error.message }).toEqual({ code: error.code, message: error.message });
}

/**
 * A server with an apply counter standing in for the Raft index, and a virtual clock: `apply`
 * applies one request as the given user (none: a client without token).
 */
export class TestServer {
  readonly state: EtcdServerState;
  index = 0;
  nowMs = 0;

  constructor(config: EtcdServerConfig = {}, onLeaseDeletes?: LeaseDeleteListener) {
    this.state = new EtcdServerState(config, onLeaseDeletes);
  }

  request<Type extends InternalRequestType>(type: Type, request: InternalRequests[Type], authInfo?: AuthInfo): InternalRequest & { readonly type: Type } {
    return { type, request, header: headerFor(authInfo, this.index + 1) } as InternalRequest & { readonly type: Type };
  }

  apply<Type extends InternalRequestType>(type: Type, request: InternalRequests[Type], authInfo?: AuthInfo): Outcome<InternalResponses[Type]> {
    this.index++;
    const outcome: Outcome<InternalResponse> = this.state.apply(this.request(type, request, authInfo), this.index, this.nowMs);
    return outcome.ok ? { ok: true, value: outcome.value.response as InternalResponses[Type] } : outcome;
  }

  /** Applies and expects success. */
  must<Type extends InternalRequestType>(type: Type, request: InternalRequests[Type], authInfo?: AuthInfo): InternalResponses[Type] {
    return unwrap(this.apply(type, request, authInfo));
  }

  /** The auth info a client with this user's fresh token would carry. */
  as(username: string): AuthInfo {
    return { username, revision: this.state.auth.revision };
  }

  /** Adds root with the root role and enables auth. */
  enableAuthWithRoot(): void {
    this.must("authUserAdd", { name: "root", password: "root-password" });
    this.must("authUserGrantRole", { user: "root", role: "root" });
    this.must("authEnable", {});
  }
}
