import { chmod } from "node:fs/promises";
import { type Server, type Socket, createServer } from "node:net";
import { type DaemonToNode, JsonSocket, type NodeToDaemon, PROTOCOL_VERSION } from "@rivulet/core";

/** What the control server tells the supervisor. */
export interface ControlHandlers {
  /** A node presented the right token; return false to refuse it (unknown id, duplicate). */
  onRegister(nodeId: string): boolean;
  /** A node is registered and can be sent to. */
  onRegistered(nodeId: string): void;
  onMessage(nodeId: string, message: NodeToDaemon): void;
}

/**
 * The daemon's end of the control plane: a Unix socket (mode 0600 in the 0700 run folder)
 * where each node registers with the run's token, then exchanges JSON messages.
 */
export class ControlServer {
  readonly #server: Server;
  readonly #nodes = new Map<string, JsonSocket<NodeToDaemon, DaemonToNode>>();

  private constructor(
    server: Server,
    readonly path: string,
  ) {
    this.#server = server;
  }

  static async listen(path: string, token: string, handlers: ControlHandlers): Promise<ControlServer> {
    const server = createServer();
    const control = new ControlServer(server, path);
    server.on("connection", (socket) => control.#accept(socket, token, handlers));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(path, () => resolve());
    });
    await chmod(path, 0o600);
    return control;
  }

  /** Sends to one node; false when it is not connected. */
  send(nodeId: string, message: DaemonToNode): boolean {
    return this.#nodes.get(nodeId)?.send(message) ?? false;
  }

  async close(): Promise<void> {
    for (const json of this.#nodes.values()) json.socket.destroy();
    this.#nodes.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: Socket, token: string, handlers: ControlHandlers): void {
    let nodeId: string | undefined;
    const json = new JsonSocket<NodeToDaemon, DaemonToNode>(
      socket,
      (message) => {
        if (nodeId !== undefined) return handlers.onMessage(nodeId, message);
        if (message.t !== "register") return void socket.destroy();
        const refuse = (reason: string): void => {
          json.send({ t: "refused", reason });
          socket.end();
        };
        if (message.token !== token) return refuse("wrong token for this run");
        if (message.protocolVersion !== PROTOCOL_VERSION) {
          return refuse(`protocol version ${message.protocolVersion} does not match the daemon's ${PROTOCOL_VERSION}; use the same Rivulet version for the CLI and the nodes`);
        }
        if (this.#nodes.has(message.nodeId) || !handlers.onRegister(message.nodeId)) return refuse(`node id '${message.nodeId}' is unknown or already registered`);
        nodeId = message.nodeId;
        this.#nodes.set(nodeId, json);
        json.send({ t: "registered" });
        handlers.onRegistered(nodeId);
      },
      () => socket.destroy(),
    );
    // The supervisor learns that a node ended from its process exit, not from this socket.
    socket.on("error", () => {});
    socket.on("close", () => {
      if (nodeId !== undefined && this.#nodes.get(nodeId) === json) this.#nodes.delete(nodeId);
    });
  }
}
