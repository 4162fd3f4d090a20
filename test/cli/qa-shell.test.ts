/**
 * QA of `etcdlab shell` with the odd lines a new user types: each bad line is one
 * `etcdlab shell: <problem>` line (or the tool's own error line), and the session goes on.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { memoryIo } from "../../src/cli/io.js";

async function shell(lines: string[]) {
  const io = memoryIo({ stdin: `${lines.join("\n")}\n` });
  const code = await runCli(["shell"], io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe("etcdlab shell: :partition", () => {
  it("refuses groups that are empty or share a node, instead of cutting nothing", async () => {
    const result = await shell([":partition n1 |", ":partition | n2 n3", ":partition n1 | n1 n2", ":partition ||", ":partition {groups: [[n1], [n1, n2]]}", ":leader"]);
    expect(result).toEqual({
      code: 0,
      stdout: "n1\n",
      stderr: [
        "etcdlab shell: partition group 2 of 2 is empty (e.g. 'n1 | n2 n3')",
        "etcdlab shell: partition group 1 of 2 is empty (e.g. 'n1 | n2 n3')",
        "etcdlab shell: partition puts n1 in two groups",
        "etcdlab shell: partition group 1 of 3 is empty (e.g. 'n1 | n2 n3')",
        "etcdlab shell: partition puts n1 in two groups",
        "",
      ].join("\n"),
    });
  });

  it("refuses a shape that names a node twice (bridge, ring, one-way)", async () => {
    const result = await shell([":partition {bridge: {left: [n1], bridge: n1, right: [n2]}}", ":partition {one-way: {from: [n1], to: [n1, n2]}}", ":partition {ring: [n1, n2, n1]}"]);
    expect(result.stderr).toBe(["etcdlab shell: partition names n1 twice", "etcdlab shell: partition names n1 twice", "etcdlab shell: partition names n1 twice", ""].join("\n"));
  });

  it("takes a quoted partition string as the scenario files write it", async () => {
    const result = await shell([':partition "n1 | n2 n3"', ":status"]);
    expect(result.stderr).toBe("");
    expect(result.stdout.split("\n")[0]).toMatch(/^n1 leader term=1 /);
    const heal = await shell([":partition 'n1 | n2 n3'", ":heal"]);
    expect(heal.stderr).toBe("");
  });

  it("a shape that is not YAML is one line that ends with the position", async () => {
    const result = await shell([":partition {isolate: n1"]);
    expect(result.stderr).toBe("etcdlab shell: cannot read partition '{isolate: n1': Flow map must end with a } at line 1, column 13\n");
  });
});

describe("etcdlab shell: :advance", () => {
  it("refuses more than 24h at once (a million hours would run for hours of real time)", async () => {
    const result = await shell([":advance 1000000h", ":advance 25h", ":leader"]);
    expect(result).toEqual({
      code: 0,
      stdout: "n1\n",
      stderr: "etcdlab shell: :advance goes at most 24h at a time (got '1000000h')\netcdlab shell: :advance goes at most 24h at a time (got '25h')\n",
    });
  });
});

describe("etcdlab shell: :write without EOF", () => {
  it("takes the rest of the input as the unfinished file instead of running it as commands", async () => {
    const result = await shell([":write pod.yaml", "apiVersion: v1", "kind: Pod", "put k v"]);
    expect(result).toEqual({ code: 0, stdout: "", stderr: "etcdlab shell: :write pod.yaml: no line EOF ends the file's content\n" });
  });
});

describe("etcdlab shell: kubectl", () => {
  it("an unbalanced quote is kubectl's error line, prefixed like its others", async () => {
    const result = await shell(['kubectl get "pods', "kubectl get pods --bogus"]);
    expect(result.stderr).toBe("error: unexpected EOF while looking for matching `\"'\nerror: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n");
  });

  it("a manifest that is not YAML is one line ending with the position", async () => {
    const result = await shell([":write bad.yaml", "this: is: not: yaml", "EOF", "kubectl apply -f bad.yaml"]);
    expect(result.stderr).toBe("error: error parsing bad.yaml: Nested mappings are not allowed in compact mappings at line 1, column 7\n");
  });
});

describe("etcdlab shell: member names in hints", () => {
  it("lists the members in name order", async () => {
    const result = await shell([":start n9", "get k --endpoints n7"]);
    expect(result.stderr).toBe(
      [
        "etcdlab shell: 'n9' is not a member added with member add (members: n1, n2, n3)",
        "etcdlab shell: endpoint 'n7' is not a member of the simulated cluster (use 127.0.0.1:2379 (n1), 127.0.0.1:22379 (n2), 127.0.0.1:32379 (n3), or a member name)",
        "",
      ].join("\n"),
    );
  });
});

describe("scenario partitions", () => {
  it("a partition step with an empty group is refused at its position", async () => {
    const directory = mkdtempSync(join(tmpdir(), "etcdlab-qa-shell-"));
    writeFileSync(join(directory, "p.yaml"), 'title: t\ndescription: d\ncluster: {kind: etcd, members: 3}\nsteps:\n  - partition: "n1 |"\n');
    const io = memoryIo({ cwd: directory });
    const code = await runCli(["run", "p.yaml"], io);
    expect({ code, stdout: io.stdout(), stderr: io.stderr() }).toEqual({
      code: 2,
      stdout: "",
      stderr: "etcdlab: p.yaml:5:16: partition group 2 of 2 is empty (e.g. 'n1 | n2 n3')\n",
    });
  });
});

describe("etcdlab shell: member add with bad peer URLs", () => {
  it("is refused as etcd's cluster service refuses it, before any other check", async () => {
    const result = await shell([
      "member add n4 --peer-urls=notaurl",
      "member add n4 --peer-urls=http://127.0.0.1",
      "member add n4 --peer-urls=http://127.0.0.1:42380/path",
      "member add n4 --peer-urls=ftp://127.0.0.1:42380",
      "member list",
    ]);
    expect(result.stderr).toBe("Error: etcdserver: given member URLs are invalid\n".repeat(4));
    expect(result.stdout.split("\n").filter((line) => line !== "").length).toBe(3);
    for (const url of ["http://127.0.0.1:42380", "https://[::1]:42380", "unix://n4.sock"]) {
      const added = await shell([`member add n4 --peer-urls=${url} --learner`]);
      expect(added.stderr).toBe("");
      expect(added.stdout).toMatch(/^Member [0-9a-f]+ added to cluster +[0-9a-f]+\n\nETCD_NAME="n4"\n/);
      expect(added.stdout).toContain(`ETCD_INITIAL_ADVERTISE_PEER_URLS="${url}"\n`);
    }
  });
});
