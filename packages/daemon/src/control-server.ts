import { timingSafeEqual } from "node:crypto";
import { chmod } from "node:fs/promises";
import { type Server, type Socket, createServer } from "node:net";
import { ControlProtocolError, DEFAULT_REGISTER_TIMEOUT_MS, MAX_CONTROL_FRAME_BYTES, MAX_UNREGISTERED_CONTROL_FRAME_BYTES, CONTROL_PROTOCOL_VERSION } from "@rivulet/core";
import { type DaemonToNode, JsonSocket, type NodeToDaemon, type RegisteredMessage } from "@rivulet/core/internal";
import { RegistrationRefusedError } from "./daemon-errors.js";

/** Options of `ControlServer.listen`. */
export interface ControlServerInit {
  /** Path of the Unix socket (in the run's 0700 folder); made 0600. */
  path: string;
  /** The run's secret every node presents in `register`. */
  token: string;
  /** Time a connection has to register before it is closed (default DEFAULT_REGISTER_TIMEOUT_MS). */
  registerTimeoutMs?: number;
}

/** What the control server tells the supervisor. */
export interface ControlHandlers {
  /** A node presented the right token; return false to refuse it (unknown id). */
  onRegister(nodeId: string): boolean;
  /** What the `registered` answer to an accepted node carries besides its type (its transports' options). */
  welcome?(nodeId: string): Omit<RegisteredMessage, "t">;
  /** A node is registered and can be sent to. */
  onRegistered(nodeId: string): void;
  onMessage(nodeId: string, message: NodeToDaemon): void;
  /**
   * A connection was closed for breaking the protocol (ControlProtocolError: oversized or
   * malformed frame, no register in time) or refused at register (RegistrationRefusedError).
   * The server has already closed it; the run goes on.
   */
  onRejected?(error: ControlProtocolError | RegistrationRefusedError): void;
}

/**
 * The daemon's end of the control plane: a Unix socket (mode 0600 in the 0700 run folder)
 * where each node registers with the run's token, then exchanges JSON messages.
 *
 * Unauthenticated work is bounded: until a connection has registered it may send frames of at
 * most MAX_UNREGISTERED_CONTROL_FRAME_BYTES (a larger announced length closes it at once, before
 * its body is read) and must register within `registerTimeoutMs`; a registered node's frames are
 * bounded by MAX_CONTROL_FRAME_BYTES.
 */
export class ControlServer {
  readonly #server: Server;
  readonly #nodes = new Map<string, JsonSocket<NodeToDaemon, DaemonToNode>>();
  readonly #sockets = new Set<Socket>();
  readonly #token: Buffer;
  readonly #registerTimeoutMs: number;

  private constructor(
    server: Server,
    init: ControlServerInit,
    private readonly handlers: ControlHandlers,
  ) {
    this.#server = server;
    this.#token = Buffer.from(init.token);
    this.#registerTimeoutMs = init.registerTimeoutMs ?? DEFAULT_REGISTER_TIMEOUT_MS;
    this.path = init.path;
  }

  /** Path of the listening socket. */
  readonly path: string;

  /** Listens on `init.path`. @throws the listen error (path in use, folder missing). */
  static async listen(init: ControlServerInit, handlers: ControlHandlers): Promise<ControlServer> {
    const server = createServer();
    const control = new ControlServer(server, init, handlers);
    server.on("connection", (socket) => control.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(init.path, () => resolve());
    });
    await chmod(init.path, 0o600);
    return control;
  }

  /** Sends to one node; false when it is not connected. */
  send(nodeId: string, message: DaemonToNode): boolean {
    return this.#nodes.get(nodeId)?.send(message) ?? false;
  }

  /** True once `nodeId` has registered (and until its connection closes). */
  connected(nodeId: string): boolean {
    return this.#nodes.has(nodeId);
  }

  /** Closes every connection, registered or not, and the listening socket. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    this.#nodes.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    let nodeId: string | undefined;
    // Each connection is reported at most once: a refused peer that then stays silent is not
    // reported again when the deadline closes it.
    let reported = false;
    const report = (error: ControlProtocolError | RegistrationRefusedError): void => {
      if (reported) return;
      reported = true;
      this.handlers.onRejected?.(error);
    };
    const reject = (error: ControlProtocolError | RegistrationRefusedError): void => {
      socket.destroy();
      report(error);
    };
    const deadline = setTimeout(() => {
      reject(new ControlProtocolError(`a control connection did not register within ${this.#registerTimeoutMs} ms`, "register_timeout"));
    }, this.#registerTimeoutMs);
    deadline.unref();
    const json = new JsonSocket<NodeToDaemon, DaemonToNode>(
      socket,
      (message) => {
        if (nodeId !== undefined) return this.handlers.onMessage(nodeId, message);
        // A refused peer gets nothing more; the deadline closes it if it does not hang up.
        if (reported) return;
        if (message.t !== "register") {
          return reject(new ControlProtocolError(`the first control message must be 'register', got '${message.t}'`, "message"));
        }
        const refusal = this.#refusal(message);
        if (refusal) {
          json.send({ t: "refused", reason: refusal.message });
          socket.end();
          report(refusal);
          return;
        }
        clearTimeout(deadline);
        nodeId = message.nodeId;
        json.maxFrameBytes = MAX_CONTROL_FRAME_BYTES;
        this.#nodes.set(nodeId, json);
        json.send({ ...this.handlers.welcome?.(nodeId), t: "registered" });
        this.handlers.onRegistered(nodeId);
      },
      (error) => {
        clearTimeout(deadline);
        report(nodeId === undefined ? error : new ControlProtocolError(error.message, error.violation, nodeId, { cause: error }));
      },
      { maxFrameBytes: MAX_UNREGISTERED_CONTROL_FRAME_BYTES },
    );
    // The supervisor learns that a node ended from its process exit, not from this socket.
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(deadline);
      this.#sockets.delete(socket);
      if (nodeId !== undefined && this.#nodes.get(nodeId) === json) this.#nodes.delete(nodeId);
    });
  }

  /** Why a `register` message is refused, or undefined when it is accepted. */
  #refusal(message: Extract<NodeToDaemon, { t: "register" }>): RegistrationRefusedError | undefined {
    const nodeId = typeof message.nodeId === "string" ? message.nodeId : undefined;
    const token = typeof message.token === "string" ? Buffer.from(message.token) : Buffer.alloc(0);
    if (token.length !== this.#token.length || !timingSafeEqual(token, this.#token)) return new RegistrationRefusedError("token", nodeId);
    if (message.protocolVersion !== CONTROL_PROTOCOL_VERSION) return new RegistrationRefusedError("version", nodeId, message.protocolVersion);
    if (nodeId === undefined || this.#nodes.has(nodeId) || !this.handlers.onRegister(nodeId)) return new RegistrationRefusedError("node", nodeId);
    return undefined;
  }
}
