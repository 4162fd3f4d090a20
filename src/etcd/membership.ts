/**
 * The cluster's membership as etcd records it (`server/etcdserver/api/membership`): for each member
 * its etcd member ID, its name (empty until an added member has started), its peer and client URLs,
 * and the cluster ID. Raft knows members by their actor names (`n1`, `n2`, ...); this registry maps
 * those actors onto etcd's identities, which response headers, `member list`, `endpoint status` and
 * snapshots show.
 *
 * The initial members listen on the addresses of etcd's Procfile: the first member has client URL
 * http://127.0.0.1:2379 and peer URL http://127.0.0.1:2380, the i-th (from 0, i >= 1) ports
 * (i+1)*10000+2379 and (i+1)*10000+2380. Their IDs are derived from their peer URLs and the cluster
 * token "etcd-cluster", and the cluster ID from the member IDs, as etcd derives them at bootstrap
 * (`cluster-ids.ts`). A member added later gets etcd's `computeMemberID(peerURLs, "", now)` ID:
 * the same hash with the add time (Unix seconds) instead of a token.
 */
import { clusterIdFor, type MemberId, memberIdFor } from "./server/cluster-ids.js";

export const CLUSTER_TOKEN = "etcd-cluster";

/** One member of the cluster as etcd records it. */
export interface MembershipRecord {
  /** The actor (Raft node) running the member. */
  readonly actor: string;
  readonly id: bigint;
  /** Empty until the member has started (etcd: published its attributes). */
  name: string;
  peerURLs: readonly string[];
  clientURLs: readonly string[];
  isLearner: boolean;
}

/** The port a member's client URL uses by its position among the actors (Procfile: 2379, 22379, 32379, ...). */
export function clientPortOf(position: number): number {
  return position === 0 ? 2379 : (position + 1) * 10_000 + 2379;
}

export function clientUrlOf(position: number): string {
  return `http://127.0.0.1:${clientPortOf(position)}`;
}

export function peerUrlOf(position: number): string {
  return `http://127.0.0.1:${clientPortOf(position) + 1}`;
}

export function idFromHex(id: MemberId): bigint {
  return BigInt(`0x${id}`);
}

export class ClusterMembership {
  clusterId: bigint;
  /** The actors that ever ran a member, in spawn order: their position gives their client port. */
  private readonly positions: string[] = [];
  private records: MembershipRecord[] = [];

  constructor(actors: readonly string[]) {
    for (const actor of actors) this.positions.push(actor);
    for (const [position, actor] of actors.entries()) {
      const peerURLs = [peerUrlOf(position)];
      this.records.push({ actor, id: idFromHex(memberIdFor(peerURLs, CLUSTER_TOKEN)), name: actor, peerURLs, clientURLs: [clientUrlOf(position)], isLearner: false });
    }
    this.clusterId = idFromHex(clusterIdFor(this.records.map((record) => record.id.toString(16))));
  }

  /** The members, in ID order (etcd's `RaftCluster.Members`). */
  list(): MembershipRecord[] {
    return [...this.records].sort((left, right) => (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
  }

  byActor(actor: string): MembershipRecord | undefined {
    return this.records.find((record) => record.actor === actor);
  }

  byId(id: bigint): MembershipRecord | undefined {
    return this.records.find((record) => record.id === id);
  }

  /** The etcd member ID of an actor (0 for an actor that is not a member). */
  memberId(actor: string): bigint {
    return this.byActor(actor)?.id ?? 0n;
  }

  /** The IDs a member puts in its response headers. */
  identity(actor: string): { readonly clusterId: bigint; readonly memberId: bigint } {
    return { clusterId: this.clusterId, memberId: this.memberId(actor) };
  }

  add(record: MembershipRecord): void {
    this.records.push(record);
  }

  remove(actor: string): void {
    this.records = this.records.filter((record) => record.actor !== actor);
  }

  /** Replaces every member and the cluster ID (a cluster started from a restored data directory). */
  replace(records: readonly MembershipRecord[], clusterId: bigint): void {
    this.records = [...records];
    this.clusterId = clusterId;
  }

  /** An actor's position among the actors that ever ran a member (assigned on first use). */
  positionOf(actor: string): number {
    let position = this.positions.indexOf(actor);
    if (position < 0) position = this.positions.push(actor) - 1;
    return position;
  }

  /** The actor behind an endpoint: a member name, an actor name, or a client URL (with or without scheme). */
  actorForEndpoint(endpoint: string): string | undefined {
    const address = endpoint.replace(/^(https?|unix|unixs):\/\//, "").replace(/\/+$/, "");
    for (const record of this.records) {
      if (record.actor === address || (record.name !== "" && record.name === address)) return record.actor;
      if (record.clientURLs.some((url) => url.replace(/^https?:\/\//, "") === address)) return record.actor;
    }
    const port = /^(?:127\.0\.0\.1|localhost|\[::1\]):(\d+)$/.exec(address)?.[1];
    if (port === undefined) return undefined;
    const position = this.positions.findIndex((_, index) => clientPortOf(index) === Number(port));
    return position >= 0 ? this.positions[position] : undefined;
  }

  /** The endpoints etcdctl's `--cluster` finds: every member's client URLs, in member ID order. */
  clientEndpoints(): string[] {
    return this.list().flatMap((record) => record.clientURLs);
  }
}
