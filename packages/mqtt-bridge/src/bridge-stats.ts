/** Counters of one subscribe entry (device → dataflow). */
export interface SubscribeEntryStats {
  /** The entry's topic filter. */
  topic: string;
  output: string;
  /** Messages that matched the filter. */
  received: number;
  /** Sent on the output. */
  forwarded: number;
  /** Not JSON, not UTF-8, or not fitting the schema (or Arrow): logged, dropped. */
  malformed: number;
  /** Well-formed but not sent: the output refused the send (after STOP, say). */
  dropped: number;
}

/** Counters of one publish entry (dataflow → device). */
export interface PublishEntryStats {
  /** The entry's topic template. */
  topic: string;
  input: string;
  /** Input messages taken by the entry. */
  received: number;
  /** Published (for QoS 1 and 2: acknowledged by the broker). */
  published: number;
  /** Not published: a template parameter missing from the metadata, or a value the codec cannot write. */
  unpublishable: number;
  /** Not published because the broker was away: QoS 0 messages while disconnected. */
  dropped: number;
  /** The broker or client failed the publish (the connection closed for good, say). */
  publishErrors: number;
}

/** What a bridge did so far (see `MqttBridge.stats`). */
export interface BridgeStats {
  /** Device messages received, over every subscribe entry (a message matching two entries counts twice). */
  received: number;
  forwarded: number;
  malformed: number;
  /** Input messages published. */
  published: number;
  unpublishable: number;
  publishErrors: number;
  /** Messages lost: device messages not forwarded plus input messages not published while the broker was away. */
  dropped: number;
  /** Connections regained after a loss. */
  reconnects: number;
  /** Reconnects after which the broker had lost the session, so the bridge subscribed again. */
  resubscribes: number;
  /** True while connected to the broker. */
  connected: boolean;
  subscribe: SubscribeEntryStats[];
  publish: PublishEntryStats[];
}

/** The counters of one bridge, kept per entry and summed on demand. */
export class BridgeCounters {
  reconnects = 0;
  resubscribes = 0;
  readonly subscribe: SubscribeEntryStats[];
  readonly publish: PublishEntryStats[];

  constructor(subscribe: readonly { filter: { filter: string }; output: string }[], publish: readonly { topic: { template: string }; input: string }[]) {
    this.subscribe = subscribe.map((entry) => ({ topic: entry.filter.filter, output: entry.output, received: 0, forwarded: 0, malformed: 0, dropped: 0 }));
    this.publish = publish.map((entry) => ({ topic: entry.topic.template, input: entry.input, received: 0, published: 0, unpublishable: 0, dropped: 0, publishErrors: 0 }));
  }

  snapshot(connected: boolean): BridgeStats {
    const sum = <T>(list: readonly T[], key: keyof T): number => list.reduce((total, entry) => total + (entry[key] as number), 0);
    return {
      received: sum(this.subscribe, "received"),
      forwarded: sum(this.subscribe, "forwarded"),
      malformed: sum(this.subscribe, "malformed"),
      published: sum(this.publish, "published"),
      unpublishable: sum(this.publish, "unpublishable"),
      publishErrors: sum(this.publish, "publishErrors"),
      dropped: sum(this.subscribe, "dropped") + sum(this.publish, "dropped"),
      reconnects: this.reconnects,
      resubscribes: this.resubscribes,
      connected,
      subscribe: this.subscribe.map((entry) => ({ ...entry })),
      publish: this.publish.map((entry) => ({ ...entry })),
    };
  }
}
