/**
 * The largest frame the transport carries: an MQTT message holds at most 268,435,455 bytes
 * (256 MiB - 1, the protocol's length field; also mosquitto's default `message_size_limit`),
 * which must hold the topic and the transport's header too, so frames stop at 255 MiB.
 */
export const MQTT_MAX_FRAME_BYTES = 255 * 1024 * 1024;
