/** Default per-input queue length (dora: 10). */
export const DEFAULT_QUEUE_SIZE = 10;
/** Default wait between STOP and SIGTERM, and between SIGTERM and SIGKILL. */
export const DEFAULT_STOP_GRACE_MS = 10_000;
/** How long the daemon waits for every node to register and subscribe. */
export const DEFAULT_START_TIMEOUT_MS = 60_000;
/** The largest frame any transport accepts; larger length prefixes are treated as corruption. */
export const MAX_FRAME_BYTES = 1024 * 1024 * 1024;
/** Bytes a publisher may have queued for one slow subscriber before it drops frames for it. */
export const DEFAULT_PUBLISHER_BUFFER_BYTES = 64 * 1024 * 1024;
/** Lines of a node's stderr kept to show when it fails. */
export const STDERR_TAIL_LINES = 20;
/** Environment variable through which the daemon configures a node. */
export const NODE_CONFIG_ENV = "RIVULET_NODE_CONFIG";
/** Version of the frame format and control protocol; runner, SDK and transports share it. */
export const PROTOCOL_VERSION = 1;
/** Run folders `rivulet run` keeps under a dataflow's default `out/` folder (the newest ones). */
export const DEFAULT_KEEP_RUN_LOGS = 10;
/** Distinct compact type descriptors a decoder or encoder caches before it starts afresh. */
export const DEFAULT_TYPE_CACHE_ENTRIES = 256;
/** Deepest nesting of lists and structs a compact type descriptor may have; deeper is corruption. */
export const MAX_TYPE_DEPTH = 64;
/** Payload buffers up to this many bytes are copied into the payload head instead of sent as their own chunk. */
export const COMPACT_INLINE_BYTES = 1024;
