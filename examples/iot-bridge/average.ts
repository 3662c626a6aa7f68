import { Node } from "@rivulet/node";

/** One reading as the bridge delivers it (dataflow.yml's schema); a field missing from the JSON is null. */
interface Reading {
  device: string | null;
  celsius: number | null;
  ts: number | null;
}

const node = new Node();
// `config:` of this node in dataflow.yml.
const { window = 5, alert_above: alertAbove = 25 } = node.settings() as { window?: number; alert_above?: number };
if (!Number.isInteger(window) || window < 1) throw new RangeError(`config.window must be a whole number >= 1, not ${window}`);
if (typeof alertAbove !== "number") throw new RangeError(`config.alert_above must be a number, not ${JSON.stringify(alertAbove)}`);

/** The last `window` readings of one device, and whether its average is above the threshold now. */
interface DeviceState {
  recent: number[];
  hot: boolean;
}
const devices = new Map<string, DeviceState>();
let readings = 0;
let skipped = 0;
let alerts = 0;

for await (const event of node) {
  if (event.type !== "INPUT") continue;
  for (const reading of event.rows() as Reading[]) {
    // The topic's device (sensors/<device>/temperature) is the one to trust, not the payload's.
    const device = String(event.metadata.parameters.device ?? reading.device);
    if (reading.celsius === null) {
      skipped++;
      continue;
    }
    readings++;
    const state = devices.get(device) ?? { recent: [], hot: false };
    devices.set(device, state);
    state.recent.push(reading.celsius);
    if (state.recent.length > window) state.recent.shift();
    const celsius = state.recent.reduce((sum, value) => sum + value, 0) / state.recent.length;
    const ts = Number(reading.ts ?? Date.now());
    await node.sendOutput("averages", { device, celsius, readings: state.recent.length, ts }, { device });
    // One alert per crossing: the device must come back to the threshold before the next.
    if (celsius > alertAbove && !state.hot) {
      alerts++;
      await node.sendOutput("alert", { device, celsius, threshold: alertAbove, ts }, { device });
    }
    state.hot = celsius > alertAbove;
  }
}
console.log(`averaged ${readings} readings from ${devices.size} devices (${skipped} without a temperature), ${alerts} alerts`);
