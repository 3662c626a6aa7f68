import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const CELSIUS: Record<string, number> = { Paris: 14, Oslo: 3, Lima: 19, Tokyo: 17 };

/**
 * A small HTTP weather API on a free local port, standing in for a real one:
 * `GET /weather?city=Paris` answers `{"city":"Paris","celsius":14}` after 20 ms, 404 for a city
 * it does not know. Resolves with its base URL and a function that stops it.
 */
export async function startWeatherApi(): Promise<{ url: string; close: () => void }> {
  const server = createServer((request, response) => {
    const city = new URL(request.url ?? "/", "http://localhost").searchParams.get("city") ?? "";
    setTimeout(() => {
      const celsius = CELSIUS[city];
      response.writeHead(celsius === undefined ? 404 : 200, { "content-type": "application/json" });
      response.end(JSON.stringify(celsius === undefined ? { error: `no weather for ${city}` } : { city, celsius }));
    }, 20);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}
