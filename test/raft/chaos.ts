/**
 * A random fault schedule over five nodes (the host side of chaos.test.ts): message loss,
 * duplication and reordering, partitions, crashes and restarts, compaction, membership changes of
 * n4 and n5, transfers, proposals and reads. It checks Election Safety after every step, State
 * Machine Safety on every apply (through the network), and that every read returns an index
 * covering all writes committed before it was requested.
 */
import { expect } from "vitest";
import type { ConfChange, Message } from "../../src/raft/index.js";
import { Network, TestRandom, type NodeOptions } from "./harness.js";

const IDS = ["n1", "n2", "n3", "n4", "n5"];
/** n4 and n5 start outside the configuration; membership changes add and remove them. */
const BOOTSTRAP = ["n1", "n2", "n3"];

/** "free": nodes tick one at a time at random (unbounded drift); or all together, at equal or bounded-drift rates. */
export type Clocks = "free" | "synchronized" | "bounded-drift";

export class Chaos {
  readonly network: Network;
  private readonly random: TestRandom;
  private readonly leaderOfTerm = new Map<number, string>();
  private proposals = 0;
  /** Reads in flight: context → the highest commit index of any node when the read was requested. */
  private readonly reads = new Map<string, number>();
  /** Lease reads are linearizable only while clock drift is bounded: not checked with free-running clocks. */
  private readonly checksReads: boolean;
  private readonly clocks: Clocks;
  /** With bounded drift: each node's clock rate in ticks per 100 rounds, and its unspent fraction. */
  private readonly clockRates: Record<string, number> = {};
  private readonly clockCredits: Record<string, number> = {};

  constructor(seed: number, options: NodeOptions, clocks: Clocks = "free") {
    this.random = new TestRandom(seed * 7919);
    this.clocks = clocks;
    this.checksReads = options.readOnly !== "lease-based" || clocks !== "free";
    for (const id of IDS) {
      // Rates in [96, 104]: two clocks differ by at most 104/96 − 1 ≈ 8.3%, within the 10% bound.
      this.clockRates[id] = clocks === "bounded-drift" ? 96 + this.random.int(9) : 100;
      this.clockCredits[id] = 0;
    }
    this.network = new Network(IDS, { ...options, voters: BOOTSTRAP }, Object.fromEntries(IDS.map((id, position) => [id, { random: new TestRandom(seed * 31 + position) }])));
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.random.int(items.length)] as T;
  }

  private live(): string[] {
    return IDS.filter((id) => !this.network.node(id).crashed);
  }

  step(): void {
    const roll = this.random.int(100);
    if (roll < 35) this.tick(1);
    else if (roll < 55) this.deliverRound();
    else if (roll < 75) this.deliverOne();
    else if (roll < 80) this.network.drop((message) => message === this.network.inFlight[0]);
    else if (roll < 86) this.request();
    else if (roll < 89) this.changeMembership();
    else if (roll < 92) this.crashOrRestart();
    else if (roll < 94) this.partitionOrHeal();
    else if (roll < 96) this.compact();
    else this.tick(5);
    this.network.processReadies(this.live());
    this.checkElectionSafety();
    if (this.checksReads) this.checkReads();
  }

  /** Free clocks: one random node ticks. Otherwise every live node advances by its rate, in rounds. */
  private tick(rounds: number): void {
    if (this.clocks === "free") {
      this.network.tick(this.pick(this.live()), rounds);
      return;
    }
    for (let round = 0; round < rounds; round++) {
      for (const id of this.live()) {
        this.clockCredits[id] = (this.clockCredits[id] as number) + (this.clockRates[id] as number);
        while ((this.clockCredits[id] as number) >= 100) {
          this.clockCredits[id] = (this.clockCredits[id] as number) - 100;
          this.network.tick(id);
        }
      }
      this.network.processReadies(this.live());
    }
  }

  /** Delivers every in-flight message in random order, losing, holding back or duplicating a few. */
  private deliverRound(): void {
    const batch = [...this.network.inFlight];
    for (let position = batch.length - 1; position > 0; position--) {
      const other = this.random.int(position + 1);
      [batch[position], batch[other]] = [batch[other] as Message, batch[position] as Message];
    }
    for (const chosen of batch) {
      const fate = this.random.int(100);
      if (fate < 5) {
        this.network.drop((message) => message === chosen);
      } else if (fate >= 10) {
        this.network.deliver((message) => message === chosen);
        if (fate < 13) {
          this.network.send(chosen);
          this.network.deliver((message) => message === chosen);
        }
      }
    }
  }

  /** Delivers one in-flight message, chosen at random (reordering); sometimes twice (duplication). */
  private deliverOne(): void {
    const inFlight = this.network.inFlight;
    if (inFlight.length === 0) return;
    const chosen: Message = this.pick(inFlight);
    const duplicate = this.random.int(10) === 0;
    this.network.deliver((message) => message === chosen);
    if (duplicate) {
      this.network.send(chosen);
      this.network.deliver((message) => message === chosen);
    }
  }

  private request(): void {
    const id = this.pick(this.live());
    const node = this.network.raw(id);
    const kind = this.random.int(10);
    if (kind < 7) {
      node.propose(`p${this.proposals++}`);
    } else if (kind < 9) {
      const context = `r${this.proposals++}`;
      // A linearizable read must see every write committed before it was requested.
      const committed = Math.max(...IDS.map((other) => this.network.raw(other).status().commit));
      if (node.readIndex(context).ok) this.reads.set(context, committed);
    } else {
      node.transferLeader(this.pick(IDS));
    }
  }

  /** Every read answered returned an index at or above the commit index of its start. */
  private checkReads(): void {
    for (const id of IDS) {
      for (const state of this.network.node(id).readStates) {
        // A duplicated request may be answered twice; each answer must cover the writes before it.
        const committed = this.reads.get(state.context);
        expect(committed, `read ${state.context} was requested`).not.toBeUndefined();
        expect(state.index, `read ${state.context} at ${id}`).toBeGreaterThanOrEqual(committed as number);
      }
      this.network.node(id).readStates = [];
    }
  }

  /**
   * Adds, promotes, demotes and removes n4 and n5, simply or jointly. The bootstrap voters n1–n3
   * always stay voters: removing or demoting a voter whose vote the others may still need (the
   * leader of a two-voter cluster, a leader demoted in a joint change) can block elections for
   * good, in etcd as here (see etcd-io/raft issue #83); a host transfers leadership first.
   */
  private changeMembership(): void {
    const single = () => ({ type: this.pick(["add-node", "add-learner", "remove-node"] as const), node: this.pick(["n4", "n5"]) });
    const kind = this.random.int(4);
    const change: ConfChange =
      kind === 0
        ? { transition: this.pick(["auto", "joint-implicit", "joint-explicit"] as const), changes: [single(), single()] }
        : kind === 1
          ? { transition: "auto", changes: [] }
          : { transition: "auto", changes: [single()] };
    this.network.raw(this.pick(this.live())).proposeConfChange(change);
  }

  private crashOrRestart(): void {
    const crashed = IDS.filter((id) => this.network.node(id).crashed);
    if (crashed.length > 0 && this.random.int(2) === 0) this.network.restart(this.pick(crashed));
    else if (crashed.length < 2) this.network.crash(this.pick(this.live()));
  }

  private partitionOrHeal(): void {
    if (this.random.int(2) === 0) {
      this.network.heal();
      return;
    }
    const minority = IDS.filter(() => this.random.int(3) === 0);
    this.network.partition(minority, IDS.filter((id) => !minority.includes(id)));
  }

  private compact(): void {
    const node = this.network.node(this.pick(this.live()));
    const snapshot = node.disk.snapshot?.metadata.index ?? 0;
    if (node.appliedIndex <= snapshot) return;
    node.snapshotAndCompact(Math.max(snapshot, node.appliedIndex - this.random.int(3)));
  }

  private checkElectionSafety(): void {
    for (const id of this.live()) {
      const status = this.network.raw(id).status();
      if (status.role !== "leader") continue;
      const known = this.leaderOfTerm.get(status.term);
      if (known === undefined) this.leaderOfTerm.set(status.term, id);
      else expect(known, `two leaders in term ${status.term}`).toBe(id);
    }
  }

  /** Heals everything and runs until one leader's commit is applied by every member. */
  converge(): void {
    this.network.heal();
    for (const id of IDS) if (this.network.node(id).crashed) this.network.restart(id);
    for (let round = 0; round < 2_000; round++) {
      this.network.tickAll();
      this.network.stabilize();
      this.checkElectionSafety();
      if (this.checksReads) this.checkReads();
      // A leader removed from the configuration (without stepDownOnRemoval) goes on leading, or
      // on believing it leads, unheard by anyone: the leader of the newest term is the one.
      const leader = this.network.leaders().map((id) => this.network.raw(id).status()).sort((left, right) => right.term - left.term)[0];
      if (leader === undefined) continue;
      const { voters, votersOutgoing, learners } = leader.confState;
      const members = [...new Set([leader.id, ...voters, ...votersOutgoing, ...learners])];
      const caughtUp = members.every((id) => this.network.node(id).appliedIndex === leader.commit);
      if (caughtUp && leader.commit === leader.lastIndex) return;
    }
    const states = IDS.map((id) => {
      const status = this.network.raw(id).status();
      return `${id}: ${status.role} term ${status.term} lead ${status.lead} commit ${status.commit}/${status.lastIndex} applied ${this.network.node(id).appliedIndex} voters ${status.confState.voters.join(",")}|${status.confState.votersOutgoing.join(",")} learners ${status.confState.learners.join(",")}`;
    });
    throw new Error(`the cluster did not converge after the faults stopped:\n${states.join("\n")}`);
  }
}
