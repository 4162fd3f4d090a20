/**
 * `etcdctl lease keep-alive ID` (without `--once`) in the shell, as if it ran in the background of
 * the script (`etcdctl lease keep-alive ID &`), the way a watch does (watch-commands.ts): the line
 * returns once the first keep-alive was answered, then clientv3's lessor goes on in virtual time and
 * each answer prints when it reaches the client, between the other lines' output, in the line's
 * `-w` format (`lease <ID> keepalived with TTL(<N>)`).
 *
 * clientv3's lessor (`client/v3/lease.go`), as etcdctl drives it:
 * - a send loop ticks every 500 ms and sends a keep-alive for the lease once its next keep-alive
 *   time has passed (at once when it starts); an answer with TTL N sets the next one N/3 seconds
 *   later and the deadline N seconds later;
 * - an answer with TTL 0 (the lease was revoked or expired) closes the stream; so does the deadline
 *   passing without an answer (first `--dial-timeout` + 1 s); etcdctl then prints `lease <ID>
 *   expired or revoked.` (simple format only) and exits: the job ends;
 * - an error answer (no leader, a timeout) changes nothing but the endpoint: the client sends again
 *   at the next tick, to the next endpoint of `--endpoints`.
 * `:watches` lists the job (`<id> <line> (<member>, <n> keepalives)`), `:unwatch [ID]` ends it.
 */
import type { ClientActor, ServerCallOutcome } from "../etcd/client.js";
import { type ClusterHeader, type CommandOutput, type EtcdctlCommand, type LeaseKeepAliveResponse, type ParsedCommandLine, printOutcome } from "../etcdctl/index.js";
import type { Micros } from "../sim/time.js";
import type { ShellWatches } from "./watch-commands.js";

export type KeepAliveCommand = Extract<EtcdctlCommand, { readonly kind: "lease-keep-alive" }>;

/** clientv3's `retryConnWait`: the send loop's tick. */
const SEND_TICK_US: Micros = 500_000;

/** What the shell session lends its keep-alives. */
export interface KeepAliveHost {
  client(): ClientActor;
  /** The member behind one endpoint (a bad one: the session's line error). */
  endpointMember(endpoint: string): string;
  header(member: string): ClusterHeader;
  now(): Micros;
  /** Runs `call` at virtual time `at`. */
  schedule(at: Micros, call: () => void): void;
  /** Runs the world for up to `durationUs`, stopping early once `stop()` holds. */
  runFor(durationUs: Micros, stop: () => boolean): void;
  /** Where output goes now (the line running, or the last one). */
  print(output: CommandOutput): void;
  readonly jobs: ShellWatches;
}

/** Starts the keep-alive of a parsed `lease keep-alive ID` line; returns once its first answer printed (or the stream ended). */
export function startKeepAlive(host: KeepAliveHost, line: string, parsed: ParsedCommandLine, command: KeepAliveCommand): void {
  const endpoints = parsed.global.endpoints.length === 0 ? ["127.0.0.1:2379"] : parsed.global.endpoints;
  const members = endpoints.map((endpoint) => host.endpointMember(endpoint));
  const token = host.client().token;
  const timeoutUs = parsed.global.commandTimeoutUs;
  let endpoint = 0;
  let nextKeepAlive = host.now();
  let deadline = host.now() + parsed.global.dialTimeoutUs + 1_000_000;
  let answers = 0;
  let ended = false;
  const print = (responses: readonly LeaseKeepAliveResponse[], closed: boolean, member: string): boolean => {
    const output = printOutcome(parsed, { ok: true, value: { kind: "lease-keep-alive", response: { responses, ended: closed } } }, { cluster: host.header(member) });
    host.print(output);
    return output.exitCode === 0;
  };
  const forget = host.jobs.adopt(line, {
    describe: () => `${members[endpoint] as string}, ${answers} keepalive${answers === 1 ? "" : "s"}`,
    stop: () => {
      ended = true;
    },
  });
  const close = (): void => {
    if (ended) return;
    ended = true;
    forget();
    print([], true, members[endpoint] as string);
  };
  const received = (member: string, outcome: ServerCallOutcome): void => {
    if (ended) return;
    if (!outcome.ok || outcome.value.kind !== "leaseKeepAlive") {
      // clientv3 resets the stream after an error; the balancer may pick another endpoint.
      if (members[endpoint] === member) endpoint = (endpoint + 1) % members.length;
      return;
    }
    const response = outcome.value.response;
    if (response.ttl <= 0) return close();
    answers += 1;
    nextKeepAlive = host.now() + (response.ttl * 1_000_000) / 3;
    deadline = host.now() + response.ttl * 1_000_000;
    if (!print([response], false, member)) {
      // A format etcdctl cannot print it in: etcdctl exits there.
      ended = true;
      forget();
    }
  };
  const tick = (): void => {
    if (ended) return;
    const now = host.now();
    if (deadline < now) return close();
    if (nextKeepAlive <= now) {
      const member = members[endpoint] as string;
      const client = host.client();
      const previous = client.token;
      client.token = token;
      client.callServer(member, { kind: "leaseKeepAlive", request: { id: command.id } }, timeoutUs, (outcome) => received(member, outcome));
      client.token = previous;
    }
    host.schedule(now + SEND_TICK_US, tick);
  };
  tick();
  host.runFor(deadline - host.now() + SEND_TICK_US, () => ended || answers > 0);
}
