/**
 * Audit of issue #4, item 3 and 4: etcdctl lines piped into `etcdlab shell` print what etcdctl
 * v3.5 prints, in every format: get with each of its flags, put/del/txn in json and fields,
 * compaction --physical, version, v2 commands and ETCDCTL_API=2, and `lease keep-alive` without
 * --once running in the background of the script (clientv3's lessor: a renewal every TTL/3 at the
 * next 500 ms tick; "expired or revoked." when the lease is gone).
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { memoryIo } from "../../src/cli/io.js";

async function shell(lines: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo({ stdin: `${lines.join("\n")}\n`, env });
  const code = await runCli(["shell"], io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

const HEADER = '"cluster_id":463090138629053241,"member_id":13195394291058371180';
const FIELDS_HEADER = ['"ClusterID" : 463090138629053241', '"MemberID" : 13195394291058371180'];

describe("etcdctl through the piped shell", () => {
  it("get: every flag, as etcdctl prints it", async () => {
    const result = await shell([
      "put foo bar",
      "put foo2 bar2",
      "put foo3 baz",
      "get foo --print-value-only",
      "get foo --prefix --keys-only",
      "get foo --prefix --limit 1",
      "get foo --prefix --sort-by=MODIFY --order=DESCEND --print-value-only",
      "get foo --from-key --keys-only",
      "get foo foo3 --print-value-only",
      "get foo --rev 2 --prefix --print-value-only",
      "get foo --prefix --min-mod-revision 3 --print-value-only",
      "get foo --consistency=s --print-value-only",
      "get foo --hex",
      "get foo -w json",
      "get foo --prefix --count-only -w fields",
      "get foo --prefix --count-only",
      "get foo --keys-only --count-only -w fields",
      "get foo --prefix --from-key",
      "get foo -w table",
      "get foo --print-value-only -w json",
      "get",
    ]);
    expect(result.stdout).toBe(
      [
        "OK",
        "OK",
        "OK",
        "bar",
        "foo",
        "",
        "foo2",
        "",
        "foo3",
        "",
        "foo",
        "bar",
        "baz",
        "bar2",
        "bar",
        "foo",
        "",
        "foo2",
        "",
        "foo3",
        "",
        "bar",
        "bar2",
        "bar",
        "bar2",
        "baz",
        "bar",
        "\\x66\\x6f\\x6f",
        "\\x62\\x61\\x72",
        `{"header":{${HEADER},"revision":4,"raft_term":1},"kvs":[{"key":"Zm9v","create_revision":2,"mod_revision":2,"version":1,"value":"YmFy"}],"count":1}`,
        ...FIELDS_HEADER,
        '"Revision" : 4',
        '"RaftTerm" : 1',
        '"More" : false',
        '"Count" : 3',
        "",
      ].join("\n"),
    );
    expect(result.stderr).toBe(
      [
        "Error: --count-only is only for `--write-out=fields`",
        "Error: `--keys-only` and `--count-only` cannot be set at the same time, choose one",
        "Error: `--prefix` and `--from-key` cannot be set at the same time, choose one",
        "Error: table not supported as output format",
        "Error: print-value-only is only for `--write-out=simple`",
        "Error: get command needs one argument as key and an optional argument as range_end",
        "",
      ].join("\n"),
    );
  });

  it("put, del and an interactive-syntax txn in json and fields; compaction --physical and its errors", async () => {
    const result = await shell([
      "put a 1 -w json",
      "put a 2 --prev-kv -w fields",
      "txn -w json",
      'value("a") = "2"',
      'mod("a") > "1"',
      "",
      "put b 1",
      "get a",
      "",
      "del a",
      "",
      "del a --prev-kv -w json",
      "compaction 3 --physical",
      "compaction 3",
      "compaction 99",
      "get a --rev 2",
    ]);
    expect(result.stdout).toBe(
      [
        `{"header":{${HEADER},"revision":2,"raft_term":1}}`,
        ...FIELDS_HEADER,
        '"Revision" : 3',
        '"RaftTerm" : 1',
        '"PrevKey" : "a"',
        '"PrevCreateRevision" : 2',
        '"PrevModRevision" : 2',
        '"PrevVersion" : 1',
        '"PrevValue" : "1"',
        '"PrevLease" : 0',
        `{"header":{${HEADER},"revision":4,"raft_term":1},"succeeded":true,"responses":[{"Response":{"response_put":{"header":{"revision":4}}}},{"Response":{"response_range":{"header":{"revision":4},"kvs":[{"key":"YQ==","create_revision":2,"mod_revision":3,"version":2,"value":"Mg=="}],"count":1}}}]}`,
        `{"header":{${HEADER},"revision":5,"raft_term":1},"deleted":1,"prev_kvs":[{"key":"YQ==","create_revision":2,"mod_revision":3,"version":2,"value":"Mg=="}]}`,
        "compacted revision 3",
        "",
      ].join("\n"),
    );
    expect(result.stderr).toBe(
      [
        "Error: etcdserver: mvcc: required revision has been compacted",
        "Error: etcdserver: mvcc: required revision is a future revision",
        "Error: etcdserver: mvcc: required revision has been compacted",
        "",
      ].join("\n"),
    );
  });

  it("version; v2 commands and ETCDCTL_API=2 name their v3 equivalent", async () => {
    const result = await shell(["version", "set a b", "mk a b", "mkdir d", "ls /", "rm a", "cluster-health", "ETCDCTL_API=2 get a", "ETCDCTL_API=4 get a"]);
    expect(result.stdout).toBe("etcdctl version: 3.5.21\nAPI version: 3.5\n");
    expect(result.stderr).toBe(
      [
        'Error: "set" is an etcdctl v2 command; in v3 use "etcdctl put KEY VALUE"',
        'Error: "mk" is an etcdctl v2 command; in v3 use "etcdctl put KEY VALUE" (or a txn with create("KEY") = "0" to create only)',
        'Error: "mkdir" is an etcdctl v2 command; in v3 use "etcdctl put DIR/KEY VALUE" (v3 has no directories, only keys with a common prefix)',
        'Error: "ls" is an etcdctl v2 command; in v3 use "etcdctl get --prefix --keys-only PREFIX"',
        'Error: "rm" is an etcdctl v2 command; in v3 use "etcdctl del KEY"',
        'Error: "cluster-health" is an etcdctl v2 command; in v3 use "etcdctl endpoint health --cluster"',
        "Error: ETCDCTL_API=2 selects etcdctl's v2 commands, which etcdlab does not simulate; use the v3 commands (ETCDCTL_API=3, the default)",
        "unsupported API version: 4",
        "",
      ].join("\n"),
    );
    expect(result.code).toBe(0);
  });
});

describe("lease keep-alive in the background of the script", () => {
  it("renews every TTL/3 (at the send loop's 500 ms ticks) between the other lines; :watches lists it, :unwatch ends it", async () => {
    const granted = await shell(["lease grant 6"]);
    const id = /^lease ([0-9a-f]{16}) granted with TTL\(6s\)\n$/.exec(granted.stdout)?.[1] as string;
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    const result = await shell([
      "lease grant 6",
      `lease keep-alive ${id}`,
      ":echo a",
      ":advance 1900ms",
      ":echo b",
      ":advance 700ms",
      ":echo c",
      ":advance 2500ms",
      ":watches",
      ":unwatch 1",
      ":advance 10s",
      ":watches",
      `lease timetolive ${id}`,
    ]);
    const alive = `lease ${id} keepalived with TTL(6)`;
    // Renewals at 0, then at 2.5 s (due 2 s after the answer, sent at the next tick) and 5 s.
    expect(result.stdout).toBe(
      [`lease ${id} granted with TTL(6s)`, alive, "a", "b", alive, "c", alive, `1 lease keep-alive ${id} (n1, 3 keepalives)`, "no running watches", `lease ${id} already expired`, ""].join("\n"),
    );
    expect(result.stderr).toBe("");
  });

  it("prints 'expired or revoked.' and ends when the lease is revoked; json prints each renewal and nothing at the end", async () => {
    const granted = await shell(["lease grant 3"]);
    const id = /^lease ([0-9a-f]{16})/.exec(granted.stdout)?.[1] as string;
    const result = await shell(["lease grant 3", `lease keep-alive ${id} -w json`, `lease revoke ${id}`, ":advance 2s", ":watches", "lease keep-alive 1234", "lease keep-alive 1234 -w json", ":watches"]);
    expect(result.stdout).toBe(
      [
        `{${HEADER},"revision":1,"raft_term":1,"ID":${BigInt(`0x${id}`)},"TTL":3}`,
        `lease ${id} revoked`,
        "no running watches",
        "lease 0000000000001234 expired or revoked.",
        "no running watches",
        "",
      ]
        .join("\n")
        .replace(/^/, `lease ${id} granted with TTL(3s)\n`),
    );
    expect(result.stderr).toBe("");
  });

  it("a lease whose leader is cut off: the keep-alive's deadline passes and it ends as etcdctl does", async () => {
    const granted = await shell(["lease grant 3"]);
    const id = /^lease ([0-9a-f]{16})/.exec(granted.stdout)?.[1] as string;
    const result = await shell(["lease grant 3", `lease keep-alive ${id}`, ":partition n1 | n2 n3", ":advance 10s", ":watches"]);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines.at(-2)).toBe(`lease ${id} expired or revoked.`);
    expect(lines.at(-1)).toBe("no running watches");
    expect(lines.slice(1, -2).every((line) => line === `lease ${id} keepalived with TTL(3)`)).toBe(true);
  });
});
