// Node-RED embedded (4.1, as node-red-bench.mjs), the bridge section's peer: one flow on the
// section's mosquitto, `mqtt in` (sensors/+/temperature, payload parsed as JSON) -> `function`
// (the shared bridge handler, relay or sink) -> `mqtt out` (topic from msg.topic, out/<device>),
// both MQTT nodes at the given QoS on one broker connection. Runs until the parent sends "stop".
// Usage: node-red-mqtt.mjs <folder where node-red is installed> <mqtt://host:port> <qos> <relay|sink> <messages>
import { bridgeHandler } from "../nodes/bridge-handler.mjs";
import { startNodeRed } from "./embedded-node-red.mjs";

const [installDir, url, qos, role, messages] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const at = (x) => ({ z: "tab", x, y: 100 });
const red = await startNodeRed(
  installDir,
  [
    { id: "tab", type: "tab", label: "bridge" },
    { id: "broker", type: "mqtt-broker", name: "mosquitto", broker: hostname, port, clientid: `rivulet-bench-node-red-${process.pid}`, autoConnect: true, usetls: false, protocolVersion: "4", keepalive: "60", cleansession: true },
    { id: "in", type: "mqtt in", ...at(100), name: "", topic: "sensors/+/temperature", qos, datatype: "json", broker: "broker", nl: false, rap: true, rh: 0, inputs: 0, wires: [["fn"]] },
    {
      id: "fn",
      type: "function",
      ...at(300),
      name: role,
      func: "const out = global.get('handle')(msg.topic.split('/')[1], msg.payload); if (!out) return null; msg.topic = 'out/' + out[0]; msg.payload = out[1]; return msg;",
      outputs: 1,
      noerr: 0,
      wires: [["out"]],
    },
    { id: "out", type: "mqtt out", ...at(500), name: "", topic: "", qos, retain: "", broker: "broker", wires: [] },
  ],
  { handle: bridgeHandler(role, Number(messages)) },
  "error",
);
process.on("message", async (message) => {
  if (message !== "stop") return;
  await red.stop();
  process.exit(0);
});
