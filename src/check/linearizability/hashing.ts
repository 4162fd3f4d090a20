/**
 * Hash functions for model states: 32-bit, deterministic, and cheap enough for the search loop.
 */

/** A 32-bit avalanche mix (MurmurHash3's finalizer). */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** FNV-1a over the UTF-16 code units of `text`. */
export function hashString(text: string): number {
  return extendHash(FNV_OFFSET, text);
}

/** `hashString(a + b)` given `hashString(a)`: FNV-1a continued over `b`. */
export function extendHash(hash: number, text: string): number {
  let result = hash;
  for (let index = 0; index < text.length; index++) {
    result = Math.imul(result ^ text.charCodeAt(index), FNV_PRIME);
  }
  return result | 0;
}

/** A hash of a safe integer (all 53 bits count). */
export function hashInteger(value: number): number {
  return mix32((value | 0) ^ mix32(Math.floor(value / 0x100000000)));
}

/** Combines two hashes, order-sensitively. */
export function combineHashes(a: number, b: number): number {
  return (Math.imul(a, 0x01000193) ^ b) | 0;
}
