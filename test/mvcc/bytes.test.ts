import { describe, expect, test } from "vitest";
import { bytesFromHex, bytesFromText, compareBytes, hexFromBytes, isByteString, prefixEnd, textFromBytes } from "../../src/mvcc/index.js";

describe("byte strings", () => {
  test("prefix ends follow clientv3 getPrefix", () => {
    expect(prefixEnd("aa")).toBe("ab");
    expect(prefixEnd("a\xff")).toBe("b");
    expect(prefixEnd("\xff\xff")).toBe("\x00");
    expect(prefixEnd("")).toBe("\x00");
    expect(prefixEnd("/registry/pods/")).toBe("/registry/pods0");
  });

  test("UTF-8 text round-trips through byte strings; comparison is bytewise", () => {
    const bytes = bytesFromText("héllo ✓");
    expect(bytes.length).toBe(10);
    expect(isByteString(bytes)).toBe(true);
    expect(isByteString("✓")).toBe(false);
    expect(textFromBytes(bytes)).toBe("héllo ✓");
    expect(hexFromBytes(bytesFromText("é"))).toBe("c3a9");
    expect(bytesFromHex("c3a9")).toBe("\xc3\xa9");
    expect(bytesFromHex("abc")).toBeUndefined();
    expect(bytesFromHex("zz")).toBeUndefined();
    expect(compareBytes("a\xff", "b")).toBe(-1);
    expect(compareBytes("ab", "a")).toBe(1);
    expect(compareBytes("", "")).toBe(0);
    expect(bytesFromText("\x80") < bytesFromText("\uffff")).toBe(true);
  });
});
