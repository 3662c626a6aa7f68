// The raw MQTT baseline: mqtt.js 5 (MQTT 3.1.1) against the same mosquitto, the library the
// mqtt transport uses, at the QoS given in the plan (the transport's). One connection per
// process. MQTT has no flow control between clients: the sender bounds what it has published
// and the broker has not acknowledged yet to 1 MiB, as the transport does.
// Usage: raw-mqtt.mjs <receiver|sender> <mqtt://url> <plan JSON> [out file]
import mqtt from "mqtt";
import { runRawClient } from "./raw-network.mjs";

const url = process.argv[3];
/** As the mqtt transport's PUBLISHER_WATERMARK_BYTES. */
const UNACKED_BYTES = 1024 * 1024;

await runRawClient(async (role, plan) => {
  const qos = plan.qos;
  const client = await mqtt.connectAsync(url, { clientId: `rivulet-bench-raw-${role}-${process.pid}`, clean: true, reconnectPeriod: 0 });
  const [inbound, outbound] = role === "receiver" ? ["bench/ping", "bench/pong"] : ["bench/pong", "bench/ping"];
  let handle = () => {};
  client.on("message", (_topic, payload) => handle(payload));
  // mqtt.js leaves Nagle on: a lone small message would wait for the delayed ACK of the last one (~40 ms).
  client.stream.setNoDelay(true);
  await client.subscribeAsync(inbound, { qos });
  let unacked = 0;
  let drained; // resolves once unacked bytes fall under the limit
  let wake;
  return {
    send(bytes) {
      const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength); // a view, not a copy
      unacked += payload.byteLength;
      client.publish(outbound, payload, { qos }, (error) => {
        if (error) throw error;
        unacked -= payload.byteLength;
        if (wake && unacked < UNACKED_BYTES) wake();
      });
      if (unacked < UNACKED_BYTES) return undefined;
      drained ??= new Promise((resolve) => (wake = resolve)).then(() => (drained = wake = undefined));
      return drained;
    },
    onMessage: (handler) => void (handle = handler),
    close: () => client.endAsync(),
  };
});
