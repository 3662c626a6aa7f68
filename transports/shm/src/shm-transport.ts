import { type PlannedChannel, type PublishOptions, type Publisher, type SubscribeOptions, type Subscription, TransportConnectError, TransportError } from "@rivulet/core";
import { type UnixConnection, UnixSubscription, UnixTransport, type UnixTransportTuning, unixConnection } from "@rivulet/transport-unix";
import { ShmPublisher } from "./shm-publisher.js";
import { SlotFrames } from "./slot-reference.js";

/** Connection info the shm plugin plans for a channel: the Unix transport's, and the ring. */
export interface ShmConnection extends UnixConnection {
  /** The channel's segment name ("/rivulet-…"), created by the publisher. */
  segment: string;
  slots: number;
  /** Bytes per slot, holder word included. */
  slotBytes: number;
}

/** Test and embedding knobs of the shared-memory transport in a node process (the YAML sets none). */
export interface ShmTransportTuning extends UnixTransportTuning {
  /** Frames shorter than this go inline over the socket; default SHM_INLINE_BELOW_BYTES (0: every frame that fits goes in a slot). */
  inlineBelowBytes?: number;
}

/** The shared-memory transport in one node process: the Unix transport, with slots. */
export class ShmTransport extends UnixTransport {
  constructor(protected override readonly tuning: ShmTransportTuning = {}) {
    super(tuning);
  }

  override async publish(channel: PlannedChannel, options?: PublishOptions): Promise<Publisher> {
    return this.track(await ShmPublisher.listen({ channel: channel.channel, ...shmConnection(channel), ...this.tuning }, options?.signal));
  }

  override async subscribe(channel: PlannedChannel, options: SubscribeOptions): Promise<Subscription> {
    const connection = shmConnection(channel);
    const place = connection.subscribers.indexOf(options.subscriberId);
    if (place < 0) {
      throw new TransportConnectError(`cannot subscribe to channel '${channel.channel}': '${options.subscriberId}' is not among its planned subscribers`, channel.channel, "refused");
    }
    const frames = new SlotFrames(channel.channel, connection.segment, connection.slotBytes, 2 ** place);
    return this.track(await UnixSubscription.connect(channel.channel, connection, options, frames));
  }
}

/**
 * The shared-memory connection info of a planned channel.
 * @throws TransportError when the plan lacks the Unix part, the segment or the ring's sizes.
 */
export function shmConnection(channel: PlannedChannel): ShmConnection {
  const unix = unixConnection(channel);
  const connection = channel.connection as Partial<ShmConnection>;
  const { segment, slots, slotBytes } = connection;
  if (typeof segment !== "string" || !Number.isInteger(slots) || !Number.isInteger(slotBytes)) {
    throw new TransportError(`channel '${channel.channel}' has no shared-memory segment and ring sizes in its plan`, channel.channel);
  }
  return { ...unix, segment, slots: slots!, slotBytes: slotBytes! };
}
