import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { memoryIo } from "../../src/cli/io.js";
import { etcdctlApiVersion, etcdctlVersion } from "../../src/etcdctl/index.js";

async function shell(script: string, argv: string[] = []) {
  const io = memoryIo({ stdin: script });
  const code = await runCli(["shell", ...argv], io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe("etcdlab shell", () => {
  it("prints exactly what etcdctl prints for put, get, del and txn", async () => {
    const script = [
      "put k v",
      "etcdctl get k",
      "get k --print-value-only",
      "del k",
      "get k",
      "txn",
      'create("a") = "0"',
      "",
      "put a 1",
      "",
      "put a 2",
      "",
      "get a",
      "txn",
      'value("a") = "0"',
      "",
      "",
      "get a",
      "",
      "compaction 1",
    ].join("\n");
    const result = await shell(`${script}\n`);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(["OK", "k", "v", "v", "1", "SUCCESS", "", "OK", "a", "1", "FAILURE", "", "a", "1", "compacted revision 1", ""].join("\n"));
    expect(result.code).toBe(0);
  });

  it("prints txn -i's prompts once, and etcdctl's refusals", async () => {
    const result = await shell('txn -i\nmod("a") = "0"\n\nput a 1\n\n\nget a -w table\nversion\n');
    expect(result.stdout).toBe(
      `compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\nSUCCESS\n\nOK\netcdctl version: ${etcdctlVersion}\nAPI version: ${etcdctlApiVersion}\n`,
    );
    expect(result.stderr).toBe("Error: table not supported as output format\n");
  });

  it("prints JSON with -w json on a line and as the shell's default format", async () => {
    const perLine = await shell("put k v -w json\nget k\n");
    const [put, get] = perLine.stdout.split("\n");
    expect(JSON.parse(put as string).header.revision).toBe(2);
    expect(get).toBe("k");

    const byDefault = await shell("put k v\nget k\n", ["-w", "json"]);
    const lines = byDefault.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    const response = JSON.parse(lines[1] as string);
    expect(response.count).toBe(1);
    expect(Buffer.from(response.kvs[0].key, "base64").toString()).toBe("k");
    expect(Buffer.from(response.kvs[0].value, "base64").toString()).toBe("v");
    expect(response.header.raft_term).toBeGreaterThan(0);
  });

  it("loses writes to a crashed majority within the command timeout, and gets them back on restart", async () => {
    const script = ["put a 1", ":crash n2", ":crash n3", "put b 2", ":restart n2", "put c 3", "get c"].join("\n");
    const result = await shell(`${script}\n`);
    // The client's --command-timeout (5s) passes before the member's own request timeout (7s), so
    // etcdctl reports its own deadline, as a real etcdctl does against a cluster without quorum.
    expect(result.stderr).toBe("Error: context deadline exceeded\n");
    expect(result.stdout).toBe("OK\nOK\nc\n3\n");
  });

  it("sees the member's timeout when the command timeout is longer", async () => {
    const result = await shell(":crash n2\n:crash n3\nput b 2 --command-timeout=10s\n");
    expect(result.stderr).toBe("Error: etcdserver: request timed out\n");
  });

  it("cuts and heals the network", async () => {
    const script = [":leader", ":partition n1 | n2 n3", "put a 1", ":heal", ":advance 2s", "put a 2", "get a --endpoints=127.0.0.1:22379", "get a --endpoints=n3 --print-value-only"].join("\n");
    const result = await shell(`${script}\n`);
    expect(result.stderr).toBe("Error: context deadline exceeded\n");
    expect(result.stdout).toBe("n1\nOK\na\n2\n2\n");
  });

  it("answers :leader, :status and :echo", async () => {
    // A follower learns the commit index with the next heartbeat, hence the :advance.
    const result = await shell([":leader", "put a 1", ":advance 1s", ":status", ":pause n3", ":crash n2", ":status", ":echo hello  world", ":crash n1", ":leader"].join("\n"));
    expect(result.stderr).toBe("");
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe("n1");
    expect(lines[1]).toBe("OK");
    expect(lines.slice(2, 5)).toEqual([
      "n1 leader term=1 commit=2 applied=2 up",
      "n2 follower term=1 commit=2 applied=2 up",
      "n3 follower term=1 commit=2 applied=2 up",
    ]);
    expect(lines[5]).toMatch(/^n1 leader term=1 commit=2 applied=2 up$/);
    expect(lines[6]).toBe("n2 - term=- commit=- applied=- crashed");
    expect(lines[7]).toMatch(/^n3 follower term=1 commit=2 applied=2 paused$/);
    expect(lines[8]).toBe("hello  world");
    expect(lines[9]).toBe("no leader");
  });

  it("prints one error line for a bad line and goes on", async () => {
    const script = [":bogus", ":crash n9", ":advance 2", ":partition n1 | n7", "put a 1", "lease keep-alive", "member remove 1234", "put --foo a b", "get a --endpoints=10.0.0.1:2379", "get a"].join("\n");
    const result = await shell(`${script}\n`);
    expect(result.code).toBe(0);
    const errors = result.stderr.trimEnd().split("\n");
    expect(errors).toHaveLength(8);
    expect(errors[0]).toMatch(/^etcdlab shell: unknown lab command ':bogus'/);
    expect(errors[1]).toBe("etcdlab shell: unknown node 'n9' (members: n1, n2, n3)");
    expect(errors[2]).toMatch(/^etcdlab shell: invalid duration '2'/);
    expect(errors[3]).toBe("etcdlab shell: partition names unknown node 'n7'");
    expect(errors[4]).toBe("Error: lease keep-alive command needs lease ID as argument");
    expect(errors[5]).toBe("Error: etcdserver: member not found");
    expect(errors[6]).toBe("Error: unknown flag: --foo");
    expect(errors[7]).toMatch(/^etcdlab shell: endpoint '10.0.0.1:2379' is not a member/);
    expect(result.stdout).toBe("OK\na\n1\n");
  });

  it("grants a lease, attaches a key, shows it with timetolive --keys, and revokes it with the key", async () => {
    const granted = await shell("lease grant 60\n");
    expect(granted.stderr).toBe("");
    const id = /^lease ([0-9a-f]{16}) granted with TTL\(60s\)\n$/.exec(granted.stdout)?.[1];
    expect(id).toBeDefined();
    const script = ["lease grant 60", `put k v --lease=${id}`, `lease timetolive ${id} --keys`, `lease revoke ${id}`, "get k", `lease timetolive ${id}`].join("\n");
    const result = await shell(`${script}\n`);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(
      [
        `lease ${id} granted with TTL(60s)`,
        "OK",
        `lease ${id} granted with TTL(60s), remaining(59s), attached keys([k])`,
        `lease ${id} revoked`,
        `lease ${id} already expired`,
        "",
      ].join("\n"),
    );
  });

  it("expires a lease and its key in virtual time", async () => {
    const id = /^lease ([0-9a-f]{16})/.exec((await shell("lease grant 5\n")).stdout)?.[1];
    const script = ["lease grant 5", `put k v --lease=${id}`, "get k --print-value-only", ":advance 10s", "get k", `lease timetolive ${id}`, "lease list"].join("\n");
    const result = await shell(`${script}\n`);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe([`lease ${id} granted with TTL(5s)`, "OK", "v", `lease ${id} already expired`, "found 0 leases", ""].join("\n"));
  });

  it("keeps a lease alive once, lists leases, and refuses a lease that is gone", async () => {
    const id = /^lease ([0-9a-f]{16})/.exec((await shell("lease grant 60\n")).stdout)?.[1];
    const script = ["lease grant 60", ":advance 3s", `lease keep-alive --once ${id}`, `lease timetolive ${id}`, "lease list", `lease revoke ${id}`, `lease keep-alive --once ${id}`, "lease list"].join("\n");
    const result = await shell(`${script}\n`);
    expect(result.stdout).toBe(
      [`lease ${id} granted with TTL(60s)`, `lease ${id} keepalived with TTL(60)`, `lease ${id} granted with TTL(60s), remaining(59s)`, "found 1 leases", id, `lease ${id} revoked`, "found 0 leases", ""].join(
        "\n",
      ),
    );
    expect(result.stderr).toBe("Error: etcdserver: requested lease not found\n");
  });

  it("lists no alarms on a healthy cluster and disarms nothing", async () => {
    const result = await shell("alarm list\nalarm disarm\nalarm list --endpoints=n2\n");
    expect(result).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("is deterministic and refuses bad flags of its own", async () => {
    const script = "put a 1\nget a -w json\n:status\n";
    expect(await shell(script, ["--seed", "7", "--members", "5"])).toEqual(await shell(script, ["--seed", "7", "--members", "5"]));
    const bad = await shell("", ["-w", "protobuf"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("etcdlab: flag '--write-out' must be one of simple, json, table, fields (got 'protobuf')\n");
  });
});
