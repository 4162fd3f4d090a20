/**
 * `kubectl get --raw PATH`: the REST path of a collection or an object, and the query parameters the
 * API server reads on a GET of them (`resourceVersion`, `resourceVersionMatch`, `limit`, `continue`;
 * others are ignored, as the server ignores parameters it does not know).
 *
 *   /api/v1/namespaces/NS/configmaps[/NAME]       /api/v1/configmaps (every namespace)
 *   /apis/GROUP/VERSION/namespaces/NS/RESOURCE[/NAME]
 */
import type { KubeRequest, ListOptions } from "../kube/protocol.js";
import { RESOURCES } from "../kube/resources.js";

const PATH = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?\/?$/;

/** The request a raw GET path makes, or the server's error line. */
export function rawRequest(path: string): { readonly request: KubeRequest } | { readonly error: string } {
  const at = path.indexOf("?");
  const route = at < 0 ? path : path.slice(0, at);
  const match = PATH.exec(route);
  const info = match === null ? undefined : RESOURCES.find((candidate) => candidate.resource === match[5] && candidate.group === (match[2] ?? "") && candidate.version === (match[1] ?? match[3]));
  if (match === null || info === undefined) return { error: "Error from server (NotFound): the server could not find the requested resource" };
  const namespace = match[4];
  const name = match[6];
  const query = new URLSearchParams(at < 0 ? "" : path.slice(at + 1));
  const resourceVersion = query.get("resourceVersion") ?? undefined;
  if (name !== undefined) {
    // A single object needs its namespace: /api/v1/configmaps/NAME names no collection the server has.
    if (namespace === undefined) return { error: "Error from server (NotFound): the server could not find the requested resource" };
    return { request: { verb: "get", resource: info.resource, namespace, name, ...(resourceVersion === undefined ? {} : { resourceVersion }) } };
  }
  const limitText = query.get("limit");
  if (limitText !== null && !/^-?\d+$/.test(limitText)) return { error: `Error from server (BadRequest): strconv.ParseInt: parsing "${limitText}": invalid syntax` };
  const versionMatch = query.get("resourceVersionMatch");
  const token = query.get("continue");
  const options: ListOptions = {
    ...(resourceVersion === undefined ? {} : { resourceVersion }),
    ...(versionMatch === null ? {} : { resourceVersionMatch: versionMatch }),
    ...(limitText === null ? {} : { limit: Math.max(0, Number(limitText)) }),
    ...(token === null || token === "" ? {} : { continue: token }),
  };
  return { request: { verb: "list", resource: info.resource, namespace, options } };
}
