import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Broker, startMosquitto } from "@rivulet/test-brokers";
import { runCli } from "./helpers/cli.js";
import { channelSink, countingChain, countingFiles } from "./helpers/counting-nodes.js";
import { tempDataflow } from "./helpers/temp-dataflow.js";

// transports/mqtt/README.md: `kind: mqtt` through the CLI, against a real mosquitto.

const COUNT = 200;

/** Prints the kind and topic of its input's channel, then every number it gets. */
const SINK = channelSink('connection.topic');

/** timer -> source -> middle -> sink, every edge on the dataflow's default transport. */
const dataflow = (head: string): string => countingChain(head, { middle: "{ source: source/n, queue_size: 1000 }", sink: "{ source: middle/m, queue_size: 1000 }" });
const files = (yml: string): Record<string, string> => countingFiles(yml, COUNT, SINK);

let broker: Broker;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.close();
});

describe("the mqtt transport in a run", () => {
  it("every message of timer -> node -> node arrives, in order, on topics under the dataflow's name", async () => {
    const dir = tempDataflow(files(dataflow(`transports:\n  broker: { kind: mqtt, url: "${broker.url}", qos: 1 }\ntransport: broker\n`)), { packages: true });
    const run = await runCli(["run", join(dir, "dataflow.yml")]);
    expect(run.code, run.stderr).toBe(0);
    // The folder of dataflow.yml names the dataflow: the prefix is the same every run.
    const name = dir.split("/").at(-1)!.replace(/[^A-Za-z0-9_.-]/g, "_");
    expect(run.stdout).toContain(`[sink] over mqtt rivulet/${name}/middle/m\n`);
    const got = run.stdout.split("\n").filter((line) => line.startsWith("[sink] got "));
    expect(got).toEqual(Array.from({ length: COUNT }, (_, i) => `[sink] got ${i * 10}`));
  });

  it("check refuses bad mqtt options with their line and a suggestion, as run does", async () => {
    const yml = dataflow(`transports:\n  broker: { kind: mqtt, url: "${broker.url}", qso: 1, clean_session: "no" }\ntransport: broker\n`);
    const dir = tempDataflow(files(yml), { packages: true });
    for (const command of ["check", "run"]) {
      const result = await runCli([command, join(dir, "dataflow.yml")]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/dataflow\.yml:2:\d+: transports\.broker\.qso: unknown option 'qso'.*did you mean 'qos'/);
      expect(result.stderr).toMatch(/dataflow\.yml:2:\d+: transports\.broker\.clean_session: clean_session must be true or false/);
    }
  });
});
