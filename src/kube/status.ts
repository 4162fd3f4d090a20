/**
 * API errors as the Kubernetes API server returns them: a `metav1.Status` with an HTTP code, a
 * reason and a message worded exactly as `k8s.io/apimachinery/pkg/api/errors` words them. They are
 * values (an expected outcome of a request), never exceptions.
 */
import { qualifiedResource, type ResourceInfo } from "./resources.js";

/** Reasons as `metav1.StatusReason`; "" is `StatusReasonUnknown` (an error the server did not classify). */
export type StatusReason = "AlreadyExists" | "Conflict" | "NotFound" | "Expired" | "Invalid" | "BadRequest" | "Timeout" | "";

export interface Status {
  readonly kind: "Status";
  readonly apiVersion: "v1";
  /** ListMeta: empty, but for a 410 on a list page (a token to go on with). */
  readonly metadata: { readonly continue?: string };
  readonly status: "Failure";
  readonly message: string;
  readonly reason?: StatusReason;
  readonly details?: { readonly name?: string; readonly group?: string; readonly kind?: string };
  readonly code: number;
}

function status(code: number, reason: StatusReason, message: string, details?: Status["details"]): Status {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    ...(reason === "" ? {} : { reason }),
    ...(details === undefined ? {} : { details }),
    code,
  };
}

function detailsOf(info: ResourceInfo, name: string): NonNullable<Status["details"]> {
  return info.group === "" ? { name, kind: info.resource } : { name, group: info.group, kind: info.resource };
}

/** The registry's `OptimisticLockErrorMsg`. */
export const OPTIMISTIC_LOCK_MESSAGE = "the object has been modified; please apply your changes to the latest version and try again";

/** `NewAlreadyExists`: 409 `configmaps "cfg" already exists`. */
export function alreadyExists(info: ResourceInfo, name: string): Status {
  return status(409, "AlreadyExists", `${qualifiedResource(info)} "${name}" already exists`, detailsOf(info, name));
}

/** `NewConflict`: 409 `Operation cannot be fulfilled on configmaps "cfg": <cause>`. */
export function conflict(info: ResourceInfo, name: string, cause: string = OPTIMISTIC_LOCK_MESSAGE): Status {
  return status(409, "Conflict", `Operation cannot be fulfilled on ${qualifiedResource(info)} "${name}": ${cause}`, detailsOf(info, name));
}

/** `NewNotFound`: 404 `configmaps "cfg" not found`. */
export function notFound(info: ResourceInfo, name: string): Status {
  return status(404, "NotFound", `${qualifiedResource(info)} "${name}" not found`, detailsOf(info, name));
}

/** `NewResourceExpired`: 410 Expired, e.g. `The resourceVersion for the provided list is too old.` */
export function expired(message: string): Status {
  return status(410, "Expired", message);
}

/** `NewInvalid` for one field: 422 `ConfigMap "cfg" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`. */
export function invalid(info: ResourceInfo, name: string, field: string, detail: string): Status {
  return status(422, "Invalid", `${info.kind} "${name}" is invalid: ${field}: ${detail}`, detailsOf(info, name));
}

/** `NewBadRequest`: 400. */
export function badRequest(message: string): Status {
  return status(400, "BadRequest", message);
}

/** An error from etcd the server does not interpret: 500 with reason Unknown and etcd's message. */
export function internal(message: string): Status {
  return status(500, "", message);
}

/** The storage layer's `Too large resource version` (504 Timeout). */
export function tooLargeResourceVersion(requested: number, current: number): Status {
  return status(504, "Timeout", `Too large resource version: ${requested}, current: ${current}`);
}

/** kubectl's line for a server error: `Error from server (Conflict): <message>` (no reason: `Error from server: <message>`). */
export function kubectlErrorLine(error: Status): string {
  return error.reason === undefined ? `Error from server: ${error.message}` : `Error from server (${error.reason}): ${error.message}`;
}
