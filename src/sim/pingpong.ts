/**
 * Ping-pong: a tiny workload of the kernel alone, used by the kernel benchmark, the kernel's tests
 * and the `network-demo` scenario. Each actor forwards every ball it receives to a random other
 * actor and throws a new ball every `throwEveryUs`, so traffic never dies out under message loss.
 */
import type { ActorBehavior, ActorContext, World } from "./world.js";
import type { Micros } from "./time.js";

export interface Ball {
  readonly type: "ball";
  readonly hops: number;
}

const THROW_TIMER = 1;

export function spawnPingPong(world: World, names: readonly string[], throwEveryUs: Micros): void {
  for (const name of names) {
    world.spawn(name, (context) => new PingPongActor(context, names, throwEveryUs), { partitionable: true });
  }
}

class PingPongActor implements ActorBehavior {
  private readonly peers: string[];
  received = 0;

  constructor(
    private readonly context: ActorContext,
    names: readonly string[],
    private readonly throwEveryUs: Micros,
  ) {
    this.peers = names.filter((name) => name !== context.address);
    context.setTimer(throwEveryUs, THROW_TIMER);
  }

  onMessage(_from: string, message: unknown): void {
    this.received++;
    const ball = message as Ball;
    this.context.send(this.context.random.pick(this.peers), { type: "ball", hops: ball.hops + 1 });
  }

  onTimer(): void {
    this.context.send(this.context.random.pick(this.peers), { type: "ball", hops: 0 });
    this.context.setTimer(this.throwEveryUs, THROW_TIMER);
  }
}
