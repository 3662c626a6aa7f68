// The raw zeromq baseline: zeromq.js 6 over ipc://, the library and protocol the zeromq
// transport uses. Ping-pong: a DEALER (sender) to a ROUTER (receiver) that echoes, one
// connection both ways, as the transport's DEALER/ROUTER pairs. Throughput: PUSH to PULL, with
// ZeroMQ's own flow control (the high-water mark makes `send` wait).
// Usage: raw-zeromq.mjs <receiver|sender> <ipc://endpoint> <plan JSON> [out file]
import { Dealer, Pull, Push, Router } from "zeromq";
import { runRawClient } from "./raw-network.mjs";

const endpoint = process.argv[3];
/** What close() may still flush (ms): the end marker must reach the receiver. */
const LINGER_MS = 10_000;

await runRawClient(async (role, plan) => {
  const pingpong = plan.kind === "pingpong";
  if (role === "receiver") {
    const socket = pingpong ? new Router({ linger: LINGER_MS }) : new Pull();
    await socket.bind(endpoint);
    let peer; // the DEALER's routing id, for the echo
    return {
      send: (bytes) => socket.send([peer, bytes]),
      onMessage: (handler) =>
        void receiveAll(socket, ([first, second]) => {
          if (!pingpong) return handler(first);
          peer = first;
          handler(second);
        }),
      close: async () => socket.close(),
    };
  }
  const socket = pingpong ? new Dealer({ linger: LINGER_MS }) : new Push({ linger: LINGER_MS });
  socket.connect(endpoint);
  return {
    send: (bytes) => socket.send(bytes),
    onMessage: (handler) => void (pingpong && receiveAll(socket, ([bytes]) => handler(bytes))),
    close: async () => socket.close(),
  };
});

/** Hands every multipart message to `handler` until the socket closes. */
async function receiveAll(socket, handler) {
  try {
    for await (const parts of socket) handler(parts);
  } catch (error) {
    // Closing the socket ends a pending receive with this error; anything else is a failure.
    if (error.code !== "EAGAIN" && !socket.closed) throw error;
  }
}
