// The raw NATS baseline: @nats-io/transport-node 3 against the same nats-server, the library
// the nats transport uses. Core NATS, one connection per process, callback subscriptions (no
// async iterator between the socket and the handler). NATS has no flow control: the sender
// bounds what it has queued as the transport does, waiting for the server (flush, a PING/PONG)
// after every ~1 MB published.
// Usage: raw-nats.mjs <receiver|sender> <nats://url> <plan JSON> [out file]
import { connect } from "@nats-io/transport-node";
import { runRawClient } from "./raw-network.mjs";

const servers = process.argv[3];
/** As the nats transport's PUBLISHER_WATERMARK_BYTES. */
const FLUSH_BYTES = 1024 * 1024;

await runRawClient(async (role) => {
  const nc = await connect({ servers });
  const [inbound, outbound] = role === "receiver" ? ["bench.ping", "bench.pong"] : ["bench.pong", "bench.ping"];
  let handle = () => {};
  nc.subscribe(inbound, {
    callback: (error, msg) => {
      if (error) throw error;
      handle(msg.data);
    },
  });
  await nc.flush(); // the server has the subscription: nothing sent from now on is missed
  let unflushed = 0;
  return {
    send(bytes) {
      nc.publish(outbound, bytes);
      unflushed += bytes.byteLength;
      if (unflushed < FLUSH_BYTES) return undefined;
      unflushed = 0;
      return nc.flush();
    },
    onMessage: (handler) => void (handle = handler),
    close: () => nc.drain(),
  };
});
