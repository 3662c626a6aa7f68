import { OpenEnds, type PlannedChannel, type PublishOptions, type Publisher, type SubscribeOptions, type Subscription, type Transport } from "@rivulet/core";
import { zeromqConnection } from "./zeromq-connection.js";
import { ZeromqPublisher } from "./zeromq-publisher.js";
import { ZeromqSubscription } from "./zeromq-subscription.js";

/** Test and embedding knobs of the ZeroMQ transport in a node process (the YAML sets none). */
export interface ZeromqTransportTuning {
  /** How long a send waits for a full drop_oldest subscriber; default DEFAULT_SUBSCRIBER_STALL_MS. */
  stallMs?: number;
  /** How often each end checks that its peers are still connected; default ZEROMQ_PROBE_INTERVAL_MS. */
  probeIntervalMs?: number;
}

/** The ZeroMQ transport in one node process: publishers and subscriptions, closed together. */
export class ZeromqTransport implements Transport {
  readonly #ends = new OpenEnds();

  constructor(protected readonly tuning: ZeromqTransportTuning = {}) {}

  async publish(channel: PlannedChannel, options?: PublishOptions): Promise<Publisher> {
    return this.#ends.track(await ZeromqPublisher.open(channel.channel, zeromqConnection(channel), this.tuning, options?.signal));
  }

  async subscribe(channel: PlannedChannel, options: SubscribeOptions): Promise<Subscription> {
    return this.#ends.track(await ZeromqSubscription.connect(channel.channel, zeromqConnection(channel), options, this.tuning));
  }

  close(): Promise<void> {
    return this.#ends.closeAll();
  }
}
