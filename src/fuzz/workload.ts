/**
 * A random client workload, Jepsen-style: each client is a process with at most one request
 * outstanding; it writes unique values to a few keys and reads them back, through a random member
 * each time. A client whose request timed out carries on as a new process (`c1/2`), because its old
 * process has an operation whose outcome will never be known.
 */
import { bytesFromText } from "../mvcc/bytes.js";
import type { EtcdCluster } from "../etcd/cluster.js";
import type { KvRequest } from "../etcd/protocol.js";
import type { Prng } from "../sim/prng.js";
import type { Micros } from "../sim/time.js";

export interface WorkloadOptions {
  readonly clients: number;
  readonly keys: number;
  /** Percent of operations that are reads. */
  readonly readPercent: number;
  readonly thinkUs: Micros;
  readonly timeoutUs: Micros;
}

export const DEFAULT_WORKLOAD: WorkloadOptions = { clients: 3, keys: 4, readPercent: 40, thinkUs: 30_000, timeoutUs: 1_000_000 };

export class Workload {
  private running = true;
  private outstanding = 0;
  private written = 0;

  constructor(
    private readonly cluster: EtcdCluster,
    private readonly random: Prng,
    readonly options: WorkloadOptions,
  ) {
    for (let index = 1; index <= options.clients; index++) this.next(`c${index}`, `c${index}`, 1);
  }

  /** No new requests after this; outstanding ones still finish. */
  stop(): void {
    this.running = false;
  }

  get idle(): boolean {
    return this.outstanding === 0;
  }

  private next(client: string, process: string, incarnation: number): void {
    const world = this.cluster.world;
    world.schedule(world.now + this.random.int(this.options.thinkUs + 1), () => {
      if (!this.running) return;
      const endpoint = this.random.pick(this.cluster.members);
      this.outstanding++;
      this.cluster.client(client).call(
        endpoint,
        this.request(),
        this.options.timeoutUs,
        (outcome) => {
          this.outstanding--;
          if (outcome.ok || !outcome.timedOut) this.next(client, process, incarnation);
          else this.next(client, `${client}/${incarnation + 1}`, incarnation + 1);
        },
        process,
      );
    });
  }

  private request(): KvRequest {
    const key = bytesFromText(`k${this.random.int(this.options.keys)}`);
    if (this.random.int(100) < this.options.readPercent) return { kind: "range", request: { key } };
    this.written++;
    return { kind: "put", request: { key, value: bytesFromText(`v${this.written}`) } };
  }
}
