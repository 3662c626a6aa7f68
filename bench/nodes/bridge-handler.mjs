// What every system under test of the bridge section does with one device reading, shared by the
// Rivulet node (bridge-node.mjs), the raw floor (raw/mqtt-relay.mjs) and Node-RED's function node
// (peers/node-red-mqtt.mjs), so that the three do the same work per message.
// - relay: the reading becomes { device, celsius, fahrenheit, seq }, published on out/<device>;
// - sink: measured readings are counted only; the last one sends { count, lastReceivedNs } to
//   out/done (the time it was received, process.hrtime.bigint() as a string). Warm-up readings
//   (device "warm") are echoed to out/warm in both roles, so that the device sees the path is up.

/**
 * @param {"relay" | "sink"} role
 * @param {number} messages measured readings a sink waits for
 * @returns {(device: string, reading: { device: string, celsius: number, seq: number }) => [string, object] | undefined}
 *   the device (out/<device>) and the payload to publish, or undefined for nothing
 */
export function bridgeHandler(role, messages) {
  let count = 0;
  return (device, reading) => {
    if (role === "relay") return [device, { device: reading.device, celsius: reading.celsius, fahrenheit: reading.celsius * 1.8 + 32, seq: reading.seq }];
    const celsius = reading.celsius; // a sink reads the value, as an application would
    if (device === "warm") return [device, { seq: reading.seq, celsius }];
    if (++count === messages) return ["done", { count, lastReceivedNs: String(process.hrtime.bigint()) }];
    return undefined;
  };
}

/** The device of a topic sensors/<device>/temperature (the bridge's `captures: [device]`). */
export const deviceOf = (topic) => topic.split("/")[1];
