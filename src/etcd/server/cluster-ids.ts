/**
 * Member and cluster IDs, derived as etcd derives them at bootstrap
 * (`server/etcdserver/api/membership/member.go: computeMemberID`, `cluster.go: genID`):
 * - member ID: the first 8 bytes (big-endian) of SHA-1(sorted peer URLs joined with nothing, then
 *   the cluster token); no time is mixed in for members of the initial cluster;
 * - cluster ID: the first 8 bytes of SHA-1 of the member IDs, sorted, each as 8 big-endian bytes.
 *
 * IDs are unsigned 64-bit numbers, kept as lower-case hexadecimal without leading zeros, as etcd
 * prints them (`types.ID.String()`): name "default", peer URL http://localhost:2380 and token
 * "etcd-cluster" give member 8e9e05c52164694d in cluster cdf818194e3a8c32.
 *
 * `parseInitialCluster` reads `--initial-cluster` (`name=url,name=url`, a name may repeat to give
 * several URLs) with etcd's URL checks (`types.NewURLs`); `verifyBootstrap` makes etcd's checks of a
 * bootstrap configuration (`ServerConfig.VerifyBootstrap`). URLs are compared as written: the
 * simulator has no DNS, so a host name resolves only to itself.
 */
import { createHash } from "node:crypto";

/**
 * The outcome of a tool-level operation (snapshot files, restore): a value, or the one line
 * etcdutl prints after "Error: ". These are user errors, not gRPC statuses.
 */
export type TextResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export function textSuccess<T>(value: T): TextResult<T> {
  return { ok: true, value };
}

export function textFailure<T>(error: string): TextResult<T> {
  return { ok: false, error };
}

/** A member or cluster ID: hexadecimal, no leading zeros. */
export type MemberId = string;

function idFromDigest(digest: Buffer): MemberId {
  return digest.readBigUInt64BE(0).toString(16);
}

export function memberIdBigInt(id: MemberId): bigint {
  return BigInt(`0x${id}`);
}

/** Numeric order of IDs (etcd `types.IDSlice`). */
export function compareMemberIds(left: MemberId, right: MemberId): number {
  const difference = memberIdBigInt(left) - memberIdBigInt(right);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

/** etcd `computeMemberID(peerURLs, clusterToken, nil)`. */
export function memberIdFor(peerUrls: readonly string[], clusterToken: string): MemberId {
  const joined = [...peerUrls].sort().join("") + clusterToken;
  return idFromDigest(createHash("sha1").update(joined, "utf8").digest());
}

/** etcd `RaftCluster.genID`. */
export function clusterIdFor(memberIds: readonly MemberId[]): MemberId {
  const bytes = Buffer.alloc(8 * memberIds.length);
  [...memberIds].sort(compareMemberIds).forEach((id, index) => bytes.writeBigUInt64BE(memberIdBigInt(id), 8 * index));
  return idFromDigest(createHash("sha1").update(bytes).digest());
}

/** etcd `types.NewURLs`: each URL checked, the list sorted. */
export function checkUrls(urls: readonly string[]): TextResult<string[]> {
  if (urls.length === 0) return textFailure("no valid URLs given");
  const checked: string[] = [];
  for (const raw of urls) {
    const url = raw.trim();
    const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/i.exec(url);
    const scheme = match?.[1]?.toLowerCase();
    if (scheme === "unix" || scheme === "unixs") {
      checked.push(url);
      continue;
    }
    if (match === null || (scheme !== "http" && scheme !== "https")) return textFailure(`URL scheme must be http, https, unix, or unixs: ${url}`);
    if (!/^(\[[0-9a-fA-F:.%a-zA-Z]+\]|[^:[\]]*):[^:[\]]*$/.test(match[2] ?? "")) return textFailure(`URL address does not have the form "host:port": ${url}`);
    if ((match[3] ?? "") !== "") return textFailure(`URL must not contain a path: ${url}`);
    checked.push(url);
  }
  return textSuccess(checked.sort());
}

/** `--initial-cluster`: peer URLs by member name, in the order names first appear. */
export function parseInitialCluster(text: string): TextResult<Map<string, string[]>> {
  const raw = new Map<string, string[]>();
  for (const part of text.split(",")) {
    if (part === "") continue;
    const equals = part.indexOf("=");
    const name = equals >= 0 ? part.slice(0, equals) : part;
    const url = equals >= 0 ? part.slice(equals + 1) : "";
    raw.set(name, [...(raw.get(name) ?? []), url]);
  }
  const cluster = new Map<string, string[]>();
  for (const [name, urls] of raw) {
    const checked = checkUrls(urls);
    if (!checked.ok) return checked;
    cluster.set(name, checked.value);
  }
  return textSuccess(cluster);
}

/** Go's `%q` of a string slice: `["a" "b"]`. */
function quotedList(values: readonly string[]): string {
  return `[${values.map((value) => JSON.stringify(value)).join(" ")}]`;
}

/** etcd `types.URLsMap.String()`: `name=url` pairs, sorted, joined with commas. */
export function urlsMapString(cluster: ReadonlyMap<string, readonly string[]>): string {
  const pairs: string[] = [];
  for (const [name, urls] of cluster) for (const url of urls) pairs.push(`${name}=${url}`);
  return pairs.sort().join(",");
}

/** etcd `advertiseMatchesCluster`: the advertised peer URLs are the initial cluster's URLs of this member. */
function advertiseMatchesCluster(name: string, advertised: readonly string[], cluster: ReadonlyMap<string, readonly string[]>): string | undefined {
  const initial = [...(cluster.get(name) ?? [])].sort();
  const announced = [...advertised].sort();
  const lengthsDiffer = initial.length !== announced.length;
  const firstDifference = initial.findIndex((url, index) => url !== announced[index]);
  if (!lengthsDiffer && firstDifference === -1) return undefined;
  const reason = lengthsDiffer ? `len(${quotedList(announced)}) != len(${quotedList(initial)})` : `resolved urls: ${JSON.stringify(announced[firstDifference])} != ${JSON.stringify(initial[firstDifference])}`;
  const missingFromAdvertised = initial.filter((url) => !announced.includes(url));
  if (missingFromAdvertised.length > 0) {
    return `--initial-cluster has ${missingFromAdvertised.map((url) => `${name}=${url}`).join(",")} but missing from --initial-advertise-peer-urls=${announced.join(",")} (${reason})`;
  }
  const missingFromCluster = announced.filter((url) => !initial.includes(url));
  return `--initial-advertise-peer-urls has ${missingFromCluster.join(",")} but missing from --initial-cluster=${urlsMapString(new Map([[name, announced]]))}`;
}

/**
 * etcd `VerifyBootstrap`: the local name is in the initial cluster, its advertised peer URLs (when
 * given) are its URLs there, and no URL belongs to two members. Returns the problem, if any.
 */
export function verifyBootstrap(name: string, advertisedPeerUrls: readonly string[] | undefined, cluster: ReadonlyMap<string, readonly string[]>): string | undefined {
  if (!cluster.has(name)) return `couldn't find local name ${JSON.stringify(name)} in the initial cluster configuration`;
  const mismatch = advertisedPeerUrls === undefined ? undefined : advertiseMatchesCluster(name, advertisedPeerUrls, cluster);
  if (mismatch !== undefined) return mismatch;
  const urls = [...cluster.values()].flat();
  if (new Set(urls).size !== urls.length) return `initial cluster ${urlsMapString(cluster)} has duplicate url`;
  return undefined;
}
