import { EventEmitter, once } from "node:events";
import { connect } from "node:net";
import { ControlPlaneError, type NodeConfig, CONTROL_PROTOCOL_VERSION, abortErrorFrom } from "@rivulet/core";
import { type DaemonToNode, JsonSocket, type NodeToDaemon, type RegisteredMessage } from "@rivulet/core/internal";

/**
 * The node's connection to the daemon. Connects, registers with the run's token, then passes
 * every daemon message to `onMessage`. The socket does not keep the process alive by itself:
 * it is referenced only while at least one caller holds it (a pending recv, a send waiting
 * for the start-up barrier), so a node whose program has finished can exit.
 */
export class ControlClient {
  #json: JsonSocket<DaemonToNode, NodeToDaemon> | undefined;
  #holds = 0;
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
    if (this.#holds === 0) socket.unref();
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

  /** Sends a message, or keeps it until connected; dropped once the connection is gone. */
  send(message: NodeToDaemon): void {
    if (this.#json) this.#json.send(message);
    else this.#backlog.push(message);
  }

  /** Keeps the process alive until the matching `release()`. */
  hold(): void {
    if (this.#holds++ === 0) this.#json?.socket.ref();
  }

  release(): void {
    if (--this.#holds === 0) this.#json?.socket.unref();
  }

  /** Keeps the process alive while `work` is pending. */
  async holding<T>(work: Promise<T>): Promise<T> {
    this.hold();
    try {
      return await work;
    } finally {
      this.release();
    }
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
