/**
 * Byte strings: how the store represents etcd's `[]byte` keys and values.
 *
 * A byte string is a JS string in which every char code is 0..255, so one char is one byte.
 * Comparing two byte strings with `<` is then the same as Go's `bytes.Compare`, `length` is the
 * size in bytes, and byte strings can be map keys and JSON values without any conversion.
 *
 * Text typed by a user is converted with `bytesFromText` (UTF-8) and shown with `textFromBytes`;
 * `hexFromBytes`/`bytesFromHex` convert to and from hexadecimal.
 *
 * Range ends follow etcd's conventions (`rpc.proto` RangeRequest): an empty range end means the single
 * key; `"\x00"` means every key `>= key`; `prefixEnd(key)` (the client's `getPrefix`) gives the end of
 * the range of keys that start with `key` ("aa" -> "ab", "a\xff" -> "b", all 0xff -> "\x00").
 */
import { assertionFailed } from "./errors.js";

/** A JS string whose chars are bytes (char codes 0..255). */
export type ByteString = string;

/** The range end that means "every key >= key" (etcd's `WithFromKey`). */
export const fromKeyRangeEnd: ByteString = "\x00";

/** True when every char code of `text` is a byte. */
export function isByteString(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) > 0xff) return false;
  }
  return true;
}

/** Bytewise comparison, like Go's `bytes.Compare`. */
export function compareBytes(left: ByteString, right: ByteString): number {
  if (left < right) return -1;
  return left > right ? 1 : 0;
}

const chunkLength = 8192;

/** The byte string of a byte array. */
export function bytesFromArray(array: Uint8Array): ByteString {
  let result = "";
  for (let start = 0; start < array.length; start += chunkLength) {
    result += String.fromCharCode(...array.subarray(start, start + chunkLength));
  }
  return result;
}

/** The byte array of a byte string. */
export function arrayFromBytes(bytes: ByteString): Uint8Array {
  const array = new Uint8Array(bytes.length);
  for (let index = 0; index < bytes.length; index++) {
    const code = bytes.charCodeAt(index);
    if (code > 0xff) assertionFailed(`char ${index} of a byte string is ${code}`);
    array[index] = code;
  }
  return array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

/**
 * True when every char of `text` is ASCII: such text is its own UTF-8 encoding (and the common case:
 * keys such as `/registry/pods/...`). A loop over char codes: a regular expression test costs a call
 * into the regexp engine, several times a loop's cost on the short keys and values of every put.
 */
function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) > 0x7f) return false;
  }
  return true;
}

/** The UTF-8 encoding of `text`. */
export function bytesFromText(text: string): ByteString {
  return isAscii(text) ? text : bytesFromArray(encoder.encode(text));
}

/** The text whose UTF-8 encoding is `bytes` (invalid sequences become U+FFFD). */
export function textFromBytes(bytes: ByteString): string {
  return isAscii(bytes) ? bytes : decoder.decode(arrayFromBytes(bytes));
}

/** Lower-case hexadecimal, two digits per byte. */
export function hexFromBytes(bytes: ByteString): string {
  let hex = "";
  for (let index = 0; index < bytes.length; index++) {
    hex += bytes.charCodeAt(index).toString(16).padStart(2, "0");
  }
  return hex;
}

/** The bytes of a hexadecimal string; undefined when it is not an even number of hex digits. */
export function bytesFromHex(hex: string): ByteString | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  let bytes = "";
  for (let index = 0; index < hex.length; index += 2) {
    bytes += String.fromCharCode(Number.parseInt(hex.slice(index, index + 2), 16));
  }
  return bytes;
}

/**
 * The range end for all keys with prefix `key` (clientv3 `getPrefix`): increment the last byte that
 * is below 0xff and drop what follows; when there is none (empty or all 0xff), `"\x00"`.
 */
export function prefixEnd(key: ByteString): ByteString {
  for (let index = key.length - 1; index >= 0; index--) {
    const code = key.charCodeAt(index);
    if (code < 0xff) return key.slice(0, index) + String.fromCharCode(code + 1);
  }
  return fromKeyRangeEnd;
}
