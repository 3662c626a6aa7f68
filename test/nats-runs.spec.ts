import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { type Broker, startNats } from "@rivulet/test-brokers";
import { runCli } from "./helpers/cli.js";
import { tempDataflow } from "./helpers/temp-dataflow.js";

// README "Transports" (nats): a named nats transport carries an edge through a real nats-server.

const COUNT = 500;
const SENDER = `import { Node } from "@rivulet/node";
const node = new Node();
for (let i = 0; i < ${COUNT}; i++) await node.sendOutput("out", [i]);
`;
const RECEIVER = `import { Node } from "@rivulet/node";
const node = new Node();
const got = [];
for await (const event of node) if (event.type === "INPUT") got.push([...event.value][0]);
console.log("got", got.length, got.every((v, i) => v === i) ? "in-order" : "out-of-order", JSON.stringify(node.stats().inputs.a));
`;
const nodes = (input: string): string => `nodes:\n  - id: s\n    path: s.ts\n    outputs: [out]\n  - id: r\n    path: r.ts\n    inputs:\n      ${input}\n`;

let broker: Broker;
let withJetStream: Broker;
beforeAll(async () => {
  [broker, withJetStream] = await Promise.all([startNats({ jetstream: false }), startNats({ jetstream: true })]);
}, 30_000);
afterAll(() => Promise.all([broker?.close(), withJetStream?.close()]));

describe("the nats transport in a run", () => {
  it("a named nats transport delivers every message, in order, through a real nats-server", async () => {
    const yml = `transports:\n  bus: { kind: nats, servers: ${broker.url} }\n${nodes("a: { source: s/out, transport: bus, queue_size: 1000 }")}`;
    const dir = tempDataflow({ "dataflow.yml": yml, "package.json": '{ "type": "module" }\n', "s.ts": SENDER, "r.ts": RECEIVER }, { packages: true });
    const run = await runCli(["run", join(dir, "dataflow.yml")]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`[r] got ${COUNT} in-order {"received":${COUNT},"dropped":0,`);
  });

  it("jetstream: true delivers every message, in order, through JetStream streams, and leaves no stream behind", async () => {
    const yml = `transports:\n  bus: { kind: nats, servers: ${withJetStream.url}, jetstream: true }\n${nodes("a: { source: s/out, transport: bus, queue_size: 1000 }")}`;
    const dir = tempDataflow({ "dataflow.yml": yml, "package.json": '{ "type": "module" }\n', "s.ts": SENDER, "r.ts": RECEIVER }, { packages: true });
    const run = await runCli(["run", join(dir, "dataflow.yml")]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`[r] got ${COUNT} in-order {"received":${COUNT},"dropped":0,`);
    const nc = await connect({ servers: withJetStream.url });
    try {
      const streams: string[] = [];
      for await (const name of (await jetstreamManager(nc)).streams.names()) streams.push(name);
      expect(streams).toEqual([]);
    } finally {
      await nc.close();
    }
  });

  it("jetstream: true against a server without JetStream fails the run at once, naming the server", async () => {
    const yml = `transports:\n  bus: { kind: nats, servers: ${broker.url}, jetstream: true }\n${nodes("a: { source: s/out, transport: bus }")}`;
    const dir = tempDataflow({ "dataflow.yml": yml, "package.json": '{ "type": "module" }\n', "s.ts": SENDER, "r.ts": RECEIVER }, { packages: true });
    const run = await runCli(["run", join(dir, "dataflow.yml")]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`JetStream is not enabled on ${broker.url}`);
    expect(run.stderr).toContain("s/out");
  });

  it("check refuses a bad nats option with its line and a did-you-mean", async () => {
    const bad = `transports:\n  bus: { kind: nats, servers: ${broker.url}, heartbeat_mss: 100 }\n${nodes("a: { source: s/out, transport: bus }")}`;
    const dir = tempDataflow({ "dataflow.yml": bad, "package.json": '{ "type": "module" }\n', "s.ts": SENDER, "r.ts": RECEIVER }, { packages: true });
    const result = await runCli(["check", join(dir, "dataflow.yml")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/dataflow\.yml:2:\d+: transports\.bus\.heartbeat_mss: unknown option 'heartbeat_mss'.*did you mean 'heartbeat_ms'/);
  });
});
