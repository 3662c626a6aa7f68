import { Node } from "@rivulet/node";

const LONG = "Rivulet moves Arrow data between processes over Unix sockets, shared memory, ZeroMQ, MQTT or NATS, chosen per edge in the YAML.".split(" ");
const SHORT = "Sure, stopping here.".split(" ");

const node = new Node();
const answer = node.openStream("tokens");
for (const token of LONG) await answer.write(token); // all at once: the speaker queues them

for await (const event of node) {
  if (event.type !== "INPUT" || event.id !== "interrupt") continue;
  // Barge-in: the speaker drops what it has queued of the long answer, then hears the short one.
  await answer.flush();
  for (const token of SHORT) await answer.write(token);
  await answer.end();
  console.log(`interrupted after ${LONG.length} tokens sent; answered in segment ${answer.segmentId}`);
  break;
}
