import { type Server, createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../src/index.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe("freePort", () => {
  it("resolves with a port of 127.0.0.1 that is no longer held, so it can be listened on", async () => {
    const port = await freePort();
    expect(Number.isInteger(port) && port > 0 && port < 65536).toBe(true);
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen({ host: "127.0.0.1", port }, resolve));
    expect(server.address()).toMatchObject({ port });
  });
});
