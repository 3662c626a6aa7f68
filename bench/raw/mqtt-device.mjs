// The bridge section's devices and independent subscriber, two plain mqtt.js clients in one
// process on the section's mosquitto. The subscriber listens on out/# (what the system under test
// publishes). The device publishes JSON readings {"device":"d3","celsius":21.5,"seq":7} on
// sensors/<device>/temperature, as fast as the broker takes them:
// 1. one reading of device "warm" every 20 ms until its echo comes back on out/warm (the system is up);
// 2. `warmup` readings of device "warm", waiting for the last one's echo;
// 3. `messages` readings spread over `devices` devices d0, d1...: the measured burst.
// Relay: the subscriber counts out/d* messages and stamps the last one's arrival. Sink: the system
// reports its count and its own arrival stamp on out/done (nodes/bridge-handler.mjs). Sends
// { messages, bytes, received, ns } to the parent (ns: first measured publish to last arrival).
// Usage: mqtt-device.mjs <mqtt://url> <plan JSON: { qos, role, messages, warmup, devices }>
import mqtt from "mqtt";

const READY_TIMEOUT_MS = 60_000;
const WARMUP_TIMEOUT_MS = 30_000;
const [url, planText] = process.argv.slice(2);
const { qos, role, messages, warmup, devices } = JSON.parse(planText);
const connect = (who) => mqtt.connectAsync(url, { clientId: `rivulet-bench-${who}-${process.pid}`, clean: true, reconnectPeriod: 0 });
const subscriber = await connect("subscriber");
const device = await connect("device");

let warmSeq = -Infinity;
let received = 0;
let lastReceivedNs = 0n;
let report; // the sink's { count, lastReceivedNs }
let check = () => {};
subscriber.on("message", (topic, payload) => {
  if (topic === "out/warm") warmSeq = Math.max(warmSeq, JSON.parse(payload.toString()).seq);
  else if (topic === "out/done") report = JSON.parse(payload.toString());
  else {
    received++;
    lastReceivedNs = process.hrtime.bigint();
  }
  check();
});
await subscriber.subscribeAsync("out/#", { qos });

/** Resolves to true once `done()` holds (checked at every message received), to false after `ms`. */
function until(done, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => ((check = () => {}), resolve(false)), ms);
    check = () => done() && (clearTimeout(timer), (check = () => {}), resolve(true));
    check();
  });
}

/** Publishes `count` readings, `deviceOf(i)` the device of the i-th; resolves once the client has them all out (QoS 1: acknowledged). */
async function burst(count, deviceOf) {
  let bytes = 0;
  let pending = count;
  let finished;
  const published = new Promise((resolve, reject) => (finished = (error) => (error ? reject(error) : --pending === 0 && resolve())));
  for (let i = 0; i < count; i++) {
    const name = deviceOf(i);
    const payload = JSON.stringify({ device: name, celsius: 20 + (i % 100) / 10, seq: i });
    bytes += payload.length;
    device.publish(`sensors/${name}/temperature`, payload, { qos }, finished);
    // Let the socket drain between batches instead of queueing the whole burst in memory.
    if (i % 500 === 499) await new Promise(setImmediate);
  }
  await published;
  return bytes;
}

const probe = setInterval(() => device.publish("sensors/warm/temperature", JSON.stringify({ device: "warm", celsius: 0, seq: -1 }), { qos }), 20);
const up = await until(() => warmSeq >= -1, READY_TIMEOUT_MS);
clearInterval(probe);
if (!up) throw new Error(`nothing came back on out/warm within ${READY_TIMEOUT_MS} ms: the system under test is not up`);
await burst(warmup, () => "warm");
if (!(await until(() => warmSeq >= warmup - 1, WARMUP_TIMEOUT_MS))) throw new Error(`the warm-up's last reading (seq ${warmup - 1}) did not come back within ${WARMUP_TIMEOUT_MS} ms (last: ${warmSeq})`);

const firstSentNs = process.hrtime.bigint();
const bytes = await burst(messages, (i) => `d${i % devices}`);
// A shortfall is reported (received < messages), not thrown: the parent names it.
await until(() => (role === "sink" ? report !== undefined : received >= messages), 30_000 + messages);
const [count, lastNs] = role === "sink" ? [report?.count ?? 0, BigInt(report?.lastReceivedNs ?? 0)] : [received, lastReceivedNs];
await Promise.all([device.endAsync(), subscriber.endAsync()]);
process.send({ messages, bytes, received: count, ns: count > 0 ? Number(lastNs - firstSentNs) : 0 }, () => process.exit(0));
