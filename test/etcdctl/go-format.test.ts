import { describe, expect, test } from "vitest";
import {
  goDuration,
  hex016,
  hex16,
  humanizeBytes,
  levenshtein,
  parseGoBool,
  parseGoDuration,
  parseGoInt,
  parseGoUint,
  quoteBytes,
  quoteText,
  scanQuoted,
} from "../../src/etcdctl/go-format.js";
import { base64, field, goJsonString, goObject, marshal, omitEmpty } from "../../src/etcdctl/go-json.js";
import { argify, splitShellWords } from "../../src/etcdctl/words.js";

describe("Go formatting", () => {
  test("%q quotes like strconv.Quote: escapes, invalid UTF-8 as \\x, printable Unicode kept", () => {
    expect(quoteBytes("foo")).toBe('"foo"');
    expect(quoteBytes('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(quoteBytes("\x00\x07\n\t\x7f")).toBe('"\\x00\\a\\n\\t\\x7f"');
    expect(quoteBytes("\xff\xfe")).toBe('"\\xff\\xfe"');
    expect(quoteBytes("\xc3\xa9")).toBe('"é"');
    expect(quoteText("h\u00e9\u200b")).toBe('"hé\\u200b"');
  });

  test("hexadecimal IDs: %016x zero-pads, %16x space-pads", () => {
    expect(hex016(0x694d77aa9e38260fn)).toBe("694d77aa9e38260f");
    expect(hex016(0x1234)).toBe("0000000000001234");
    expect(hex16(0x8e9e05c52164694dn)).toBe("8e9e05c52164694d");
    expect(hex16(0xabcn)).toBe("             abc");
  });

  test("strconv.ParseInt and ParseUint give Go's values and error texts", () => {
    expect(parseGoInt("0x10", 0)).toEqual({ ok: true, value: 16n });
    expect(parseGoInt("1_000", 0)).toEqual({ ok: true, value: 1000n });
    expect(parseGoInt("017", 0)).toEqual({ ok: true, value: 15n });
    expect(parseGoInt("-7", 10)).toEqual({ ok: true, value: -7n });
    expect(parseGoInt("694d77aa9e38260f", 16)).toEqual({ ok: true, value: 0x694d77aa9e38260fn });
    expect(parseGoInt("abc", 10)).toEqual({ ok: false, error: 'strconv.ParseInt: parsing "abc": invalid syntax' });
    expect(parseGoInt("0x10", 16)).toEqual({ ok: false, error: 'strconv.ParseInt: parsing "0x10": invalid syntax' });
    expect(parseGoInt("9223372036854775808", 10)).toEqual({ ok: false, error: 'strconv.ParseInt: parsing "9223372036854775808": value out of range' });
    expect(parseGoUint("ffffffffffffffff", 16)).toEqual({ ok: true, value: 0xffffffffffffffffn });
    expect(parseGoUint("zz", 16)).toEqual({ ok: false, error: 'strconv.ParseUint: parsing "zz": invalid syntax' });
    expect(parseGoBool("T")).toEqual({ ok: true, value: true });
    expect(parseGoBool("yes")).toEqual({ ok: false, error: 'strconv.ParseBool: parsing "yes": invalid syntax' });
  });

  test("time.ParseDuration and Duration.String", () => {
    expect(parseGoDuration("5s")).toEqual({ ok: true, value: 5_000_000_000n });
    expect(parseGoDuration("1m30.5s")).toEqual({ ok: true, value: 90_500_000_000n });
    expect(parseGoDuration("250ms")).toEqual({ ok: true, value: 250_000_000n });
    expect(parseGoDuration("0")).toEqual({ ok: true, value: 0n });
    expect(parseGoDuration("5")).toEqual({ ok: false, error: 'time: missing unit in duration "5"' });
    expect(parseGoDuration("5x")).toEqual({ ok: false, error: 'time: unknown unit "x" in duration "5x"' });
    expect(parseGoDuration("abc")).toEqual({ ok: false, error: 'time: invalid duration "abc"' });
    expect(goDuration(0)).toBe("0s");
    expect(goDuration(999)).toBe("999ns");
    expect(goDuration(1_500_000)).toBe("1.5ms");
    expect(goDuration(250_000)).toBe("250µs");
    expect(goDuration(2_000_000_000)).toBe("2s");
    expect(goDuration(3_723_500_000_000n)).toBe("1h2m3.5s");
    expect(goDuration(120_000_000_000)).toBe("2m0s");
  });

  test("go-humanize Bytes: SI units, one decimal below 10, halves to even", () => {
    expect(humanizeBytes(7)).toBe("7 B");
    expect(humanizeBytes(25)).toBe("25 B");
    expect(humanizeBytes(4096)).toBe("4.1 kB");
    expect(humanizeBytes(20480)).toBe("20 kB");
    expect(humanizeBytes(20500)).toBe("20 kB");
    expect(humanizeBytes(21500)).toBe("22 kB");
    expect(humanizeBytes(2_147_483_648)).toBe("2.1 GB");
    expect(humanizeBytes(999_999)).toBe("1000 kB");
  });

  test("Go %q scanning reads double-quoted escapes as bytes and back-quoted strings raw", () => {
    expect(scanQuoted('"a\\x00b" rest')).toEqual({ value: "a\x00b", rest: " rest" });
    expect(scanQuoted('"é"')).toEqual({ value: "\xc3\xa9", rest: "" });
    expect(scanQuoted("`a\\n`)")).toEqual({ value: "a\\n", rest: ")" });
    expect(scanQuoted('"unterminated')).toBeUndefined();
    expect(scanQuoted('"bad \\q"')).toBeUndefined();
  });

  test("Levenshtein distance ignores case, as cobra's suggestions do", () => {
    expect(levenshtein("gett", "get")).toBe(1);
    expect(levenshtein("PUT", "put")).toBe(0);
    expect(levenshtein("member", "remove")).toBe(4);
  });
});

describe("Go JSON", () => {
  test("omitempty drops zero values; bytes are base64; 64-bit integers stay exact", () => {
    const value = goObject(field("header", goObject(omitEmpty("cluster_id", 14841639068965178418n), omitEmpty("revision", 0))), omitEmpty("kvs", []), field("value", base64("bar")));
    expect(marshal(value)).toBe('{"header":{"cluster_id":14841639068965178418},"value":"YmFy"}');
  });

  test("strings escape like encoding/json (HTML-safe)", () => {
    expect(goJsonString('a<b>&"\\\n\u2028')).toBe('"a\\u003cb\\u003e\\u0026\\"\\\\\\n\\u2028"');
    expect(marshal(null)).toBe("null");
    expect(marshal([true, 1, "x"])).toBe('[true,1,"x"]');
  });
});

describe("command-line words", () => {
  test("a shell splits on blanks and honours quotes and backslashes", () => {
    const split = splitShellWords(`put 'a key' "v \\"q\\" \\n" back\\ slash # comment`);
    expect(split.ok && split.words.map((word) => word.text)).toEqual(["put", "a key", 'v "q" \\n', "back slash"]);
  });

  test("NAME=value words are assignments unless quoted", () => {
    const split = splitShellWords(`ETCDCTL_API=3 "A=b" get`);
    expect(split.ok && split.words.map((word) => [word.text, word.assignable])).toEqual([
      ["ETCDCTL_API=3", true],
      ["A=b", false],
      ["get", false],
    ]);
  });

  test("an unterminated quote is the shell's error", () => {
    expect(splitShellWords("put 'a b")).toEqual({ ok: false, error: "unexpected EOF while looking for matching `''" });
  });

  test("etcdctl Argify: double quotes with Go escapes, single quotes literal, bare words", () => {
    expect(argify(`put "k\\x01" 'a b' c"d`)).toEqual({ ok: true, words: ["put", "k\x01", "a b", 'c"d'] });
    expect(argify(`put "bad \\q"`)).toEqual({ ok: false, error: "invalid syntax" });
  });
});
