// Simulated temperature sensors: a plain MQTT client, not a Rivulet node. Each device publishes
// `{ "device": "dev-<n>", "celsius": <number>, "ts": <ms> }` on sensors/dev-<n>/temperature
// (QoS 1), after the bridge has said it is online.
//
//   npx tsx examples/iot-bridge/devices.ts [--url mqtt://127.0.0.1:1883] [--devices 3] [--count 20] [--interval-ms 50]
//
// Device n reads a sawtooth: 20 °C rising by n × 0.5 °C a reading, back to 20 °C every 8
// readings. With the dataflow's window of 5 and threshold of 25 °C, only dev-3's average goes
// above it: twice in 20 readings.
import { parseArgs } from "node:util";
import mqtt from "mqtt";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: process.env.MQTT_URL ?? "mqtt://127.0.0.1:1883" },
    devices: { type: "string", default: "3" },
    count: { type: "string", default: "20" },
    "interval-ms": { type: "string", default: "50" },
    /** The bridge's availability topic (dataflow.yml); empty: publish at once. */
    "wait-for": { type: "string", default: "bridges/iot-bridge/availability" },
    "wait-ms": { type: "string", default: "30000" },
  },
});
const devices = positive("devices");
const count = positive("count");
const intervalMs = Number(values["interval-ms"]);

/** The reading of device `n` (1-based) at step `k`. */
const celsius = (n: number, k: number): number => 20 + n * 0.5 * (k % 8);

const client = await mqtt.connectAsync(values.url, { clientId: `iot-devices-${process.pid}`, reconnectPeriod: 0 });
try {
  if (values["wait-for"]) await bridgeOnline(values["wait-for"], Number(values["wait-ms"]));
  for (let k = 0; k < count; k++) {
    const sent: Promise<unknown>[] = [];
    for (let n = 1; n <= devices; n++) {
      const device = `dev-${n}`;
      const reading = { device, celsius: celsius(n, k), ts: Date.now() };
      sent.push(client.publishAsync(`sensors/${device}/temperature`, JSON.stringify(reading), { qos: 1 }));
    }
    await Promise.all(sent); // every PUBACK: the broker has them
    if (k < count - 1) await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  console.log(`published ${count * devices} readings from ${devices} devices`);
} finally {
  await client.endAsync();
}

/**
 * Resolves once the retained availability message says "online": readings sent before the
 * bridge has subscribed would have no one to go to (the broker keeps no message for a topic
 * nobody subscribes to).
 */
async function bridgeOnline(topic: string, timeoutMs: number): Promise<void> {
  const online = new Promise<void>((resolve) => {
    client.on("message", (received, payload) => {
      if (received === topic && payload.toString() === "online") resolve();
    });
  });
  await client.subscribeAsync(topic, { qos: 1 });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the bridge did not say online on ${topic} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([online, timeout]);
  } finally {
    clearTimeout(timer);
    await client.unsubscribeAsync(topic);
  }
}

function positive(name: "devices" | "count"): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`--${name} must be a whole number >= 1, not ${values[name]}`);
  return value;
}
