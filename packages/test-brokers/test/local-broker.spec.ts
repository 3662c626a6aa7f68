import { stat } from "node:fs/promises";
import { type Server, connect, createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type Broker, type BrokerInit, BrokerBinaryMissingError, BrokerClosedError, BrokerStartError, freePort, startMosquitto, startNats } from "../src/index.js";
import { MAX_PORT_ATTEMPTS } from "../src/local-broker.js";
import { startMosquittoWith } from "../src/mosquitto.js";
import { startNatsWith } from "../src/nats.js";

const brokers: Broker[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(brokers.splice(0).map((broker) => broker.close()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function kept(broker: Promise<Broker>): Promise<Broker> {
  brokers.push(await broker);
  return brokers.at(-1)!;
}

/** Resolves with how a TCP connection attempt to the port ends. */
function tryConnect(port: number): Promise<"accepted" | string> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve("accepted");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** A listener of this process on a fresh port, which no broker can then bind. */
async function occupiedPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  return (server.address() as { port: number }).port;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

const kinds = [
  { kind: "mosquitto", start: (init: BrokerInit = {}) => startMosquitto(init), startWith: startMosquittoWith, apt: "mosquitto" },
  { kind: "nats-server", start: (init: BrokerInit = {}) => startNats({ ...init, jetstream: false }), startWith: startNatsWith, apt: "nats-server" },
] as const;

describe.each(kinds)("$kind lifecycle", ({ kind, start, startWith, apt }) => {
  it("stops (refusing connections) and starts again on the same port", async () => {
    const broker = await kept(start());
    const port = broker.port;
    await broker.stop();
    expect(broker.running).toBe(false);
    expect(broker.pid).toBeUndefined();
    expect(await tryConnect(port)).toBe("ECONNREFUSED");
    await broker.start();
    expect(broker.running).toBe(true);
    expect(broker.port).toBe(port);
    expect(await tryConnect(port)).toBe("accepted");
  });

  it("restarts as a new process on the same port", async () => {
    const broker = await kept(start());
    const { port, pid } = broker;
    await broker.restart();
    expect(broker.port).toBe(port);
    expect(broker.pid).not.toBe(pid);
    expect(await tryConnect(port)).toBe("accepted");
  });

  it("close stops the broker and removes its folder; start afterwards is refused", async () => {
    const broker = await start();
    expect(await exists(broker.dir)).toBe(true);
    await broker.close();
    expect(await exists(broker.dir)).toBe(false);
    expect(broker.running).toBe(false);
    expect(await tryConnect(broker.port)).toBe("ECONNREFUSED");
    await broker.close();
    await expect(broker.start()).rejects.toMatchObject({ name: BrokerClosedError.name, broker: kind });
  });

  it("gives two brokers started at once different ports and folders", async () => {
    const [a, b] = await Promise.all([kept(start()), kept(start())]);
    expect(a.port).not.toBe(b.port);
    expect(a.dir).not.toBe(b.dir);
    expect(await tryConnect(a.port)).toBe("accepted");
    expect(await tryConnect(b.port)).toBe("accepted");
  });

  it("rejects a missing binary with an error naming the apt package", async () => {
    const error = await start({ binary: `/nonexistent/${kind}` }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: BrokerBinaryMissingError.name, binary: `/nonexistent/${kind}`, aptPackage: apt });
    expect((error as Error).message).toContain(`apt-get install -y ${apt}`);
  });

  it("rejects a start on its port once something else took it while stopped, with the broker's output", async () => {
    const broker = await kept(start());
    await broker.stop();
    const taken = createServer();
    servers.push(taken);
    await new Promise<void>((resolve) => taken.listen({ host: "127.0.0.1", port: broker.port }, resolve));
    const error = await broker.start().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: BrokerStartError.name, broker: kind, port: broker.port });
    expect((error as BrokerStartError).output.some((line) => /address already in use/i.test(line))).toBe(true);
    expect(broker.running).toBe(false);
  });

  it("moves to another free port when the first one it picked is taken", async () => {
    const picked: number[] = [await occupiedPort()];
    const broker = await kept(startWith({}, { pickPort: async () => (picked.length === 1 ? (picked.push(await freePort()), picked[1]!) : picked[0]!) }));
    expect(broker.port).toBe(picked[1]);
    expect(await tryConnect(broker.port)).toBe("accepted");
  });

  it(`gives up after ${MAX_PORT_ATTEMPTS} taken ports`, async () => {
    const port = await occupiedPort();
    let picks = 0;
    const error = await startWith({}, { pickPort: async () => (picks++, port) }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: BrokerStartError.name, port });
    expect(picks).toBe(MAX_PORT_ATTEMPTS);
  });

  it("rejects with its output when it exits at start (a bad config line)", async () => {
    const error = await start({ extraConfig: ["no_such_option_here 1"] }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: BrokerStartError.name, broker: kind });
    expect((error as BrokerStartError).output.join("\n")).toMatch(/no_such_option_here/);
  });

  it("stops the broker it was starting when the signal fires", async () => {
    let port = 0;
    const error = await startWith({ signal: AbortSignal.abort() }, { pickPort: async () => (port = await freePort()) }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "AbortError" });
    expect(port).toBeGreaterThan(0);
    expect(await tryConnect(port)).toBe("ECONNREFUSED");
  });
});
