import type { Subscription, TransportPlugin } from "@rivulet/core";
import { unix } from "@rivulet/transport-unix";
import { afterEach, beforeEach, expect, it } from "vitest";
import { Node, type NodeEvent } from "../src/index.js";
import { TestDaemon } from "./test-daemon.js";

let daemon: TestDaemon;
const nodes: Node[] = [];

beforeEach(async () => {
  daemon = await TestDaemon.start();
});
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
  await daemon.close();
});

/**
 * The Unix transport with subscriptions that drop every odd frame and count it in
 * `Subscription.drops`, as a transport whose publisher cannot see its subscribers does.
 */
function lossyUnix(): TransportPlugin {
  const base = unix();
  return {
    ...base,
    create(init) {
      const transport = base.create(init);
      return {
        publish: (channel, options) => transport.publish(channel, options),
        async subscribe(channel, options): Promise<Subscription> {
          let seen = 0;
          let drops = 0;
          const inner = await transport.subscribe(channel, {
            ...options,
            onFrame: (frame, lease) => {
              if (seen++ % 2 === 1) {
                drops++;
                lease?.release();
              } else options.onFrame(frame, lease);
            },
          });
          return {
            pause: () => inner.pause(),
            resume: () => inner.resume(),
            consumed: inner.consumed ? (count) => inner.consumed!(count) : undefined,
            closed: inner.closed,
            close: () => inner.close(),
            get drops() {
              return drops;
            },
          };
        },
        close: () => transport.close(),
      };
    },
  };
}

it("counts the drops of an input's subscription (Subscription.drops) in stats().inputs.<id>.dropped", async () => {
  const transports = { unix: lossyUnix() };
  const channel = daemon.channel("a/out");
  const producer = new Node({ config: daemon.config("a", { outputs: [{ id: "out", channels: [channel] }] }), transports });
  const consumer = new Node({ config: daemon.config("b", { inputs: [{ id: "in", channel, producer: "a", queueSize: 100 }] }), transports });
  nodes.push(producer, consumer);
  await daemon.barrier("a", "b");
  await Promise.all([producer.ready(), consumer.ready()]);
  for (let i = 0; i < 10; i++) await producer.sendOutput("out", [i]);
  const events: NodeEvent[] = [];
  while (events.length < 5) {
    const event = await consumer.recv({ timeout: 10_000 });
    if (!event) throw new Error("the stream ended early");
    events.push(event);
  }
  // Every other message (the first frame on the channel defines its type and is not one).
  expect(events.map((e) => (e.type === "INPUT" ? [...e.value][0] : e.type))).toEqual([1, 3, 5, 7, 9]);
  // The queue dropped nothing (queue_size 100); the transport's subscription dropped 5.
  expect(consumer.stats().inputs.in).toMatchObject({ received: 5, dropped: 5 });
});
