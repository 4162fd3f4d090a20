import { describe, expect, test } from "vitest";
import { initialDatabaseBytes } from "../../../src/mvcc/index.js";
import {
  anonymousHeader,
  checkUrls,
  type ClusterInfo,
  clusterIdFor,
  EtcdServerState,
  hashPassword,
  internalRequestFromKv,
  kvResponseFromInternal,
  memberIdFor,
  parseInitialCluster,
  readSnapshotFile,
  restoreFromSnapshot,
  saveSnapshotFile,
  snapshotStatus,
} from "../../../src/etcd/server/index.js";
import { TestServer, unwrap } from "./helpers.js";

function unwrapText<T>(result: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!result.ok) throw new Error(`unexpected error: ${result.error}`);
  return result.value;
}

const oldCluster: ClusterInfo = {
  members: [
    { id: memberIdFor(["http://old1:2380"], "old-token"), name: "old1", peerUrls: ["http://old1:2380"], clientUrls: ["http://old1:2379"], isLearner: false },
    { id: memberIdFor(["http://old2:2380"], "old-token"), name: "old2", peerUrls: ["http://old2:2380"], clientUrls: [], isLearner: true },
  ].sort((left, right) => (BigInt(`0x${left.id}`) < BigInt(`0x${right.id}`) ? -1 : 1)),
  removedMemberIds: ["abc"],
  clusterVersion: "3.6.0",
};

/** A server with every kind of state: records, tombstones, a compaction, a lease with keys, an alarm, auth on. */
function richServer(): TestServer {
  const server = new TestServer();
  server.must("leaseGrant", { id: 42, ttl: 60 });
  server.must("put", { key: "a", value: "1" });
  server.must("put", { key: "a", value: "2" });
  server.must("put", { key: "b", value: "\x00\xff binary", lease: 42 });
  server.must("deleteRange", { key: "a" });
  server.must("txn", { success: [{ type: "put", request: { key: "c", value: "3" } }, { type: "put", request: { key: "d", value: "4" } }] });
  server.must("compaction", { revision: 4 });
  server.must("alarm", { action: "ACTIVATE", memberId: 7n, alarm: "NOSPACE" });
  server.must("authUserAdd", { name: "alice", hashedPassword: hashPassword("alice", "alice-password") });
  server.must("authRoleAdd", { name: "reader" });
  server.must("authRoleGrantPermission", { name: "reader", perm: { permType: "READ", key: "foo", rangeEnd: "fop" } });
  server.must("authUserGrantRole", { user: "alice", role: "reader" });
  server.enableAuthWithRoot();
  return server;
}

describe("snapshot files: save and read back", () => {
  test("the round trip gives the same state, the same hashes and the same bytes", () => {
    const server = richServer();
    const file = saveSnapshotFile(server.state, { cluster: oldCluster, term: 5 });
    expect(file.length % 512).toBe(32);
    expect(saveSnapshotFile(server.state, { cluster: oldCluster, term: 5 })).toEqual(file);
    const contents = unwrapText(readSnapshotFile(file));
    expect(contents.term).toBe(5);
    expect(contents.cluster).toEqual(oldCluster);
    const original = server.state.snapshot();
    expect(contents.server.consistentIndex).toBe(server.index);
    expect(contents.server.auth).toEqual(original.auth);
    expect(contents.server.store).toEqual({ ...original.store, records: original.store.records });

    const restored = new EtcdServerState();
    restored.restore(contents.server);
    expect(restored.store.hash()).toBe(server.state.store.hash());
    expect(unwrap(restored.store.hashKV(0))).toEqual(unwrap(server.state.store.hashKV(0)));
    expect(restored.store.status()).toEqual(server.state.store.status());
    expect(restored.store.lessor.timeToLive(42, true, 0).keys).toEqual(["b"]);
    expect(restored.store.isAlarmActive("NOSPACE")).toBe(true);
    expect(restored.checkPassword("alice", "alice-password").ok).toBe(true);
    expect(saveSnapshotFile(restored, { cluster: oldCluster, term: 5 })).toEqual(file);
  });

  test("an empty state saves to the empty database's size plus the hash", () => {
    const file = saveSnapshotFile(new EtcdServerState());
    expect(file.length).toBe(initialDatabaseBytes + 32);
    const contents = unwrapText(readSnapshotFile(file));
    expect(contents.server.store.currentRevision).toBe(1);
    expect(contents.server.store.compactRevision).toBe(-1);
    expect(contents.server.auth).toEqual({ enabled: false, revision: 1, users: [], roles: [] });
  });
});

describe("snapshot files: corruption and the hash", () => {
  test("one flipped byte anywhere is refused with etcdutl's sha256 message, unless the check is skipped", () => {
    const file = saveSnapshotFile(richServer().state);
    for (const position of [20, 200, file.length - 40, file.length - 1]) {
      const corrupt = file.slice();
      corrupt[position] = (corrupt[position] ?? 0) ^ 0x01;
      const result = readSnapshotFile(corrupt);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(/^expected sha256 \[(\d+ ){31}\d+\], got \[(\d+ ){31}\d+\]$/);
    }
    // a flip in the padding (free pages) does not hurt the database once the check is skipped
    const padded = file.slice();
    padded[file.length - 40] = 1;
    expect(readSnapshotFile(padded, { skipHashCheck: true }).ok).toBe(true);
  });

  test("a file without the hash needs --skip-hash-check; a broken structure fails the integrity check", () => {
    const file = saveSnapshotFile(richServer().state);
    const database = file.subarray(0, file.length - 32);
    expect(readSnapshotFile(database)).toEqual({ ok: false, error: "snapshot missing hash but --skip-hash-check=false" });
    expect(readSnapshotFile(database, { skipHashCheck: true }).ok).toBe(true);
    const broken = database.slice();
    broken[0] = 0x58;
    const result = readSnapshotFile(broken, { skipHashCheck: true });
    expect(result).toEqual({ ok: false, error: "snapshot file integrity check failed. 1 errors found.\nnot an etcdlab database (bad magic)" });
    expect(snapshotStatus(broken)).toEqual(result);
  });
});

/** CRC-32C computed bit by bit, independently of the table-driven hasher. */
function crc32c(bytes: readonly number[]): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const text = (value: string): number[] => Array.from(value, (char) => char.charCodeAt(0));
const u64 = (value: number): number[] => [0, 0, 0, 0, (value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];

describe("snapshot status", () => {
  test("hash, revision, total keys, total size and version as etcdutl computes them", () => {
    const server = new TestServer();
    server.must("put", { key: "a", value: "1" });
    const file = saveSnapshotFile(server.state, { term: 3 });
    const status = unwrapText(snapshotStatus(file));
    // bucket name, then key and value of each entry, buckets in name order; KeyValue{key a, create 2, mod 2, version 1, value 1}
    const expected = [
      ...text("alarm"),
      ...text("auth"),
      ...text("authEnabled"),
      0,
      ...text("authRevision"),
      ...u64(1),
      ...text("authRoles"),
      ...text("authUsers"),
      ...text("cluster"),
      ...text("clusterVersion"),
      ...text("3.6.0"),
      ...text("key"),
      ...u64(2),
      0x5f,
      ...u64(0),
      0x0a,
      1,
      ...text("a"),
      0x10,
      2,
      0x18,
      2,
      0x20,
      1,
      0x2a,
      1,
      ...text("1"),
      ...text("lease"),
      ...text("members"),
      ...text("members_removed"),
      ...text("meta"),
      ...text("consistent_index"),
      ...u64(1),
      ...text("storageVersion"),
      ...text("3.6.0"),
      ...text("term"),
      ...u64(3),
    ];
    expect(status).toEqual({ hash: crc32c(expected), hashHex: crc32c(expected).toString(16), revision: 2, totalKey: 7, totalSize: 24_576, version: "3.6.0" });
    expect(status.totalSize).toBe(server.state.store.status().dbSize);
  });

  test("the figures of a richer state; a change changes the hash", () => {
    const server = richServer();
    const status = unwrapText(snapshotStatus(saveSnapshotFile(server.state, { cluster: oldCluster })));
    const records = server.state.store.snapshot().records.length;
    // records + 1 lease + 1 alarm + 2 auth + 2 users + 1 role + clusterVersion + 2 members + 1 removed + 6 meta
    expect(status).toMatchObject({ revision: 6, totalKey: records + 1 + 1 + 2 + 2 + 1 + 1 + 2 + 1 + 6, version: "3.6.0" });
    server.must("deleteRange", { key: "c" }, server.as("root"));
    expect(unwrapText(snapshotStatus(saveSnapshotFile(server.state, { cluster: oldCluster }))).hash).not.toBe(status.hash);
  });
});

describe("snapshot restore", () => {
  test("etcd's own IDs for the default single-member cluster", () => {
    const restored = unwrapText(
      restoreFromSnapshot(saveSnapshotFile(new EtcdServerState()), { name: "default", initialCluster: "default=http://localhost:2380", initialClusterToken: "etcd-cluster" }),
    );
    expect(restored.memberId).toBe("8e9e05c52164694d");
    expect(restored.clusterId).toBe("cdf818194e3a8c32");
  });

  test("a new cluster: new member and cluster IDs, a fresh Raft state at term 1, the data kept, the input untouched", () => {
    const server = richServer();
    const file = saveSnapshotFile(server.state, { cluster: oldCluster, term: 9 });
    const copy = file.slice();
    const config = { name: "n2", initialCluster: "n1=http://n1:2380,n2=http://n2:2380,n3=http://n3:2380", initialClusterToken: "new-token" };
    const restored = unwrapText(restoreFromSnapshot(file, config));
    const ids = ["n1", "n2", "n3"].map((name) => memberIdFor([`http://${name}:2380`], "new-token"));
    const sorted = [...ids].sort((left, right) => (BigInt(`0x${left}`) < BigInt(`0x${right}`) ? -1 : 1));
    expect(restored.memberId).toBe(ids[1]);
    expect(restored.clusterId).toBe(clusterIdFor(ids));
    expect(restored.members.map((member) => member.id)).toEqual(sorted);
    expect(restored.cluster).toEqual({ members: restored.members, removedMemberIds: [], clusterVersion: "3.6.0" });
    expect(restored.raft.hardState).toEqual({ term: 1, vote: sorted[0], commit: 3 });
    expect(restored.raft.entries.map((entry) => [entry.index, entry.term, entry.type, entry.member.id])).toEqual(sorted.map((id, index) => [index + 1, 1, "add-node", id]));
    expect(restored.raft.snapshot).toEqual({ index: 3, term: 1, voters: sorted });
    expect(restored.server.consistentIndex).toBe(3);

    const state = new EtcdServerState();
    state.restore(restored.server);
    expect(state.store.hash()).toBe(server.state.store.hash());
    expect(state.auth.snapshot()).toEqual(server.state.auth.snapshot());
    expect(state.store.isAlarmActive("NOSPACE")).toBe(true);

    const database = unwrapText(readSnapshotFile(restored.database, { skipHashCheck: true }));
    expect(database.cluster.members).toEqual(restored.members);
    expect(database.term).toBe(1);
    expect(database.server.consistentIndex).toBe(3);

    expect(file).toEqual(copy);
    expect(unwrapText(readSnapshotFile(file)).cluster).toEqual(oldCluster);
    expect(server.state.consistentIndex).toBe(server.index);
  });

  test("restore errors: unknown local name, bad URLs, a corrupt file", () => {
    const file = saveSnapshotFile(new EtcdServerState());
    const restore = (name: string, initialCluster: string, bytes = file) => restoreFromSnapshot(bytes, { name, initialCluster, initialClusterToken: "t" });
    expect(restore("n9", "n1=http://n1:2380")).toEqual({ ok: false, error: 'couldn\'t find local name "n9" in the initial cluster configuration' });
    expect(restore("n1", "n1=ftp://n1:2380")).toEqual({ ok: false, error: "URL scheme must be http, https, unix, or unixs: ftp://n1:2380" });
    expect(restore("n1", "n1=http://n1")).toEqual({ ok: false, error: 'URL address does not have the form "host:port": http://n1' });
    expect(restore("n1", "n1=http://n1:2380/path")).toEqual({ ok: false, error: "URL must not contain a path: http://n1:2380/path" });
    expect(restore("n1", "n1=http://same:2380,n2=http://same:2380")).toEqual({ ok: false, error: "initial cluster n1=http://same:2380,n2=http://same:2380 has duplicate url" });
    const advertising = (urls: string[]) => restoreFromSnapshot(file, { name: "n1", initialCluster: "n1=http://n1:2380", initialClusterToken: "t", initialAdvertisePeerUrls: urls });
    expect(advertising(["http://localhost:2380"])).toEqual({
      ok: false,
      error: '--initial-cluster has n1=http://n1:2380 but missing from --initial-advertise-peer-urls=http://localhost:2380 (resolved urls: "http://localhost:2380" != "http://n1:2380")',
    });
    expect(advertising(["http://n1:2380", "http://n1:2381"])).toEqual({
      ok: false,
      error: '--initial-advertise-peer-urls has http://n1:2381 but missing from --initial-cluster=n1=http://n1:2380,n1=http://n1:2381',
    });
    expect(advertising(["http://n1:2380"]).ok).toBe(true);
    const corrupt = file.slice();
    corrupt[file.length - 100] = 0xff;
    expect(restore("n1", "n1=http://n1:2380", corrupt).ok).toBe(false);
    expect(restoreFromSnapshot(corrupt, { name: "n1", initialCluster: "n1=http://n1:2380", initialClusterToken: "t", skipHashCheck: true }).ok).toBe(true);
  });

  test("member IDs do not depend on the order of a member's peer URLs", () => {
    expect(memberIdFor(["http://b:2380", "http://a:2380"], "t")).toBe(memberIdFor(["http://a:2380", "http://b:2380"], "t"));
    expect(memberIdFor(["http://a:2380"], "t1")).not.toBe(memberIdFor(["http://a:2380"], "t2"));
    expect(clusterIdFor(["2", "1"])).toBe(clusterIdFor(["1", "2"]));
  });
});

describe("initial cluster parsing and the KV adapters", () => {
  test("names may repeat to give several URLs; unix URLs pass as they are", () => {
    expect(parseInitialCluster("a=http://a2:2380,b=unix://b.sock,a=http://a1:2380")).toEqual({
      ok: true,
      value: new Map([
        ["a", ["http://a1:2380", "http://a2:2380"]],
        ["b", ["unix://b.sock"]],
      ]),
    });
    expect(checkUrls([])).toEqual({ ok: false, error: "no valid URLs given" });
    expect(checkUrls(["http://[::1]:2380"]).ok).toBe(true);
  });

  test("today's requests map to Raft requests and back", () => {
    expect(internalRequestFromKv({ kind: "compact", request: { revision: 3 } }, anonymousHeader(4))).toEqual({ header: { id: 4, username: "", authRevision: 0 }, type: "compaction", request: { revision: 3 } });
    expect(kvResponseFromInternal({ type: "compaction", response: { header: { revision: 5 } } })).toEqual({ kind: "compact", response: { header: { revision: 5 } } });
    expect(() => kvResponseFromInternal({ type: "authEnable", response: { header: { revision: 1 } } })).toThrow(/assertion failed/);
  });
});
