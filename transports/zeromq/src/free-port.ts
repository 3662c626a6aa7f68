import { type Server, createServer } from "node:net";

/**
 * `count` distinct TCP ports free on `host` right now, picked by the kernel (listening on port
 * 0). Every probe socket is closed before this resolves, so nothing is left open; a port can be
 * taken by someone else before the publisher binds it (then its bind fails, naming it).
 * @throws the listen error (EADDRNOTAVAIL for an address that is not this machine's, say).
 */
export async function freePorts(host: string, count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          server.once("error", reject);
          server.listen({ host, port: 0, exclusive: true }, () => resolve((server.address() as { port: number }).port));
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))));
  }
}
