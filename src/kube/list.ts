/**
 * A LIST of a collection as kube-apiserver v1.30 serves it straight from etcd (the etcd3 store's
 * `GetList`, no watch cache), with its query parameters:
 *
 * - `resourceVersion` unset: the latest state, a linearizable read; the list's resourceVersion is
 *   the response header's revision.
 * - `resourceVersion=0`: "any"; with no watch cache to answer from, the latest state too.
 * - `resourceVersion=N` (`resourceVersionMatch` unset or `NotOlderThan`): the latest state, which
 *   must be at least N, else 504 `Too large resource version: N, current: M`.
 * - `resourceVersion=N&resourceVersionMatch=Exact`, or the legacy form `resourceVersion=N&limit=L`:
 *   the collection as it was at revision N (an etcd range at that revision), stamped N; a compacted
 *   N is 410 Expired `The resourceVersion for the provided list is too old.`, a future N etcd's own
 *   `required revision is a future revision` (500).
 * - `limit=L`: a page of L objects; when more follow, `metadata.continue` carries the next key and
 *   the page's revision (`storage.EncodeContinue`: base64url of {"v","rv","start"}) and
 *   `remainingItemCount` how many are left. `continue=T` reads the next page at the token's
 *   revision; compacted meanwhile, it is 410 with a token to go on at the latest revision.
 *
 * Checks first, with the API server's words: `resourceVersionMatch` without `resourceVersion`, an
 * unknown match, `Exact` with "0" (422 on ListOptions.meta.k8s.io), a resourceVersion that is no
 * number, a resourceVersion with a continue token (400).
 */
import type { CallOutcome } from "../etcd/client.js";
import type { KvRequest } from "../etcd/protocol.js";
import { bytesFromText, prefixEnd, textFromBytes } from "../mvcc/bytes.js";
import { etcdErrors } from "../mvcc/errors.js";
import type { RangeResponse } from "../mvcc/types.js";
import type { DecodedObjects } from "./objects.js";
import type { KubeList, KubeOutcome, ListOptions } from "./protocol.js";
import { apiVersion, collectionPrefix, type ResourceInfo } from "./resources.js";
import { badRequest, expired, internal, type Status, tooLargeResourceVersion } from "./status.js";

export const EXPIRED_LIST = "The resourceVersion for the provided list is too old.";
const INCONSISTENT_CONTINUE =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

/** What a list needs of the API server: one etcd request. */
export type EtcdCall = (request: KvRequest, done: (outcome: CallOutcome) => void) => void;

interface Plan {
  /** The revision to read at; 0: the latest. */
  readonly withRev: number;
  /** The first key to read (a continue token's), else the collection's prefix. */
  readonly startKey: string;
  /** The resourceVersion the latest state must reach (NotOlderThan); 0: none. */
  readonly minimum: number;
  readonly paging: boolean;
}

/** `GetList`: checks the options, reads the page from etcd and makes the list (or the error). */
export function listCollection(call: EtcdCall, decoded: DecodedObjects, info: ResourceInfo, namespace: string | undefined, options: ListOptions, done: (outcome: KubeOutcome) => void): void {
  const prefix = collectionPrefix(info, namespace);
  const plan = planList(prefix, options);
  if ("status" in plan) return done({ ok: false, status: plan.status });
  const limit = options.limit ?? 0;
  call({ kind: "range", request: { key: bytesFromText(plan.startKey), rangeEnd: prefixEnd(bytesFromText(prefix)), ...(plan.withRev > 0 ? { revision: plan.withRev } : {}), ...(plan.paging ? { limit } : {}) } }, (outcome) => {
    if (!outcome.ok) {
      if (outcome.error.message !== etcdErrors.compacted.message) return done({ ok: false, status: internal(outcome.error.message) });
      return done({ ok: false, status: options.continue === undefined ? expired(EXPIRED_LIST) : continueExpired(plan.startKey, prefix) });
    }
    const response = (outcome.value as { response: RangeResponse }).response;
    const current = response.header.revision;
    if (plan.minimum > current) return done({ ok: false, status: tooLargeResourceVersion(plan.minimum, current) });
    const returned = plan.withRev > 0 ? plan.withRev : current;
    const items = response.kvs.map((kv) => decoded.decode(kv));
    const last = response.kvs[response.kvs.length - 1];
    const more = plan.paging && response.more && last !== undefined;
    const metadata: KubeList["metadata"] = more
      ? { resourceVersion: String(returned), continue: encodeContinue(`${textFromBytes(last.key)}\u0000`, prefix, returned), remainingItemCount: response.count - items.length }
      : { resourceVersion: String(returned) };
    done({ ok: true, value: { kind: "list", list: { apiVersion: apiVersion(info), kind: `${info.kind}List`, metadata, items } } });
  });
}

/** `ValidateListOptions` (apimachinery's, then the storage layer's), as a plan or the error. */
function planList(prefix: string, options: ListOptions): Plan | { readonly status: Status } {
  const version = options.resourceVersion ?? "";
  const match = options.resourceVersionMatch ?? "";
  const forbidden = matchErrors(version, match, options.continue !== undefined);
  if (forbidden.length > 0) return { status: invalidListOptions(forbidden) };
  const paging = (options.limit ?? 0) > 0;
  if (options.continue !== undefined) {
    const token = decodeContinue(options.continue, prefix);
    if ("error" in token) return { status: badRequest(`invalid continue token: ${token.error}`) };
    if (version !== "" && version !== "0") return { status: badRequest("specifying resource version is not allowed when using continue") };
    return { withRev: token.revision > 0 ? token.revision : 0, startKey: token.key, minimum: 0, paging };
  }
  if (version === "" || version === "0") return { withRev: 0, startKey: prefix, minimum: 0, paging };
  if (!/^\d+$/.test(version)) return { status: badRequest(`invalid resource version: resourceVersion: Invalid value: "${version}": strconv.ParseUint: parsing "${version}": invalid syntax`) };
  const requested = Number(version);
  const exact = match === "Exact" || (match === "" && paging);
  return exact ? { withRev: requested, startKey: prefix, minimum: 0, paging } : { withRev: 0, startKey: prefix, minimum: requested, paging };
}

/** apimachinery's checks of resourceVersionMatch, each as `field: Forbidden: detail`. */
function matchErrors(version: string, match: string, continued: boolean): string[] {
  if (match === "") return [];
  const errors: string[] = [];
  if (version === "") errors.push("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
  if (continued) errors.push("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided");
  if (match !== "Exact" && match !== "NotOlderThan") errors.push(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan", ""`);
  if (match === "Exact" && version === "0") errors.push('resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  return errors;
}

/** `NewInvalid(ListOptions.meta.k8s.io, "", errs)`: 422, the field errors in brackets when more than one. */
function invalidListOptions(errors: readonly string[]): Status {
  const detail = errors.length === 1 ? errors[0] : `[${errors.join(", ")}]`;
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `ListOptions.meta.k8s.io "" is invalid: ${detail}`, reason: "Invalid", details: { group: "meta.k8s.io", kind: "ListOptions" }, code: 422 };
}

/** `storage.EncodeContinue`: base64url (no padding) of `{"v":"meta.k8s.io/v1","rv":N,"start":"<key after the prefix>"}`. */
export function encodeContinue(key: string, prefix: string, revision: number): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: revision, start: key.slice(prefix.length) }), "utf8").toString("base64url");
}

/** `storage.DecodeContinue`: the start key (under the prefix) and revision of a token, or why it is not one. */
function decodeContinue(token: string, prefix: string): { readonly key: string; readonly revision: number } | { readonly error: string } {
  const bad = token.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0 || token.length % 4 === 1) return { error: `continue key is not valid: illegal base64 data at input byte ${bad >= 0 ? bad : token.length - 1}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    return { error: "continue key is not valid: the token is not JSON" };
  }
  const fields = (typeof parsed === "object" && parsed !== null ? parsed : {}) as { v?: unknown; rv?: unknown; start?: unknown };
  if (fields.v !== "meta.k8s.io/v1") return { error: `continue key is not valid: server does not recognize this encoded version ${typeof fields.v === "string" ? fields.v : ""}` };
  const revision = typeof fields.rv === "number" && Number.isSafeInteger(fields.rv) ? fields.rv : 0;
  if (revision === 0) return { error: "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)" };
  const start = typeof fields.start === "string" ? fields.start : "";
  if (start === "") return { error: "continue key is not valid: encoded start key empty (version meta.k8s.io/v1)" };
  // path.Clean("/" + start) must leave it as it is: no empty, "." or ".." segment (no way above the prefix).
  const segments = (start.startsWith("/") ? start.slice(1) : start).split("/");
  if (segments.some((segment) => segment === "" || segment === "." || segment === "..")) return { error: `continue key is not valid: ${start}` };
  return { key: `${prefix}${segments.join("/")}`, revision };
}

/** `handleCompactedErrorForPaging`: 410, with a token to go on from the same key at the latest revision (rv -1). */
function continueExpired(startKey: string, prefix: string): Status {
  return { ...expired(INCONSISTENT_CONTINUE), metadata: { continue: encodeContinue(startKey, prefix, -1) } };
}
