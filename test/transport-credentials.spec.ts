import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Broker, startMosquitto, startNats } from "@rivulet/test-brokers";
import { runCli } from "./helpers/cli.js";
import { RECEIVER, tempDataflow } from "./helpers/temp-dataflow.js";

// Issue 9: broker credentials never travel in environment variables that child processes inherit
// or other processes of the same user read (/proc/<pid>/environ). A transport's options reach the
// node over the control socket at registration; RIVULET_NODE_CONFIG carries kinds only.

const SECRET = "hunter2-do-not-leak";

/** A unix wrapper taking a `password` option, which create() keeps where the node can look. */
const WITH_PASSWORD = `import { unix } from "@rivulet/transport-unix";
export default () => ({
  ...unix(),
  kind: "with-password",
  validate: (options) => Object.keys(options).filter((key) => key !== "password").map((key) => ({ path: [key], message: "unknown option" })),
  plan: ({ options, ...request }) => unix().plan({ ...request, options: {} }),
  create: (init) => {
    globalThis.transportPassword = init.options?.password;
    return unix().create({ ...init, options: {} });
  },
});
`;

/** Sends one number, then says what its transport got and what its environment and descriptor hold. */
const SENDER = `import { Node } from "@rivulet/node";
const node = new Node();
await node.sendOutput("out", [1]);
const environ = Object.values(process.env).join("\\n");
console.log("transport got", globalThis.transportPassword);
console.log("environment has it", environ.includes(${JSON.stringify(SECRET)}));
console.log("descriptor has it", JSON.stringify(node.dataflowDescriptor()).includes(${JSON.stringify(SECRET)}));
console.log("descriptor transports", JSON.stringify(node.dataflowDescriptor().transports));
`;

describe("transport options with credentials", () => {
  it("reach the node's transport over the control socket, and are in neither its environment nor its descriptor", async () => {
    const yml = `transports:\n  secured: { kind: ./with-password.mjs, password: ${SECRET} }\nnodes:\n  - id: s\n    path: s.mjs\n    outputs: [out]\n    transport: secured\n  - id: r\n    path: r.mjs\n    inputs:\n      a: s/out\n`;
    const dir = tempDataflow({ "dataflow.yml": yml, "with-password.mjs": WITH_PASSWORD, "package.json": '{ "type": "module" }\n', "s.mjs": SENDER, "r.mjs": RECEIVER }, { packages: true });
    const result = await runCli(["run", join(dir, "dataflow.yml")]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("[r] got 1");
    expect(result.stdout).toContain(`[s] transport got ${SECRET}`);
    expect(result.stdout).toContain("[s] environment has it false");
    expect(result.stdout).toContain("[s] descriptor has it false");
    expect(result.stdout).toContain('[s] descriptor transports {"secured":{"kind":"./with-password.mjs"}}');
  });
});

// README "Transports" (nats `tls`, mqtt `mqtts://` with ca_file, cert_file, key_file): runs over
// real TLS brokers whose throwaway CA @rivulet/test-brokers made, and the refusals when the
// certificates do not fit.

const COUNT = 300;
const COUNTER = `import { Node } from "@rivulet/node";
const node = new Node();
for (let i = 0; i < ${COUNT}; i++) await node.sendOutput("out", [i]);
`;
const CHECKER = `import { Node } from "@rivulet/node";
const node = new Node();
const got = [];
for await (const event of node) if (event.type === "INPUT") got.push(event.value.toArray()[0]);
console.log("got", got.length, got.every((v, i) => v === i) ? "in-order" : "out-of-order");
`;

/** s -> r over the transport `bus` given as YAML flow map. */
function tlsDataflow(bus: string): string {
  const yml = `transports:\n  bus: ${bus}\nnodes:\n  - id: s\n    path: s.mjs\n    outputs: [out]\n  - id: r\n    path: r.mjs\n    inputs:\n      a: { source: s/out, transport: bus, queue_size: 1000 }\n`;
  const dir = tempDataflow({ "dataflow.yml": yml, "package.json": '{ "type": "module" }\n', "s.mjs": COUNTER, "r.mjs": CHECKER }, { packages: true });
  return join(dir, "dataflow.yml");
}

let nats: Broker;
let mosquitto: Broker;
beforeAll(async () => {
  [nats, mosquitto] = await Promise.all([startNats({ jetstream: false, tls: true }), startMosquitto({ tls: { clientCerts: true } })]);
}, 30_000);
afterAll(() => Promise.all([nats?.close(), mosquitto?.close()]));

describe("transports over TLS through the CLI", () => {
  it("nats: servers tls://127.0.0.1:<port> with tls.ca_file carries every message in order", async () => {
    const run = await runCli(["run", tlsDataflow(`{ kind: nats, servers: "${nats.url}", tls: { ca_file: "${nats.tls!.caFile}" } }`)]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`[r] got ${COUNT} in-order`);
  });

  it("mqtt: mqtts:// with ca_file and the client certificate the broker demands carries every message in order", async () => {
    const { caFile, certFile, keyFile } = mosquitto.tls!;
    const run = await runCli(["run", tlsDataflow(`{ kind: mqtt, url: "${mosquitto.url}", ca_file: "${caFile}", cert_file: "${certFile}", key_file: "${keyFile}" }`)]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`[r] got ${COUNT} in-order`);
  });

  // Each refusal comes from planning, before any node starts (so none is left behind), within
  // a few seconds: the CLI is killed after 15 s, which the exit code would show.
  it("nats: a TLS server without ca_file fails the run, naming the transport, channel, URL and TLS reason", async () => {
    const run = await runCli(["run", tlsDataflow(`{ kind: nats, servers: "${nats.url}" }`)], { timeoutMs: 15_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`nats transport: TLS with the server at ${nats.url} failed (channels s/out): unable to verify the first certificate; set tls.ca_file`);
    expect(run.stdout).not.toContain("[r] got");
  });

  it("mqtt: a broker demanding a client certificate, given none, fails the run with the TLS reason", async () => {
    const run = await runCli(["run", tlsDataflow(`{ kind: mqtt, url: "${mosquitto.url}", ca_file: "${mosquitto.tls!.caFile}" }`)], { timeoutMs: 15_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`mqtt transport: TLS with the broker at ${mosquitto.url} failed (for s/out): tlsv13 alert certificate required; the broker wants a client certificate`);
  });

  it("a ca_file that does not exist fails the run naming the option and the path", async () => {
    const nats = await runCli(["run", tlsDataflow(`{ kind: nats, servers: "tls://127.0.0.1:1", tls: { ca_file: /nonexistent/ca.pem } }`)], { timeoutMs: 15_000 });
    expect(nats.code).toBe(1);
    expect(nats.stderr).toContain("nats transport: cannot read tls.ca_file file /nonexistent/ca.pem (ENOENT");
    const mqtt = await runCli(["run", tlsDataflow(`{ kind: mqtt, url: "mqtts://127.0.0.1:1", ca_file: /nonexistent/ca.pem }`)], { timeoutMs: 15_000 });
    expect(mqtt.code).toBe(1);
    expect(mqtt.stderr).toContain("mqtt transport: cannot read ca_file /nonexistent/ca.pem (ENOENT");
  });
});
