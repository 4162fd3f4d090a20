/**
 * `etcdctl watch` in the shell: watches run in the background of the script, their events print
 * when they reach the client in virtual time, interleaved with the other lines' output.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { memoryIo } from "../../src/cli/io.js";
import { interleaved } from "./script.js";

describe("etcdctl watch in the shell", () => {
  it("prints events as they arrive, interleaved with the following lines, in etcdctl's simple format", () => {
    const text = interleaved(["put foo 1", "watch foo --prev-kv", "put foo 2", ":advance 100ms", "del foo", ":advance 100ms", ":echo done"]);
    expect(text).toBe(["OK", "PUT", "foo", "1", "foo", "2", "OK", "1", "DELETE", "foo", "2", "foo", "", "done", ""].join("\n"));
  });

  it("replays history from --rev, filters by --prefix, and prints the rest at the end of the script", () => {
    const text = interleaved(["put a/1 x", "put b y", "put a/2 z", "watch a/ --prefix --rev 1", ":echo caught up", "put a/3 w"]);
    expect(text).toBe(["OK", "OK", "OK", "PUT", "a/1", "x", "PUT", "a/2", "z", "caught up", "PUT", "a/3", "w", "OK", ""].join("\n"));
  });

  it("prints etcdctl's cancel lines for a watch from a compacted revision", () => {
    const text = interleaved(["put a 1", "put a 2", "compaction 3", "watch a --rev 2", ":watches"]);
    expect(text).toBe(
      ["OK", "OK", "compacted revision 3", "!watch was canceled (etcdserver: mvcc: required revision has been compacted)", "!Error: watch is canceled by the server", "no running watches", ""].join("\n"),
    );
  });

  it("prints each response as one JSON line with -w json", () => {
    const text = interleaved(["watch k -w json", "put k v", ":advance 100ms"]);
    const lines = text.trimEnd().split("\n");
    expect(lines[1]).toBe("OK");
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      Header: { revision: 2, raft_term: 1 },
      Events: [{ kv: { key: "aw==", create_revision: 2, mod_revision: 2, version: 1, value: "dg==" } }],
      CompactRevision: 0,
      Canceled: false,
      Created: false,
    });
    expect(lines).toHaveLength(2);
  });

  it("lists running watches with :watches and ends them with :unwatch", () => {
    const text = interleaved([
      "watch a",
      "watch b --endpoints 127.0.0.1:2379,127.0.0.1:22379",
      ":watches",
      ":unwatch 1",
      "put a 1",
      "put b 1",
      ":advance 100ms",
      ":watches",
      ":unwatch 7",
      ":unwatch",
      ":watches",
      ":unwatch x",
    ]);
    expect(text).toBe(
      [
        "1 watch a (n1, 0 events)",
        "2 watch b --endpoints 127.0.0.1:2379,127.0.0.1:22379 (n1, n2, 0 events)",
        "OK",
        "OK",
        "PUT",
        "b",
        "1",
        "2 watch b --endpoints 127.0.0.1:2379,127.0.0.1:22379 (n1, n2, 1 event)",
        "!etcdlab shell: no running watch 7 (running: 2)",
        "no running watches",
        "!etcdlab shell: usage: :unwatch [ID]",
        "",
      ].join("\n"),
    );
  });

  it("keeps a watch across the crash of its member: the client moves it and resumes without a gap", () => {
    const text = interleaved([
      "watch k --endpoints n1,n2,n3",
      "put k 1 --endpoints n2",
      ":crash n1",
      ":advance 3s",
      "put k 2 --endpoints n2",
      "put k 3 --endpoints n3",
      ":advance 5s",
      ":watches",
    ]);
    expect(text).toBe(["PUT", "k", "1", "OK", "OK", "PUT", "k", "2", "PUT", "k", "3", "OK", "1 watch k --endpoints n1,n2,n3 (n1, n2, n3, 3 events)", ""].join("\n"));
  });

  it("moves a watch off a member cut off with the old leader, and delivers the new leader's writes", () => {
    const text = interleaved(["watch k --endpoints n1,n2,n3", ":leader", ":partition n1 | n2 n3", ":advance 3s", ":leader", "put k 1 --endpoints n2", "put k 2 --endpoints n3", ":advance 3s", ":heal", ":watches"]);
    expect(text).toBe(["n1", "n2", "OK", "OK", "PUT", "k", "1", "PUT", "k", "2", "1 watch k --endpoints n1,n2,n3 (n1, n2, n3, 2 events)", ""].join("\n"));
  });

  it("ends a watch at its first event with -w table, as etcdctl exits there", () => {
    const text = interleaved(["watch k -w table", "put k 1", "put k 2", ":watches"]);
    expect(text).toBe(["!Error: table not supported as output format", "OK", "OK", "no running watches", ""].join("\n"));
  });

  it("prints etcd's progress notifications (every 10 minutes, when no event was sent since the last tick)", () => {
    const text = interleaved(["watch k --progress-notify", "put k v", ":advance 601s", ":echo ten minutes", ":advance 600s"]);
    expect(text).toBe(["PUT", "k", "v", "OK", "ten minutes", "progress notify: 2", ""].join("\n"));
  });

  it("refuses watch -i with one line, and runs from the piped shell", async () => {
    const io = memoryIo({ stdin: "watch -i\nwatch k\nput k v\n" });
    expect(await runCli(["shell"], io)).toBe(0);
    expect(io.stdout()).toBe("PUT\nk\nv\nOK\n");
    expect(io.stderr()).toBe("Error: watch --interactive is not simulated by etcdlab; run one watch command per key\n");
  });
});
