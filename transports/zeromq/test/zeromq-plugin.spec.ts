import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChannelRequest, Json, PlannedChannel } from "@rivulet/core";
import { type ZeromqConnection, zeromq } from "../src/index.js";

const channels = (n: number): ChannelRequest[] => Array.from({ length: n }, (_, i) => ({ channel: `a/out${i}`, producer: "a", output: `out${i}`, subscribers: ["b", "c"] }));

let runDir: string;
beforeEach(async () => {
  runDir = await mkdtemp(join(tmpdir(), "rvl-zmq-"));
});
afterEach(() => rm(runDir, { recursive: true, force: true }));

const plan = (options: Record<string, Json>, n = 2, dir = runDir): Promise<PlannedChannel[]> => Promise.resolve(zeromq().plan({ dataflowId: "df", runDir: dir, options, channels: channels(n) }));
const connectionOf = (channel: PlannedChannel): ZeromqConnection => channel.connection as unknown as ZeromqConnection;

describe("zeromq plan", () => {
  it("with no options, plans one ipc:// endpoint per channel in the run folder, with its own secret and subscribers", async () => {
    const planned = await plan({});
    expect(planned.map((c) => [c.channel, c.kind])).toEqual([
      ["a/out0", "zeromq"],
      ["a/out1", "zeromq"],
    ]);
    const [first, second] = planned.map(connectionOf);
    expect(first!.bind).toBe(`ipc://${join(runDir, "z0.ipc")}`);
    expect(first!.endpoint).toBe(first!.bind);
    expect(second!.endpoint).toBe(`ipc://${join(runDir, "z1.ipc")}`);
    expect(first!.secret).not.toBe(second!.secret);
    expect(first!.subscribers).toEqual(["b", "c"]);
    expect([first!.heartbeatIntervalMs, first!.heartbeatTimeoutMs]).toEqual([1000, 5000]);
  });

  it("refuses a run folder too deep for an ipc path by name", async () => {
    const deep = join(runDir, "x".repeat(100));
    await expect(plan({}, 1, deep)).rejects.toMatchObject({ name: "SocketPathTooLongError", channel: "a/out0" });
  });

  it("with protocol tcp, picks distinct free ports on the bind address and connects subscribers there", async () => {
    const planned = (await plan({ protocol: "tcp", bind: "127.0.0.1" }, 3)).map(connectionOf);
    const ports = planned.map((c) => Number(/:(\d+)$/.exec(c.endpoint)![1]));
    expect(new Set(ports).size).toBe(3);
    for (const [i, c] of planned.entries()) {
      expect(c.bind).toBe(`tcp://127.0.0.1:${ports[i]}`);
      expect(c.endpoint).toBe(`tcp://127.0.0.1:${ports[i]}`);
    }
  });

  it("with a fixed port, gives channel i port + i; subscribers connect to `connect`", async () => {
    const planned = (await plan({ protocol: "tcp", bind: "0.0.0.0", connect: "camera-host.local", port: 45000, heartbeat_interval_ms: 200, heartbeat_timeout_ms: 900 })).map(connectionOf);
    expect(planned.map((c) => [c.bind, c.endpoint])).toEqual([
      ["tcp://0.0.0.0:45000", "tcp://camera-host.local:45000"],
      ["tcp://0.0.0.0:45001", "tcp://camera-host.local:45001"],
    ]);
    expect([planned[0]!.heartbeatIntervalMs, planned[0]!.heartbeatTimeoutMs]).toEqual([200, 900]);
  });

  it("refuses a fixed port without room for every channel", async () => {
    await expect(plan({ protocol: "tcp", port: 65535 }, 2)).rejects.toMatchObject({ name: "ZeromqPortRangeError", port: 65535, channels: 2 });
  });

  it("refuses to pick ports on an address that is not this machine's", async () => {
    await expect(plan({ protocol: "tcp", bind: "192.0.2.1" }, 1)).rejects.toMatchObject({ name: "ZeromqPortPickError", bind: "192.0.2.1" });
  });
});

describe("zeromq options", () => {
  const validate = (options: Record<string, Json>) => zeromq().validate!(options);

  it("takes no options, ipc, and the tcp ones", () => {
    expect(validate({})).toEqual([]);
    expect(validate({ protocol: "ipc", heartbeat_interval_ms: 500 })).toEqual([]);
    expect(validate({ protocol: "tcp", bind: "::", connect: "10.0.0.7", port: "auto", heartbeat_timeout_ms: 3000 })).toEqual([]);
  });

  it("names unknown keys and misspelt values with a suggestion", () => {
    expect(validate({ protocl: "tcp" })).toEqual([expect.objectContaining({ path: ["protocl"], suggestion: "protocol" })]);
    expect(validate({ protocol: "tcpp" })).toEqual([expect.objectContaining({ path: ["protocol"], suggestion: "tcp" })]);
    expect(validate({ protocol: "tcp", port: "autp" })).toEqual([expect.objectContaining({ path: ["port"], suggestion: "auto" })]);
  });

  it("refuses bad values, and tcp options without protocol tcp", () => {
    const paths = (options: Record<string, Json>) => validate(options).map((issue) => issue.path.join("."));
    expect(paths({ protocol: "tcp", bind: "example.com", connect: "0.0.0.0", port: 0, heartbeat_interval_ms: -1, heartbeat_timeout_ms: 1.5 })).toEqual([
      "bind",
      "connect",
      "port",
      "heartbeat_interval_ms",
      "heartbeat_timeout_ms",
    ]);
    expect(paths({ bind: "127.0.0.1", port: 5000 })).toEqual(["bind", "port"]);
    expect(validate({ port: 5000 })[0]!.message).toMatch(/protocol: tcp only/);
  });

  it("plan refuses what validate refuses, with the same issues", async () => {
    const options = { protocol: "tcp", prot: 1 };
    await expect(plan(options)).rejects.toMatchObject({ name: "InvalidTransportOptionsError", kind: "zeromq", issues: validate(options) });
  });
});
