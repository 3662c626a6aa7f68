// The echo server of the patterns benchmark: `node.serve` answers every request on input
// `request` with its own bytes on output `reply` (a Uint8Array goes out raw). It serves until
// its request input closes (the client finished), then ends.
import { Node } from "@rivulet/node";

const node = new Node();
const server = node.serve("request", "reply", (request) => request.data);
// The request input is the server's; the main loop sees only control events (and STOP).
for await (const _event of node);
const end = await server.done;
if (end.reason === "failed") throw new Error(`the service client failed: ${end.error}`);
