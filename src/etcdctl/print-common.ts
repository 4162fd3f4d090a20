/**
 * What the printers share: an output accumulator, etcdctl's exits (`ExitWithError` prints
 * "Error: <message>"), the unsupported-format refusal of `printerUnsupported` ("table not supported as
 * output format", exit 4), and the three renderings of a response header and a key-value: simple
 * (`util.go: printKV`, with `--hex` as `\x..` escapes), JSON (`mvccpb.KeyValue`, `ResponseHeader`)
 * and fields (`printer_fields.go: kv, hdr`).
 */
import { type ByteString, hexFromBytes, textFromBytes } from "../mvcc/bytes.js";
import type { KeyValue, ResponseHeader } from "../mvcc/types.js";
import { quoteBytes } from "./go-format.js";
import { base64, type GoJson, type GoObject, goObject, marshal, omitEmpty } from "./go-json.js";
import { type ClusterHeader, type CommandOutput, exitCodes, type GlobalOptions, type OutputFormat } from "./types.js";

/** The cluster part of response headers, as the member layer gives it to the printers. */
export interface PrintContext {
  readonly cluster: ClusterHeader;
}

/** stdout, stderr and the exit code, written in order. */
export class Output {
  private stdoutText = "";
  private stderrText = "";
  private code: number = exitCodes.success;
  private stopped = false;

  /** Whether an exit stopped the output (nothing more is written). */
  get exited(): boolean {
    return this.stopped;
  }

  /** fmt.Print to stdout. */
  out(text: string): void {
    if (!this.stopped) this.stdoutText += text;
  }

  /** fmt.Println to stdout. */
  line(text = ""): void {
    this.out(`${text}\n`);
  }

  /** fmt.Fprint(os.Stderr, ...). */
  err(text: string): void {
    if (!this.stopped) this.stderrText += text;
  }

  /** `cobrautl.ExitWithError`: "Error: <message>" on stderr, then exit. */
  exitWithError(exitCode: number, message: string): void {
    this.err(`Error: ${message}\n`);
    this.exit(exitCode);
  }

  /** `os.Exit` without a message. */
  exit(exitCode: number): void {
    if (this.stopped) return;
    this.code = exitCode;
    this.stopped = true;
  }

  /** printJSON: one line. */
  json(value: GoJson): void {
    this.line(marshal(value));
  }

  result(): CommandOutput {
    return { stdout: this.stdoutText, stderr: this.stderrText, exitCode: this.code };
  }
}

/** `newPrinterUnsupported(format)`: the refusal of a format a command has no printer for. */
export function unsupportedFormat(output: Output, format: OutputFormat): void {
  output.exitWithError(exitCodes.badFeature, `${format} not supported as output format`);
}

/** `ResponseHeader` fields (all omitempty), as a JSON object's fields. */
export function headerFields(cluster: ClusterHeader, revision: number): ReturnType<typeof omitEmpty>[] {
  return [omitEmpty("cluster_id", cluster.clusterId), omitEmpty("member_id", cluster.memberId), omitEmpty("revision", revision), omitEmpty("raft_term", cluster.raftTerm)];
}

/** A top-level `ResponseHeader`. */
export function headerJson(context: PrintContext, header: ResponseHeader): GoObject {
  return goObject(...headerFields(context.cluster, header.revision));
}

/** `mvccpb.KeyValue` in JSON: byte fields in base64, zero fields left out. */
export function keyValueJson(kv: KeyValue): GoObject {
  return goObject(
    omitEmpty("key", base64(kv.key)),
    omitEmpty("create_revision", kv.createRevision),
    omitEmpty("mod_revision", kv.modRevision),
    omitEmpty("version", kv.version),
    omitEmpty("value", base64(kv.value)),
    omitEmpty("lease", kv.lease),
  );
}

/** `printer_fields.go: hdr`. */
export function printFieldsHeader(output: Output, cluster: ClusterHeader, revision: number): void {
  output.line(`"ClusterID" : ${cluster.clusterId}`);
  output.line(`"MemberID" : ${cluster.memberId}`);
  output.line(`"Revision" : ${revision}`);
  output.line(`"RaftTerm" : ${cluster.raftTerm}`);
}

/** `printer_fields.go: kv`. */
export function printFieldsKeyValue(output: Output, prefix: string, kv: KeyValue): void {
  output.line(`"${prefix}Key" : ${quoteBytes(kv.key)}`);
  output.line(`"${prefix}CreateRevision" : ${kv.createRevision}`);
  output.line(`"${prefix}ModRevision" : ${kv.modRevision}`);
  output.line(`"${prefix}Version" : ${kv.version}`);
  output.line(`"${prefix}Value" : ${quoteBytes(kv.value)}`);
  output.line(`"${prefix}Lease" : ${kv.lease}`);
}

/** `util.go: addHexPrefix(hex.EncodeToString(b))`: "\x66\x6f\x6f". */
function hexEscaped(bytes: ByteString): string {
  return hexFromBytes(bytes).replace(/(..)/g, "\\x$1");
}

/** What a terminal shows for bytes written to stdout. */
export function displayBytes(bytes: ByteString): string {
  return textFromBytes(bytes);
}

/** `util.go: printKV`: the key (unless value-only), then the value, one per line. */
export function printSimpleKeyValue(output: Output, global: GlobalOptions, kv: KeyValue, valueOnly = false): void {
  const render = global.hex ? hexEscaped : displayBytes;
  if (!valueOnly) output.line(render(kv.key));
  output.line(render(kv.value));
}
