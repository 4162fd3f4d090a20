/**
 * The shell's line executor over a simulated cluster: `etcdlab shell` (piped and live), and any
 * other host (scenarios, lessons) that wants to run etcdctl and lab lines against a cluster.
 * See `src/cli/commands/shell.ts` for the language.
 */
import { parse as parseYaml } from "yaml";
import { EtcdCluster, DEFAULT_SETTINGS, summarizeMessage } from "../etcd/cluster.js";
import { CLIENT_DEADLINE_EXCEEDED, type CallOutcome, type ServerCallOutcome } from "../etcd/client.js";
import type { KvRequest, KvResponse, Outcome, ServerRequest, ServerResponse } from "../etcd/protocol.js";
import {
  type ClusterHeader,
  type CommandOutput,
  exitCodes,
  isLocalCommand,
  kvRequestOf,
  outcomeOfKv,
  parseCommandLine,
  printLocalCommand,
  printOutcome,
  type ParsedCommandLine,
} from "../etcdctl/index.js";
import { partitionSchema } from "../scenario/values.js";
import type { Fault } from "../sim/faults.js";
import { parseDuration, type Micros } from "../sim/time.js";
import type { TraceListener, TypedEvent } from "../sim/trace.js";
import { World } from "../sim/world.js";
import { AdminCommands, type AdminCommand, isAdminCommand } from "./admin-commands.js";
import { LabError, LAB_ADMIN_COMMANDS, runLabAdmin } from "./lab-admin.js";
import { isServerCommand, serverOutcome, type ServerCommand } from "./server-commands.js";
import { ShellWatches } from "./watch-commands.js";
import { startKeepAlive } from "./keepalive-commands.js";
import { retryWarning, tlsOutcome } from "../etcd/pki.js";
import { authenticateLine, type AuthCommand, authOutcome, isAuthCommand } from "./auth-commands.js";
import { runKubectl, writeHeredoc } from "./kubectl-commands.js";
import { controlPlaneActor, controlPlaneHint, controlPlaneStarted, LAB_KUBE_COMMANDS, runLabKube, startControlPlane } from "./lab-kube.js";

/** The client actor the shell sends its requests through. */
export const SHELL_CLIENT = "c1";
/** How long the shell waits, in virtual time, for the first leader. */
const FIRST_LEADER_LIMIT_US: Micros = 30_000_000;
/** The longest `:advance` (an idle cluster runs about 25 virtual hours a second). */
const ADVANCE_LIMIT_HOURS = 24;
const ADVANCE_LIMIT_US: Micros = ADVANCE_LIMIT_HOURS * 3_600_000_000;
/** How long running watches may still print after the last line (`finish`). */
const FINISH_WATCHES_US: Micros = 1_000_000;

/** A bad line: the shell prints `etcdlab shell: <message>` and goes on. */
export class LineError extends Error {}

const CLIENT = SHELL_CLIENT;

/** Where a line's output goes: what etcdctl (or a lab command) writes on stdout and on stderr. */
export interface ShellOutput {
  write(text: string): void;
  error(text: string): void;
}

export interface ShellSessionOptions {
  readonly members: number;
  readonly seed: number;
  /** Run against this world and cluster instead of building new ones (members and seed then unused). */
  readonly existing?: { readonly world: World; readonly cluster: EtcdCluster };
  /** The ETCDCTL_* variables (and -w as ETCDCTL_WRITE_OUT). */
  readonly env?: Readonly<Record<string, string>>;
  /** Subscribed to the world's trace (per-message events included) before the cluster starts. */
  readonly listener?: TraceListener<TypedEvent>;
  /** A secure cluster (kubeadm's PKI, client certificates required): `etcdlab shell --secure`. */
  readonly secure?: boolean;
  /**
   * The first kubectl line starts the Kubernetes control plane (lab-kube.ts), as `etcdlab shell`
   * does; otherwise only `:kube` starts it and kubectl lines meet a bare API server.
   */
  readonly controlPlaneOnKubectl?: boolean;
}

/**
 * A simulated cluster and the shell's line executor: `run` takes one line (an etcdctl line or a
 * lab command) and writes its output; `execute` returns it as text. The piped shell and the
 * terminal UI's live mode both use it.
 */
export class ShellSession {
  readonly world: World;
  readonly cluster: EtcdCluster;
  private readonly env: Readonly<Record<string, string>>;
  private readonly controlPlaneOnKubectl: boolean;
  private io: ShellOutput = { write: () => undefined, error: () => undefined };
  /** Where background watches print: the output of the line running, or of the last one. */
  private background: ShellOutput = this.io;
  /** Where background output goes between lines, when set (the live UI); else to the last line's output. */
  private idle: ShellOutput | undefined;
  private readonly watches = new ShellWatches({
    client: () => this.cluster.client(CLIENT),
    endpointMember: (endpoint) => this.endpointMember([endpoint]),
    header: (member) => this.header(member),
    runFor: (durationUs, stop) => this.world.runFor(durationUs, stop),
    print: (output) => printTo(this.background, output),
  });

  /** What background `lease keep-alive` jobs use (keepalive-commands.ts). */
  private readonly keepAliveHost = {
    client: () => this.cluster.client(CLIENT),
    endpointMember: (endpoint: string) => this.endpointMember([endpoint]),
    header: (member: string) => this.header(member),
    now: () => this.world.now,
    schedule: (at: Micros, call: () => void) => this.world.schedule(at, call),
    runFor: (durationUs: Micros, stop: () => boolean) => this.world.runFor(durationUs, stop),
    print: (output: CommandOutput) => printTo(this.background, output),
    jobs: this.watches,
  };

  constructor(options: ShellSessionOptions) {
    this.env = options.env ?? {};
    this.controlPlaneOnKubectl = options.controlPlaneOnKubectl === true;
    if (options.existing !== undefined) {
      this.world = options.existing.world;
      this.cluster = options.existing.cluster;
      this.cluster.client(CLIENT);
      return;
    }
    this.world = new World({ seed: options.seed, summarize: summarizeMessage });
    if (options.listener !== undefined) this.world.trace.subscribe(options.listener, { messages: true });
    this.cluster = new EtcdCluster(this.world, { members: options.members, settings: DEFAULT_SETTINGS, bugs: [], observe: true, secure: options.secure === true });
    this.cluster.client(CLIENT);
    this.world.runFor(FIRST_LEADER_LIMIT_US, () => this.cluster.leader() !== undefined);
  }

  get members(): readonly string[] {
    return this.cluster.members;
  }

  /**
   * Runs one line, writing its output to `out` (a bad line: one `etcdlab shell: <problem>` line on
   * stderr); `following` are the lines after it (txn reads its sections from them). Blank lines and
   * `#` comments do nothing. Returns how many of the following lines it read.
   */
  run(line: string, following: readonly string[], out: ShellOutput): number {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return 0;
    const previous = this.io;
    this.io = out;
    this.background = out;
    try {
      if (/^kubectl(\s|$)/.test(trimmed)) {
        if (this.controlPlaneOnKubectl && !controlPlaneStarted(this.cluster)) this.labKube(() => startControlPlane(this.cluster));
        this.print(runKubectl(this.cluster, trimmed));
        return 0;
      }
      if (/^:write(\s|$)/.test(trimmed)) {
        const written = writeHeredoc(this.cluster.files, trimmed, following);
        // The lines it took (a file's content, even without its EOF) are not run as commands.
        if (written.error !== undefined) out.error(`etcdlab shell: ${written.error}\n`);
        return written.used;
      }
      if (trimmed.startsWith(":")) {
        this.lab(trimmed);
        return 0;
      }
      return this.etcdctl(trimmed, following);
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      out.error(`etcdlab shell: ${error.message}\n`);
      return 0;
    } finally {
      this.io = previous;
      if (this.idle !== undefined) this.background = this.idle;
      this.cluster.client(CLIENT).token = undefined;
    }
  }

  /**
   * Sends what background watches and keep-alives print between lines to `out` (the live UI, whose
   * lines each get their own output); without it, it goes to the output of the last line run.
   */
  setBackgroundOutput(out: ShellOutput): void {
    this.idle = out;
    this.background = out;
  }

  /** Runs one line (with no following lines) and returns what it wrote. */
  execute(line: string): { stdout: string; stderr: string } {
    let stdout = "";
    let stderr = "";
    this.run(line, [], {
      write: (text) => {
        stdout += text;
      },
      error: (text) => {
        stderr += text;
      },
    });
    return { stdout, stderr };
  }

  /** Runs one etcdctl line; `following` are the lines after it. Returns how many of them it read. */
  private etcdctl(line: string, following: readonly string[]): number {
    const stdin = following.length === 0 ? "" : `${following.join("\n")}\n`;
    const parsed = parseCommandLine(line, { stdin, env: this.env });
    if (!parsed.ok) {
      this.print(parsed.output);
      return linesUsed(stdin, parsed.stdinUsed);
    }
    const used = linesUsed(stdin, parsed.parsed.stdinUsed);
    this.executeParsed(parsed.parsed, line);
    return used;
  }

  /** Runs a whole script (each line with the lines after it, for txn), then `finish`. */
  runScript(lines: readonly string[], out: ShellOutput): void {
    let index = 0;
    while (index < lines.length) {
      const line = (lines[index] as string).trim();
      index++;
      index += this.run(line, lines.slice(index), out);
    }
    this.finish();
  }

  /**
   * The end of a script: running watches get a moment of virtual time to print what is still on its
   * way to them, as background etcdctl watches would.
   */
  finish(): void {
    if (this.watches.size > 0) this.world.runFor(FINISH_WATCHES_US);
  }

  private executeParsed(parsed: ParsedCommandLine, line: string): void {
    const command = parsed.command;
    const request = kvRequestOf(command);
    // printOutcome prints the prompts (txn -i) and notices itself; the other paths print them here.
    if (request === undefined) this.print({ stdout: parsed.prompt, stderr: parsed.notice, exitCode: 0 });
    if (isLocalCommand(command)) {
      this.print(printLocalCommand({ ...parsed, command }));
      return;
    }
    if (!this.connect(parsed) || !this.authenticate(parsed)) return;
    if (request === undefined && isAuthCommand(command)) {
      this.executeAuth(parsed, command);
      return;
    }
    if (command.kind === "watch") {
      this.watches.start(line, parsed, command);
      return;
    }
    if (request === undefined && isServerCommand(command)) {
      this.executeServer(parsed, command, line);
      return;
    }
    if (request === undefined && isAdminCommand(command)) {
      this.executeAdmin(parsed, command);
      return;
    }
    if (request === undefined) {
      const name = command.kind === "move-leader" ? command.kind : command.kind.replace("-", " ");
      this.io.error(`Error: ${name} is not supported by this simulated cluster yet\n`);
      return;
    }
    const endpoint = this.endpointMember(parsed.global.endpoints);
    const answer = this.callKv(endpoint, request, parsed.global.commandTimeoutUs);
    this.print(printOutcome(parsed, outcomeOfKv(answer), { cluster: answer.cluster ?? this.header(endpoint) }));
  }

  /** Runs a member, endpoint, move-leader, defrag or snapshot command (admin-commands.ts). */
  private executeAdmin(parsed: ParsedCommandLine, command: AdminCommand): void {
    const admin = new AdminCommands({
      cluster: this.cluster,
      client: CLIENT,
      endpointActor: (endpoint) => this.endpointMember([endpoint]),
      header: (actor) => this.header(actor),
      callKv: (endpoint, request, timeoutUs) => this.callKv(endpoint, request, timeoutUs),
    });
    const answer = admin.run(parsed, command);
    // The prompts and notices were printed before the command ran.
    this.print(printOutcome({ ...parsed, prompt: "", notice: "" }, answer.outcome, { cluster: answer.cluster }));
  }

  /** Sends one KV request through c1 and runs the world until its answer (or the client's timeout). */
  private callKv(endpoint: string, request: KvRequest, timeoutUs: Micros): CallOutcome {
    return this.world.runUntilAnswered(timeoutUs, (done) => this.cluster.client(CLIENT).call(endpoint, request, timeoutUs, done));
  }

  /**
   * etcdctl's client configuration and first connection (pki.ts): TLS files that cannot be read
   * end the line at once; a connection that never comes up (plain text to a secure cluster, an
   * unknown CA, no client certificate) costs the command's timeout, then etcdctl's warning and
   * error. A watch just waits, as etcdctl watch does: it prints nothing. False when the line ends.
   */
  private connect(parsed: ParsedCommandLine): boolean {
    // snapshot restore and status read a file and never dial (etcdctl builds no client for them).
    if (parsed.command.kind === "snapshot-restore" || parsed.command.kind === "snapshot-status") return true;
    const global = parsed.global;
    const endpoint = global.endpoints[0] ?? "127.0.0.1:2379";
    const scheme = /^(https?):\/\//.exec(endpoint)?.[1] ?? "";
    const tls = { scheme, insecureTransport: global.insecureTransport, insecureSkipTlsVerify: global.insecureSkipTlsVerify, cacert: global.cacert, cert: global.cert, key: global.key };
    const outcome = tlsOutcome(this.cluster.files, tls, this.cluster.options.secure === true);
    if (outcome.kind === "ok") return true;
    if (outcome.kind === "config") {
      this.print({ stdout: "", stderr: `Error: ${outcome.message}\n`, exitCode: exitCodes.badArgs });
      return false;
    }
    if (parsed.command.kind === "watch") return false;
    this.world.runFor(global.commandTimeoutUs);
    this.io.error(retryWarning(this.world.now, endpoint, outcome.error));
    this.print(printOutcome(parsed, { ok: false, error: CLIENT_DEADLINE_EXCEEDED }, { cluster: this.header(this.cluster.members[0] as string) }));
    return false;
  }

  /**
   * clientv3's authentication of a line with `--user`: the client sends the token with the line's
   * requests (and the watches it starts). False when it was refused (the error is printed).
   */
  private authenticate(parsed: ParsedCommandLine): boolean {
    const client = this.cluster.client(CLIENT);
    client.token = undefined;
    if (parsed.global.user === undefined) return true;
    const endpoint = this.endpointMember(parsed.global.endpoints);
    const authenticated = authenticateLine(parsed, (request) => this.callServer(endpoint, request, parsed.global.commandTimeoutUs));
    if (!authenticated.ok) {
      this.print(authenticated.output);
      return false;
    }
    client.token = authenticated.token;
    return true;
  }

  /** Runs a user, role or auth command: its Auth-service requests through c1, then etcdctl's output. */
  private executeAuth(parsed: ParsedCommandLine, command: AuthCommand): void {
    const endpoint = this.endpointMember(parsed.global.endpoints);
    const outcome = authOutcome(command, (request) => this.callServer(endpoint, request, parsed.global.commandTimeoutUs));
    this.print(printOutcome(parsed, outcome, { cluster: this.header(endpoint) }));
  }

  /** Runs a lease or alarm command: its server requests through c1, then etcdctl's output. */
  private executeServer(parsed: ParsedCommandLine, command: ServerCommand, line: string): void {
    if (command.kind === "lease-keep-alive" && !command.once) {
      startKeepAlive(this.keepAliveHost, line, parsed, command);
      return;
    }
    const endpoint = this.endpointMember(parsed.global.endpoints);
    const timeoutUs = parsed.global.commandTimeoutUs;
    const call = (request: ServerRequest): Outcome<ServerResponse> => this.callServer(endpoint, request, timeoutUs);
    const outcome = serverOutcome(command, call);
    this.print(printOutcome(parsed, outcome, { cluster: this.header(endpoint) }));
  }

  /** Sends one server request through c1 and runs the world until its answer (or the client's timeout). */
  private callServer(endpoint: string, request: ServerRequest, timeoutUs: Micros): ServerCallOutcome {
    return this.world.runUntilAnswered(timeoutUs, (done) => this.cluster.client(CLIENT).callServer(endpoint, request, timeoutUs, done));
  }

  private header(name: string): ClusterHeader {
    const member = this.cluster.member(name);
    return { clusterId: this.cluster.membership.clusterId, memberId: this.cluster.membership.memberId(name), raftTerm: member?.raft.status().term ?? 0 };
  }

  /** The member an etcdctl `--endpoints` list points at (its first endpoint). */
  private endpointMember(endpoints: readonly string[]): string {
    const first = endpoints[0] ?? "127.0.0.1:2379";
    const endpoint = first.replace(/^(https?|unix|unixs):\/\//, "").replace(/\/+$/, "");
    if (this.cluster.members.includes(endpoint)) return endpoint;
    const actor = this.cluster.membership.actorForEndpoint(endpoint);
    if (actor !== undefined) return actor;
    const known = this.cluster.membership
      .list()
      .filter((record) => record.clientURLs.length > 0)
      .sort((a, b) => a.actor.localeCompare(b.actor))
      .map((record) => `${record.clientURLs[0]?.replace(/^https?:\/\//, "")} (${record.actor})`)
      .join(", ");
    throw new LineError(`endpoint '${first}' is not a member of the simulated cluster (use ${known}, or a member name)`);
  }

  private print(output: CommandOutput): void {
    printTo(this.io, output);
  }

  /** Runs one lab command (a line starting with `:`). */
  private lab(line: string): void {
    const match = /^:(\S+)\s*(.*)$/.exec(line);
    const name = match?.[1] ?? "";
    const rest = (match?.[2] ?? "").trim();
    const words = rest === "" ? [] : rest.split(/\s+/);
    const expect = (count: number, usage: string): void => {
      if (words.length !== count) throw new LineError(`usage: :${name}${usage === "" ? "" : ` ${usage}`}`);
    };
    switch (name) {
      case "crash":
      case "restart":
      case "pause":
      case "resume": {
        expect(1, "NODE");
        const node = this.node(words[0] as string);
        const status = this.world.status(node);
        const wanted = { crash: "up or paused", restart: "crashed", pause: "up", resume: "paused" }[name];
        const ok = name === "crash" ? status !== "crashed" : name === "restart" ? status === "crashed" : name === "pause" ? status === "up" : status === "paused";
        if (!ok) throw new LineError(`cannot ${name} ${node}: it is ${status} (it must be ${wanted})`);
        this.fault({ kind: name, node });
        return;
      }
      case "partition":
        this.fault({ kind: "partition", partition: this.partition(rest) });
        return;
      case "heal":
        expect(0, "");
        this.fault({ kind: "heal" });
        return;
      case "slow-disk": {
        expect(2, "NODE FACTOR");
        const node = this.node(words[0] as string);
        const factor = Number(words[1]);
        if (!(Number.isFinite(factor) && factor >= 1)) throw new LineError(`slow-disk factor must be a number >= 1 (got '${words[1]}')`);
        this.fault({ kind: "slow-disk", node, factor });
        return;
      }
      case "drift": {
        expect(2, "NODE RATE");
        const node = this.node(words[0] as string);
        const rate = Number(words[1]);
        if (!(Number.isFinite(rate) && rate > 0)) throw new LineError(`drift rate must be a positive number (got '${words[1]}')`);
        this.fault({ kind: "drift", node, rate });
        return;
      }
      case "advance": {
        expect(1, "DURATION");
        let duration: Micros;
        try {
          duration = parseDuration(words[0] as string);
        } catch (error) {
          throw new LineError((error as Error).message);
        }
        if (duration > ADVANCE_LIMIT_US) throw new LineError(`:advance goes at most ${ADVANCE_LIMIT_HOURS}h at a time (got '${words[0]}')`);
        this.world.runFor(duration);
        return;
      }
      case "leader":
        expect(0, "");
        this.io.write(`${this.cluster.leader() ?? "no leader"}\n`);
        return;
      case "status":
        expect(0, "");
        for (const member of this.cluster.members) this.io.write(`${this.statusLine(member)}\n`);
        return;
      case "echo":
        this.io.write(`${rest}\n`);
        return;
      case "watches":
        expect(0, "");
        this.io.write(this.watches.list());
        return;
      case "unwatch": {
        if (words.length > 1 || (words.length === 1 && !/^[0-9]+$/.test(words[0] as string))) throw new LineError("usage: :unwatch [ID]");
        const problem = this.watches.unwatch(words.length === 0 ? undefined : Number(words[0]));
        if (problem !== undefined) throw new LineError(problem);
        return;
      }
      default:
        if (this.labAdmin(name, words) || this.labKube(() => runLabKube(this.cluster, name, words, (text) => this.io.write(text)))) return;
        throw new LineError(
          `unknown lab command ':${name}' (known: :crash, :restart, :pause, :resume, :partition, :heal, :slow-disk, :drift, :advance, :leader, :status, :echo, :watches, :unwatch, :write, ${[...LAB_ADMIN_COMMANDS, ...LAB_KUBE_COMMANDS].join(", ")})`,
        );
    }
  }

  /** `:start`, `:metrics`, `:manifest` (lab-admin.ts); false for another command. */
  private labAdmin(name: string, words: readonly string[]): boolean {
    try {
      return runLabAdmin(this.cluster, name, words, (text) => this.io.write(text));
    } catch (error) {
      if (error instanceof LabError) throw new LineError(error.message);
      throw error;
    }
  }

  /** Runs a control-plane action (lab-kube.ts): its problem is the line's. */
  private labKube<T>(action: () => T): T {
    try {
      return action();
    } catch (error) {
      if (error instanceof LabError) throw new LineError(error.message);
      throw error;
    }
  }

  private statusLine(name: string): string {
    const status = this.world.status(name);
    const raft = this.cluster.member(name)?.raft.status();
    if (raft === undefined) return `${name} - term=- commit=- applied=- ${status}`;
    return `${name} ${raft.role} term=${raft.term} commit=${raft.commit} applied=${raft.applied} ${status}`;
  }

  private node(name: string): string {
    const actor = controlPlaneActor(this.cluster, name);
    if (actor !== undefined) return actor;
    if (!this.cluster.members.includes(name)) throw new LineError(`unknown node '${name}' (members: ${this.cluster.members.join(", ")}${controlPlaneHint(this.cluster)})`);
    return name;
  }

  private partition(text: string): Extract<Fault, { kind: "partition" }>["partition"] {
    if (text === "") throw new LineError("usage: :partition A B | C (or a shape such as {isolate: n1}, {split: [n1]}, {ring: [n1, n2, n3]})");
    let value: unknown = text;
    if (!text.includes("|") || /^["']/.test(text)) {
      try {
        value = parseYaml(text);
      } catch (error) {
        throw new LineError(`cannot read partition '${text}': ${(error as Error).message.split("\n")[0]?.replace(/:$/, "")}`);
      }
    }
    const parsed = partitionSchema.safeParse(value);
    if (!parsed.success) throw new LineError(parsed.error.issues[0]?.message ?? "bad partition");
    return parsed.data;
  }

  private fault(fault: Fault): void {
    try {
      this.world.applyFault(fault);
    } catch (error) {
      throw new LineError((error as Error).message);
    }
  }
}

/** Writes a command's stdout and stderr to `out` (nothing for an empty one). */
function printTo(out: ShellOutput, output: CommandOutput): void {
  if (output.stdout !== "") out.write(output.stdout);
  if (output.stderr !== "") out.error(output.stderr);
}

/** How many whole lines of `stdin` its first `used` characters cover. */
function linesUsed(stdin: string, used: number): number {
  if (used <= 0) return 0;
  const read = stdin.slice(0, used);
  const newlines = read.split("\n").length - 1;
  return read.endsWith("\n") ? newlines : newlines + 1;
}
