import { OpenEnds, type PlannedChannel, type PublishOptions, type Publisher, type SubscribeOptions, type Subscription, type Transport, TransportError } from "@rivulet/core";
import { UnixPublisher } from "./unix-publisher.js";
import { UnixSubscription } from "./unix-subscription.js";

/** Connection info the Unix plugin plans for a channel. */
export interface UnixConnection {
  /** The channel's listening socket. */
  path: string;
  /** Per-channel secret every subscriber presents in its HELLO (random, base64url). */
  secret: string;
  /** Node ids allowed to subscribe. */
  subscribers: string[];
}

/** Test and embedding knobs of the Unix transport in a node process (the YAML sets none). */
export interface UnixTransportTuning {
  /** How long a data connection may take to say HELLO; default DATA_HELLO_TIMEOUT_MS. */
  helloTimeoutMs?: number;
  /** How long a send waits for a full drop_oldest subscriber; default DEFAULT_SUBSCRIBER_STALL_MS. */
  stallMs?: number;
}

/** The Unix-socket transport in one node process. */
export class UnixTransport implements Transport {
  readonly #ends = new OpenEnds();

  constructor(protected readonly tuning: UnixTransportTuning = {}) {}

  async publish(channel: PlannedChannel, options?: PublishOptions): Promise<Publisher> {
    const { path, secret, subscribers } = unixConnection(channel);
    return this.track(await UnixPublisher.listen({ channel: channel.channel, path, secret, subscribers, ...this.tuning }, options?.signal));
  }

  async subscribe(channel: PlannedChannel, options: SubscribeOptions): Promise<Subscription> {
    return this.track(await UnixSubscription.connect(channel.channel, unixConnection(channel), options));
  }

  /** Keeps a publisher or subscription to close with the transport (for transports built on this one). */
  protected track<T extends Publisher | Subscription>(item: T): T {
    return this.#ends.track(item);
  }

  close(): Promise<void> {
    return this.#ends.closeAll();
  }
}

/**
 * The Unix connection info of a planned channel.
 * @throws TransportError when the plan lacks the path, the secret or the subscriber list.
 */
export function unixConnection(channel: PlannedChannel): UnixConnection {
  const connection = channel.connection as Partial<UnixConnection> | null;
  const path = connection?.path;
  const secret = connection?.secret;
  const subscribers = connection?.subscribers;
  if (typeof path !== "string" || typeof secret !== "string" || !Array.isArray(subscribers) || !subscribers.every((s) => typeof s === "string")) {
    throw new TransportError(`channel '${channel.channel}' has no Unix socket path, secret and subscriber list in its plan`, channel.channel);
  }
  return { path, secret, subscribers };
}
