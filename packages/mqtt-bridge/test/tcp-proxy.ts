import { createServer, type Socket, connect } from "node:net";

/** A TCP proxy on a free port of 127.0.0.1 to `port`, whose connections a test can cut abruptly. */
export interface TcpProxy {
  readonly url: string;
  /** Destroys every proxied connection on both sides (no MQTT DISCONNECT: an abrupt loss). */
  cut(): void;
  close(): Promise<void>;
}

/** Starts a proxy to 127.0.0.1:`port`; its URL has the given scheme. */
export async function startTcpProxy(port: number, scheme = "mqtt"): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // A cut connection errors on the other side (ECONNRESET): expected here.
    socket.on("error", () => socket.destroy());
  };
  const server = createServer((client) => {
    const upstream = connect(port, "127.0.0.1");
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: own } = server.address() as { port: number };
  return {
    url: `${scheme}://127.0.0.1:${own}`,
    cut: () => sockets.forEach((socket) => socket.destroy()),
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
