// The bridge section's raw floor: one plain mqtt.js client (the library Node-RED and the bridge
// use) subscribed to sensors/+/temperature that parses each JSON reading, runs the shared bridge
// handler (relay or sink) and publishes the result as JSON on out/<device>, at the same QoS. The
// best any bridge in Node can do through this broker. Runs until the parent sends "stop".
// Usage: mqtt-relay.mjs <mqtt://url> <qos> <relay|sink> <messages>
import mqtt from "mqtt";
import { bridgeHandler, deviceOf } from "../nodes/bridge-handler.mjs";

const [url, qosText, role, messages] = process.argv.slice(2);
const qos = Number(qosText);
const handle = bridgeHandler(role, Number(messages));
const client = await mqtt.connectAsync(url, { clientId: `rivulet-bench-relay-${process.pid}`, clean: true, reconnectPeriod: 0 });
client.on("message", (topic, payload) => {
  const out = handle(deviceOf(topic), JSON.parse(payload.toString()));
  if (out) client.publish(`out/${out[0]}`, JSON.stringify(out[1]), { qos });
});
await client.subscribeAsync("sensors/+/temperature", { qos });
process.on("message", async (message) => {
  if (message !== "stop") return;
  await client.endAsync();
  process.exit(0);
});
