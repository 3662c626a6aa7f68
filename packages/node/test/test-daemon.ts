import { mkdtemp, rm } from "node:fs/promises";
import { type Server, type Socket, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type InputConfig, type Json, type NodeConfig, type PlannedChannel, CONTROL_PROTOCOL_VERSION, type QueuePolicy } from "@rivulet/core";
import { type DaemonToNode, JsonSocket, type NodeToDaemon, PayloadEncoding, WireFrameReader, encodeFrameHead, encodeWireHead } from "@rivulet/core/internal";
import { unix } from "@rivulet/transport-unix";

/**
 * A minimal daemon for SDK tests: a real control socket that registers nodes, records what
 * they send, and lets the test send daemon messages (ready, stop, timer, ...).
 */
export class TestDaemon {
  readonly messages: { nodeId: string; message: NodeToDaemon }[] = [];
  readonly #nodes = new Map<string, JsonSocket<NodeToDaemon, DaemonToNode>>();
  readonly #waiters: (() => void)[] = [];
  #channel = 0;

  private constructor(
    readonly dir: string,
    readonly socketPath: string,
    private readonly server: Server,
  ) {}

  static async start(): Promise<TestDaemon> {
    const dir = await mkdtemp(join(tmpdir(), "rvl-sdk-"));
    const socketPath = join(dir, "control.sock");
    const server = createServer();
    const daemon = new TestDaemon(dir, socketPath, server);
    server.on("connection", (socket) => {
      let nodeId: string | undefined;
      const json = new JsonSocket<NodeToDaemon, DaemonToNode>(
        socket,
        (message) => {
          if (message.t === "register") {
            nodeId = message.nodeId;
            daemon.#nodes.set(nodeId, json);
            json.send(message.token === "secret" ? { t: "registered" } : { t: "refused", reason: "wrong token" });
          } else daemon.messages.push({ nodeId: nodeId!, message });
          for (const wake of daemon.#waiters.splice(0)) wake();
        },
        () => {},
      );
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    return daemon;
  }

  /** A planned Unix channel for `producer/output` that `subscribers` may subscribe to. */
  channel(name: string, subscribers: string[] = ["b"]): PlannedChannel {
    const [planned] = unix().plan({
      dataflowId: "df",
      runDir: this.dir,
      options: {},
      channels: [{ channel: name, producer: name.split("/")[0]!, output: name.split("/")[1]!, subscribers }],
    });
    // Every call plans "u0.sock"; give each channel its own file.
    return { ...planned!, connection: { ...(planned!.connection as Record<string, Json>), path: join(this.dir, `c${this.#channel++}.sock`) } };
  }

  config(nodeId: string, init: { inputs?: (Partial<InputConfig> & { id: string; channel?: PlannedChannel })[]; outputs?: { id: string; channels: PlannedChannel[] }[] } = {}): NodeConfig {
    return {
      protocolVersion: CONTROL_PROTOCOL_VERSION,
      dataflowId: "df",
      nodeId,
      controlSocket: this.socketPath,
      token: "secret",
      inputs: (init.inputs ?? []).map((input) => ({
        source: input.channel?.channel ?? "timer",
        queueSize: 10,
        queuePolicy: "drop_oldest" as QueuePolicy,
        ...input,
      })),
      outputs: init.outputs ?? [],
      descriptor: { nodes: [] },
    };
  }

  send(nodeId: string, message: DaemonToNode): void {
    this.#nodes.get(nodeId)!.send(message);
  }

  /** Resolves when `predicate` holds over the recorded messages. */
  async until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error("TestDaemon.until timed out");
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 20);
      });
    }
  }

  registered(nodeId: string): boolean {
    return this.#nodes.has(nodeId);
  }

  subscribed(nodeId: string): boolean {
    return this.messages.some((m) => m.nodeId === nodeId && m.message.t === "subscribed");
  }

  /** Waits until every node is subscribed, then sends `ready` to each (the barrier). */
  async barrier(...nodeIds: string[]): Promise<void> {
    await this.until(() => nodeIds.every((id) => this.subscribed(id)));
    for (const id of nodeIds) this.send(id, { t: "ready" });
  }

  async close(): Promise<void> {
    for (const json of this.#nodes.values()) json.socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * A producer that speaks the Unix data protocol by hand (HELLO, ACK, DATA), so a test can break
 * its connection as a crash would: no END marker, the socket just goes away.
 */
export class FakeProducer {
  readonly #server: Server;
  readonly #accepted: Promise<Socket>;
  #seq = 0;

  private constructor(server: Server, accepted: Promise<Socket>) {
    this.#server = server;
    this.#accepted = accepted;
  }

  static async listen(path: string): Promise<FakeProducer> {
    const server = createServer();
    const accepted = new Promise<Socket>((resolve) => {
      server.once("connection", (socket) => {
        const reader = new WireFrameReader((kind) => {
          if (kind !== DATA_HELLO) return;
          socket.write(encodeWireHead(DATA_ACK, 0));
          resolve(socket);
        });
        socket.on("data", (chunk: Buffer) => reader.push(chunk));
        socket.on("error", () => {});
      });
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    return new FakeProducer(server, accepted);
  }

  /** Sends one raw message once the subscriber is accepted. */
  async send(payload: Uint8Array): Promise<void> {
    const socket = await this.#accepted;
    const head = encodeFrameHead({ encoding: PayloadEncoding.RAW, seq: ++this.#seq, timestamp: Date.now() * 1000, parameters: {} });
    socket.write(encodeWireHead(DATA_FRAME, head.byteLength + payload.byteLength));
    socket.write(head);
    socket.write(payload);
  }

  /** Breaks the connection without an end marker, as a crashed process would. */
  async crash(): Promise<void> {
    const socket = await this.#accepted;
    socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

/** Wire kinds of the Unix data connection (docs/protocol.md). */
const DATA_FRAME = 1;
const DATA_HELLO = 2;
const DATA_ACK = 3;
