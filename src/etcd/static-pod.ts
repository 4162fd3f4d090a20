/**
 * The etcd static pod manifest a kubeadm control plane runs etcd from
 * (`/etc/kubernetes/manifests/etcd.yaml`, the shape of kubeadm's `GetEtcdPodSpec`): the etcd command
 * with `--data-dir=/var/lib/etcd`, the certificate flags at the kubeadm PKI paths, and the
 * `etcd-data` hostPath volume mounted at the data directory.
 *
 * The cluster writes it into its host files at start; `setManifestDataDir` points it at another
 * directory the way a lesson's learner edits it after `snapshot restore`: the `--data-dir` flag, the
 * `etcd-data` volume mount and its hostPath all change. The simulated kubelet (src/shell/lab-kubelet.ts)
 * then restarts etcd from the directory the hostPath names.
 */
import type { HostFiles } from "./host-files.js";
import type { ClusterMembership } from "./membership.js";

export const MANIFEST_PATH = "/etc/kubernetes/manifests/etcd.yaml";
export const DEFAULT_DATA_DIR = "/var/lib/etcd";
export const ETCD_IMAGE = "registry.k8s.io/etcd:3.5.21-0";

function manifestText(membership: ClusterMembership, dataDir: string): string {
  const first = membership.list().find((record) => record.actor === "n1") ?? membership.list()[0];
  const name = first?.name ?? "n1";
  const clientUrl = first?.clientURLs[0] ?? "http://127.0.0.1:2379";
  const peerUrl = first?.peerURLs[0] ?? "http://127.0.0.1:2380";
  const initialCluster = membership
    .list()
    .flatMap((record) => record.peerURLs.map((url) => `${record.name}=${url}`))
    .join(",");
  return `apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubeadm.kubernetes.io/etcd.advertise-client-urls: ${clientUrl}
  creationTimestamp: null
  labels:
    component: etcd
    tier: control-plane
  name: etcd
  namespace: kube-system
spec:
  containers:
  - command:
    - etcd
    - --advertise-client-urls=${clientUrl}
    - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    - --client-cert-auth=true
    - --data-dir=${dataDir}
    - --experimental-initial-corrupt-check=true
    - --experimental-watch-progress-notify-interval=5s
    - --initial-advertise-peer-urls=${peerUrl}
    - --initial-cluster=${initialCluster}
    - --key-file=/etc/kubernetes/pki/etcd/server.key
    - --listen-client-urls=${clientUrl}
    - --listen-metrics-urls=http://127.0.0.1:2381
    - --listen-peer-urls=${peerUrl}
    - --name=${name}
    - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
    - --peer-client-cert-auth=true
    - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key
    - --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    - --snapshot-count=10000
    - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    image: ${ETCD_IMAGE}
    imagePullPolicy: IfNotPresent
    name: etcd
    resources:
      requests:
        cpu: 100m
        memory: 100Mi
    volumeMounts:
    - mountPath: ${dataDir}
      name: etcd-data
    - mountPath: /etc/kubernetes/pki/etcd
      name: etcd-certs
  hostNetwork: true
  priority: 2000001000
  priorityClassName: system-node-critical
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  volumes:
  - hostPath:
      path: /etc/kubernetes/pki/etcd
      type: DirectoryOrCreate
    name: etcd-certs
  - hostPath:
      path: ${dataDir}
      type: DirectoryOrCreate
    name: etcd-data
status: {}
`;
}

/** Writes the manifest for a cluster that runs from `/var/lib/etcd`, and marks that directory as holding a member's data. */
export function writeStaticPodManifest(files: HostFiles, membership: ClusterMembership): void {
  files.write(MANIFEST_PATH, new TextEncoder().encode(manifestText(membership, DEFAULT_DATA_DIR)));
  files.mkdirs(`${DEFAULT_DATA_DIR}/member`);
}

export function readManifest(files: HostFiles): string | undefined {
  const bytes = files.read(MANIFEST_PATH);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}

/** The host directory the kubelet mounts as etcd's data (the hostPath of the `etcd-data` volume). */
export function manifestDataDir(manifest: string): string | undefined {
  return /- hostPath:\n\s+path: (\S+)\n\s+type: \S+\n\s+name: etcd-data\n/.exec(manifest)?.[1];
}

/**
 * Points the manifest at `dataDir`: the `--data-dir` flag, the `etcd-data` mount and its hostPath.
 * Returns the new text and the changed lines as a diff (`-old` / `+new`).
 */
export function setManifestDataDir(manifest: string, dataDir: string): { readonly text: string; readonly diff: string } {
  const current = manifestDataDir(manifest);
  const lines = manifest.split("\n");
  const changed: string[] = [];
  const updated = lines.map((line, index) => {
    const next = lines[index + 1] ?? "";
    const isFlag = /^\s+- --data-dir=/.test(line);
    const isMount = /^\s+- mountPath: /.test(line) && /^\s+name: etcd-data$/.test(next);
    const isHostPath = /^\s+path: /.test(line) && (lines[index - 1] ?? "").trim() === "- hostPath:" && /^\s+name: etcd-data$/.test(lines[index + 2] ?? "");
    if (!(isFlag || isMount || isHostPath) || current === undefined) return line;
    const replaced = isFlag ? line.replace(/--data-dir=.*$/, `--data-dir=${dataDir}`) : line.replace(/: .*$/, `: ${dataDir}`);
    if (replaced !== line) changed.push(`-${line}`, `+${replaced}`);
    return replaced;
  });
  const diff = changed.length === 0 ? "" : `--- ${MANIFEST_PATH}\n+++ ${MANIFEST_PATH}\n${changed.join("\n")}\n`;
  return { text: updated.join("\n"), diff };
}
