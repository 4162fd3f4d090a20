/**
 * A member's API layer for auth (etcd `v3_server.go`, `v3rpc/auth.go`), around the apply layer's
 * auth store (src/etcd/server/auth-store.ts), which it does not change:
 *
 * 1. Every client request and watch carries the client's simple token, if it has one. The member
 *    looks it up first (`authInfo`): an unknown or expired token is `etcdserver: invalid auth
 *    token`; without auth enabled a token is ignored. The user and auth revision it finds go into
 *    the header of what the member proposes, and reads are checked with them.
 * 2. Lease grant, revoke and time-to-live need a user while auth is enabled (`requireAuthInfo`).
 * 3. Authenticate checks the password against the member's own auth store before anything is
 *    proposed (a wrong one: `etcdserver: authentication failed, invalid user ID or password`;
 *    auth disabled: `etcdserver: authentication is not enabled`), then proposes the user's name
 *    with a token prefix the member draws; the apply assigns the token `<prefix>.<index>` on every
 *    member.
 * 4. User add and password change carry a plain password to the member, which proposes its hash,
 *    so the Raft log never holds a password.
 */
import type { EtcdError } from "../mvcc/errors.js";
import type { Prng } from "../sim/prng.js";
import type { ClientRequest, ClientResponse, Outcome, ServerRequest } from "./protocol.js";
import { type AuthInfo, type EtcdServerState, hashPassword, type InternalRequest, type InternalResponse, type RequestHeader, tokenPrefix } from "./server/index.js";

/** The API layer's checks of a request before it is served or proposed: the token's user, or the error the client gets. */
export function admitRequest(state: EtcdServerState, request: ClientRequest, token: string | undefined, nowMs: number): Outcome<AuthInfo | undefined> {
  const authInfo = state.authInfo(token, nowMs);
  if (!authInfo.ok) return authInfo;
  const refusal = apiRefusal(state, request, authInfo.value);
  return refusal === undefined ? authInfo : { ok: false, error: refusal };
}

function apiRefusal(state: EtcdServerState, request: ClientRequest, authInfo: AuthInfo | undefined): EtcdError | undefined {
  switch (request.kind) {
    case "leaseGrant":
    case "leaseRevoke":
    case "leaseTimeToLive":
      return state.requireAuthInfo(authInfo);
    case "authenticate": {
      const checked = state.checkPassword(request.request.name, request.request.password);
      return checked.ok ? undefined : checked.error;
    }
    default:
      return undefined;
  }
}

/** What an Authenticate or Auth-service request proposes. */
export function authInternalRequest(request: Extract<ServerRequest, { readonly kind: "authenticate" | "auth" }>, header: RequestHeader, random: Prng): InternalRequest {
  if (request.kind === "authenticate") {
    return { header, type: "authenticate", request: { name: request.request.name, simpleToken: tokenPrefix(() => random.uint32()) } };
  }
  const body = request.request;
  if (body.type === "authUserAdd" && body.request.noPassword !== true) {
    const { password, ...rest } = body.request;
    return { header, type: "authUserAdd", request: { ...rest, hashedPassword: hashPassword(body.request.name, password ?? "") } };
  }
  if (body.type === "authUserChangePassword") {
    const { password, ...rest } = body.request;
    return { header, type: "authUserChangePassword", request: { ...rest, hashedPassword: hashPassword(body.request.name, password ?? "") } };
  }
  return { header, ...body };
}

/** The client response of an applied Authenticate or Auth-service request; undefined for other types. */
export function authClientResponse(response: InternalResponse): ClientResponse | undefined {
  switch (response.type) {
    case "authenticate":
      return { kind: "authenticate", response: response.response };
    case "put":
    case "deleteRange":
    case "txn":
    case "compaction":
    case "leaseGrant":
    case "leaseRevoke":
    case "alarm":
      return undefined;
    default:
      return { kind: "auth", response };
  }
}
