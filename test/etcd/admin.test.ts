/** The pure parts of cluster administration: IDs, the Prometheus float format, log times, the manifest edit. */
import { describe, expect, it } from "vitest";
import { ClusterMembership } from "../../src/etcd/membership.js";
import { goFloat } from "../../src/etcd/metrics.js";
import { manifestDataDir, setManifestDataDir } from "../../src/etcd/static-pod.js";
import { rfc3339 } from "../../src/shell/admin-commands.js";

describe("cluster administration helpers", () => {
  it("derives member and cluster IDs from the Procfile URLs and maps endpoints to members", () => {
    const membership = new ClusterMembership(["n1", "n2", "n3"]);
    expect(membership.list().map((record) => [record.actor, record.id.toString(16), record.clientURLs[0]])).toEqual([
      ["n3", "628170c800dbcee", "http://127.0.0.1:32379"],
      ["n2", "9e737febb6b99eee", "http://127.0.0.1:22379"],
      ["n1", "b71f75320dc06a6c", "http://127.0.0.1:2379"],
    ]);
    expect(membership.clusterId.toString(16)).toBe("66d3a070bf89b39");
    expect(["127.0.0.1:2379", "http://127.0.0.1:22379", "localhost:32379", "n2", "127.0.0.1:42379"].map((endpoint) => membership.actorForEndpoint(endpoint))).toEqual(["n1", "n2", "n3", "n2", undefined]);
  });

  it("writes sample values as Go's strconv 'g' format does", () => {
    expect([0, 1, 0.001, 8.192, 0.0001, 0.00001234, 24576, 1e21, Number.POSITIVE_INFINITY].map(goFloat)).toEqual(["0", "1", "0.001", "8.192", "0.0001", "1.234e-05", "24576", "1e+21", "+Inf"]);
  });

  it("formats virtual time as RFC 3339", () => {
    expect([1_704_067_205, 1_709_251_199, 1_735_689_600].map(rfc3339)).toEqual(["2024-01-01T00:00:05Z", "2024-02-29T23:59:59Z", "2025-01-01T00:00:00Z"]);
  });

  it("points the manifest's flag, mount and hostPath at a new data dir, leaving the certs volume", () => {
    const manifest = [
      "    - --data-dir=/var/lib/etcd",
      "    volumeMounts:",
      "    - mountPath: /var/lib/etcd",
      "      name: etcd-data",
      "    - mountPath: /etc/kubernetes/pki/etcd",
      "      name: etcd-certs",
      "  volumes:",
      "  - hostPath:",
      "      path: /etc/kubernetes/pki/etcd",
      "      type: DirectoryOrCreate",
      "    name: etcd-certs",
      "  - hostPath:",
      "      path: /var/lib/etcd",
      "      type: DirectoryOrCreate",
      "    name: etcd-data",
      "",
    ].join("\n");
    expect(manifestDataDir(manifest)).toBe("/var/lib/etcd");
    const edited = setManifestDataDir(manifest, "/var/lib/etcd-from-backup");
    expect(manifestDataDir(edited.text)).toBe("/var/lib/etcd-from-backup");
    expect(edited.text).toContain("      path: /etc/kubernetes/pki/etcd\n");
    expect(edited.diff).toBe(
      [
        "--- /etc/kubernetes/manifests/etcd.yaml",
        "+++ /etc/kubernetes/manifests/etcd.yaml",
        "-    - --data-dir=/var/lib/etcd",
        "+    - --data-dir=/var/lib/etcd-from-backup",
        "-    - mountPath: /var/lib/etcd",
        "+    - mountPath: /var/lib/etcd-from-backup",
        "-      path: /var/lib/etcd",
        "+      path: /var/lib/etcd-from-backup",
        "",
      ].join("\n"),
    );
  });
});
