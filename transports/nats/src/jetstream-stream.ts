import {
  AckPolicy,
  type Consumer,
  type ConsumerConfig,
  type ConsumerInfo,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { JetStreamNotEnabledError } from "./nats-errors.js";
import type { NatsLink } from "./nats-link.js";
import type { NatsJetStreamOptions } from "./nats-options.js";
import type { JetStreamPlan } from "./jetstream-plan.js";

/**
 * How long the server waits for a subscriber's acknowledgement before it sends a message again.
 * Long, because a restarted or reconnected subscriber does not wait for it: it starts its
 * consumer over at the acknowledged floor (JetStreamChannel.attach). It only matters for a live
 * subscriber that holds a frame longer than this (paused), whose redeliveries are skipped as old.
 */
const ACK_WAIT_MS = 10 * 60_000;
/** How long one JetStream API request (stream or consumer info, create, delete) may take. */
export const JETSTREAM_API_TIMEOUT_MS = 5_000;

const apis = new WeakMap<NatsLink, { js: JetStreamClient; jsm: Promise<JetStreamManager> }>();

/** The JetStream client and manager of a link, made once per connection. */
export function jetStreamOf(link: NatsLink): { js: JetStreamClient; jsm: Promise<JetStreamManager> } {
  let api = apis.get(link);
  if (!api) {
    api = { js: jetstream(link.nc, { timeout: JETSTREAM_API_TIMEOUT_MS }), jsm: jetstreamManager(link.nc, { checkAPI: false, timeout: JETSTREAM_API_TIMEOUT_MS }) };
    apis.set(link, api);
  }
  return api;
}

/** True for the JetStream API error `code`. */
function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

/**
 * The stream of one channel on a JetStream server, as both of its sides see it. The stream
 * holds the channel's data subject only, in files (`storage: file`), with `limits` retention:
 * a message stays until the stream is deleted or `jetstream.max_age_s` / `max_bytes` remove it
 * (oldest first), not when consumers acknowledged it, so that a subscriber can start its
 * consumer over at its acknowledged floor without the server forgetting what lies above it
 * (with `interest` retention, deleting the consumer would drop those messages).
 *
 * Its description names the run: a stream of the same name from another run (a fixed `prefix`
 * whose last run did not end cleanly) is deleted and made again, so a run never receives an
 * older run's frames. Two runs with one fixed prefix at the same time are not supported (their
 * subjects collide on core NATS too).
 */
export class JetStreamChannel {
  private constructor(
    private readonly link: NatsLink,
    private readonly jsm: JetStreamManager,
    readonly plan: JetStreamPlan,
    private readonly channel: string,
    private readonly subject: string,
  ) {}

  /**
   * Makes sure the channel's stream exists for this run (whoever comes first creates it).
   * @throws JetStreamNotEnabledError when the server has JetStream off.
   */
  static async open(link: NatsLink, plan: JetStreamPlan, channel: string, subject: string, limits: NatsJetStreamOptions): Promise<JetStreamChannel> {
    const stream = new JetStreamChannel(link, await jetStreamOf(link).jsm, plan, channel, subject);
    await stream.#call(() => stream.#ensureStream(limits));
    return stream;
  }

  async #ensureStream(limits: NatsJetStreamOptions): Promise<void> {
    const config: Partial<StreamConfig> & { name: string } = {
      name: this.plan.stream,
      description: `rivulet run ${this.plan.run}, channel ${this.channel}`,
      subjects: [this.subject],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      num_replicas: 1,
      ...(limits.maxAgeS ? { max_age: limits.maxAgeS * 1e9 } : {}),
      ...(limits.maxBytes ? { max_bytes: limits.maxBytes } : {}),
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      const info = await this.jsm.streams.info(this.plan.stream).catch((error: unknown) => {
        if (isApiError(error, JetStreamApiCodes.StreamNotFound)) return undefined;
        throw error;
      });
      if (info?.config.description === config.description) return;
      // Another run's leftover: its frames are not this run's.
      if (info) await this.jsm.streams.delete(this.plan.stream).catch(() => false);
      try {
        await this.jsm.streams.add(config);
        return;
      } catch (error) {
        // The other side created it meanwhile (same config: the add would have succeeded); look again.
        if (attempt === 2) throw error;
      }
    }
  }

  #config(name: string): Partial<ConsumerConfig> {
    return { durable_name: name, ack_policy: AckPolicy.All, deliver_policy: DeliverPolicy.New, filter_subject: this.subject, ack_wait: ACK_WAIT_MS * 1e6 };
  }

  async #consumerInfo(name: string): Promise<ConsumerInfo | undefined> {
    return this.jsm.consumers.info(this.plan.stream, name).catch((error: unknown) => {
      if (isApiError(error, JetStreamApiCodes.ConsumerNotFound)) return undefined;
      throw error;
    });
  }

  /** Creates consumer `name` delivering what is published from now on; one created meanwhile (a race with itself) is fine. */
  async #add(name: string): Promise<void> {
    await this.jsm.consumers.add(this.plan.stream, this.#config(name)).catch(async (error: unknown) => {
      if (!(await this.#consumerInfo(name))) throw error;
    });
  }

  /**
   * The durable consumer `name`, ready to fetch from the first message it has not acknowledged:
   * created when missing (delivering what is published from now on); when an earlier instance left messages
   * delivered but not acknowledged (it crashed, or the connection broke), made again starting
   * right after the acknowledged floor, so they come again at once and in order instead of
   * after the ack wait, behind newer ones.
   */
  attach(name: string): Promise<Consumer> {
    return this.#call(async () => {
      const info = await this.#consumerInfo(name);
      if (!info) await this.#add(name);
      else if (info.num_ack_pending > 0) {
        await this.jsm.consumers.delete(this.plan.stream, name);
        await this.jsm.consumers.add(this.plan.stream, { ...this.#config(name), deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: info.ack_floor.stream_seq + 1 });
      }
      return jetStreamOf(this.link).js.consumers.get(this.plan.stream, name);
    });
  }

  /** The consumer's state on the server: how far it delivered, and how much is left. */
  info(name: string): Promise<ConsumerInfo | undefined> {
    return this.#call(() => this.#consumerInfo(name));
  }

  /** Deletes consumer `name` (its subscriber saw the end). Already gone is fine. */
  async removeConsumer(name: string): Promise<void> {
    await this.link.hold(this.jsm.consumers.delete(this.plan.stream, name)).catch((error: unknown) => {
      if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    });
  }

  /**
   * Deletes the stream when no consumer is left: every subscriber saw the end (each deleted its
   * consumer), or there was none. Called by the publisher after its END and by
   * each subscriber after deleting its consumer, so whoever is last removes it.
   */
  async removeIfUnused(): Promise<void> {
    const info = await this.link.hold(this.jsm.streams.info(this.plan.stream)).catch(() => undefined);
    if (info && info.state.consumer_count === 0) await this.link.hold(this.jsm.streams.delete(this.plan.stream)).catch(() => false);
  }

  /** Runs a JetStream API call holding the connection, with "JetStream is off" as a named error. */
  async #call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await this.link.hold(operation());
    } catch (error) {
      if (error instanceof Error && error.name === "JetStreamNotEnabled") throw new JetStreamNotEnabledError([`nats://${this.link.nc.getServer()}`], [this.channel], { cause: error });
      throw error;
    }
  }
}

/**
 * For `plan()`: checks on an open connection that the server has JetStream on for this account.
 * @throws JetStreamNotEnabledError naming `servers` and `channels` when it does not.
 */
export async function probeJetStream(nc: NatsConnection, servers: readonly string[], channels: readonly string[], timeoutMs: number): Promise<void> {
  try {
    await jetstreamManager(nc, { timeout: timeoutMs });
  } catch (error) {
    if (error instanceof Error && error.name === "JetStreamNotEnabled") throw new JetStreamNotEnabledError(servers, channels, { cause: error });
    throw error;
  }
}
