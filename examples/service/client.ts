import { Node } from "@rivulet/node";

const node = new Node();
const cities = (process.env.CITIES ?? "").split(",");

// All requests at once; each resolves with its own reply (matched by request_id), or rejects:
// ServiceError when the service failed it, TimeoutError after 5 s.
const replies = await Promise.allSettled(cities.map((city) => node.request("ask", "answer", city, { timeout: 5000 })));
replies.forEach((reply, i) => {
  if (reply.status === "fulfilled") {
    const [{ celsius }] = reply.value.rows() as { celsius: number }[];
    console.log(`${cities[i]}: ${celsius} °C`);
  } else {
    console.log(`${cities[i]}: ${(reply.reason as Error).name}: ${(reply.reason as Error).message}`);
  }
});
