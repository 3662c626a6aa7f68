import { Node, type ServiceHandler } from "@rivulet/node";
import { startWeatherApi } from "./weather-api.js";

const api = await startWeatherApi();
const node = new Node();

// Each request is a city; the reply is what the HTTP API says about it. `signal` aborts the
// fetch when the node stops or the client's deadline passes. A throw becomes an error reply.
const forecast: ServiceHandler = async (request, { signal }) => {
  const [city] = request.rows() as string[];
  const response = await fetch(`${api.url}/weather?city=${encodeURIComponent(city!)}`, { signal });
  if (!response.ok) throw new Error(`the weather API answered ${response.status} for ${city}`);
  const { celsius } = (await response.json()) as { celsius: number };
  return { city: city!, celsius };
};

// One server per client input, both answering on `answer`; the node lives while they serve.
const servers = [node.serve("ask_a", "answer", forecast), node.serve("ask_b", "answer", forecast)];
await Promise.all(servers.map((server) => server.done));
api.close();
const stats = servers.map((server) => server.stats());
console.log(`served ${stats.reduce((n, s) => n + s.replied, 0)} forecasts, ${stats.reduce((n, s) => n + s.failed, 0)} failed`);
