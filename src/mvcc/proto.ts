/**
 * Protocol buffer sizes and encodings, computed without building messages.
 *
 * The store needs protobuf sizes in three places: the byte cost of each backend record (a bbolt
 * value is a marshaled `mvccpb.KeyValue`), the request-size limit (`len(marshaled
 * InternalRaftRequest) > MaxRequestBytes`), and the hashes (etcd's HashKV feeds the marshaled
 * records to CRC-32C). Sizes follow the proto3 wire format: a field is left out when it holds the
 * default value; a tag is `varint(field << 3 | wireType)`; int64 values are varints, negative ones
 * take 10 bytes.
 */
import type { ByteString } from "./bytes.js";
import { assertionFailed } from "./errors.js";
import type { KeyValue } from "./types.js";

/** Bytes of a varint holding the int64 `value` (negative values take 10 bytes, as in Go). */
export function varintSize(value: number): number {
  if (value < 0) return 10;
  let size = 1;
  let rest = value;
  while (rest >= 128) {
    rest = Math.floor(rest / 128);
    size++;
  }
  return size;
}

/** Bytes of a varint encoding of an unsigned 64-bit value. */
export function uint64VarintSize(value: bigint): number {
  let size = 1;
  for (let rest = value; rest >= 128n; rest >>= 7n) size++;
  return size;
}

/** Bytes of a uint64 field (absent when zero). */
export function uint64FieldSize(fieldNumber: number, value: bigint): number {
  return value === 0n ? 0 : tagSize(fieldNumber) + uint64VarintSize(value);
}

/** Bytes of a tag for `fieldNumber`. */
export function tagSize(fieldNumber: number): number {
  return varintSize(fieldNumber * 8);
}

/** Bytes of an integer field (absent when 0). */
export function integerFieldSize(fieldNumber: number, value: number): number {
  return value === 0 ? 0 : tagSize(fieldNumber) + varintSize(value);
}

/** Bytes of a bool field (absent when false). */
export function boolFieldSize(fieldNumber: number, value: boolean | undefined): number {
  return value ? tagSize(fieldNumber) + 1 : 0;
}

/** Bytes of a length-delimited field of `length` bytes (absent when empty unless `always`). */
export function lengthFieldSize(fieldNumber: number, length: number, always = false): number {
  if (length === 0 && !always) return 0;
  return tagSize(fieldNumber) + varintSize(length) + length;
}

/** Size of a marshaled `mvccpb.KeyValue`. */
export function keyValueSize(kv: KeyValue): number {
  return (
    lengthFieldSize(1, kv.key.length) +
    integerFieldSize(2, kv.createRevision) +
    integerFieldSize(3, kv.modRevision) +
    integerFieldSize(4, kv.version) +
    lengthFieldSize(5, kv.value.length) +
    integerFieldSize(6, kv.lease)
  );
}

const crcTable = buildCrc32cTable();

function buildCrc32cTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
    table[byte] = crc >>> 0;
  }
  return table;
}

/**
 * CRC-32C (Castagnoli), the checksum etcd's HashKV uses, fed with bytes and protobuf pieces.
 * `sum()` gives the unsigned 32-bit checksum of everything written so far.
 */
export class Crc32cHasher {
  private state = 0xffffffff;

  writeByte(byte: number): void {
    this.state = (crcTable[(this.state ^ byte) & 0xff] as number) ^ (this.state >>> 8);
  }

  writeBytes(bytes: ByteString): void {
    let state = this.state;
    for (let index = 0; index < bytes.length; index++) {
      state = (crcTable[(state ^ bytes.charCodeAt(index)) & 0xff] as number) ^ (state >>> 8);
    }
    this.state = state;
  }

  writeVarint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) assertionFailed(`varint ${value} must be a non-negative safe integer`);
    let rest = value;
    while (rest >= 128) {
      this.writeByte((rest % 128) | 128);
      rest = Math.floor(rest / 128);
    }
    this.writeByte(rest);
  }

  /** 8 bytes, big-endian (etcd's revision keys and lease keys). */
  writeUint64BigEndian(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) assertionFailed(`uint64 ${value} must be a non-negative safe integer`);
    const high = Math.floor(value / 2 ** 32);
    const low = value - high * 2 ** 32;
    for (let shift = 24; shift >= 0; shift -= 8) this.writeByte((high >>> shift) & 0xff);
    for (let shift = 24; shift >= 0; shift -= 8) this.writeByte((low >>> shift) & 0xff);
  }

  writeIntegerField(fieldNumber: number, value: number): void {
    if (value === 0) return;
    this.writeVarint(fieldNumber * 8);
    this.writeVarint(value);
  }

  /** A uint64 field (a 64-bit member ID). */
  writeUint64Field(fieldNumber: number, value: bigint): void {
    if (value === 0n) return;
    this.writeVarint(fieldNumber * 8);
    let rest = BigInt.asUintN(64, value);
    while (rest >= 128n) {
      this.writeByte(Number(rest & 0x7fn) | 128);
      rest >>= 7n;
    }
    this.writeByte(Number(rest));
  }

  writeBytesField(fieldNumber: number, bytes: ByteString): void {
    if (bytes.length === 0) return;
    this.writeVarint(fieldNumber * 8 + 2);
    this.writeVarint(bytes.length);
    this.writeBytes(bytes);
  }

  /** A marshaled `mvccpb.KeyValue`. */
  writeKeyValue(kv: KeyValue): void {
    this.writeBytesField(1, kv.key);
    this.writeIntegerField(2, kv.createRevision);
    this.writeIntegerField(3, kv.modRevision);
    this.writeIntegerField(4, kv.version);
    this.writeBytesField(5, kv.value);
    this.writeIntegerField(6, kv.lease);
  }

  sum(): number {
    return (this.state ^ 0xffffffff) >>> 0;
  }
}
