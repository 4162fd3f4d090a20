import { describe, expect, test } from "vitest";
import { kvRequestOf, LocalEtcdctl, outcomeOfKv, transcript } from "../../src/etcdctl/index.js";
import { etcdErrors, MvccStore } from "../../src/mvcc/index.js";
import { command } from "./helpers.js";

// End to end: etcdctl command lines parsed, executed on a real MvccStore (with the checks a member
// runs before proposing), printed as etcdctl v3.5 prints them. Revisions follow etcd: the empty
// store is at revision 1, every write takes the next one.

function run(script: string): string {
  return transcript(new LocalEtcdctl(new MvccStore()).runScript(script));
}

describe("a script against one store", () => {
  test("put, get, del, history, compaction", () => {
    const script = `
# three keys under /a/ and one outside
put /a/1 one
put /a/2 two
put /a/1 uno --prev-kv
put /b x
get /a/ --prefix
get /a/ --prefix --keys-only
get /a/1 --rev 2 -w json
get /a/ --prefix --sort-by=MODIFY --order=DESCEND --limit 1 -w fields
get /a/ --prefix --count-only -w fields
del /a/ --prefix --prev-kv
get /a/ --prefix
compaction 5
get /a/1 --rev 2
get /a/1 --rev 99
compaction 5
put '' empty
`;
    expect(run(script)).toBe(
      [
        "$ put /a/1 one",
        "OK",
        "$ put /a/2 two",
        "OK",
        "$ put /a/1 uno --prev-kv",
        "OK",
        "/a/1",
        "one",
        "$ put /b x",
        "OK",
        "$ get /a/ --prefix",
        "/a/1",
        "uno",
        "/a/2",
        "two",
        "$ get /a/ --prefix --keys-only",
        "/a/1",
        "",
        "/a/2",
        "",
        "$ get /a/1 --rev 2 -w json",
        '{"header":{"cluster_id":14841639068965178418,"member_id":10276657743932975437,"revision":5,"raft_term":2},"kvs":[{"key":"L2EvMQ==","create_revision":2,"mod_revision":2,"version":1,"value":"b25l"}],"count":1}',
        "$ get /a/ --prefix --sort-by=MODIFY --order=DESCEND --limit 1 -w fields",
        '"ClusterID" : 14841639068965178418',
        '"MemberID" : 10276657743932975437',
        '"Revision" : 5',
        '"RaftTerm" : 2',
        '"Key" : "/a/1"',
        '"CreateRevision" : 2',
        '"ModRevision" : 4',
        '"Version" : 2',
        '"Value" : "uno"',
        '"Lease" : 0',
        '"More" : true',
        '"Count" : 2',
        "$ get /a/ --prefix --count-only -w fields",
        '"ClusterID" : 14841639068965178418',
        '"MemberID" : 10276657743932975437',
        '"Revision" : 5',
        '"RaftTerm" : 2',
        '"More" : false',
        '"Count" : 2',
        "$ del /a/ --prefix --prev-kv",
        "2",
        "/a/1",
        "uno",
        "/a/2",
        "two",
        "$ get /a/ --prefix",
        "$ compaction 5",
        "compacted revision 5",
        "$ get /a/1 --rev 2",
        "Error: etcdserver: mvcc: required revision has been compacted",
        "$ get /a/1 --rev 99",
        "Error: etcdserver: mvcc: required revision is a future revision",
        "$ compaction 5",
        "Error: etcdserver: mvcc: required revision has been compacted",
        "$ put '' empty",
        "Error: etcdserver: key is not provided",
        "",
      ].join("\n"),
    );
  });

  test("txn: the request lines are read from the script, then the script goes on", () => {
    const script = `
put counter 1
txn -i
value("counter") = "1"

put counter 2
get counter

put counter 1

get counter
txn
mod("counter") = "2"

del counter

put counter reset

txn
version("counter") > "0"

put a 1
put a 2


`;
    expect(run(script)).toBe(
      [
        "$ put counter 1",
        "OK",
        "$ txn -i",
        "compares:",
        "success requests (get, put, del):",
        "failure requests (get, put, del):",
        "SUCCESS",
        "",
        "OK",
        "",
        "counter",
        "2",
        "$ get counter",
        "counter",
        "2",
        "$ txn",
        "FAILURE",
        "",
        "OK",
        "$ txn",
        "Error: etcdserver: duplicate key given in txn request",
        "",
      ].join("\n"),
    );
  });

  test("exit codes and refusals", () => {
    const etcdctl = new LocalEtcdctl(new MvccStore());
    expect(etcdctl.run("put k v --lease 1f").output).toEqual({ stdout: "", stderr: "Error: etcdserver: requested lease not found\n", exitCode: 1 });
    expect(etcdctl.run("get k -w table").output).toEqual({ stdout: "", stderr: "Error: table not supported as output format\n", exitCode: 4 });
    expect(etcdctl.run("member list").output).toEqual({ stdout: "", stderr: "Error: member-list needs a cluster; the local executor runs put, get, del, txn and compaction\n", exitCode: 4 });
    expect(etcdctl.run("version").output).toEqual({ stdout: "etcdctl version: 3.5.21\nAPI version: 3.5\n", stderr: "", exitCode: 0 });
    expect(etcdctl.run("put k").output.stderr).toBe("Error: put command needs 1 argument and input from stdin or 2 arguments\n");
    expect(etcdctl.run("put k", "from stdin\n")).toEqual({ output: { stdout: "OK\n", stderr: "", exitCode: 0 }, stdinUsed: 11 });
    expect(etcdctl.run("get k --print-value-only").output.stdout).toBe("from stdin\n\n");
    expect(etcdctl.store.currentRevision).toBe(2);
  });

  test("json and hex output of a store's keys", () => {
    const etcdctl = new LocalEtcdctl(new MvccStore(), { clusterId: 1n, memberId: 2n, raftTerm: 3 });
    etcdctl.run("put 'k é' v");
    expect(etcdctl.run("get 'k é' --hex").output.stdout).toBe("\\x6b\\x20\\xc3\\xa9\n\\x76\n");
    expect(etcdctl.run("get 'k é' -w json").output.stdout).toBe(
      '{"header":{"cluster_id":1,"member_id":2,"revision":2,"raft_term":3},"kvs":[{"key":"ayDDqQ==","create_revision":2,"mod_revision":2,"version":1,"value":"dg=="}],"count":1}\n',
    );
  });
});

describe("the bridge to the cluster protocol", () => {
  test("KV commands become KvRequests and KvResponses become outcomes", () => {
    const get = command("get /a --prefix");
    expect(kvRequestOf(get)).toEqual({ kind: "range", request: get.kind === "get" ? get.request : undefined });
    expect(kvRequestOf(command("compaction 3"))).toEqual({ kind: "compact", request: { revision: 3, physical: false } });
    expect(kvRequestOf(command("del k"))).toMatchObject({ kind: "deleteRange" });
    expect(kvRequestOf(command("member list"))).toBeUndefined();
    const range = { header: { revision: 2 }, kvs: [], more: false, count: 0 };
    expect(outcomeOfKv({ ok: true, value: { kind: "range", response: range } })).toEqual({ ok: true, value: { kind: "get", response: range } });
    expect(outcomeOfKv({ ok: false, error: etcdErrors.compacted })).toEqual({ ok: false, error: etcdErrors.compacted });
  });
});
