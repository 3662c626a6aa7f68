import type { FrameLoan, Publisher, TransportPlugin } from "@rivulet/core";

/**
 * A transport whose publishers record what they are handed, to show whether a payload's own
 * memory reaches them (no copy). On channels whose id is in `lenders` they also lend frames out of
 * one arena (as a shared-memory ring would) and record commits and abandons. It only publishes.
 */
export function spyTransport(lenders: number[] = []) {
  const arena = new Uint8Array(1024 * 1024);
  const log = {
    /** Every send's chunks, in order, over all channels. */
    sent: [] as Uint8Array[][],
    /** Every send's chunks by channel id. */
    sentOn: new Map<number, Uint8Array[][]>(),
    committed: [] as Uint8Array[],
    abandoned: 0,
    loans: 0,
  };
  const publisher = (channelId: number): Publisher => ({
    send(chunks) {
      log.sent.push([...chunks]);
      log.sentOn.set(channelId, [...(log.sentOn.get(channelId) ?? []), [...chunks]]);
      return undefined;
    },
    loan: lenders.includes(channelId)
      ? (length): FrameLoan => {
          const bytes = arena.subarray(log.loans * 4096, log.loans * 4096 + length);
          log.loans++;
          let done = false;
          return {
            bytes,
            commit: () => {
              done = true;
              log.committed.push(bytes);
              return undefined;
            },
            abandon: () => {
              if (!done) log.abandoned++;
              done = true;
            },
          };
        }
      : undefined,
    drops: 0,
    bufferedBytes: 0,
    subscriberCount: 1,
    close: async () => {},
  });
  const plugin: TransportPlugin = {
    kind: "spy",
    plan: (request) => request.channels.map((c) => ({ channel: c.channel, kind: "spy", connection: null })),
    create: () => ({
      publish: async (channel) => publisher(channel.channelId ?? 0),
      subscribe: async () => {
        throw new Error("the spy transport only publishes");
      },
      close: async () => {},
    }),
  };
  return { plugin, arena, log };
}
