/**
 * The transport plugin interface (DESIGN §6). A transport moves opaque frames on named
 * channels (one channel = one node output) and nothing else: encoding, queue policy and
 * lifecycle live in core and the SDK.
 *
 * A plugin has two halves joined by JSON: `plan()` runs in the daemon and decides connection
 * info (socket paths, topics) for every channel; `create()` runs in the node process and
 * returns a `Transport` that publishes and subscribes using that info. Plugins are passed
 * explicitly as a map from kind to plugin, never registered in a global.
 */

/** JSON-serialisable data, as carried in RIVULET_NODE_CONFIG. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One channel the daemon asks a plugin to plan. */
export interface ChannelRequest {
  /** `producer/output`, unique in the dataflow. */
  channel: string;
  producer: string;
  output: string;
  /** Node ids that subscribe to this channel on this transport. */
  subscribers: string[];
}

/** What `plan()` is given. */
export interface PlanRequest {
  dataflowId: string;
  /**
   * The dataflow's name, stable across runs (unlike `dataflowId`, which is new every run): the
   * descriptor's file name without extension, or its folder's name when the file is called
   * `dataflow.yml`. For names a run must find again (a broker topic prefix, say). Absent when a
   * plugin is planned outside the daemon (tests).
   */
  dataflowName?: string;
  /** A private 0700 folder for this run (for socket files and the like). */
  runDir: string;
  /** The transport's options from the YAML (`transports.<name>` minus `kind`), if any. */
  options: Record<string, Json>;
  channels: ChannelRequest[];
  /**
   * Registers a file outside `runDir` that this run's nodes will create (a shared-memory object
   * under /dev/shm, say): the daemon removes it when the run ends, however it ends, also when
   * the CLI is killed with SIGKILL (its reaper does), and `rivulet check` removes it after
   * planning. Only files, by absolute path; `runDir` is removed anyway. Absent when a plugin is
   * planned outside the daemon (tests); then the caller cleans up.
   */
  cleanup?(path: string): void;
}

/** A planned channel: everything a node needs to publish or subscribe. */
export interface PlannedChannel {
  channel: string;
  kind: string;
  connection: Json;
  /**
   * The module a node imports to get this channel's plugin: a file URL, set by the planner for
   * every plugin it loaded from a module (a path in the YAML, or an installed
   * `@rivulet/transport-<kind>` package). Absent for plugins passed in by the caller; a node
   * then needs the same plugin passed to it by kind.
   */
  module?: string;
  /**
   * The channel's id in this run (from 1), set by the planner: every data frame on the channel
   * carries it (docs/protocol.md §6), so one connection can carry several channels and a frame
   * that arrives on the wrong one is recognised. Plugins need not set it.
   */
  channelId?: number;
  /**
   * The name of the transport in the YAML that carries this channel (`unix`, or a key of
   * `transports:` such as `broker`), set by the planner. A node creates one Transport per name,
   * with that name's options, so two transports of the same kind never share a connection.
   */
  transport?: string;
}

/**
 * One problem with a transport's options. `path` is inside the options (`["foo"]` for
 * `transports.t.foo`); the daemon prefixes the YAML path and locates it in the file.
 */
export interface TransportOptionIssue {
  path: (string | number)[];
  message: string;
  /** A likely intended key or value, shown as "did you mean". */
  suggestion?: string;
}

/** What `create()` is given, in the node process. */
export interface TransportInit {
  dataflowId: string;
  nodeId: string;
  /** The transport's name in the YAML (see `PlannedChannel.transport`); absent outside a run. */
  transport?: string;
  /** Its options from the YAML (`transports.<name>` minus `kind`), as `plan()` got them; `{}` when none. */
  options?: Record<string, Json>;
}

/** Options of `publish`. */
export interface PublishOptions {
  signal?: AbortSignal;
}

/** Options of `subscribe`. */
export interface SubscribeOptions {
  /** Node id of the subscriber, for the publisher's bookkeeping and error messages. */
  subscriberId: string;
  /**
   * When true, the publisher's `send` waits while this subscriber is paused or slow (flow
   * control); when false (drop_oldest), the publisher keeps the newest `queueSize` frames for
   * a subscriber that falls behind and drops its oldest.
   */
  flowControl: boolean;
  /** The input's `queue_size`: how many unsent frames the publisher keeps for it; default DEFAULT_QUEUE_SIZE. */
  queueSize?: number;
  /**
   * With `flowControl`: the caller reports every frame its program takes through
   * `Subscription.consumed`, and the publisher keeps at most `queueSize` frames outstanding
   * (credit-based flow control). Without it, a transport paces by its own buffers only. A
   * caller that sets this and never calls `consumed` receives `queueSize` frames and no more.
   */
  grantsCredits?: boolean;
  /**
   * Called for every frame, in order. Without a `lease` the bytes are the receiver's: they stay
   * valid after the call. With one they are the transport's own memory (a shared-memory slot),
   * lent until `lease.release()`: the receiver calls it once nobody will read them again (the
   * SDK's rule is in `InputEvent.release`). A transport that lends must keep the bytes unchanged
   * until `release()` or until the frame's buffer is garbage collected, whichever comes first,
   * so that a view a program kept never sees its bytes change.
   */
  onFrame: (frame: Uint8Array, lease?: FrameLease) => void;
  /**
   * Called at every change of the channel's status, in order: `connected` once the publisher
   * accepted the subscription, `reconnecting` while a transport that reconnects has lost its
   * connection and is trying again, `lost` (with the error) when it gave up or cannot reconnect,
   * `ended` after the publisher closed cleanly. `lost` and `ended` come last, once, together
   * with `Subscription.closed`. Optional: for reporting; `closed` is what ends an input.
   */
  onStatus?: (status: ChannelStatus, error?: Error) => void;
  signal?: AbortSignal;
}

/** A transport's loan of the memory a delivered frame lives in (SubscribeOptions.onFrame). */
export interface FrameLease {
  /** Nobody will read the frame's bytes again: the transport may reuse them. Idempotent. */
  release(): void;
}

/** What a subscription's channel is doing (SubscribeOptions.onStatus). */
export type ChannelStatus = "connected" | "reconnecting" | "lost" | "ended";

/** Options of `send`. */
export interface SendOptions {
  signal?: AbortSignal;
  /**
   * A frame this frame needs before it on each subscriber's connection (a TYPE_DEFINITION, see
   * docs/payload-format.md). A publisher with `preludes` writes it to each connection exactly
   * once per `key`, right before the first frame that carries it, including on connections
   * that join later; it is not a message: never queued behind other frames, dropped, counted
   * or charged a credit. A key always stands for the same chunks. Publishers without
   * `preludes` ignore it (the SDK does not send frames needing one to them).
   */
  prelude?: { key: string; chunks: readonly Uint8Array[] };
}

/**
 * Writable bytes a publisher lends for one frame inside its own memory (a shared-memory slot),
 * so the sender writes the frame in place instead of having it copied (Publisher.loan).
 */
export interface FrameLoan {
  /** The whole frame's bytes, `length` of them: the sender writes the frame head, then the payload. */
  readonly bytes: Uint8Array;
  /**
   * Sends the frame written in `bytes` to every subscriber, exactly as `send` would (the same
   * waits, drops and counters). Once; the sender must not touch `bytes` afterwards.
   * @throws ClosedError after the publisher's `close()`.
   */
  commit(options?: SendOptions): Promise<void> | undefined;
  /** Gives the bytes back unsent. Idempotent; a no-op after `commit`. */
  abandon(): void;
}

/** The sending side of one channel. */
export interface Publisher {
  /**
   * Lends `length` writable bytes for one frame in the transport's own memory (zero copy).
   * Optional: transports that cannot lend (Unix, network) leave it out, and may return
   * `undefined` when they cannot lend this time (no slot free, a frame larger than a slot); the
   * sender then uses `send`.
   */
  loan?(length: number): FrameLoan | undefined;
  /**
   * Sends one frame (given as chunks that are written in order, not concatenated) to every
   * current subscriber. Returns `undefined` when the caller may go on at once, or a promise when
   * it should wait: a flow-controlled subscriber is behind, or a drop_oldest subscriber's queue
   * is full and it is still reading (the wait ends at its next drain, or when it has read
   * nothing for DEFAULT_SUBSCRIBER_STALL_MS; from then on it loses its oldest frames instead).
   * The promise rejects with AbortError when `options.signal` fires; it resolves when the
   * subscriber leaves or the publisher closes.
   * @throws ClosedError after `close()`.
   */
  send(chunks: readonly Uint8Array[], options?: SendOptions): Promise<void> | undefined;
  /**
   * Frames dropped for subscribers that fell behind (drop_oldest), summed over subscribers:
   * always the oldest frames a subscriber had not received yet. Counted when the drop happens.
   */
  readonly drops: number;
  /**
   * Bytes the publisher holds for its subscribers and has not handed to the OS or broker yet,
   * summed over subscribers (a frame shared by two subscribers counts twice). Bounded per
   * subscriber by about `queueSize` frames plus a fixed watermark.
   */
  readonly bufferedBytes: number;
  /** Subscribers currently attached. */
  readonly subscriberCount: number;
  /** True when `send` honours `SendOptions.prelude`; absent or false, it ignores it. */
  readonly preludes?: boolean;
  /**
   * Ids of the subscribers a send is waiting for right now (flow control, or a full drop_oldest
   * queue), so that a stalled consumer can be reported by name. Optional: only transports that
   * know their subscribers can tell.
   */
  readonly waitingFor?: readonly string[];
  /** Flushes, tells subscribers the channel ended, and releases resources. Idempotent. */
  close(): Promise<void>;
}

/** The receiving side of one channel. */
export interface Subscription {
  /**
   * Stops delivering: no `onFrame` call happens between `pause()` and `resume()`, even for
   * frames already read; the publisher sees flow control or drops, per `flowControl`. A close
   * of the channel that arrives while paused is reported after the frames before it.
   */
  pause(): void;
  /** Delivers what was held while paused, in order, then reads on. */
  resume(): void;
  /**
   * The consumer took `count` frames of this subscription out of its own queue. A
   * flow-controlled (`backpressure`) subscription returns that many credits to its publisher
   * (in batches), which bounds how far the producer gets ahead to the input's `queue_size`.
   * Optional: transports without credit-based flow control ignore it.
   */
  consumed?(count: number): void;
  /**
   * Resolves once the channel will deliver nothing more, after every frame before that point
   * (also one held by `pause()`): to `undefined` after the publisher closed cleanly, to the
   * error (a ChannelLostError, say) when the connection broke or the publisher crashed. Never
   * rejects. It stays pending after the subscriber's own `close()`, which ends nothing to report.
   */
  readonly closed: Promise<Error | undefined>;
  /**
   * Frames this subscriber dropped itself: transports whose publisher cannot see its
   * subscribers (a broker in between) count drops here instead of in `Publisher.drops`: the
   * oldest frames held while paused beyond the input's `queue_size`, and frames known lost on
   * the way (a gap in the publisher's numbering). Counted when the drop is noticed. Absent for
   * transports whose publisher counts every drop.
   */
  readonly drops?: number;
  /** Detaches without waiting for the publisher. Idempotent. */
  close(): Promise<void>;
}

/** A transport instance in one node process. */
export interface Transport {
  /** Starts publishing on a planned channel. */
  publish(channel: PlannedChannel, options?: PublishOptions): Promise<Publisher>;
  /**
   * Subscribes to a planned channel and resolves once the publisher has accepted the
   * subscription (frames sent after that are delivered). Waits for a publisher that is not up
   * yet; abort with `signal`.
   */
  subscribe(channel: PlannedChannel, options: SubscribeOptions): Promise<Subscription>;
  /** Closes every publisher and subscription of this transport. */
  close(): Promise<void>;
}

/**
 * What a transport can do, declared by its plugin. The daemon and `rivulet check` refuse what a
 * transport cannot do (`queue_policy: backpressure` on a transport without `flowControl`), and
 * the compliance suite runs the cases a transport claims and skips, visibly, the others.
 */
export interface TransportCapabilities {
  /**
   * `backpressure` works: a flow-controlled subscriber makes `send` wait instead of dropping,
   * with credits (`Subscription.consumed`) bounding the frames outstanding to its `queue_size`.
   */
  flowControl: boolean;
  /** A publisher that crashes is reported to its subscribers (`Subscription.closed` resolves to an error), not taken for a clean end. */
  publisherLoss: boolean;
  /** The publisher knows its subscribers by id (`Publisher.waitingFor`), so a stalled one can be named. */
  knowsSubscribers: boolean;
  /** `SendOptions.prelude` is honoured (`Publisher.preludes`): types are sent once per subscriber, then by id. */
  preludes: boolean;
  /** The publisher can lend its own memory for a send written in place (zero copy). */
  zeroCopy: boolean;
  /** The largest frame the transport carries, in bytes. */
  maxFrameBytes: number;
}

/** A transport plugin: the planning half and the node half. */
export interface TransportPlugin {
  readonly kind: string;
  /**
   * What this transport can do. Absent fields count as not supported (`maxFrameBytes`:
   * MAX_FRAME_BYTES); see `capabilitiesOf`.
   */
  readonly capabilities?: Partial<TransportCapabilities>;
  /**
   * Plans connection info for every channel, in the daemon, before any node starts (also by
   * `rivulet check`). May be async and do I/O that planning needs (check that a broker is
   * reachable, pick free ports), but must not leave anything open: the daemon waits for it at
   * most DEFAULT_PLAN_TIMEOUT_MS, then fails the run with a PlanError naming the transport.
   * Files go in `runDir` only.
   * @throws (or rejects with) an Error (named) when the options are invalid or planning failed.
   */
  plan(request: PlanRequest): PlannedChannel[] | Promise<PlannedChannel[]>;
  /**
   * Checks the options from the YAML (`transports.<name>` minus `kind`) without planning
   * anything, so that `rivulet check` can report every problem with its line and column.
   * Returns an empty list when the options are valid. `plan()` must reject the same options.
   */
  validate?(options: Record<string, Json>): TransportOptionIssue[];
  /** Called once per named transport in each node process that uses it. */
  create(init: TransportInit): Transport;
}

/** A map from transport kind to plugin, passed to the planner and to the node. */
export type TransportPlugins = Readonly<Record<string, TransportPlugin>>;
