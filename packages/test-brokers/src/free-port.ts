import { type AddressInfo, createServer } from "node:net";

/** The only address the brokers listen on: tests never expose a broker beyond this machine. */
export const BROKER_HOST = "127.0.0.1";

/**
 * A TCP port on 127.0.0.1 that was free a moment ago: the kernel picks it for a listener bound
 * to port 0, which is closed again before this resolves. Another process may take the port
 * before the caller binds it; the brokers of this package retry with a new port when that
 * happens (see `startMosquitto`), other callers must do the same.
 */
export function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: BROKER_HOST, port: 0, exclusive: true }, () => {
      // A server listening on a TCP address reports an AddressInfo (a string means a pipe).
      const { port } = server.address() as AddressInfo;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}
