import { mkdtempSync, rmSync } from "node:fs";
import { type Socket, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { CONTROL_PROTOCOL_VERSION } from "@rivulet/core";
import { type DaemonToNode, JsonSocket, type NodeToDaemon } from "@rivulet/core/internal";
import { ControlServer, type ControlServerInit } from "../src/control-server.js";

export const TOKEN = "a".repeat(48);

/** A real ControlServer in a fresh temp folder that knows nodes `a` and `b`, recording what happens. */
export class ControlFixture {
  readonly rejected: Error[] = [];
  readonly registered: string[] = [];
  readonly messages: { nodeId: string; message: NodeToDaemon }[] = [];
  readonly #waiters = new Set<() => void>();

  private constructor(
    readonly dir: string,
    readonly server: ControlServer,
  ) {}

  static async start(init: Partial<ControlServerInit> = {}): Promise<ControlFixture> {
    const dir = mkdtempSync(join(tmpdir(), "rvl-ctl-"));
    let fixture: ControlFixture | undefined;
    const server = await ControlServer.listen(
      { path: join(dir, "control.sock"), token: TOKEN, ...init },
      {
        onRegister: (nodeId) => nodeId === "a" || nodeId === "b",
        onRegistered: (nodeId) => fixture!.#record(() => fixture!.registered.push(nodeId)),
        onMessage: (nodeId, message) => fixture!.#record(() => fixture!.messages.push({ nodeId, message })),
        onRejected: (error) => fixture!.#record(() => fixture!.rejected.push(error)),
      },
    );
    fixture = new ControlFixture(dir, server);
    return fixture;
  }

  /** Resolves once `predicate` holds; checked after every server event. */
  async until(predicate: () => boolean): Promise<void> {
    while (!predicate()) await new Promise<void>((resolve) => this.#waiters.add(resolve));
  }

  /** A raw connection, as an intruder would open it. */
  async raw(): Promise<Socket> {
    const socket = connect(this.server.path);
    socket.on("error", () => {});
    // Reads (and discards) what the server says, so its hang-up is seen.
    socket.resume();
    await once(socket, "connect");
    return socket;
  }

  /** A well-behaved node connection that registered as `nodeId`. */
  async node(nodeId: string, token = TOKEN): Promise<{ json: JsonSocket<DaemonToNode, NodeToDaemon>; replies: DaemonToNode[] }> {
    const socket = await this.raw();
    const replies: DaemonToNode[] = [];
    let wake: (() => void) | undefined;
    const json = new JsonSocket<DaemonToNode, NodeToDaemon>(socket, (message) => (replies.push(message), wake?.()), () => {});
    json.send({ t: "register", nodeId, token, protocolVersion: CONTROL_PROTOCOL_VERSION });
    while (replies.length === 0 && !socket.destroyed) await new Promise<void>((resolve) => ((wake = resolve), socket.once("close", resolve)));
    return { json, replies };
  }

  async close(): Promise<void> {
    await this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  #record(change: () => void): void {
    change();
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }
}

/** Resolves when the socket has closed (the server hung up on it). */
export function closed(socket: Socket): Promise<void> {
  return socket.destroyed && socket.closed ? Promise.resolve() : once(socket, "close").then(() => undefined);
}

/** A wire head: u32 length LE, u8 kind, 3 reserved bytes. */
export function head(length: number, kind = 0): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt32LE(length, 0);
  bytes[4] = kind;
  return bytes;
}
