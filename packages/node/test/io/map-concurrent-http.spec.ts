import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { mapConcurrent } from "../../src/io/map-concurrent.js";
import { deferred } from "./map-kit.js";

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/**
 * A local HTTP server on a port the system picks: `/double/<n>` answers n * 2 at once, `/slow`
 * never answers (until the client goes away, which `slowClosed` reports).
 */
async function startServer(): Promise<{ url: string; slowClosed: Promise<void> }> {
  const slowClosed = deferred<void>();
  server = createServer((request, response) => {
    const double = /^\/double\/(\d+)$/.exec(request.url ?? "");
    if (double) {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(Number(double[1]) * 2));
      return;
    }
    // The slow endpoint: holds the request until the client aborts it.
    request.on("close", () => slowClosed.resolve());
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, slowClosed: slowClosed.promise };
}

describe("mapConcurrent with fetch against a real HTTP server", () => {
  it("a call past its timeout is aborted (the server sees the request go), counted and skipped; the others come back in order", async () => {
    const { url, slowClosed } = await startServer();
    const errors: [string, string][] = [];
    const paths = ["/double/1", "/slow", "/double/3", "/double/4"];
    const map = mapConcurrent(
      paths,
      async (path, { signal }) => {
        const response = await fetch(`${url}${path}`, { signal });
        return (await response.json()) as number;
      },
      { concurrency: 2, timeout: 300, onError: (error, path) => errors.push([(error as Error).name, path]) },
    );
    const results: number[] = [];
    for await (const value of map) results.push(value);
    expect(results).toEqual([2, 6, 8]);
    expect(errors).toEqual([["TimeoutError", "/slow"]]);
    expect(map.stats()).toMatchObject({ started: 4, succeeded: 3, timedOut: 1, failed: 0, inFlight: 0 });
    // fetch honoured the aborted signal: the connection to the slow endpoint was closed.
    await slowClosed;
    expect(map.stats().lingering).toBe(0);
  });
});
