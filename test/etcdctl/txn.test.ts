import { describe, expect, test } from "vitest";
import { parseCommandLine } from "../../src/etcdctl/index.js";
import { command, parsed, refused } from "./helpers.js";

// etcd v3.5 etcdctl/ctlv3/command/txn_command.go: txnCommandFunc, readCompares, readOps,
// parseRequestUnion, ParseCompare; util.go: Argify; client/v3/compare.go: Compare.

function txn(input: string, flags = ""): ReturnType<typeof command> {
  return command(`txn ${flags}`, { stdin: input });
}

describe("txn input", () => {
  test("compares, success requests and failure requests, each ended by an empty line", () => {
    const input = 'mod("key1") > "0"\nvalue("key2") = "v"\n\nput key1 "overwrote-key1"\n\nput key1 "created-key1"\nput key2 "some extra key"\n\n';
    expect(txn(input)).toEqual({
      kind: "txn",
      interactive: false,
      request: {
        compare: [
          { target: "MOD", result: "GREATER", key: "key1", modRevision: 0 },
          { target: "VALUE", result: "EQUAL", key: "key2", value: "v" },
        ],
        success: [{ type: "put", request: { key: "key1", value: "overwrote-key1", lease: 0, prevKv: false, ignoreValue: false, ignoreLease: false } }],
        failure: [
          { type: "put", request: { key: "key1", value: "created-key1", lease: 0, prevKv: false, ignoreValue: false, ignoreLease: false } },
          { type: "put", request: { key: "key2", value: "some extra key", lease: 0, prevKv: false, ignoreValue: false, ignoreLease: false } },
        ],
      },
    });
  });

  test("-i prints a prompt before each section; only the input it needs is read", () => {
    const result = parsed("txn -i", { stdin: "\nget k\n\n\nput next line\n" });
    expect(result.prompt).toBe("compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\n");
    expect(result.stdinUsed).toBe(9);
    expect(result.command).toMatchObject({ interactive: true, request: { compare: [], success: [{ type: "range" }], failure: [] } });
  });

  test("every compare target, short and long, and every operator", () => {
    const compares = ['ver("a") = "1"', 'version("a") != "2"', 'c("a") < "3"', 'create("a") > "4"', 'm("a") = "5"', 'mod("a") = "6"', 'val("a") > "x"', 'value("a") < "y"', 'lease("a") = "1f"'];
    const request = txn(`${compares.join("\n")}\n\n\n\n`);
    expect(request).toMatchObject({
      request: {
        compare: [
          { target: "VERSION", result: "EQUAL", version: 1 },
          { target: "VERSION", result: "NOT_EQUAL", version: 2 },
          { target: "CREATE", result: "LESS", createRevision: 3 },
          { target: "CREATE", result: "GREATER", createRevision: 4 },
          { target: "MOD", result: "EQUAL", modRevision: 5 },
          { target: "MOD", result: "EQUAL", modRevision: 6 },
          { target: "VALUE", result: "GREATER", value: "x" },
          { target: "VALUE", result: "LESS", value: "y" },
          { target: "LEASE", result: "EQUAL", lease: 31 },
        ],
      },
    });
  });

  test("keys and values in compares take Go escapes; request lines take quotes and flags", () => {
    const request = txn('value("k\\x00") = "a b"\n\nput "k 1" \'v 2\' --prev-kv\nget /a/ --prefix --limit 2\ndel a c --prev-kv\n\ng k\n\n');
    expect(request).toMatchObject({
      request: {
        compare: [{ key: "k\x00", value: "a b" }],
        success: [
          { type: "put", request: { key: "k 1", value: "v 2", prevKv: true } },
          { type: "range", request: { key: "/a/", rangeEnd: "/a0", limit: 2 } },
          { type: "deleteRange", request: { key: "a", rangeEnd: "c", prevKv: true } },
        ],
        failure: [{ type: "range", request: { key: "k" } }],
      },
    });
  });

  test("input that ends early is Go's EOF (exit 3); a shell may ask for more", () => {
    const ended = parseCommandLine("txn -i", { stdin: 'mod("k") > "0"\n\nput k v\n' });
    expect(ended).toEqual({
      ok: false,
      output: { stdout: "compares:\nsuccess requests (get, put, del):\n", stderr: "Error: EOF\n", exitCode: 3 },
      inputEnded: true,
      stdinUsed: 24,
    });
  });

  test("malformed compares", () => {
    const error = (line: string): string => refused("txn", { stdin: `${line}\n\n\n\n` }).stderr;
    expect(error("mod k > 3")).toBe("Error: malformed comparison: mod k > 3\n");
    expect(error('mod("k") > 3')).toBe('Error: malformed comparison: mod("k") > 3; got mod("k") > ""\n');
    expect(error("mod(k) > 3")).toBe('Error: malformed comparison: mod(k) > 3; got mod("")  ""\n');
    expect(error('size("k") > "3"')).toBe('Error: malformed comparison: size("k") > "3" (unknown target size)\n');
    expect(error('mod("k") > "three"')).toBe('Error: invalid txn compare request: mod("k") > "three"\n');
    expect(refused("txn", { stdin: 'mod("k") > 3\n' }).exitCode).toBe(3);
  });

  test("an unknown operator makes etcdctl panic (clientv3 Compare)", () => {
    expect(refused("txn", { stdin: 'mod("k") == "3"\n\n\n\n' })).toEqual({ stdout: "", stderr: "panic: Unknown result op\n", exitCode: 2 });
  });

  test("malformed requests", () => {
    const error = (line: string): string => refused("txn", { stdin: `\n${line}\n\n\n` }).stderr;
    expect(error("put")).toBe("Error: invalid txn compare request: put\n");
    expect(error("watch k")).toBe("Error: invalid txn request: watch k\n");
    expect(error("get k --bogus")).toBe("Error: invalid txn request: get k --bogus\n");
    expect(error("get k -w json")).toBe("Error: invalid txn request: get k -w json\n");
    expect(error("del a b c")).toBe("Error: del command needs one argument as key and an optional argument as range_end\n");
    expect(error('put "bad \\q" v')).toBe("Error: invalid syntax\n");
  });

  test("txn takes no arguments", () => {
    expect(refused("txn k")).toEqual({ stdout: "", stderr: "Error: txn command does not accept argument\n", exitCode: 128 });
  });
});
