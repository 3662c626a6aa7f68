// The raw floor of request/reply, two plain Node processes, one request in flight:
// - unix: one plain Unix socket, each message with a 4-byte length prefix written in one
//   write; the server echoes each request as it is parsed; the client arms a timer per
//   request (as a request with a deadline must) and clears it on the reply;
// - nats: the raw nats.js client (@nats-io/transport-node 3, the library of the nats
//   transport): `nc.request()` (its shared reply subscription, a timeout per request) against
//   a `nc.subscribe()` responder that answers with `msg.respond(msg.data)`.
// The client times round trips with the loop of nodes/request-loop.mjs, the same as the
// Rivulet service client's, and writes { rttNs } to the out file.
// Usage: raw-reqrep.mjs <server|client> <unix|nats> <socket path | nats://url> <plan JSON> [out file]
import { writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { connect } from "@nats-io/transport-node";
import { REPLY_TIMEOUT_MS, measureRequests } from "../nodes/request-loop.mjs";
import { framed, readMessages } from "./length-prefix.mjs";

const [role, kind, endpoint, planText, out] = process.argv.slice(2);
const plan = JSON.parse(planText);
const SUBJECT = "bench.reqrep";
const END_SUBJECT = "bench.reqrep.end";

/** Unix server: echoes every request; ends when the client closes its end. */
function unixServer() {
  const server = createServer((socket) => {
    readMessages(socket, (message) => socket.write(framed(message)));
    socket.on("end", () => {
      socket.end();
      server.close();
    });
  });
  server.listen(endpoint, () => process.send?.("listening"));
}

/** Unix client: one connection, one request in flight. */
async function unixClient() {
  const socket = await new Promise((resolve, reject) => {
    const s = createConnection(endpoint, () => resolve(s)).once("error", reject);
  });
  let answer;
  readMessages(socket, (message) => answer?.(message));
  const request = (payload) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply within ${REPLY_TIMEOUT_MS} ms`)), REPLY_TIMEOUT_MS);
      answer = (message) => {
        clearTimeout(timer);
        answer = undefined;
        resolve(message);
      };
      socket.write(framed(payload));
    });
  const result = await measureRequests(request, plan);
  socket.end();
  return result;
}

/** NATS server: a subscription answering each request with its own bytes; ends on the client's end request. */
async function natsServer() {
  const nc = await connect({ servers: endpoint });
  nc.subscribe(SUBJECT, { callback: (error, msg) => (error ? fail(error) : msg.respond(msg.data)) });
  nc.subscribe(END_SUBJECT, {
    max: 1,
    callback: (error, msg) => {
      if (error) return fail(error);
      msg.respond();
      nc.drain().catch(fail);
    },
  });
  await nc.flush(); // the server has both subscriptions: no request from now on is missed
  process.send?.("listening");
}

async function natsClient() {
  const nc = await connect({ servers: endpoint });
  const result = await measureRequests(async (payload) => (await nc.request(SUBJECT, payload, { timeout: REPLY_TIMEOUT_MS })).data, plan);
  await nc.request(END_SUBJECT, undefined, { timeout: REPLY_TIMEOUT_MS });
  await nc.drain();
  return result;
}

function fail(error) {
  console.error(error);
  process.exit(1);
}

if (role === "server") {
  await (kind === "nats" ? natsServer() : unixServer());
} else {
  const result = await (kind === "nats" ? natsClient() : unixClient());
  writeFileSync(out, JSON.stringify(result));
}
