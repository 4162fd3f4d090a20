/**
 * The database part of a snapshot file: a small stand-in for etcd's bbolt file. It holds etcd's
 * buckets ("alarm", "auth", "authRoles", "authUsers", "cluster", "key", "lease", "members",
 * "members_removed", "meta"), each a sorted list of (key, value) byte strings with etcd's own keys
 * and protobuf values, so that `snapshot status` can hash it the way etcdutl hashes a bbolt file.
 *
 * Layout (all integers big-endian):
 *   "etcdlab-db" | format version (1 byte) | u32 length of the bucket section | bucket section | zeros
 *   bucket section: per bucket, in name order: u32 name length, name, u32 entry count, and per
 *   entry, in key order: u32 key length, key, u32 value length, value.
 * The zeros pad the database to whole 4,096-byte pages and to at least the store's physical size
 * (a bbolt file keeps its free pages), so a file with the 32-byte SHA-256 appended has a length of
 * 32 modulo 512, the rule etcdutl uses to tell whether a hash is appended.
 *
 * Also here: the protobuf wire format (varints and length-delimited fields, proto3 defaults left
 * out) used for the values, written and read back.
 */
import type { ByteString } from "../../mvcc/bytes.js";
import { assert, assertionFailed } from "../../mvcc/errors.js";
import { textFailure, type TextResult, textSuccess } from "./cluster-ids.js";

export const databasePageBytes = 4096;
const magic = "etcdlab-db";
const formatVersion = 1;
const headerBytes = magic.length + 1 + 4;

export type BucketName = "alarm" | "auth" | "authRoles" | "authUsers" | "cluster" | "key" | "lease" | "members" | "members_removed" | "meta";
/** In bbolt's order (bytewise on the name). */
export const bucketNames: readonly BucketName[] = ["alarm", "auth", "authRoles", "authUsers", "cluster", "key", "lease", "members", "members_removed", "meta"];

export type BucketEntry = readonly [key: ByteString, value: ByteString];
export type Buckets = ReadonlyMap<BucketName, readonly BucketEntry[]>;

export function uint32Bytes(value: number): ByteString {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** 32) assertionFailed(`u32 ${value} out of range`);
  return String.fromCharCode((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

export function uint64Bytes(value: number): ByteString {
  if (!Number.isSafeInteger(value) || value < 0) assertionFailed(`u64 ${value} must be a non-negative safe integer`);
  const high = Math.floor(value / 2 ** 32);
  return uint32Bytes(high) + uint32Bytes(value - high * 2 ** 32);
}

export function readUint32(bytes: ByteString, offset: number): number {
  return ((bytes.charCodeAt(offset) << 24) >>> 0) + (bytes.charCodeAt(offset + 1) << 16) + (bytes.charCodeAt(offset + 2) << 8) + bytes.charCodeAt(offset + 3);
}

/** An 8-byte big-endian number, or undefined when it is not a safe integer. */
export function readUint64(bytes: ByteString, offset: number): number | undefined {
  const value = readUint32(bytes, offset) * 2 ** 32 + readUint32(bytes, offset + 4);
  return Number.isSafeInteger(value) ? value : undefined;
}

function roundUpToPage(bytes: number): number {
  return Math.ceil(bytes / databasePageBytes) * databasePageBytes;
}

/** The database bytes of `buckets`, padded with zeros to whole pages and at least `minimumBytes`. */
export function encodeDatabase(buckets: Buckets, minimumBytes: number): ByteString {
  const parts: string[] = [];
  for (const name of bucketNames) {
    const entries = buckets.get(name) ?? [];
    parts.push(uint32Bytes(name.length), name, uint32Bytes(entries.length));
    let previous: ByteString | undefined;
    for (const [key, value] of entries) {
      assert(previous === undefined || previous < key, `bucket ${name} keys must be sorted and unique`);
      previous = key;
      parts.push(uint32Bytes(key.length), key, uint32Bytes(value.length), value);
    }
  }
  const section = parts.join("");
  const used = headerBytes + section.length;
  const total = roundUpToPage(Math.max(used, minimumBytes));
  return magic + String.fromCharCode(formatVersion) + uint32Bytes(section.length) + section + "\x00".repeat(total - used);
}

/** A cursor over the bucket section; `problem` holds the first structural problem met. */
class SectionReader {
  offset: number;
  problem: string | undefined;

  constructor(
    private readonly bytes: ByteString,
    start: number,
    private readonly end: number,
  ) {
    this.offset = start;
  }

  uint32(what: string): number | undefined {
    if (this.offset + 4 > this.end) {
      this.problem = `${what} runs past the bucket section`;
      return undefined;
    }
    const value = readUint32(this.bytes, this.offset);
    this.offset += 4;
    return value;
  }

  chunk(what: string): ByteString | undefined {
    const length = this.uint32(`${what} length`);
    if (length === undefined) return undefined;
    if (this.offset + length > this.end) {
      this.problem = `${what} runs past the bucket section`;
      return undefined;
    }
    const value = this.bytes.slice(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
}

function readBucket(reader: SectionReader, expected: BucketName): BucketEntry[] | undefined {
  const name = reader.chunk("bucket name");
  if (name === undefined) return undefined;
  if (name !== expected) {
    reader.problem = `bucket ${JSON.stringify(name)} found where ${JSON.stringify(expected)} belongs`;
    return undefined;
  }
  const count = reader.uint32(`entry count of bucket ${name}`);
  const entries: BucketEntry[] = [];
  for (let index = 0; count !== undefined && index < count; index++) {
    const key = reader.chunk(`key ${index} of bucket ${name}`);
    const value = key === undefined ? undefined : reader.chunk(`value ${index} of bucket ${name}`);
    if (key === undefined || value === undefined) return undefined;
    const previous = entries[entries.length - 1];
    if (previous !== undefined && previous[0] >= key) {
      reader.problem = `keys of bucket ${name} are not in order at entry ${index}`;
      return undefined;
    }
    entries.push([key, value]);
  }
  return count === undefined ? undefined : entries;
}

/** The buckets of database bytes, or the problem that makes them unreadable. */
export function decodeDatabase(bytes: ByteString): TextResult<Map<BucketName, BucketEntry[]>> {
  if (bytes.length < headerBytes || !bytes.startsWith(magic)) return textFailure("not an etcdlab database (bad magic)");
  if (bytes.charCodeAt(magic.length) !== formatVersion) return textFailure(`unsupported database format version ${bytes.charCodeAt(magic.length)}`);
  const sectionLength = readUint32(bytes, magic.length + 1);
  const end = headerBytes + sectionLength;
  if (end > bytes.length) return textFailure("bucket section runs past the end of the database");
  const reader = new SectionReader(bytes, headerBytes, end);
  const buckets = new Map<BucketName, BucketEntry[]>();
  for (const name of bucketNames) {
    const entries = readBucket(reader, name);
    if (entries === undefined) return textFailure(reader.problem ?? `bucket ${name} is unreadable`);
    buckets.set(name, entries);
  }
  if (reader.offset !== end) return textFailure("bytes left over after the last bucket");
  return textSuccess(buckets);
}

/** Protobuf encoding of one message (proto3: zero and empty fields are left out). */
export class ProtoWriter {
  private readonly parts: string[] = [];

  private varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) assertionFailed(`varint ${value} must be a non-negative safe integer`);
    let rest = value;
    let bytes = "";
    while (rest >= 128) {
      bytes += String.fromCharCode((rest % 128) | 128);
      rest = Math.floor(rest / 128);
    }
    this.parts.push(bytes + String.fromCharCode(rest));
  }

  integer(fieldNumber: number, value: number): this {
    if (value === 0) return this;
    this.varint(fieldNumber * 8);
    this.varint(value);
    return this;
  }

  /** A uint64 field (a 64-bit member ID). */
  uint64(fieldNumber: number, value: bigint): this {
    if (value === 0n) return this;
    this.varint(fieldNumber * 8);
    let rest = BigInt.asUintN(64, value);
    let bytes = "";
    while (rest >= 128n) {
      bytes += String.fromCharCode(Number(rest & 0x7fn) | 128);
      rest >>= 7n;
    }
    this.parts.push(bytes + String.fromCharCode(Number(rest)));
    return this;
  }

  bool(fieldNumber: number, value: boolean): this {
    return this.integer(fieldNumber, value ? 1 : 0);
  }

  /** A length-delimited field; empty ones are left out unless `always` (a set sub-message). */
  bytes(fieldNumber: number, value: ByteString, always = false): this {
    if (value.length === 0 && !always) return this;
    this.varint(fieldNumber * 8 + 2);
    this.varint(value.length);
    this.parts.push(value);
    return this;
  }

  finish(): ByteString {
    return this.parts.join("");
  }
}

export interface ProtoField {
  readonly fieldNumber: number;
  /** A varint field's value (a bigint beyond 2^53, up to 2^64), or a length-delimited field's bytes. */
  readonly value: number | bigint | ByteString;
}

/** The fields of a marshaled message, or a problem (other wire types than varint and bytes are refused). */
export function readProtoFields(bytes: ByteString): ProtoField[] | string {
  const fields: ProtoField[] = [];
  let offset = 0;
  const varint = (): number | bigint | undefined => {
    let value = 0n;
    let shift = 0n;
    while (offset < bytes.length && shift < 70n) {
      const byte = bytes.charCodeAt(offset++);
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value >= 2n ** 64n ? undefined : value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
      shift += 7n;
    }
    return undefined;
  };
  while (offset < bytes.length) {
    const tag = varint();
    if (tag === undefined || typeof tag === "bigint") return "truncated or oversized varint";
    const fieldNumber = Math.floor(tag / 8);
    const wireType = tag % 8;
    const value = varint();
    if (value === undefined) return `field ${fieldNumber}: truncated or oversized varint`;
    if (wireType === 0) {
      fields.push({ fieldNumber, value });
      continue;
    }
    if (wireType !== 2 || typeof value === "bigint" || offset + value > bytes.length) return `field ${fieldNumber}: unsupported wire type ${wireType} or truncated bytes`;
    fields.push({ fieldNumber, value: bytes.slice(offset, offset + value) });
    offset += value;
  }
  return fields;
}
