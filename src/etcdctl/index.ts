/**
 * Package etcdctl: the etcdctl v3 command language, as etcdctl v3.5 speaks it.
 *
 * - `parseCommandLine(line, { stdin, env })` splits a command line as a shell does, finds the
 *   command as cobra does, parses its flags as pflag does, checks its arguments with etcdctl's
 *   messages, reads the stdin it needs (txn sections, a value, passwords), and returns a
 *   `ParsedCommandLine` (global options + an `EtcdctlCommand` carrying the API requests) or the exact
 *   output of etcdctl's refusal ("Error: unknown flag: --foo", exit codes included).
 * - Whoever executes the command answers with an `EtcdctlOutcome`: the response shape of the
 *   command's kind (`EtcdctlResponses`: mvcc's KV responses, and the member/endpoint/lease/auth/
 *   snapshot shapes of types.ts) or an `EtcdError`.
 * - `printOutcome(parsed, outcome, { cluster })` prints what etcdctl prints, in the `-w` format
 *   (simple, json, table, fields), with `--hex`; `printLocalCommand` prints `version` and help.
 * - `LocalEtcdctl` runs the KV commands against one `MvccStore` (no cluster), for tests and the shell;
 *   `kvRequestOf`/`outcomeOfKv` map the KV commands onto the cluster protocol (`src/etcd/protocol.ts`).
 *
 * The module is pure: no clock, no randomness, no I/O. Durations and IDs come from its inputs.
 * The formats were read from etcd v3.5's `etcdctl/ctlv3/command/*.go` and etcdutl's printers.
 */
export { etcdctlApiVersion, etcdctlVersion } from "./command-tree.js";
export { kvRequestOf, outcomeOfKv } from "./kv-bridge.js";
export { defaultLocalHeader, executeOnStore, LocalEtcdctl, type LocalRun, type ScriptStep, transcript } from "./local.js";
export { type ParseOptions, type ParseOutcome, parseCommandLine } from "./parse.js";
export { isLocalCommand, type PrintContext, printLocalCommand, printOutcome, watchCancelError } from "./print.js";
export { renderTable } from "./table.js";
export * from "./types.js";
