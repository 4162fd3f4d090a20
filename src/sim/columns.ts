/**
 * Typed-array columns that grow by doubling: what the checkers and the client history keep for a
 * whole run (one slot per operation or log index, hundreds of thousands an hour) without an object
 * per item for the collector to copy and promote.
 */

export type Column = Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>;

/** `column` if it has at least `needed` slots, else a copy of it at least twice as long (zeros after). */
export function withRoom<T extends Column>(column: T, needed: number): T {
  if (needed <= column.length) return column;
  let capacity = Math.max(column.length * 2, 16);
  while (capacity < needed) capacity *= 2;
  const grown = new (column.constructor as new (length: number) => T)(capacity);
  grown.set(column);
  return grown;
}
