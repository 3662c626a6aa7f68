/** Default per-input queue length (dora: 10). */
export const DEFAULT_QUEUE_SIZE = 10;
/** Default wait between STOP and SIGTERM, and between SIGTERM and SIGKILL. */
export const DEFAULT_STOP_GRACE_MS = 10_000;
/** How long the daemon waits for every node to register and subscribe. */
export const DEFAULT_START_TIMEOUT_MS = 60_000;
/** The largest frame any transport accepts; larger length prefixes are treated as corruption. */
export const MAX_FRAME_BYTES = 1024 * 1024 * 1024;
/** Lines of a node's stderr kept to show when it fails. */
export const STDERR_TAIL_LINES = 20;
/** Environment variable through which the daemon configures a node. */
export const NODE_CONFIG_ENV = "RIVULET_NODE_CONFIG";
/** Version of the data frame format (docs/protocol.md §6); a frame of another version is refused by name. */
export const FRAME_FORMAT_VERSION = 2;
/** Version of the control protocol (docs/protocol.md §4): a node registering with another is refused. 3: `stop_all`, local inputs and operators in the config; 4: `reload_operator` (`rivulet run --watch`). */
export const CONTROL_PROTOCOL_VERSION = 4;
/** Run folders `rivulet run` keeps under a dataflow's default `out/` folder (the newest ones). */
export const DEFAULT_KEEP_RUN_LOGS = 10;
/**
 * A publisher hands a subscriber's frames to its socket (or broker client) only while less than
 * this many bytes wait there; the rest wait in the subscriber's bounded queue of `queue_size`
 * frames, where drop_oldest applies. Large enough to keep the pipe busy between two drains.
 */
export const PUBLISHER_WATERMARK_BYTES = 1024 * 1024;
/**
 * How long a send waits for a drop_oldest subscriber whose queue is full to make room before
 * the subscriber counts as stalled; a stalled subscriber loses its oldest frames without
 * slowing the producer again until it reads (see SubscriberOutbox).
 */
export const DEFAULT_SUBSCRIBER_STALL_MS = 250;
/** How long a data connection may take to authenticate (say HELLO) before it is closed. */
export const DATA_HELLO_TIMEOUT_MS = 5_000;
/** The largest HELLO a data connection may send; larger announced lengths close it. */
export const MAX_HELLO_BYTES = 64 * 1024;
/** How long the daemon waits for a transport plugin's `plan()` (which may do I/O) before failing the run. */
export const DEFAULT_PLAN_TIMEOUT_MS = 10_000;
/** Largest control frame the daemon reads from a connection that has not registered yet. */
export const MAX_UNREGISTERED_CONTROL_FRAME_BYTES = 64 * 1024;
/** Largest control frame on a registered connection, either way (logs, status, drop counts). */
export const MAX_CONTROL_FRAME_BYTES = 1024 * 1024;
/** Time a control connection has to register before the daemon closes it. */
export const DEFAULT_REGISTER_TIMEOUT_MS = 5_000;
/**
 * How long a consumer whose input's connection broke waits for the daemon to say whether the
 * producer failed (NODE_FAILED) or finished, before closing the input with an ERROR instead.
 */
export const PRODUCER_VERDICT_WAIT_MS = 3_000;
/** A node reports changed drop counters to the daemon at most once per this interval. */
export const DROP_REPORT_INTERVAL_MS = 1_000;
/** A send that has waited this long for a flow-controlled consumer is reported as stalled. */
export const DEFAULT_STALL_REPORT_MS = 5_000;
/** Distinct compact type descriptors a decoder or encoder caches before it starts afresh. */
export const DEFAULT_TYPE_CACHE_ENTRIES = 256;
/** Deepest nesting of lists and structs a compact type descriptor may have; deeper is corruption. */
export const MAX_TYPE_DEPTH = 64;
/** Payload buffers up to this many bytes are copied into the payload head instead of sent as their own chunk. */
export const COMPACT_INLINE_BYTES = 1024;
/**
 * Distinct types an output's encoder gives an id (sent once per subscriber as a TYPE_DEFINITION);
 * types beyond this travel with their descriptor inline, as without ids.
 */
export const MAX_TYPE_IDS_PER_OUTPUT = 1024;
