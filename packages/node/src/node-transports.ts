import type { NodeConfig, NodeTransportConfig, PlannedChannel, Transport, TransportPlugins } from "@rivulet/core";
import { importTransport, loadTransport } from "@rivulet/core/internal";

/**
 * A node's transports: one instance per transport name in the YAML (`channel.transport`),
 * created with that name's options (handed over at registration, else from the node's config), from a plugin passed in for its kind,
 * else the module the planner loaded (`channel.module`, so a custom plugin loads here exactly as
 * in the daemon), else the installed package of its kind, found from this SDK's own package.
 */
export class NodeTransports {
  readonly #transports = new Map<string, Transport>();
  #configured: Record<string, NodeTransportConfig> | undefined;

  constructor(
    private readonly plugins: TransportPlugins,
    private readonly init: Pick<NodeConfig, "dataflowId" | "nodeId" | "transports">,
  ) {}

  /**
   * The transports' options as the daemon handed them over at registration (they never travel in
   * the environment); they take precedence over the config's. Before the first `for()`.
   */
  configure(transports: Record<string, NodeTransportConfig>): void {
    this.#configured = transports;
  }

  /** The transport that carries `channel`, created on first use. */
  async for(channel: PlannedChannel): Promise<Transport> {
    const name = channel.transport ?? (this.plugins[channel.kind] ? channel.kind : (channel.module ?? channel.kind));
    let transport = this.#transports.get(name);
    if (!transport) {
      const plugin = this.plugins[channel.kind] ?? (channel.module ? await importTransport(channel.kind, channel.module) : (await loadTransport(channel.kind, {}, { fallbacks: [import.meta.url] })).plugin);
      const options = this.#configured?.[name]?.options ?? this.init.transports?.[name]?.options ?? {};
      transport = this.#transports.get(name) ?? plugin.create({ dataflowId: this.init.dataflowId, nodeId: this.init.nodeId, transport: name, options });
      this.#transports.set(name, transport);
    }
    return transport;
  }

  /** Closes every transport created. */
  async close(): Promise<void> {
    await Promise.all([...this.#transports.values()].map((t) => t.close()));
  }
}
