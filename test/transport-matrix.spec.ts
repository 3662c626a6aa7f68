import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Broker, startMosquitto, startNats } from "@rivulet/test-brokers";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { runCli } from "./helpers/cli.js";
import { EXAMPLE_CHECKS, example } from "./helpers/example-checks.js";

// The transport's promise: changing only `transport:` in the YAML moves a dataflow to another
// transport with the same node code. Every example runs over every transport here, and must
// print exactly what its own test expects.

/** A transport for the matrix: its name in the YAML, and its entry under `transports:` if it needs one. */
interface MatrixTransport {
  name: string;
  definition?: () => string;
}

// Real brokers on free ports, for the transports that need one.
let nats: Broker | undefined;
let mosquitto: Broker | undefined;
beforeAll(async () => {
  [nats, mosquitto] = await Promise.all([startNats({ jetstream: false }), startMosquitto({ extraConfig: ["max_queued_messages 10000"] })]);
});
afterAll(() => Promise.all([nats?.close(), mosquitto?.close()]));

const TRANSPORTS: MatrixTransport[] = [
  { name: "shm" },
  { name: "zeromq" },
  { name: "tcp", definition: () => "{ kind: zeromq, protocol: tcp }" },
  { name: "bus", definition: () => `{ kind: nats, servers: "${nats!.url}" }` },
  { name: "devices", definition: () => `{ kind: mqtt, url: "${mosquitto!.url}" }` },
];

let counter = 0;

/**
 * The example's dataflow with its edges moved to `transport`: a node-level `transport:` (the
 * example picked one) now names it, else a dataflow-level `transport:` does; its definition, if
 * any, joins `transports:`. Written beside the original (node paths are relative to it) and
 * removed after the test.
 */
function overTransport(name: string, transport: MatrixTransport): string {
  let yml = readFileSync(example(name), "utf8");
  const nodeLevel = /^(\s+transport:) \S+$/m;
  yml = nodeLevel.test(yml) ? yml.replace(nodeLevel, `$1 ${transport.name}`) : `transport: ${transport.name}\n${yml}`;
  if (transport.definition) {
    const entry = `  ${transport.name}: ${transport.definition()}`;
    yml = /^transports:$/m.test(yml) ? yml.replace(/^transports:$/m, `transports:\n${entry}`) : `transports:\n${entry}\n${yml}`;
  }
  const file = join(dirname(example(name)), `.matrix-${transport.name}-${process.pid}-${counter++}.yml`);
  writeFileSync(file, yml);
  onTestFinished(() => rmSync(file, { force: true }));
  return file;
}

for (const transport of TRANSPORTS) {
  describe(`every example over ${transport.name}`, () => {
    for (const [name, { title, check }] of Object.entries(EXAMPLE_CHECKS)) {
      it(`${name}: ${title}`, async () => {
        const file = overTransport(name, transport);
        // Every edge between nodes goes through the transport (timer ticks come over the control
        // socket; an edge between operators of one runtime stays in its process).
        const graph = await runCli(["graph", file]);
        const edges = graph.stdout.split("\n").filter((line) => line.includes("-->") && !line.trim().startsWith("t_") && !line.includes("(in-process)"));
        expect(edges.length).toBeGreaterThan(0);
        for (const edge of edges) expect(edge).toContain(`(${transport.name})`);
        check(await runCli(["run", file]));
      });
    }
  });
}
