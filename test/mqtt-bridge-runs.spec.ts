import { readFileSync } from "node:fs";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Broker, startMosquitto } from "@rivulet/test-brokers";
import { ROOT, eventually, runCli, startCli } from "./helpers/cli.js";
import { tempDataflow } from "./helpers/temp-dataflow.js";

// README "Bridging to MQTT devices" and docs/mqtt-bridge.md: rivulet/mqtt-bridge through the
// CLI, against a real mosquitto, with a plain MQTT client as the devices.

/** Prints each reading with its metadata; sends an alert (metadata `device`) above 30 degrees. */
const MONITOR = `import { Node } from "@rivulet/node";
const node = new Node();
for await (const event of node) {
  if (event.type !== "INPUT") continue;
  const [r] = event.rows();
  console.log("reading " + JSON.stringify(r) + " " + JSON.stringify(event.metadata.parameters));
  if (r.celsius > 30) await node.sendOutput("alert", { device: r.device, celsius: r.celsius }, { device: r.device });
}
`;

const dataflow = (url: string, extra = ""): string => `nodes:
  - id: devices
    path: rivulet/mqtt-bridge
    outputs: [readings]
    inputs:
      alerts: monitor/alert
    config:
      url: ${url}
      reconnect_max_ms: 500
      availability: { topic: site/bridge/state }
      subscribe:
        - topic: sensors/+/temperature
          output: readings
          captures: [device]
          schema: { device: utf8, celsius: float64 }${extra}
      publish:
        - input: alerts
          topic: alerts/{device}
  - id: monitor
    path: monitor.mjs
    inputs:
      readings: devices/readings
    outputs: [alert]
`;

let broker: Broker;
const clients: MqttClient[] = [];
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.close();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
});

/** A plain MQTT client (a device, or an outside tool), recording `topic payload` of what it receives. */
async function device(filters: string[] = []): Promise<{ client: MqttClient; got: string[] }> {
  const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 200 });
  clients.push(client);
  const got: string[] = [];
  client.on("message", (topic, payload) => got.push(`${topic} ${payload.toString()}`));
  if (filters.length > 0) await client.subscribeAsync(filters, { qos: 1 });
  return { client, got };
}

describe("rivulet/mqtt-bridge in a run", () => {
  it("bridges device readings in and alerts out, announces itself online then offline, and counts a malformed payload", async () => {
    const dir = tempDataflow({ "dataflow.yml": dataflow(broker.url), "monitor.mjs": MONITOR }, { packages: true });
    const outside = await device(["alerts/#", "site/bridge/state"]);
    const run = startCli(["run", join(dir, "dataflow.yml")]);
    await eventually(() => outside.got.includes("site/bridge/state online"), 20_000, "the bridge's online announcement");
    const sensor = await device();
    for (const [name, celsius] of [["dev-1", 28], ["dev-2", 31]] as const) {
      await sensor.client.publishAsync(`sensors/${name}/temperature`, JSON.stringify({ device: name, celsius, extra: "ignored" }), { qos: 1 });
    }
    await sensor.client.publishAsync("sensors/dev-9/temperature", "not json", { qos: 1 });
    await sensor.client.publishAsync("sensors/dev-3/temperature", JSON.stringify({ device: "dev-3", celsius: 35.5 }), { qos: 1 });
    await eventually(() => outside.got.filter((m) => m.startsWith("alerts/")).length === 2, 10_000, "two alerts");
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('[monitor] reading {"device":"dev-1","celsius":28} {"mqtt_topic":"sensors/dev-1/temperature","mqtt_qos":1,"mqtt_retain":false,"device":"dev-1"}');
    expect(outside.got.filter((m) => m.startsWith("alerts/"))).toEqual(['alerts/dev-2 {"device":"dev-2","celsius":31}', 'alerts/dev-3 {"device":"dev-3","celsius":35.5}']);
    expect(result.stdout + result.stderr).toMatch(/\[devices\] WARN .*sensors\/dev-9\/temperature is not valid JSON/);
    expect(result.stdout).toMatch(/\[devices\] INFO mqtt bridge: closed \{"received":4,"forwarded":3,"malformed":1,"published":2,/);
    await eventually(() => outside.got.at(-1) === "site/bridge/state offline", 5_000, "the bridge's offline announcement");
  });

  it("waits for a broker that is down at start, then bridges; after a broker restart it resubscribes", async () => {
    await broker.stop();
    const dir = tempDataflow({ "dataflow.yml": dataflow(broker.url), "monitor.mjs": MONITOR }, { packages: true });
    const run = startCli(["run", join(dir, "dataflow.yml")]);
    try {
      await eventually(() => /broker .*not reachable|cannot reach|unreachable/i.test(run.output()), 20_000, "the bridge saying the broker is not reachable");
      await broker.start();
      await eventually(() => run.output().includes("mqtt bridge: connected"), 20_000, "the bridge connecting");
      const sensor = await device();
      await sensor.client.publishAsync("sensors/dev-1/temperature", JSON.stringify({ device: "dev-1", celsius: 20 }), { qos: 1 });
      await eventually(() => run.output().includes('[monitor] reading {"device":"dev-1","celsius":20}'), 10_000, "the first reading");
      await broker.restart();
      await eventually(() => (run.output().match(/mqtt bridge: connected/g) ?? []).length >= 2 || /reconnected/.test(run.output()), 20_000, "the bridge reconnecting");
      await eventually(() => sensor.client.connected, 10_000, "the device reconnecting");
      await sensor.client.publishAsync("sensors/dev-2/temperature", JSON.stringify({ device: "dev-2", celsius: 21 }), { qos: 1 });
      await eventually(() => run.output().includes('[monitor] reading {"device":"dev-2","celsius":21}'), 10_000, "a reading after the restart");
    } finally {
      run.child.kill("SIGINT");
    }
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
  });

  it("check and run refuse a bad config alike, each problem at its line and column", async () => {
    const yml = dataflow(broker.url, "\n          qos: 3\n          codec: jsn").replace("output: readings", "output: reading");
    const dir = tempDataflow({ "dataflow.yml": yml, "monitor.mjs": MONITOR }, { packages: true });
    for (const command of ["check", "run"]) {
      const result = await runCli([command, join(dir, "dataflow.yml")]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("dataflow.yml:4:15: nodes[0].outputs[0] (node 'devices'): output 'readings' of mqtt bridge 'devices' has no subscribe entry");
      expect(result.stderr).toMatch(/dataflow\.yml:13:11: nodes\[0\]\.config\.subscribe\[0\]\.output .*output 'reading' is not declared.*did you mean 'readings'/);
      expect(result.stderr).toMatch(/dataflow\.yml:16:11: nodes\[0\]\.config\.subscribe\[0\]\.qos .*qos must be 0, 1 or 2, not 3/);
      expect(result.stderr).toMatch(/dataflow\.yml:17:11: nodes\[0\]\.config\.subscribe\[0\]\.codec .*did you mean 'json'/);
      expect(result.stderr).not.toContain("[devices]"); // nothing started
    }
  });

  it("the README's section, pasted (its YAML and monitor.ts; only the broker's URL changed), bridges a reading in and its alert out", async () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Bridging to MQTT devices"));
    const yml = /```yaml\n([\s\S]*?)```/.exec(section)![1]!.replace("mqtt://127.0.0.1:1883", broker.url);
    const monitor = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    const dir = tempDataflow({ "dataflow.yml": yml, "monitor.ts": monitor, "package.json": JSON.stringify({ type: "module", private: true }) }, { packages: true });
    const outside = await device(["alerts/#", "bridges/devices/availability"]);
    const run = startCli(["run", join(dir, "dataflow.yml")]);
    try {
      await eventually(() => outside.got.includes("bridges/devices/availability online"), 20_000, "the bridge's online announcement");
      const sensor = await device();
      await sensor.client.publishAsync("sensors/porch/temperature", JSON.stringify({ celsius: 33 }), { qos: 1 });
      await eventually(() => outside.got.includes('alerts/porch {"device":"porch","celsius":33}'), 10_000, "the alert on alerts/porch");
    } finally {
      run.child.kill("SIGINT");
    }
    expect((await run.done).code).toBe(0);
  });

  it("runs a file of yours under a folder named rivulet when written ./rivulet/...", async () => {
    const yml = "nodes:\n  - id: mine\n    path: ./rivulet/mine.mjs\n";
    const dir = tempDataflow({ "dataflow.yml": yml, "rivulet/mine.mjs": 'import { Node } from "@rivulet/node";\nnew Node();\nconsole.log("my own rivulet file");\n' }, { packages: true });
    const result = await runCli(["run", join(dir, "dataflow.yml")]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("[mine] my own rivulet file");
  });
});
