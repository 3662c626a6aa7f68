import { join } from "node:path";
import { type Broker, startMosquitto, startNats } from "@rivulet/test-brokers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { tempDataflow } from "./helpers/temp-dataflow.js";

// One dataflow mixing transports, edge by edge: a timer drives a source, and each hop of a chain
// of relays goes through another transport (the brokers are real, started on free ports). Every message must reach the end intact and in
// order: payloads from 1 KB to ~200 KB, so shared memory carries both inline frames and slots.

const COUNT = 120;

/** Byte i of message n, so a frame's every byte can be checked. */
const PATTERN = "const expected = (n, i) => (n * 31 + i) & 0xff;\nconst sizeOf = (n) => 1000 + ((n * 7919) % 200_000);\n";

/** Sends COUNT patterned payloads, one per tick, each with its number as a parameter. */
const SOURCE = `import { Node } from "@rivulet/node";
${PATTERN}const node = new Node();
let n = 0;
for await (const event of node) {
  if (event.type !== "INPUT") continue;
  const bytes = new Uint8Array(sizeOf(n));
  for (let i = 0; i < bytes.length; i++) bytes[i] = expected(n, i);
  await node.sendOutput("out", bytes, { n });
  if (++n === ${COUNT}) break;
}
`;
/** Forwards each payload and its number unchanged. */
const RELAY = `import { Node } from "@rivulet/node";
const node = new Node();
for await (const event of node) if (event.type === "INPUT") await node.sendOutput("out", event.data, { n: event.metadata.parameters.n });
`;
/** Checks every byte of every payload and the order, and prints a summary at the end. */
const SINK = `import { Node } from "@rivulet/node";
${PATTERN}const node = new Node();
let got = 0, corrupt = 0, outOfOrder = 0, last = -1;
for await (const event of node) {
  if (event.type === "INPUT") {
    const n = event.metadata.parameters.n;
    const data = event.data;
    let ok = data.length === sizeOf(n);
    for (let i = 0; ok && i < data.length; i++) ok = data[i] === expected(n, i);
    if (!ok) corrupt++;
    if (n !== last + 1) outOfOrder++;
    last = n;
    got++;
  } else if (event.type === "INPUT_CLOSED") {
    console.log(\`got \${got}, corrupt \${corrupt}, out of order \${outOfOrder}, last \${last}\`);
  }
}
`;

/**
 * A hop of the chain: the transport its edge uses (a name in `transports:` or a kind), its
 * definition if any, and whether it can apply backpressure (broker transports cannot: their
 * inputs keep a queue long enough that nothing is dropped).
 */
interface Hop {
  transport: string;
  definition?: string;
  noFlowControl?: boolean;
}

/** timer -> source -> relay_1 -> ... -> sink, hop i on hops[i].transport. */
function chain(hops: Hop[]): string {
  const defined = hops.filter((hop) => hop.definition);
  let yml = defined.length > 0 ? `transports:\n${defined.map((hop) => `  ${hop.transport}: ${hop.definition}\n`).join("")}` : "";
  yml += "nodes:\n  - id: source\n    path: source.mjs\n    inputs:\n      tick: dora/timer/millis/5\n    outputs: [out]\n";
  hops.forEach((hop, i) => {
    const from = i === 0 ? "source" : `relay_${i}`;
    const to = i === hops.length - 1 ? "sink" : `relay_${i + 1}`;
    const queue = hop.noFlowControl ? `queue_size: ${COUNT}, queue_policy: drop_oldest` : "queue_size: 4, queue_policy: backpressure";
    yml += `  - id: ${to}\n    path: ${to === "sink" ? "sink" : "relay"}.mjs\n    inputs:\n      in: { source: ${from}/out, transport: ${hop.transport}, ${queue} }\n`;
    if (to !== "sink") yml += "    outputs: [out]\n";
  });
  return yml;
}

const brokers: Broker[] = [];
beforeAll(async () => {
  brokers.push(await startNats({ jetstream: false }), await startMosquitto({ extraConfig: ["max_queued_messages 10000"] }));
});
afterAll(() => Promise.all(brokers.map((broker) => broker.close())));

describe("a dataflow that mixes transports", () => {
  it("carries every message intact and in order through unix, shm, nats, mqtt and zeromq (ipc and tcp) hops", async () => {
    const [nats, mosquitto] = brokers as [Broker, Broker];
    const hops: Hop[] = [
      { transport: "unix" },
      { transport: "frames", definition: "{ kind: shm, slots: 4, slot_size: 256 KiB }" },
      { transport: "bus", definition: `{ kind: nats, servers: "${nats.url}" }`, noFlowControl: true },
      { transport: "devices", definition: `{ kind: mqtt, url: "${mosquitto.url}", qos: 1 }`, noFlowControl: true },
      { transport: "zeromq" },
      { transport: "net", definition: "{ kind: zeromq, protocol: tcp }" },
      { transport: "unix" },
    ];
    const dir = tempDataflow(
      { "dataflow.yml": chain(hops), "package.json": '{ "type": "module" }\n', "source.mjs": SOURCE, "relay.mjs": RELAY, "sink.mjs": SINK },
      { packages: true },
    );
    const graph = await runCli(["graph", join(dir, "dataflow.yml")]);
    // The graph names each edge's transport (an edge on the default, unix, carries no name).
    const labels = [...graph.stdout.matchAll(/-- "out -> (in[^"]*)" -->/g)].map((m) => m[1]);
    expect(labels).toEqual(hops.map((hop) => (hop.transport === "unix" ? "in" : `in (${hop.transport})`)));
    const result = await runCli(["run", join(dir, "dataflow.yml")]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`[sink] got ${COUNT}, corrupt 0, out of order 0, last ${COUNT - 1}`);
  });
});
