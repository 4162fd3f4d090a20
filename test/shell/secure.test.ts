/**
 * A secure cluster (`etcdlab shell --secure`, `secure: true`): kubeadm's etcd PKI in the host
 * files, and etcdctl refused as it is refused by etcd with `--client-cert-auth` unless it presents
 * the etcd CA and a client pair the etcd CA signed.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { memoryIo } from "../../src/cli/io.js";
import { DEFAULT_SETTINGS, EtcdCluster } from "../../src/etcd/cluster.js";
import { KUBEADM_PKI, logTimestamp, readCertificate, readPrivateKeyId } from "../../src/etcd/pki.js";
import { World } from "../../src/sim/world.js";

const PKI = "/etc/kubernetes/pki";
const GOOD = `--cacert ${PKI}/etcd/ca.crt --cert ${PKI}/apiserver-etcd-client.crt --key ${PKI}/apiserver-etcd-client.key`;

async function shell(script: string, argv: string[] = ["--secure"], env: Record<string, string> = {}) {
  const io = memoryIo({ stdin: script, env });
  const code = await runCli(["shell", ...argv], io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

function warning(seconds: string, desc: string): string {
  return `{"level":"warn","ts":"2024-01-01T00:00:${seconds}Z","logger":"etcd-client","caller":"v3@v3.5.21/retry_interceptor.go:63","msg":"retrying of unary invoker failed","target":"etcd-endpoints://0xc000010000/127.0.0.1:2379","attempt":0,"error":"rpc error: code = DeadlineExceeded desc = latest balancer error: last connection error: connection error: desc = \\"${desc}\\""}\n`;
}

describe("a secure cluster", () => {
  it("writes kubeadm's PKI: pairs that match, signed by the etcd CA", () => {
    const world = new World({ seed: 1 });
    const cluster = new EtcdCluster(world, { members: 3, settings: DEFAULT_SETTINGS, bugs: [], observe: false, secure: true });
    expect(cluster.files.list(PKI)).toEqual(
      [
        "apiserver-etcd-client.crt",
        "apiserver-etcd-client.key",
        "ca.crt",
        "ca.key",
        "etcd/ca.crt",
        "etcd/ca.key",
        "etcd/healthcheck-client.crt",
        "etcd/healthcheck-client.key",
        "etcd/peer.crt",
        "etcd/peer.key",
        "etcd/server.crt",
        "etcd/server.key",
      ].map((name) => `${PKI}/${name}`),
    );
    const server = readCertificate(cluster.files.read(KUBEADM_PKI.serverCert) as Uint8Array);
    expect(server).toEqual({ subject: "CN = kube-etcd", issuer: "CN = etcd-ca", keyId: "etcd-server", altNames: ["n1", "n2", "n3", "localhost", "127.0.0.1", "::1"] });
    expect(readPrivateKeyId(cluster.files.read(KUBEADM_PKI.serverKey) as Uint8Array)).toBe("etcd-server");
    const text = Buffer.from(cluster.files.read(KUBEADM_PKI.apiserverEtcdClientCert) as Uint8Array).toString("latin1");
    expect(text).toMatch(/^Certificate:\n {4}Data:\n {8}Issuer: CN = etcd-ca\n {8}Subject: O = system:masters, CN = kube-apiserver-etcd-client\n-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/);
    expect(cluster.membership.list().map((member) => member.clientURLs[0]).sort()).toEqual(["https://127.0.0.1:22379", "https://127.0.0.1:2379", "https://127.0.0.1:32379"]);
  });

  it("serves etcdctl with the etcd CA and a client pair it signed (flags or ETCDCTL_* variables)", async () => {
    const flags = await shell(`put a 1 ${GOOD}\nget a ${GOOD} --endpoints https://127.0.0.1:2379\n`);
    expect(flags.stderr).toBe("");
    expect(flags.stdout).toBe("OK\na\n1\n");
    const result = await shell("put a 1\nget a --print-value-only\n", ["--secure"], {
      ETCDCTL_CACERT: `${PKI}/etcd/ca.crt`,
      ETCDCTL_CERT: `${PKI}/etcd/healthcheck-client.crt`,
      ETCDCTL_KEY: `${PKI}/etcd/healthcheck-client.key`,
    });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("OK\n1\n");
  });

  it("refuses etcdctl as a server with client-cert-auth refuses it", async () => {
    const script = [
      "put a 1",
      `get a --endpoints http://127.0.0.1:2379 ${GOOD}`,
      `get a --cacert ${PKI}/etcd/ca.crt`,
      `get a --cacert ${PKI}/ca.crt --cert ${PKI}/apiserver-etcd-client.crt --key ${PKI}/apiserver-etcd-client.key`,
      `get a --cert ${PKI}/apiserver-etcd-client.crt --key ${PKI}/apiserver-etcd-client.key`,
      `get a --cacert ${PKI}/etcd/ca.crt --cert ${PKI}/ca.crt --key ${PKI}/ca.key`,
      "get a --cacert /root/ca.crt",
      `get a --cacert ${PKI}/etcd/ca.crt --cert ${PKI}/apiserver-etcd-client.crt --key ${PKI}/etcd/server.key`,
      `get a --cacert ${PKI}/etcd/ca.crt --cert ${PKI}/apiserver-etcd-client.crt`,
      `lease grant 10 --cacert ${PKI}/etcd/ca.crt`,
    ].join("\n");
    const result = await shell(`${script}\n`);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      [
        warning("06.516804", "error reading server preface: EOF"),
        "Error: context deadline exceeded\n",
        warning("11.516804", "error reading server preface: EOF"),
        "Error: context deadline exceeded\n",
        warning("16.516804", "error reading server preface: remote error: tls: certificate required"),
        "Error: context deadline exceeded\n",
        warning("21.516804", "transport: authentication handshake failed: x509: certificate signed by unknown authority"),
        "Error: context deadline exceeded\n",
        warning("26.516804", "transport: authentication handshake failed: x509: certificate signed by unknown authority"),
        "Error: context deadline exceeded\n",
        warning("31.516804", "error reading server preface: remote error: tls: bad certificate"),
        "Error: context deadline exceeded\n",
        "Error: open /root/ca.crt: no such file or directory\n",
        "Error: tls: private key does not match public key\n",
        `Error: KeyFile and CertFile must both be present[key: , cert: ${PKI}/apiserver-etcd-client.crt]\n`,
        warning("36.516804", "error reading server preface: remote error: tls: certificate required"),
        "Error: failed to grant lease (context deadline exceeded)\n",
      ].join(""),
    );
  });

  it("makes a plain cluster refuse TLS", async () => {
    const result = await shell("get a --endpoints https://127.0.0.1:2379\n", []);
    expect(result.stderr).toBe(`${warning("06.516804", "transport: authentication handshake failed: tls: first record does not look like a TLS handshake")}Error: context deadline exceeded\n`);
  });

  it("stamps log lines with virtual time from 2024-01-01", () => {
    expect(logTimestamp(0)).toBe("2024-01-01T00:00:00.000000Z");
    expect(logTimestamp(86_400_000_000 * 60 + 3_723_000_001)).toBe("2024-03-01T01:02:03.000001Z");
  });
});
