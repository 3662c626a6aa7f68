import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { channelSink, countingChain, countingFiles } from "./helpers/counting-nodes.js";
import { tempDataflow } from "./helpers/temp-dataflow.js";

// transports/zeromq/README.md: `kind: zeromq` through the CLI, over ipc:// (the default) and tcp.

const COUNT = 200;

/** Prints the kind and endpoint scheme of its input's channel, then every number it gets. */
const SINK = channelSink('connection.endpoint.split(":")[0]');

/** timer -> source -> middle -> sink, every edge on the dataflow's default transport. */
const dataflow = (head: string): string => countingChain(head, { middle: "{ source: source/n, queue_size: 4, queue_policy: backpressure }", sink: "middle/m" });
const files = (yml: string): Record<string, string> => countingFiles(yml, COUNT, SINK);

describe("the zeromq transport in a run", () => {
  for (const [label, head, scheme] of [
    ["ipc, with no options", "transport: zeromq\n", "ipc"],
    ["tcp on the loopback interface", "transports:\n  net: { kind: zeromq, protocol: tcp, bind: 127.0.0.1 }\ntransport: net\n", "tcp"],
  ] as const) {
    it(`${label}: every message of timer -> node -> node arrives, in order`, async () => {
      const dir = tempDataflow(files(dataflow(head)), { packages: true });
      const run = await runCli(["run", join(dir, "dataflow.yml")]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`[sink] over zeromq ${scheme}\n`);
      const got = run.stdout.split("\n").filter((line) => line.startsWith("[sink] got "));
      expect(got).toEqual(Array.from({ length: COUNT }, (_, i) => `[sink] got ${i * 10}`));
    });
  }

  it("check refuses bad zeromq options with their line and a suggestion, as run does", async () => {
    const yml = dataflow("transports:\n  net: { kind: zeromq, protocl: tcp, port: 70000 }\ntransport: net\n");
    const dir = tempDataflow(files(yml), { packages: true });
    for (const command of ["check", "run"]) {
      const result = await runCli([command, join(dir, "dataflow.yml")]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/dataflow\.yml:2:\d+: transports\.net\.protocl: unknown option 'protocl'.*did you mean 'protocol'/);
      expect(result.stderr).toMatch(/dataflow\.yml:2:\d+: transports\.net\.port: port applies to protocol: tcp only/);
    }
  });
});
