import { type Json, type PlannedChannel, type PublishOptions, type Publisher, type SubscribeOptions, type Subscription, type Transport, TransportConnectError, TransportError, abortErrorFrom } from "@rivulet/core";
import { NatsLink } from "./nats-link.js";
import { type NatsOptions, natsOptions, validateNatsOptions } from "./nats-options.js";
import { NatsPublisher } from "./nats-publisher.js";
import type { ChannelSubjects } from "./nats-subjects.js";
import { NatsSubscription } from "./nats-subscription.js";

/** Connection info the NATS plugin plans for a channel. */
export interface NatsConnectionInfo {
  subjects: ChannelSubjects;
  /** The transport's options from the YAML, as validated by `plan()` (servers, credentials, timings). */
  options: Record<string, Json>;
}

/**
 * The NATS transport in one node process: one connection to the server (opened at the first
 * publish or subscribe, with the options planned for its channels), shared by the publishers
 * and subscriptions of this transport.
 */
export class NatsTransport implements Transport {
  #link: Promise<NatsLink> | undefined;
  #closing: Promise<void> | undefined;
  readonly #open = new Set<Publisher | Subscription>();

  constructor(private readonly name: string) {}

  async publish(channel: PlannedChannel, options?: PublishOptions): Promise<Publisher> {
    const { subjects, settings } = natsConnection(channel);
    const link = await this.#connect(channel, settings, options?.signal);
    return this.#track(await NatsPublisher.open(link, { channel: channel.channel, subjects, heartbeatMs: settings.heartbeatMs }));
  }

  async subscribe(channel: PlannedChannel, options: SubscribeOptions): Promise<Subscription> {
    const { subjects, settings } = natsConnection(channel);
    const link = await this.#connect(channel, settings, options.signal);
    return this.#track(await NatsSubscription.open(link, channel.channel, subjects, options));
  }

  #track<T extends Publisher | Subscription>(item: T): T {
    if (this.#closing) {
      void item.close();
      throw new TransportError("the nats transport was closed while a channel was opening");
    }
    this.#open.add(item);
    return item;
  }

  async #connect(channel: PlannedChannel, settings: NatsOptions, signal: AbortSignal | undefined): Promise<NatsLink> {
    if (signal?.aborted) throw abortErrorFrom(signal);
    if (this.#closing) throw new TransportError("the nats transport is closed", channel.channel);
    this.#link ??= NatsLink.open(settings, this.name);
    try {
      return await this.#link;
    } catch (cause) {
      this.#link = undefined;
      throw new TransportConnectError(`cannot reach NATS at ${settings.servers.join(", ")} for channel '${channel.channel}'`, channel.channel, "unreachable", { cause });
    }
  }

  /** Closes every publisher (END sent) and subscription, then the connection. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const open = [...this.#open];
      this.#open.clear();
      await Promise.all(open.map((item) => item.close()));
      const link = await this.#link?.catch(() => undefined);
      await link?.close();
    })();
    return this.#closing;
  }
}

/**
 * The subjects and client settings of a planned channel.
 * @throws TransportError when the plan lacks subjects or holds invalid options.
 */
export function natsConnection(channel: PlannedChannel): { subjects: ChannelSubjects; settings: NatsOptions } {
  const connection = channel.connection as Partial<NatsConnectionInfo> | null;
  const subjects = connection?.subjects;
  const options = connection?.options;
  if (typeof subjects?.data !== "string" || typeof subjects.hello !== "string" || typeof options !== "object" || options === null || validateNatsOptions(options).length > 0) {
    throw new TransportError(`channel '${channel.channel}' has no valid NATS subjects and options in its plan`, channel.channel);
  }
  return { subjects: { data: subjects.data, hello: subjects.hello }, settings: natsOptions(options) };
}
