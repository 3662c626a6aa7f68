import { EventEmitter, once } from "node:events";
import { connect } from "node:net";
import { ControlPlaneError, type NodeConfig, CONTROL_PROTOCOL_VERSION, abortErrorFrom } from "@rivulet/core";
import { type DaemonToNode, JsonSocket, type NodeToDaemon, type RegisteredMessage } from "@rivulet/core/internal";

/**
 * The node's connection to the daemon. Connects, registers with the run's token, then passes
 * every daemon message to `onMessage`. Once registering, the socket never keeps the process
 * alive by itself, so a node whose program has finished can exit; what the program waits for
 * keeps it alive through the node's `KeepAlive`.
 */
export class ControlClient {
  #json: JsonSocket<DaemonToNode, NodeToDaemon> | undefined;
  #closing = false;
  readonly #backlog: NodeToDaemon[] = [];

  constructor(
    private readonly config: NodeConfig,
    private readonly onMessage: (message: DaemonToNode) => void,
    private readonly onLost: (error: Error) => void,
  ) {}

  /**
   * Connects and registers; messages sent before are delivered once registered. Resolves to the
   * daemon's `registered` answer (the options of the node's transports).
   * @throws ControlPlaneError when the daemon cannot be reached, refuses the node, or hangs up;
   *   AbortError when `signal` fires first.
   */
  async connect(signal?: AbortSignal): Promise<RegisteredMessage> {
    if (signal?.aborted) throw abortErrorFrom(signal);
    const socket = connect(this.config.controlSocket);
    socket.setNoDelay?.(true);
    // Errors after the connect are reported by the 'close' handler below.
    socket.on("error", () => {});
    try {
      await once(socket, "connect", { signal });
    } catch (cause) {
      socket.destroy();
      if (signal?.aborted) throw abortErrorFrom(signal);
      throw new ControlPlaneError(`node '${this.config.nodeId}' cannot reach the daemon at ${this.config.controlSocket}`, { cause });
    }
    // 'registered', or 'error' with the reason it was not.
    const registration = new EventEmitter();
    const json = new JsonSocket<DaemonToNode, NodeToDaemon>(
      socket,
      (message) => {
        if (message.t === "registered") registration.emit("registered", message);
        else if (message.t === "refused") {
          if (registration.listenerCount("error") > 0) registration.emit("error", new ControlPlaneError(`the daemon refused node '${this.config.nodeId}': ${message.reason}`));
        }
        else this.onMessage(message);
      },
      (error) => this.onLost(error),
    );
    socket.on("close", () => {
      if (registration.listenerCount("error") > 0) registration.emit("error", new ControlPlaneError(`the daemon closed the control connection of node '${this.config.nodeId}'`));
      if (!this.#closing) this.onLost(new ControlPlaneError(`lost the control connection to the daemon (node '${this.config.nodeId}')`));
    });
    this.#json = json;
    json.send({ t: "register", nodeId: this.config.nodeId, token: this.config.token, protocolVersion: CONTROL_PROTOCOL_VERSION });
    socket.unref();
    let registered: RegisteredMessage;
    try {
      [registered] = (await once(registration, "registered", { signal })) as [RegisteredMessage];
    } catch (error) {
      if (signal?.aborted) {
        socket.destroy();
        throw abortErrorFrom(signal);
      }
      throw error;
    }
    for (const message of this.#backlog.splice(0)) json.send(message);
    return registered;
  }

  /** Sends a message, or keeps it until connected; false when it was dropped (the connection is gone). */
  send(message: NodeToDaemon): boolean {
    if (this.#json) return this.#json.send(message);
    this.#backlog.push(message);
    return true;
  }

  /** Ends the connection after flushing what was sent. */
  async close(): Promise<void> {
    this.#closing = true;
    const socket = this.#json?.socket;
    if (!socket || socket.destroyed) return;
    const closed = once(socket, "close");
    socket.end();
    await closed;
  }
}
