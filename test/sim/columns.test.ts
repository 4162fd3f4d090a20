import { describe, expect, it } from "vitest";
import { withRoom } from "../../src/sim/columns.js";

describe("withRoom", () => {
  it("keeps a column that has room, and otherwise copies it into one at least twice as long, of the same type", () => {
    const column = Float64Array.from([1.5, 2 ** 40, -3]);
    expect(withRoom(column, 3)).toBe(column);
    const grown = withRoom(column, 4);
    expect(grown).toBeInstanceOf(Float64Array);
    expect(Array.from(grown)).toEqual([1.5, 2 ** 40, -3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const wide = withRoom(Int32Array.from([7, 8]), 100);
    expect([wide.constructor, wide.length, wide[0], wide[1], wide[99]]).toEqual([Int32Array, 128, 7, 8, 0]);
    const bytes = withRoom(new Uint8Array(32), 33);
    expect([bytes.constructor, bytes.length]).toEqual([Uint8Array, 64]);
  });
});
