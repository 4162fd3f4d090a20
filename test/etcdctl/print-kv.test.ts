import { describe, expect, test } from "vitest";
import { type CommandOutput, type EtcdctlResponse, printOutcome } from "../../src/etcdctl/index.js";
import { EtcdError, etcdErrors, type KeyValue, type WatchResponse } from "../../src/mvcc/index.js";
import { parsed } from "./helpers.js";

// Golden outputs of etcdctl v3.5's KV printers: etcdctl/ctlv3/command/printer_simple.go
// (simplePrinter.Put/Get/Del/Txn/Watch, util.go printKV), printer_json.go (printJSON of the
// etcdserverpb responses: json tags of rpc.pb.go and kv.pb.go, []byte in base64),
// printer_fields.go (fieldsPrinter.hdr/kv/Put/Get/Del/Txn/Watch), get_command.go (the
// --count-only and --print-value-only checks), compaction_command.go, watch_command.go.

const cluster = { clusterId: 0xcdf818194e3a8c32n, memberId: 0x8e9e05c52164694dn, raftTerm: 2 };
const header = '"header":{"cluster_id":14841639068965178418,"member_id":10276657743932975437';
const fieldsHeader = (revision: number): string => `"ClusterID" : 14841639068965178418\n"MemberID" : 10276657743932975437\n"Revision" : ${revision}\n"RaftTerm" : 2\n`;

function kv(key: string, value: string, createRevision: number, modRevision: number, version: number, lease = 0): KeyValue {
  return { key, value, createRevision, modRevision, version, lease };
}

function print(line: string, response: EtcdctlResponse): CommandOutput {
  return printOutcome(parsed(line), { ok: true, value: response }, { cluster });
}

function out(stdout: string): CommandOutput {
  return { stdout, stderr: "", exitCode: 0 };
}

function err(stderr: string, exitCode: number, stdout = ""): CommandOutput {
  return { stdout, stderr, exitCode };
}

const foo = kv("foo", "bar", 2, 3, 2);
const fooOld = kv("foo", "old", 2, 2, 1);

describe("put", () => {
  const withPrevious: EtcdctlResponse = { kind: "put", response: { header: { revision: 3 }, prevKv: fooOld } };

  test("simple: OK, then the previous pair", () => {
    expect(print("put foo bar", { kind: "put", response: { header: { revision: 3 } } })).toEqual(out("OK\n"));
    expect(print("put foo bar --prev-kv", withPrevious)).toEqual(out("OK\nfoo\nold\n"));
  });

  test("json", () => {
    expect(print("put foo bar --prev-kv -w json", withPrevious)).toEqual(
      out(`{${header},"revision":3,"raft_term":2},"prev_kv":{"key":"Zm9v","create_revision":2,"mod_revision":2,"version":1,"value":"b2xk"}}\n`),
    );
  });

  test("fields", () => {
    expect(print("put foo bar --prev-kv -w fields", withPrevious)).toEqual(
      out(`${fieldsHeader(3)}"PrevKey" : "foo"\n"PrevCreateRevision" : 2\n"PrevModRevision" : 2\n"PrevVersion" : 1\n"PrevValue" : "old"\n"PrevLease" : 0\n`),
    );
  });

  test("table is not a KV format", () => {
    expect(print("put foo bar -w table", withPrevious)).toEqual(err("Error: table not supported as output format\n", 4));
  });
});

describe("get", () => {
  const two: EtcdctlResponse = { kind: "get", response: { header: { revision: 5 }, kvs: [foo, kv("foo2", "v2", 4, 5, 1, 0x694d77aa9e382)], more: true, count: 3 } };

  test("simple: key and value lines; --keys-only leaves the value line empty; --print-value-only; --hex", () => {
    expect(print("get foo --prefix", two)).toEqual(out("foo\nbar\nfoo2\nv2\n"));
    expect(print("get foo --prefix --keys-only", { kind: "get", response: { header: { revision: 5 }, kvs: [kv("foo", "", 2, 3, 2)], more: false, count: 1 } })).toEqual(out("foo\n\n"));
    expect(print("get foo --prefix --print-value-only", two)).toEqual(out("bar\nv2\n"));
    expect(print("get foo --hex", { kind: "get", response: { header: { revision: 5 }, kvs: [foo], more: false, count: 1 } })).toEqual(out("\\x66\\x6f\\x6f\n\\x62\\x61\\x72\n"));
    expect(print("get nothing", { kind: "get", response: { header: { revision: 5 }, kvs: [], more: false, count: 0 } })).toEqual(out(""));
  });

  test("json: base64 keys and values, zero fields and an empty result left out", () => {
    expect(print("get foo --prefix -w json", two)).toEqual(
      out(
        `{${header},"revision":5,"raft_term":2},"kvs":[{"key":"Zm9v","create_revision":2,"mod_revision":3,"version":2,"value":"YmFy"},` +
          `{"key":"Zm9vMg==","create_revision":4,"mod_revision":5,"version":1,"value":"djI=","lease":1852503057097602}],"more":true,"count":3}\n`,
      ),
    );
    expect(print("get nothing -w json", { kind: "get", response: { header: { revision: 5 }, kvs: [], more: false, count: 0 } })).toEqual(out(`{${header},"revision":5,"raft_term":2}}\n`));
  });

  test("fields", () => {
    expect(print("get foo -w fields", { kind: "get", response: { header: { revision: 5 }, kvs: [foo], more: false, count: 1 } })).toEqual(
      out(`${fieldsHeader(5)}"Key" : "foo"\n"CreateRevision" : 2\n"ModRevision" : 3\n"Version" : 2\n"Value" : "bar"\n"Lease" : 0\n"More" : false\n"Count" : 1\n`),
    );
    expect(print("get foo --prefix --count-only -w fields", { kind: "get", response: { header: { revision: 5 }, kvs: [], more: false, count: 3 } })).toEqual(
      out(`${fieldsHeader(5)}"More" : false\n"Count" : 3\n`),
    );
  });

  test("--count-only needs fields and --print-value-only needs simple (after the request ran)", () => {
    expect(print("get foo --count-only", two)).toEqual(err("Error: --count-only is only for `--write-out=fields`\n", 128));
    expect(print("get foo --print-value-only -w json", two)).toEqual(err("Error: print-value-only is only for `--write-out=simple`\n", 128));
    expect(print("get foo -w table", two)).toEqual(err("Error: table not supported as output format\n", 4));
  });

  test("errors the server or the client returns", () => {
    expect(printOutcome(parsed("get foo --rev 1"), { ok: false, error: etcdErrors.compacted }, { cluster })).toEqual(err("Error: etcdserver: mvcc: required revision has been compacted\n", 1));
    const deadline = new EtcdError("DeadlineExceeded", "context deadline exceeded");
    expect(printOutcome(parsed("get foo"), { ok: false, error: deadline }, { cluster })).toEqual(err("Error: context deadline exceeded\n", 1));
  });
});

describe("del", () => {
  const deleted: EtcdctlResponse = { kind: "del", response: { header: { revision: 6 }, deleted: 2, prevKvs: [foo, kv("fop", "x", 4, 4, 1)] } };

  test("simple: the count, then the previous pairs", () => {
    expect(print("del fo --prefix --prev-kv", deleted)).toEqual(out("2\nfoo\nbar\nfop\nx\n"));
    expect(print("del nothing", { kind: "del", response: { header: { revision: 6 }, deleted: 0, prevKvs: [] } })).toEqual(out("0\n"));
  });

  test("json and fields", () => {
    expect(print("del fo --prefix --prev-kv -w json", deleted)).toEqual(
      out(
        `{${header},"revision":6,"raft_term":2},"deleted":2,"prev_kvs":[{"key":"Zm9v","create_revision":2,"mod_revision":3,"version":2,"value":"YmFy"},{"key":"Zm9w","create_revision":4,"mod_revision":4,"version":1,"value":"eA=="}]}\n`,
      ),
    );
    expect(print("del nothing -w json", { kind: "del", response: { header: { revision: 6 }, deleted: 0, prevKvs: [] } })).toEqual(out(`{${header},"revision":6,"raft_term":2}}\n`));
    expect(print("del foo -w fields", { kind: "del", response: { header: { revision: 6 }, deleted: 1, prevKvs: [] } })).toEqual(out(`${fieldsHeader(6)}"Deleted" : 1\n`));
  });
});

describe("txn", () => {
  const response: EtcdctlResponse = {
    kind: "txn",
    response: {
      header: { revision: 7 },
      succeeded: true,
      responses: [
        { type: "put", response: { header: { revision: 7 } } },
        { type: "range", response: { header: { revision: 7 }, kvs: [kv("key1", "overwrote-key1", 2, 7, 2)], more: false, count: 1 } },
        { type: "deleteRange", response: { header: { revision: 7 }, deleted: 1, prevKvs: [] } },
      ],
    },
  };
  const input = { stdin: 'mod("key1") > "0"\n\nput key1 overwrote-key1\nget key1\ndel key2\n\n\n' };

  test("simple: SUCCESS or FAILURE, then each response after an empty line", () => {
    expect(printOutcome(parsed("txn", input), { ok: true, value: response }, { cluster })).toEqual(out("SUCCESS\n\nOK\n\nkey1\noverwrote-key1\n\n1\n"));
    expect(printOutcome(parsed("txn", input), { ok: true, value: { kind: "txn", response: { header: { revision: 6 }, succeeded: false, responses: [] } } }, { cluster })).toEqual(out("FAILURE\n"));
  });

  test("-i: the prompts come first", () => {
    expect(printOutcome(parsed("txn -i", input), { ok: true, value: response }, { cluster }).stdout).toBe(
      "compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\nSUCCESS\n\nOK\n\nkey1\noverwrote-key1\n\n1\n",
    );
  });

  test("json: responses wrapped in their oneof; inner headers hold only a revision", () => {
    expect(printOutcome(parsed("txn -w json", input), { ok: true, value: response }, { cluster })).toEqual(
      out(
        `{${header},"revision":7,"raft_term":2},"succeeded":true,"responses":[{"Response":{"response_put":{"header":{"revision":7}}}},` +
          `{"Response":{"response_range":{"header":{"revision":7},"kvs":[{"key":"a2V5MQ==","create_revision":2,"mod_revision":7,"version":2,"value":"b3Zlcndyb3RlLWtleTE="}],"count":1}}},` +
          `{"Response":{"response_delete_range":{"header":{"revision":7},"deleted":1}}}]}\n`,
      ),
    );
    expect(printOutcome(parsed("txn -w json", input), { ok: true, value: { kind: "txn", response: { header: { revision: 6 }, succeeded: false, responses: [] } } }, { cluster })).toEqual(
      out(`{${header},"revision":6,"raft_term":2}}\n`),
    );
  });

  test("fields: inner headers without cluster IDs", () => {
    const inner = (revision: number): string => `"ClusterID" : 0\n"MemberID" : 0\n"Revision" : ${revision}\n"RaftTerm" : 0\n`;
    expect(printOutcome(parsed("txn -w fields", input), { ok: true, value: response }, { cluster }).stdout).toBe(
      `${fieldsHeader(7)}"Succeeded" : true\n${inner(7)}${inner(7)}"Key" : "key1"\n"CreateRevision" : 2\n"ModRevision" : 7\n"Version" : 2\n"Value" : "overwrote-key1"\n"Lease" : 0\n"More" : false\n"Count" : 1\n${inner(7)}"Deleted" : 1\n`,
    );
  });
});

describe("compaction", () => {
  test("the same line in every format", () => {
    for (const format of ["simple", "json", "table", "fields"]) {
      expect(print(`compaction 5 -w ${format}`, { kind: "compaction", response: { header: { revision: 9 } } })).toEqual(out("compacted revision 5\n"));
    }
  });
});

describe("watch", () => {
  const created: WatchResponse = { header: { revision: 3 }, watchId: 0, created: true, canceled: false, compactRevision: 0, cancelReason: "", fragment: false, events: [] };
  const events: WatchResponse = {
    ...created,
    created: false,
    header: { revision: 5 },
    events: [
      { type: "PUT", kv: kv("foo", "bar", 2, 4, 2), prevKv: kv("foo", "old", 2, 2, 1) },
      { type: "DELETE", kv: { key: "foo", value: "", createRevision: 0, modRevision: 5, version: 0, lease: 0 } },
    ],
  };
  const progress: WatchResponse = { ...created, created: false, header: { revision: 9 } };
  const compacted: WatchResponse = { ...created, created: false, canceled: true, compactRevision: 4, header: { revision: 0 } };

  test("simple: the type, the previous pair, the pair; the creation notice is not shown", () => {
    expect(print("watch foo --prev-kv", { kind: "watch", response: { responses: [created, events] } })).toEqual(out("PUT\nfoo\nold\nfoo\nbar\nDELETE\nfoo\n\n"));
  });

  test("progress notifications", () => {
    expect(print("watch foo --progress-notify", { kind: "watch", response: { responses: [progress] } })).toEqual(out("progress notify: 9\n"));
  });

  test("a canceled watch ends the command (exit 5)", () => {
    expect(print("watch foo --rev 2", { kind: "watch", response: { responses: [compacted] } })).toEqual(
      err("watch was canceled (etcdserver: mvcc: required revision has been compacted)\nError: watch is canceled by the server\n", 5),
    );
    const reason: WatchResponse = { ...compacted, compactRevision: 0, cancelReason: "mvcc: watcher range is empty" };
    expect(print("watch foo", { kind: "watch", response: { responses: [reason] } }).stderr).toBe(
      "watch was canceled (rpc error: code = FailedPrecondition desc = mvcc: watcher range is empty)\nError: watch is canceled by the server\n",
    );
  });

  test("json: clientv3's WatchResponse, DELETE as type 1", () => {
    expect(print("watch foo -w json", { kind: "watch", response: { responses: [events, progress] } })).toEqual(
      out(
        `{"Header":{"cluster_id":14841639068965178418,"member_id":10276657743932975437,"revision":5,"raft_term":2},"Events":[` +
          `{"kv":{"key":"Zm9v","create_revision":2,"mod_revision":4,"version":2,"value":"YmFy"},"prev_kv":{"key":"Zm9v","create_revision":2,"mod_revision":2,"version":1,"value":"b2xk"}},` +
          `{"type":1,"kv":{"key":"Zm9v","mod_revision":5}}],"CompactRevision":0,"Canceled":false,"Created":false}\n` +
          `progress notify: 9\n{"Header":{"cluster_id":14841639068965178418,"member_id":10276657743932975437,"revision":9,"raft_term":2},"Events":null,"CompactRevision":0,"Canceled":false,"Created":false}\n`,
      ),
    );
  });

  test("fields", () => {
    expect(print("watch foo -w fields", { kind: "watch", response: { responses: [{ ...events, events: events.events.slice(1) }] } })).toEqual(
      out(`${fieldsHeader(5)}"Type" : DELETE\n"Key" : "foo"\n"CreateRevision" : 0\n"ModRevision" : 5\n"Version" : 0\n"Value" : ""\n"Lease" : 0\n`),
    );
  });

  test("table refuses at the first response", () => {
    expect(print("watch foo -w table", { kind: "watch", response: { responses: [events, progress] } })).toEqual(err("Error: table not supported as output format\n", 4));
  });
});
