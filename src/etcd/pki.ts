/**
 * A simulated PKI for a secure cluster (kubeadm's layout), and the TLS handshake etcdctl's client
 * makes against it.
 *
 * `writeKubeadmPki` writes the files kubeadm writes for a stacked etcd under `/etc/kubernetes/pki`:
 * the etcd CA (`etcd/ca.crt`, `etcd/ca.key`), the members' serving and peer pairs (`etcd/server.*`,
 * `etcd/peer.*`), the health-check client (`etcd/healthcheck-client.*`), the API server's etcd
 * client (`apiserver-etcd-client.*`), and the cluster CA (`ca.crt`, `ca.key`), which did not sign
 * etcd's certificates: the usual wrong `--cacert`. A certificate is PEM text as `openssl x509
 * -text` prints it (a readable summary, then the PEM block); the block holds, base64-encoded, the
 * subject, the issuer and the ID of its key pair, so a key that is not the certificate's, or a CA
 * that did not sign it, is detected as Go's crypto/tls detects it. Nothing here is real
 * cryptography.
 *
 * `tlsOutcome` is what one etcdctl invocation meets before its first request: its TLS files read
 * (etcd `transport.TLSInfo.ClientConfig`: a missing file is `open <path>: no such file or
 * directory`, a cert without a key `KeyFile and CertFile must both be present[...]`, a key that
 * does not match `tls: private key does not match public key`), then the handshake with the
 * server of a secure cluster (`--client-cert-auth`): plain text gets no server preface, an
 * unknown CA is `x509: certificate signed by unknown authority`, no client certificate `remote
 * error: tls: certificate required`, one from another CA `remote error: tls: bad certificate`.
 * Against a plain cluster, TLS fails with `tls: first record does not look like a TLS handshake`.
 * A handshake failure is not an answer: clientv3 retries until the command's deadline.
 */
import { bytesFromText, textFromBytes } from "../mvcc/bytes.js";
import type { HostFiles } from "./host-files.js";
import { unixSecondsOf, utcTimestamp } from "../sim/calendar.js";

export const PKI_DIRECTORY = "/etc/kubernetes/pki";

/** The kubeadm paths of the secure cluster's PKI. */
export const KUBEADM_PKI = {
  etcdCaCert: `${PKI_DIRECTORY}/etcd/ca.crt`,
  etcdCaKey: `${PKI_DIRECTORY}/etcd/ca.key`,
  serverCert: `${PKI_DIRECTORY}/etcd/server.crt`,
  serverKey: `${PKI_DIRECTORY}/etcd/server.key`,
  peerCert: `${PKI_DIRECTORY}/etcd/peer.crt`,
  peerKey: `${PKI_DIRECTORY}/etcd/peer.key`,
  healthcheckCert: `${PKI_DIRECTORY}/etcd/healthcheck-client.crt`,
  healthcheckKey: `${PKI_DIRECTORY}/etcd/healthcheck-client.key`,
  apiserverEtcdClientCert: `${PKI_DIRECTORY}/apiserver-etcd-client.crt`,
  apiserverEtcdClientKey: `${PKI_DIRECTORY}/apiserver-etcd-client.key`,
  clusterCaCert: `${PKI_DIRECTORY}/ca.crt`,
  clusterCaKey: `${PKI_DIRECTORY}/ca.key`,
} as const;

const ETCD_CA = "CN = etcd-ca";
const CLUSTER_CA = "CN = kubernetes";
const CERTIFICATE_MARK = "etcdlab simulated X.509 certificate";
const KEY_MARK = "etcdlab simulated RSA private key";

/** What a simulated certificate says. */
export interface SimulatedCertificate {
  readonly subject: string;
  readonly issuer: string;
  /** The ID of its key pair: the private key with the same ID matches it. */
  readonly keyId: string;
  readonly altNames: readonly string[];
}

function base64Lines(text: string): string {
  const encoded = Buffer.from(bytesFromText(text), "latin1").toString("base64");
  const lines: string[] = [];
  for (let start = 0; start < encoded.length; start += 64) lines.push(encoded.slice(start, start + 64));
  return lines.join("\n");
}

export function certificatePem(certificate: SimulatedCertificate): string {
  const payload = [CERTIFICATE_MARK, `subject: ${certificate.subject}`, `issuer: ${certificate.issuer}`, `key: ${certificate.keyId}`, `san: ${certificate.altNames.join(", ")}`].join("\n");
  const summary = [
    "Certificate:",
    "    Data:",
    `        Issuer: ${certificate.issuer}`,
    `        Subject: ${certificate.subject}`,
    ...(certificate.altNames.length === 0 ? [] : ["        X509v3 Subject Alternative Name:", `            ${certificate.altNames.join(", ")}`]),
  ].join("\n");
  return `${summary}\n-----BEGIN CERTIFICATE-----\n${base64Lines(payload)}\n-----END CERTIFICATE-----\n`;
}

export function privateKeyPem(keyId: string): string {
  return `-----BEGIN RSA PRIVATE KEY-----\n${base64Lines(`${KEY_MARK}\nkey: ${keyId}`)}\n-----END RSA PRIVATE KEY-----\n`;
}

/** The payload of the first PEM block of `kind` in `bytes`, decoded; undefined when there is none. */
function pemPayload(bytes: Uint8Array, kind: string): string | undefined {
  const text = Buffer.from(bytes).toString("latin1");
  const begin = text.indexOf(`-----BEGIN ${kind}-----`);
  const end = text.indexOf(`-----END ${kind}-----`);
  if (begin < 0 || end < begin) return undefined;
  const body = text.slice(begin + kind.length + 16, end).replace(/\s+/g, "");
  return textFromBytes(Buffer.from(body, "base64").toString("latin1"));
}

function fields(payload: string, mark: string): Map<string, string> | undefined {
  const lines = payload.split("\n");
  if (lines[0] !== mark) return undefined;
  const found = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(": ");
    if (colon > 0) found.set(line.slice(0, colon), line.slice(colon + 2));
  }
  return found;
}

export function readCertificate(bytes: Uint8Array): SimulatedCertificate | undefined {
  const payload = pemPayload(bytes, "CERTIFICATE");
  const found = payload === undefined ? undefined : fields(payload, CERTIFICATE_MARK);
  const subject = found?.get("subject");
  const issuer = found?.get("issuer");
  const keyId = found?.get("key");
  if (subject === undefined || issuer === undefined || keyId === undefined) return undefined;
  const san = found?.get("san") ?? "";
  return { subject, issuer, keyId, altNames: san === "" ? [] : san.split(", ") };
}

/** The key pair ID of a simulated private key. */
export function readPrivateKeyId(bytes: Uint8Array): string | undefined {
  const payload = pemPayload(bytes, "RSA PRIVATE KEY");
  return payload === undefined ? undefined : fields(payload, KEY_MARK)?.get("key");
}

/** Writes kubeadm's etcd PKI for a cluster of `members` into the machines' files. */
export function writeKubeadmPki(files: HostFiles, members: readonly string[]): void {
  const write = (path: string, text: string): void => files.write(path, new Uint8Array(Buffer.from(text, "latin1")));
  const pair = (certPath: string, keyPath: string, certificate: SimulatedCertificate): void => {
    write(certPath, certificatePem(certificate));
    write(keyPath, privateKeyPem(certificate.keyId));
  };
  const memberNames = [...members, "localhost", "127.0.0.1", "::1"];
  pair(KUBEADM_PKI.etcdCaCert, KUBEADM_PKI.etcdCaKey, { subject: ETCD_CA, issuer: ETCD_CA, keyId: "etcd-ca", altNames: ["etcd-ca"] });
  pair(KUBEADM_PKI.serverCert, KUBEADM_PKI.serverKey, { subject: "CN = kube-etcd", issuer: ETCD_CA, keyId: "etcd-server", altNames: memberNames });
  pair(KUBEADM_PKI.peerCert, KUBEADM_PKI.peerKey, { subject: "CN = kube-etcd-peer", issuer: ETCD_CA, keyId: "etcd-peer", altNames: memberNames });
  pair(KUBEADM_PKI.healthcheckCert, KUBEADM_PKI.healthcheckKey, { subject: "O = system:masters, CN = kube-etcd-healthcheck-client", issuer: ETCD_CA, keyId: "etcd-healthcheck-client", altNames: [] });
  pair(KUBEADM_PKI.apiserverEtcdClientCert, KUBEADM_PKI.apiserverEtcdClientKey, { subject: "O = system:masters, CN = kube-apiserver-etcd-client", issuer: ETCD_CA, keyId: "apiserver-etcd-client", altNames: [] });
  pair(KUBEADM_PKI.clusterCaCert, KUBEADM_PKI.clusterCaKey, { subject: CLUSTER_CA, issuer: CLUSTER_CA, keyId: "kubernetes-ca", altNames: ["kubernetes"] });
}

/** The TLS settings of one etcdctl invocation (its global flags). */
export interface ClientTls {
  /** The endpoint's scheme: "http", "https", or "" for none. */
  readonly scheme: string;
  readonly cacert?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly insecureTransport: boolean;
  readonly insecureSkipTlsVerify: boolean;
}

/**
 * What etcdctl meets before its first request: `ok`, a configuration error (printed at once as
 * `Error: <message>`, exit 128), or a connection that never comes up (`handshake`: the transport
 * error clientv3 logs while it retries until the command's deadline).
 */
export type TlsOutcome = { readonly kind: "ok" } | { readonly kind: "config"; readonly message: string } | { readonly kind: "handshake"; readonly error: string };

function missing(path: string): TlsOutcome {
  return { kind: "config", message: `open ${path}: no such file or directory` };
}

export function tlsOutcome(files: HostFiles, tls: ClientTls, secureServer: boolean): TlsOutcome {
  const wantsTls = tls.cacert !== undefined || tls.cert !== undefined || tls.key !== undefined || tls.insecureSkipTlsVerify || !tls.insecureTransport;
  let clientCertificate: SimulatedCertificate | undefined;
  if (tls.cert !== undefined || tls.key !== undefined) {
    if (tls.cert === undefined || tls.key === undefined) return { kind: "config", message: `KeyFile and CertFile must both be present[key: ${tls.key ?? ""}, cert: ${tls.cert ?? ""}]` };
    const certBytes = files.read(tls.cert);
    if (certBytes === undefined) return missing(tls.cert);
    const keyBytes = files.read(tls.key);
    if (keyBytes === undefined) return missing(tls.key);
    clientCertificate = readCertificate(certBytes);
    if (clientCertificate === undefined) return { kind: "config", message: "tls: failed to find any PEM data in certificate input" };
    const keyId = readPrivateKeyId(keyBytes);
    if (keyId === undefined) return { kind: "config", message: "tls: failed to find any PEM data in key input" };
    if (keyId !== clientCertificate.keyId) return { kind: "config", message: "tls: private key does not match public key" };
  }
  let trusted: SimulatedCertificate | undefined;
  if (tls.cacert !== undefined) {
    const caBytes = files.read(tls.cacert);
    if (caBytes === undefined) return missing(tls.cacert);
    trusted = readCertificate(caBytes);
    if (trusted === undefined) return { kind: "config", message: `failed to load CA certificate from ${tls.cacert}` };
  }
  const usesTls = tls.scheme === "https" || (tls.scheme === "" && wantsTls);
  if (!secureServer) return usesTls ? { kind: "handshake", error: "transport: authentication handshake failed: tls: first record does not look like a TLS handshake" } : { kind: "ok" };
  if (!usesTls) return { kind: "handshake", error: "error reading server preface: EOF" };
  if (!tls.insecureSkipTlsVerify && trusted?.subject !== ETCD_CA) return { kind: "handshake", error: "transport: authentication handshake failed: x509: certificate signed by unknown authority" };
  if (clientCertificate === undefined) return { kind: "handshake", error: "error reading server preface: remote error: tls: certificate required" };
  if (clientCertificate.issuer !== ETCD_CA) return { kind: "handshake", error: "error reading server preface: remote error: tls: bad certificate" };
  return { kind: "ok" };
}

/** Virtual time as zap's ISO 8601 time stamp with microseconds, UTC (`2024-01-01T00:00:05.000000Z`). */
export function logTimestamp(timeUs: number): string {
  const micros = timeUs - Math.floor(timeUs / 1_000_000) * 1_000_000;
  return utcTimestamp(unixSecondsOf(timeUs), `.${micros.toString().padStart(6, "0")}`);
}

/**
 * The warning clientv3's retry interceptor logs (etcdctl v3.5 writes it on stderr) when a request
 * gave up because the connection never came up.
 */
export function retryWarning(timeUs: number, endpoint: string, transportError: string): string {
  const target = endpoint.replace(/^[a-z]+:\/\//, "");
  const error = `rpc error: code = DeadlineExceeded desc = latest balancer error: last connection error: connection error: desc = "${transportError}"`;
  return `{"level":"warn","ts":"${logTimestamp(timeUs)}","logger":"etcd-client","caller":"v3@v3.5.21/retry_interceptor.go:63","msg":"retrying of unary invoker failed","target":"etcd-endpoints://0xc000010000/${target}","attempt":0,"error":${JSON.stringify(error)}}\n`;
}
