/**
 * `etcdctl watch` in the shell, as if each ran in the background of the script (`etcdctl watch
 * foo &`): a watch line starts a client watch through the cluster and returns once the member
 * answered its creation (or refused it); its events print at the moment they reach the client in
 * virtual time, interleaved with the output of the lines that run meanwhile, in etcdctl's watch
 * format of the line's `-w`. A canceled watch prints etcdctl's two lines ("watch was canceled
 * (...)" and "Error: watch is canceled by the server") and ends.
 *
 * The watch goes to every endpoint of `--endpoints` (clientv3 balances over them): when its member
 * goes silent, the client moves it to the next one and resumes after the last revision it
 * delivered (src/etcd/client-watch.ts).
 *
 * Lab commands: `:watches` lists the running watches (`<id> <line> (on <member>, <n> events)`),
 * `:unwatch ID` ends one and `:unwatch` all, as an interrupt ends etcdctl watch: silently.
 */
import type { ClientActor, ClientWatch } from "../etcd/client.js";
import { type ClusterHeader, type CommandOutput, type EtcdctlCommand, type ParsedCommandLine, printOutcome } from "../etcdctl/index.js";
import type { WatchResponse } from "../mvcc/types.js";
import type { Micros } from "../sim/time.js";

export type WatchCommand = Extract<EtcdctlCommand, { readonly kind: "watch" }>;

/** How long a watch line waits for the member's answer to its creation, in virtual time. */
const CREATION_WAIT_US: Micros = 1_000_000;
/** Once created, the time a watch line gives the history sent right after (the network's latency is 1 to 5 ms). */
const SETTLE_US: Micros = 10_000;

/** What the shell session lends its watches. */
export interface WatchHost {
  client(): ClientActor;
  /** The member behind one endpoint (a bad one: the session's line error). */
  endpointMember(endpoint: string): string;
  header(member: string): ClusterHeader;
  /** Runs the world for up to `durationUs`, stopping early once `stop()` holds. */
  runFor(durationUs: Micros, stop: () => boolean): void;
  /** Where output goes now (the line running, or the last one). */
  print(output: CommandOutput): void;
}

interface RunningWatch {
  readonly id: number;
  readonly line: string;
  readonly watch: ClientWatch;
  readonly members: readonly string[];
  events: number;
  answered: boolean;
}

/**
 * Another background job of the script (`lease keep-alive`, keepalive-commands.ts): listed by
 * `:watches` with the watches, ended by `:unwatch` as they are.
 */
export interface BackgroundJob {
  /** What `:watches` shows after the line, in parentheses: `n1, 2 keepalives`. */
  describe(): string;
  /** Ends the job silently (an interrupt). */
  stop(): void;
}

interface RunningJob {
  readonly id: number;
  readonly line: string;
  readonly job: BackgroundJob;
}

export class ShellWatches {
  private readonly running = new Map<number, RunningWatch | RunningJob>();
  private nextId = 1;

  constructor(private readonly host: WatchHost) {}

  get size(): number {
    return this.running.size;
  }

  /** Starts the watch of a parsed `etcdctl watch` line; returns once the member answered its creation. */
  start(line: string, parsed: ParsedCommandLine, command: WatchCommand): void {
    const members = parsed.global.endpoints.length === 0 ? [this.host.endpointMember("127.0.0.1:2379")] : parsed.global.endpoints.map((endpoint) => this.host.endpointMember(endpoint));
    const id = this.nextId++;
    const header = this.host.header(members[0] as string);
    let entry: RunningWatch | undefined;
    /** Prints a response as etcdctl does; false when etcdctl exits there (a format it cannot print). */
    const print = (response: WatchResponse): boolean => {
      const output = printOutcome(parsed, { ok: true, value: { kind: "watch", response: { responses: [response] } } }, { cluster: header });
      this.host.print(output);
      return output.exitCode === 0;
    };
    const watch = this.host.client().watch(members, command.request, {
      onResponse: (response) => {
        if (entry === undefined) return;
        entry.answered = true;
        entry.events += response.events.length;
        if (!print(response)) this.stop(entry);
      },
      onCanceled: (response) => {
        if (entry === undefined) return;
        entry.answered = true;
        this.running.delete(entry.id);
        if (response !== undefined) print(response);
      },
    });
    entry = { id, line, watch, members, events: 0, answered: false };
    this.running.set(id, entry);
    const started = entry;
    this.host.runFor(CREATION_WAIT_US, () => started.answered);
    if (started.answered) this.host.runFor(SETTLE_US, () => false);
  }

  /**
   * Runs `job` as a background job of `line` (its ID from the watches' sequence); returns the
   * function that takes it off the list when it ends by itself.
   */
  adopt(line: string, job: BackgroundJob): () => void {
    const id = this.nextId++;
    this.running.set(id, { id, line, job });
    return () => {
      this.running.delete(id);
    };
  }

  /** `:watches`: one line per running watch (and background job). */
  list(): string {
    if (this.running.size === 0) return "no running watches\n";
    let text = "";
    for (const entry of this.running.values()) {
      const details = "job" in entry ? entry.job.describe() : `${entry.members.join(", ")}, ${entry.events} event${entry.events === 1 ? "" : "s"}`;
      text += `${entry.id} ${entry.line} (${details})\n`;
    }
    return text;
  }

  /** `:unwatch [ID]`: an error message for an unknown ID, or undefined. */
  unwatch(id: number | undefined): string | undefined {
    if (id === undefined) {
      for (const entry of [...this.running.values()]) this.stop(entry);
      return undefined;
    }
    const entry = this.running.get(id);
    if (entry === undefined) {
      const ids = [...this.running.keys()];
      return `no running watch ${id} (${ids.length === 0 ? "none is running" : `running: ${ids.join(", ")}`})`;
    }
    this.stop(entry);
    return undefined;
  }

  private stop(entry: RunningWatch | RunningJob): void {
    this.running.delete(entry.id);
    if ("job" in entry) entry.job.stop();
    else entry.watch.cancel();
  }
}
