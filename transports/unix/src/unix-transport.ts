import {
  type PlannedChannel,
  type PublishOptions,
  type Publisher,
  type SubscribeOptions,
  type Subscription,
  type Transport,
  TransportError,
} from "@rivulet/core";
import { UnixPublisher } from "./unix-publisher.js";
import { UnixSubscription } from "./unix-subscription.js";

/** Connection info the Unix plugin plans for a channel. */
export interface UnixConnection {
  path: string;
}

/** The Unix-socket transport in one node process. */
export class UnixTransport implements Transport {
  readonly #open = new Set<Publisher | Subscription>();

  async publish(channel: PlannedChannel, options?: PublishOptions): Promise<Publisher> {
    const publisher = await UnixPublisher.listen({ channel: channel.channel, path: connectionPath(channel) }, options?.signal);
    this.#open.add(publisher);
    return publisher;
  }

  async subscribe(channel: PlannedChannel, options: SubscribeOptions): Promise<Subscription> {
    const subscription = await UnixSubscription.connect(channel.channel, connectionPath(channel), options);
    this.#open.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    const open = [...this.#open];
    this.#open.clear();
    await Promise.all(open.map((item) => item.close()));
  }
}

function connectionPath(channel: PlannedChannel): string {
  const path = (channel.connection as Partial<UnixConnection> | null)?.path;
  if (typeof path !== "string") throw new TransportError(`channel '${channel.channel}' has no Unix socket path in its plan`, channel.channel);
  return path;
}
