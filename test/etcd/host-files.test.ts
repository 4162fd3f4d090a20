import { describe, expect, it } from "vitest";
import { HostFiles } from "../../src/etcd/host-files.js";

describe("HostFiles", () => {
  it("resolves relative paths from /root and normalizes . and ..", () => {
    expect(HostFiles.resolve("backup.db")).toBe("/root/backup.db");
    expect(HostFiles.resolve("/var/lib/../lib/etcd/./member/")).toBe("/var/lib/etcd/member");
  });

  it("keeps files in memory, makes parent directories, lists a directory sorted", () => {
    const files = new HostFiles();
    files.write("/var/lib/etcd-restore/member/snap/db", new Uint8Array([1]));
    files.write("/var/lib/etcd-restore/member/wal/0.wal", new Uint8Array([2]));
    expect(files.isDirectory("/var/lib/etcd-restore")).toBe(true);
    expect(files.exists("/var/lib")).toBe(true);
    expect(files.list("/var/lib/etcd-restore")).toEqual(["/var/lib/etcd-restore/member/snap/db", "/var/lib/etcd-restore/member/wal/0.wal"]);
    expect(files.read("/var/lib/etcd-restore/member/snap/db")).toEqual(new Uint8Array([1]));
    expect(() => files.write("/var/lib", new Uint8Array())).toThrow("/var/lib: is a directory");
    expect(files.remove("/var/lib/etcd-restore/member/snap/db")).toBe(true);
    expect(files.read("/var/lib/etcd-restore/member/snap/db")).toBeUndefined();
  });
});
