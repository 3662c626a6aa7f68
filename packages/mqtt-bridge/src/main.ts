import { Node } from "@rivulet/node";
import { bridgeConfig } from "./bridge-config.js";
import { MqttBridge } from "./mqtt-bridge.js";

/**
 * The process the daemon starts for a node with `path: rivulet/mqtt-bridge`: one `Node`, its
 * `config:` resolved by `bridgeConfig`, one `MqttBridge`.
 *
 * - Runs until STOP, then publishes "offline" on the availability topic, disconnects cleanly and
 *   exits 0 (the counters' summary is logged through the node).
 * - A broker that is down at start: the bridge keeps retrying with backoff (reconnect_min_ms …
 *   reconnect_max_ms), logging each failure (rate-limited), and never gives up by itself; a STOP
 *   meanwhile ends it with exit 0. A dataflow that must not run without its broker should not
 *   rely on the bridge to fail: a broker that comes up later is the common case on a device.
 * - A broker that refuses the credentials (at start or on a reconnect), refuses a subscription,
 *   or a TLS file that cannot be read: the error's name and message on stderr, exit 1.
 * - An invalid `config:` (which `rivulet check` reports first, with line and column): exit 1.
 *
 * The dataflow's name for the default client id comes from the node's configuration (the daemon
 * gives it), or from `RIVULET_DATAFLOW_NAME` when set.
 */
const node = new Node();

function fail(error: unknown): never {
  process.stderr.write(`mqtt bridge '${node.id}': ${(error as Error).name}: ${(error as Error).message}\n`);
  process.exit(1);
}

let bridge: MqttBridge;
try {
  const dataflowName = node.config.dataflowName ?? process.env.RIVULET_DATAFLOW_NAME;
  bridge = new MqttBridge(node, bridgeConfig(node.settings()), dataflowName ? { dataflowName } : {});
  await bridge.start({ signal: node.signal });
} catch (error) {
  if ((error as Error).name !== "AbortError") fail(error);
  // STOP came while the broker was still unreachable: nothing to announce or flush.
  await node.close();
  process.exit(0);
}

const failure = await Promise.race([bridge.run().then(() => undefined), bridge.failed]);
await bridge.close();
await node.close();
if (failure) fail(failure);
