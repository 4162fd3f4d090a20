/**
 * Snapshot files, as `etcdctl snapshot save` writes them and `etcdutl snapshot status|restore`
 * reads them (`etcdutl/snapshot/v3_snapshot.go`, `server/etcdserver/api/v3rpc/maintenance.go`).
 *
 * A file is the database (bucket-db.ts: every bucket of the server's state in etcd's keys and
 * protobuf values, padded to whole pages) followed by the SHA-256 of the database (32 bytes). The
 * hash is there when the length is 32 modulo 512 (etcdutl's `hasChecksum`).
 *
 * - `saveSnapshotFile`: the whole state (store records, leases, alarms, compaction, auth, consistent
 *   index, the cluster's members) as file bytes; the same state gives the same bytes.
 * - `readSnapshotFile`: the state back. Without the hash the file is refused (`snapshot missing hash
 *   but --skip-hash-check=false`) unless `skipHashCheck`; a hash that does not match is refused with
 *   etcdutl's `expected sha256 [..], got [..]` (bytes in decimal, as Go prints a byte slice) unless
 *   `skipHashCheck`; a database that cannot be read gives `snapshot file integrity check failed`.
 * - `snapshotStatus`: etcdutl's figures: the CRC-32C (Castagnoli) of every bucket name followed by
 *   each of its keys and values, the main revision of the last record of the "key" bucket, the
 *   number of entries over all buckets, the database size (hash excluded) and the storage version.
 *   etcdutl prints the hash in hex in its table and in decimal with `-w json`. It does not check the
 *   SHA-256: a flipped byte in a value changes the hash, a flipped byte in the structure is an
 *   integrity failure.
 * - `restoreFromSnapshot`: a fresh data directory as etcdutl builds it: the store, leases, alarms and
 *   auth of the file; the old membership dropped and the members of `--initial-cluster` written,
 *   with IDs derived from their peer URLs and the cluster token (cluster-ids.ts); a new Raft state:
 *   one ConfChangeAddNode entry per member at term 1 (indexes 1..n, members in ID order), hard
 *   state {term 1, vote: the first member, commit n}, a snapshot at index n, term 1 with every
 *   member a voter; consistent index n. The input bytes are never changed.
 */
import { createHash } from "node:crypto";
import { arrayFromBytes, type ByteString, bytesFromArray, bytesFromText, textFromBytes } from "../../mvcc/bytes.js";
import { alarmTypeNumbers, compareIds } from "../../mvcc/alarms.js";
import { assert, assertionFailed } from "../../mvcc/errors.js";
import { Crc32cHasher } from "../../mvcc/proto.js";
import { alarmFromSnapshot, snapshotAlarm, type SnapshotRecord, snapshotFormat, snapshotFormatVersion, snapshotProblem, type StoreSnapshot } from "../../mvcc/snapshot.js";
import type { AlarmMember, AlarmType } from "../../mvcc/types.js";
import type { AuthSnapshot, RoleRecord, UserRecord } from "./auth-store.js";
import { type BucketEntry, type BucketName, type Buckets, decodeDatabase, encodeDatabase, ProtoWriter, readProtoFields, readUint64, uint64Bytes } from "./bucket-db.js";
import { checkUrls, clusterIdFor, compareMemberIds, type MemberId, memberIdBigInt, memberIdFor, parseInitialCluster, textFailure, type TextResult, textSuccess, verifyBootstrap } from "./cluster-ids.js";
import { type Permission, permissionTypes } from "./requests.js";
import { EtcdServerState, type ServerSnapshot, serverSnapshotFormat, serverSnapshotFormatVersion } from "./server-state.js";

/** The storage version a 3.6 server writes in its "meta" bucket (what `snapshot status` shows). */
export const storageVersion = "3.6.0";
export const defaultClusterVersion = "3.6.0";
const sha256Bytes = 32;

export interface ClusterMember {
  readonly id: MemberId;
  readonly name: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
  readonly isLearner: boolean;
}

/** The membership part of the database ("members", "members_removed" and "cluster" buckets). */
export interface ClusterInfo {
  /** In ID order (numeric), as read back from a file. */
  readonly members: readonly ClusterMember[];
  /** In ID order. */
  readonly removedMemberIds: readonly MemberId[];
  readonly clusterVersion: string;
}

export const emptyClusterInfo: ClusterInfo = { members: [], removedMemberIds: [], clusterVersion: defaultClusterVersion };

export interface SnapshotFileContents {
  readonly server: ServerSnapshot;
  readonly cluster: ClusterInfo;
  /** The Raft term stored with the consistent index ("meta" bucket). */
  readonly term: number;
}

export interface SaveOptions {
  /** The membership the member knows (default: none). */
  readonly cluster?: ClusterInfo;
  /** The Raft term of the last applied entry (default 0). */
  readonly term?: number;
}

function revisionKey(main: number, sub: number): ByteString {
  return `${uint64Bytes(main)}_${uint64Bytes(sub)}`;
}

function keyValueBytes(record: SnapshotRecord): ByteString {
  const [, , key, value, createRevision, modRevision, version, lease] = record;
  return new ProtoWriter().bytes(1, key).integer(2, createRevision).integer(3, modRevision).integer(4, version).bytes(5, value).integer(6, lease).finish();
}

function sortEntries(entries: BucketEntry[]): BucketEntry[] {
  return entries.sort((left, right) => (left[0] < right[0] ? -1 : left[0] > right[0] ? 1 : 0));
}

function userBytes(user: UserRecord): ByteString {
  const writer = new ProtoWriter().bytes(1, bytesFromText(user.name)).bytes(2, user.password);
  for (const role of user.roles) writer.bytes(3, bytesFromText(role), true);
  return writer.bytes(4, new ProtoWriter().bool(1, user.noPassword).finish(), true).finish();
}

function permissionBytes(permission: Permission): ByteString {
  return new ProtoWriter().integer(1, permissionTypes.indexOf(permission.permType)).bytes(2, permission.key).bytes(3, permission.rangeEnd).finish();
}

function roleBytes(role: RoleRecord): ByteString {
  const writer = new ProtoWriter().bytes(1, bytesFromText(role.name));
  for (const permission of role.permissions) writer.bytes(2, permissionBytes(permission), true);
  return writer.finish();
}

function memberJson(member: ClusterMember): ByteString {
  const fields = [`"id":${memberIdBigInt(member.id).toString(10)}`, `"peerURLs":${JSON.stringify(member.peerUrls)}`];
  if (member.isLearner) fields.push(`"isLearner":true`);
  if (member.name !== "") fields.push(`"name":${JSON.stringify(member.name)}`);
  if (member.clientUrls.length > 0) fields.push(`"clientURLs":${JSON.stringify(member.clientUrls)}`);
  return bytesFromText(`{${fields.join(",")}}`);
}

function confStateJson(members: readonly ClusterMember[]): ByteString {
  const ids = (learners: boolean): string => members.filter((member) => member.isLearner === learners).map((member) => memberIdBigInt(member.id).toString(10)).join(",");
  const learners = ids(true);
  return `{"voters":[${ids(false)}]${learners === "" ? "" : `,"learners":[${learners}]`}}`;
}

function metaEntries(store: StoreSnapshot, contents: SnapshotFileContents): BucketEntry[] {
  const entries: BucketEntry[] = [
    ["consistent_index", uint64Bytes(contents.server.consistentIndex)],
    ["storageVersion", storageVersion],
    ["term", uint64Bytes(contents.term)],
  ];
  if (contents.cluster.members.length > 0) entries.push(["confState", confStateJson(contents.cluster.members)]);
  if (store.compactRevision >= 0) {
    entries.push(["finishedCompactRev", revisionKey(store.compactRevision, 0)], ["scheduledCompactRev", revisionKey(store.compactRevision, 0)]);
  }
  return sortEntries(entries);
}

function authEntries(auth: AuthSnapshot): Array<[BucketName, BucketEntry[]]> {
  return [
    ["auth", [["authEnabled", auth.enabled ? "\x01" : "\x00"], ["authRevision", uint64Bytes(auth.revision)]]],
    ["authUsers", sortEntries(auth.users.map((user): BucketEntry => [bytesFromText(user.name), userBytes(user)]))],
    ["authRoles", sortEntries(auth.roles.map((role): BucketEntry => [bytesFromText(role.name), roleBytes(role)]))],
  ];
}

function alarmKey(alarm: AlarmMember): ByteString {
  return new ProtoWriter().uint64(1, alarm.memberId).integer(2, alarmTypeNumbers[alarm.alarm]).finish();
}

/** Every bucket of a state, in etcd's keys and values. */
function bucketsOf(contents: SnapshotFileContents): Buckets {
  const store = contents.server.store;
  const cluster = contents.cluster;
  const records = store.records.map((record): BucketEntry => [revisionKey(record[0], record[1]) + (record[4] === 0 ? "t" : ""), keyValueBytes(record)]);
  const leases = store.leases.map(([id, ttl]): BucketEntry => [uint64Bytes(id), new ProtoWriter().integer(1, id).integer(2, ttl).finish()]);
  return new Map<BucketName, BucketEntry[]>([
    ["alarm", sortEntries(store.alarms.map((alarm): BucketEntry => [alarmKey(alarmFromSnapshot(alarm)), ""]))],
    ...authEntries(contents.server.auth),
    ["cluster", [["clusterVersion", cluster.clusterVersion]]],
    ["key", records],
    ["lease", leases],
    ["members", sortEntries(cluster.members.map((member): BucketEntry => [member.id, memberJson(member)]))],
    ["members_removed", sortEntries(cluster.removedMemberIds.map((id): BucketEntry => [id, "removed"]))],
    ["meta", metaEntries(store, contents)],
  ]);
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(bytes).digest());
}

/** The database bytes of a state (a data directory's `member/snap/db`). */
export function encodeServerDatabase(contents: SnapshotFileContents): Uint8Array {
  return arrayFromBytes(encodeDatabase(bucketsOf(contents), contents.server.store.dbSize));
}

/** The snapshot file of a server state: its database followed by the database's SHA-256. */
export function saveSnapshotFile(state: EtcdServerState | ServerSnapshot, options: SaveOptions = {}): Uint8Array {
  const server = state instanceof EtcdServerState ? state.snapshot() : state;
  const database = encodeServerDatabase({ server, cluster: options.cluster ?? emptyClusterInfo, term: options.term ?? 0 });
  const file = new Uint8Array(database.length + sha256Bytes);
  file.set(database, 0);
  file.set(sha256(database), database.length);
  return file;
}

/** etcdutl `hasChecksum`: a database is whole pages, so an appended SHA-256 leaves 32 modulo 512. */
export function hasChecksum(length: number): boolean {
  return length % 512 === sha256Bytes;
}

function goByteSlice(bytes: Uint8Array): string {
  return `[${Array.from(bytes).join(" ")}]`;
}

/** The database part of a file after etcdutl's `copyAndVerifyDB` checks. */
function verifiedDatabase(file: Uint8Array, skipHashCheck: boolean): TextResult<Uint8Array> {
  if (file.length < sha256Bytes) return textFailure("snapshot file is too short to hold a database");
  const withHash = hasChecksum(file.length);
  const database = withHash ? file.subarray(0, file.length - sha256Bytes) : file;
  if (!withHash && !skipHashCheck) return textFailure("snapshot missing hash but --skip-hash-check=false");
  if (withHash && !skipHashCheck) {
    const expected = file.subarray(file.length - sha256Bytes);
    const actual = sha256(database);
    if (!expected.every((byte, index) => byte === actual[index])) return textFailure(`expected sha256 ${goByteSlice(expected)}, got ${goByteSlice(actual)}`);
  }
  return textSuccess(database);
}

function integrityFailure<T>(problem: string): TextResult<T> {
  return textFailure(`snapshot file integrity check failed. 1 errors found.\n${problem}`);
}

/** Reads a snapshot file back into the state it was saved from. */
export function readSnapshotFile(file: Uint8Array, options: { readonly skipHashCheck?: boolean } = {}): TextResult<SnapshotFileContents> {
  const database = verifiedDatabase(file, options.skipHashCheck ?? false);
  if (!database.ok) return database;
  const buckets = decodeDatabase(bytesFromArray(database.value));
  if (!buckets.ok) return integrityFailure(buckets.error);
  const contents = decodeContents(buckets.value, database.value.length);
  return contents.ok ? contents : integrityFailure(contents.error);
}

export interface SnapshotStatus {
  /** CRC-32C of the buckets, as etcdutl computes it (unsigned). */
  readonly hash: number;
  /** The hash as etcdutl's table prints it (`%x`). */
  readonly hashHex: string;
  readonly revision: number;
  readonly totalKey: number;
  readonly totalSize: number;
  readonly version: string;
}

/** etcdutl `snapshot status`. */
export function snapshotStatus(file: Uint8Array): TextResult<SnapshotStatus> {
  const database = hasChecksum(file.length) ? file.subarray(0, file.length - sha256Bytes) : file;
  const buckets = decodeDatabase(bytesFromArray(database));
  if (!buckets.ok) return integrityFailure(buckets.error);
  const hasher = new Crc32cHasher();
  let totalKey = 0;
  let revision = 0;
  for (const [name, entries] of buckets.value) {
    hasher.writeBytes(name);
    for (const [key, value] of entries) {
      hasher.writeBytes(key);
      hasher.writeBytes(value);
      totalKey++;
    }
  }
  const lastRecord = buckets.value.get("key")?.at(-1);
  if (lastRecord !== undefined) revision = readUint64(lastRecord[0], 0) ?? 0;
  const version = buckets.value.get("meta")?.find(([key]) => key === "storageVersion")?.[1] ?? "";
  const hash = hasher.sum();
  return textSuccess({ hash, hashHex: hash.toString(16), revision, totalKey, totalSize: database.length, version });
}

export interface RestoreConfig {
  /** `--name`: this member's name, which must be in the initial cluster. */
  readonly name: string;
  /** `--initial-cluster`: `name=peerURL,...`. */
  readonly initialCluster: string;
  /** `--initial-cluster-token`. */
  readonly initialClusterToken: string;
  /**
   * `--initial-advertise-peer-urls`, checked against this member's URLs in the initial cluster;
   * absent: taken from the initial cluster (etcdutl's own default is http://localhost:2380).
   */
  readonly initialAdvertisePeerUrls?: readonly string[];
  readonly skipHashCheck?: boolean;
}

/** A ConfChangeAddNode entry of the restored WAL. */
export interface RestoredConfChangeEntry {
  readonly index: number;
  readonly term: number;
  readonly type: "add-node";
  readonly member: ClusterMember;
}

export interface RestoredRaftState {
  readonly hardState: { readonly term: number; readonly vote: MemberId; readonly commit: number };
  readonly entries: readonly RestoredConfChangeEntry[];
  readonly snapshot: { readonly index: number; readonly term: number; readonly voters: readonly MemberId[] };
}

/** What `etcdutl snapshot restore` writes into a new data directory. */
export interface RestoredDataDirectory {
  readonly name: string;
  readonly memberId: MemberId;
  readonly clusterId: MemberId;
  /** The new members, in ID order. */
  readonly members: readonly ClusterMember[];
  readonly server: ServerSnapshot;
  readonly cluster: ClusterInfo;
  readonly raft: RestoredRaftState;
  /** `member/snap/db`: the restored database (no hash appended). */
  readonly database: Uint8Array;
}

/** The members of `--initial-cluster`, in ID order, after etcdutl's bootstrap checks. */
function newMembers(config: RestoreConfig): TextResult<ClusterMember[]> {
  const advertised = config.initialAdvertisePeerUrls === undefined ? undefined : checkUrls(config.initialAdvertisePeerUrls);
  if (advertised !== undefined && !advertised.ok) return advertised;
  const cluster = parseInitialCluster(config.initialCluster);
  if (!cluster.ok) return cluster;
  const problem = verifyBootstrap(config.name, advertised?.value, cluster.value);
  if (problem !== undefined) return textFailure(problem);
  const members = [...cluster.value].map(([name, peerUrls]): ClusterMember => ({ id: memberIdFor(peerUrls, config.initialClusterToken), name, peerUrls, clientUrls: [], isLearner: false }));
  assert(new Set(members.map((member) => member.id)).size === members.length, "members with distinct peer URLs have distinct IDs");
  return textSuccess(members.sort((left, right) => compareMemberIds(left.id, right.id)));
}

/** etcdutl `snapshot restore`: a new data directory from a snapshot file, the file left unchanged. */
export function restoreFromSnapshot(file: Uint8Array, config: RestoreConfig): TextResult<RestoredDataDirectory> {
  const members = newMembers(config);
  if (!members.ok) return members;
  const contents = readSnapshotFile(file, { skipHashCheck: config.skipHashCheck ?? false });
  if (!contents.ok) return contents;
  const ids = members.value.map((member) => member.id);
  const commit = members.value.length;
  const server: ServerSnapshot = { ...contents.value.server, consistentIndex: commit };
  const cluster: ClusterInfo = { members: members.value, removedMemberIds: [], clusterVersion: contents.value.cluster.clusterVersion };
  const local = members.value.find((member) => member.name === config.name) ?? assertionFailed("the local member is in the initial cluster");
  return textSuccess({
    name: config.name,
    memberId: local.id,
    clusterId: clusterIdFor(ids),
    members: members.value,
    server,
    cluster,
    raft: {
      hardState: { term: 1, vote: ids[0] ?? assertionFailed("an initial cluster has a member"), commit },
      entries: members.value.map((member, position) => ({ index: position + 1, term: 1, type: "add-node", member })),
      snapshot: { index: commit, term: 1, voters: ids },
    },
    database: encodeServerDatabase({ server, cluster, term: 1 }),
  });
}

/* Decoding: the buckets back into a state, refusing anything that does not make sense. */

/** A message's varint fields and length-delimited fields by field number (the last one wins, as in protobuf). */
function splitFields(value: ByteString): { numbers: Map<number, number>; bigs: Map<number, bigint>; strings: Map<number, ByteString> } | string {
  const fields = readProtoFields(value);
  if (typeof fields === "string") return fields;
  const numbers = new Map<number, number>();
  const bigs = new Map<number, bigint>();
  const strings = new Map<number, ByteString>();
  for (const field of fields) {
    if (typeof field.value === "number") numbers.set(field.fieldNumber, field.value);
    else if (typeof field.value === "bigint") bigs.set(field.fieldNumber, field.value);
    else strings.set(field.fieldNumber, field.value);
  }
  return { numbers, bigs, strings };
}

/** A "key" bucket entry: revision key (`main_sub`, then "t" for a tombstone) and marshaled KeyValue. */
function decodeRecord(key: ByteString, value: ByteString): TextResult<SnapshotRecord> {
  const tombstone = key.length === 18 && key[17] === "t";
  if ((key.length !== 17 && !tombstone) || key[8] !== "_") return textFailure(`key bucket: malformed revision key of ${key.length} bytes`);
  const main = readUint64(key, 0);
  const sub = readUint64(key, 9);
  const fields = splitFields(value);
  if (main === undefined || sub === undefined || typeof fields === "string") return textFailure(`key bucket: unreadable record ${main}.${sub}`);
  const number = (fieldNumber: number): number => fields.numbers.get(fieldNumber) ?? 0;
  const createRevision = number(2);
  if (tombstone !== (createRevision === 0)) return textFailure(`key bucket: record ${main}.${sub} is ${tombstone ? "a tombstone with a create revision" : "a put without a create revision"}`);
  return textSuccess([main, sub, fields.strings.get(1) ?? "", fields.strings.get(5) ?? "", createRevision, number(3), number(4), number(6)]);
}

const alarmTypesByNumber: readonly AlarmType[] = ["NONE", "NOSPACE", "CORRUPT"];

/** An "alarm" bucket entry: the key is the marshaled AlarmMember{memberID, alarm}. */
function decodeAlarm(key: ByteString): TextResult<AlarmMember> {
  const fields = splitFields(key);
  if (typeof fields === "string") return textFailure(`alarm bucket: ${fields}`);
  const alarm = alarmTypesByNumber[fields.numbers.get(2) ?? 0];
  if (alarm === undefined || alarm === "NONE") return textFailure("alarm bucket: unknown alarm type");
  return textSuccess({ memberId: fields.bigs.get(1) ?? BigInt(fields.numbers.get(1) ?? 0), alarm });
}

/** A "lease" bucket entry: 8-byte lease ID, marshaled Lease{ID, TTL, RemainingTTL}. */
function decodeLease(key: ByteString, value: ByteString): TextResult<readonly [number, number]> {
  const fields = splitFields(value);
  if (typeof fields === "string") return textFailure(`lease bucket: ${fields}`);
  const id = fields.numbers.get(1) ?? 0;
  if (key.length !== 8 || readUint64(key, 0) !== id || id <= 0) return textFailure(`lease bucket: key does not match lease ${id}`);
  return textSuccess([id, fields.numbers.get(2) ?? 0]);
}

/** The length-delimited fields of a message in order (repeated fields included). */
function stringFields(value: ByteString, what: string): TextResult<Array<readonly [number, ByteString]>> {
  const fields = readProtoFields(value);
  if (typeof fields === "string") return textFailure(`${what}: ${fields}`);
  const strings: Array<readonly [number, ByteString]> = [];
  for (const field of fields) {
    if (typeof field.value !== "string") return textFailure(`${what}: field ${field.fieldNumber} is not a byte string`);
    strings.push([field.fieldNumber, field.value]);
  }
  return textSuccess(strings);
}

/** An "authUsers" entry: name, marshaled User{name, password, roles, options{noPassword}}. */
function decodeUser(key: ByteString, value: ByteString): TextResult<UserRecord> {
  const fields = stringFields(value, `authUsers bucket: user ${JSON.stringify(textFromBytes(key))}`);
  if (!fields.ok) return fields;
  let password = "";
  let noPassword = false;
  const roles: string[] = [];
  for (const [fieldNumber, bytes] of fields.value) {
    if (fieldNumber === 2) password = bytes;
    else if (fieldNumber === 3) roles.push(textFromBytes(bytes));
    else if (fieldNumber === 4) noPassword = bytes === "\x08\x01";
  }
  return textSuccess({ name: textFromBytes(key), password, roles, noPassword });
}

/** An `authpb.Permission` inside a role. */
function decodePermission(bytes: ByteString): TextResult<Permission> {
  const fields = splitFields(bytes);
  if (typeof fields === "string") return textFailure(`authRoles bucket: ${fields}`);
  const typeNumber = fields.numbers.get(1) ?? 0;
  const permType = permissionTypes[typeNumber];
  if (permType === undefined) return textFailure(`authRoles bucket: unknown permission type ${typeNumber}`);
  return textSuccess({ permType, key: fields.strings.get(2) ?? "", rangeEnd: fields.strings.get(3) ?? "" });
}

/** An "authRoles" entry: name, marshaled Role{name, keyPermission}. */
function decodeRole(key: ByteString, value: ByteString): TextResult<RoleRecord> {
  const fields = stringFields(value, `authRoles bucket: role ${JSON.stringify(textFromBytes(key))}`);
  if (!fields.ok) return fields;
  const permissions: Permission[] = [];
  for (const [fieldNumber, bytes] of fields.value) {
    if (fieldNumber !== 2) continue;
    const permission = decodePermission(bytes);
    if (!permission.ok) return permission;
    permissions.push(permission.value);
  }
  return textSuccess({ name: textFromBytes(key), permissions });
}

/** A "members" entry: hexadecimal ID, the member as JSON (its ID is taken from the key: JSON numbers lose uint64 precision). */
function decodeMember(key: ByteString, value: ByteString): TextResult<ClusterMember> {
  if (!/^[0-9a-f]+$/.test(key)) return textFailure(`members bucket: malformed member ID ${JSON.stringify(key)}`);
  let parsed: { peerURLs?: unknown; name?: unknown; clientURLs?: unknown; isLearner?: unknown };
  try {
    parsed = JSON.parse(textFromBytes(value)) as typeof parsed;
  } catch {
    return textFailure(`members bucket: member ${key} is not JSON`);
  }
  const strings = (list: unknown): string[] | undefined => (Array.isArray(list) && list.every((item) => typeof item === "string") ? (list as string[]) : undefined);
  const peerUrls = strings(parsed.peerURLs ?? []);
  const clientUrls = strings(parsed.clientURLs ?? []);
  if (peerUrls === undefined || clientUrls === undefined) return textFailure(`members bucket: member ${key} has malformed URLs`);
  return textSuccess({ id: key, name: typeof parsed.name === "string" ? parsed.name : "", peerUrls, clientUrls, isLearner: parsed.isLearner === true });
}

/** Decodes every entry of a bucket with `decode`, stopping at the first problem. */
function decodeAll<T>(entries: readonly BucketEntry[] | undefined, decode: (key: ByteString, value: ByteString) => TextResult<T>): TextResult<T[]> {
  const decoded: T[] = [];
  for (const [key, value] of entries ?? []) {
    const item = decode(key, value);
    if (!item.ok) return item;
    decoded.push(item.value);
  }
  return textSuccess(decoded);
}

function lookup(entries: readonly BucketEntry[] | undefined, key: string): ByteString | undefined {
  return entries?.find(([entryKey]) => entryKey === key)?.[1];
}

function metaNumber(meta: readonly BucketEntry[] | undefined, key: string): number | undefined {
  const bytes = lookup(meta, key);
  if (bytes === undefined) return undefined;
  return bytes.length >= 8 ? readUint64(bytes, 0) : undefined;
}

function decodeAuth(buckets: ReadonlyMap<BucketName, readonly BucketEntry[]>): TextResult<AuthSnapshot> {
  const auth = buckets.get("auth");
  const enabled = lookup(auth, "authEnabled") === "\x01";
  const revision = metaNumber(auth, "authRevision") ?? 1;
  const users = decodeAll(buckets.get("authUsers"), decodeUser);
  if (!users.ok) return users;
  const roles = decodeAll(buckets.get("authRoles"), decodeRole);
  if (!roles.ok) return roles;
  if (revision < 1) return textFailure("auth bucket: auth revision 0");
  return textSuccess({ enabled, revision, users: users.value, roles: roles.value });
}

function decodeStore(buckets: ReadonlyMap<BucketName, readonly BucketEntry[]>, dbSize: number): TextResult<StoreSnapshot> {
  const records = decodeAll(buckets.get("key"), (key, value) => decodeRecord(key, value));
  if (!records.ok) return records;
  const leases = decodeAll(buckets.get("lease"), decodeLease);
  if (!leases.ok) return leases;
  const alarms = decodeAll(buckets.get("alarm"), decodeAlarm);
  if (!alarms.ok) return alarms;
  const compactRevision = lookup(buckets.get("meta"), "scheduledCompactRev");
  const compact = compactRevision === undefined ? -1 : (readUint64(compactRevision, 0) ?? -2);
  const lastMain = records.value.at(-1)?.[0] ?? 0;
  const store: StoreSnapshot = {
    format: snapshotFormat,
    formatVersion: snapshotFormatVersion,
    currentRevision: Math.max(lastMain, compact, 1),
    compactRevision: compact,
    dbSize,
    records: records.value,
    leases: leases.value,
    alarms: [...alarms.value].sort((left, right) => alarmTypeNumbers[left.alarm] - alarmTypeNumbers[right.alarm] || compareIds(left.memberId, right.memberId)).map(snapshotAlarm),
  };
  const problem = snapshotProblem(store);
  return problem === undefined ? textSuccess(store) : textFailure(`key bucket: ${problem}`);
}

function decodeContents(buckets: ReadonlyMap<BucketName, readonly BucketEntry[]>, dbSize: number): TextResult<SnapshotFileContents> {
  const store = decodeStore(buckets, dbSize);
  if (!store.ok) return store;
  const auth = decodeAuth(buckets);
  if (!auth.ok) return auth;
  const members = decodeAll(buckets.get("members"), decodeMember);
  if (!members.ok) return members;
  const removed = (buckets.get("members_removed") ?? []).map(([key]) => key);
  if (removed.some((id) => !/^[0-9a-f]+$/.test(id))) return textFailure("members_removed bucket: malformed member ID");
  const meta = buckets.get("meta");
  const server: ServerSnapshot = {
    format: serverSnapshotFormat,
    formatVersion: serverSnapshotFormatVersion,
    store: store.value,
    auth: auth.value,
    consistentIndex: metaNumber(meta, "consistent_index") ?? 0,
  };
  const cluster: ClusterInfo = {
    members: members.value.sort((left, right) => compareMemberIds(left.id, right.id)),
    removedMemberIds: removed.sort(compareMemberIds),
    clusterVersion: lookup(buckets.get("cluster"), "clusterVersion") ?? "",
  };
  return textSuccess({ server, cluster, term: metaNumber(meta, "term") ?? 0 });
}
