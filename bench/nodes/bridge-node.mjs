// The Rivulet node between the MQTT bridge's `readings` output and its publish input: the shared
// bridge handler (relay or sink, BRIDGE_ROLE) over each reading, the device taken from the
// bridge's capture (metadata parameter `device`), the result sent on `out` with `device` set for
// the publish entry's topic template out/{device}.
import { Node } from "@rivulet/node";
import { bridgeHandler } from "./bridge-handler.mjs";

const node = new Node();
const handle = bridgeHandler(process.env.BRIDGE_ROLE, Number(process.env.BENCH_MESSAGES));
for await (const event of node) {
  if (event.type !== "INPUT") continue;
  const out = handle(String(event.metadata.parameters.device), event.rows()[0]);
  if (out) await node.sendOutput("out", out[1], { device: out[0] });
}
