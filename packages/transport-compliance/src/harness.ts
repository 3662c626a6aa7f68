import type { PlannedChannel, Subscription, Transport, TransportPlugin } from "@rivulet/core";

/** What a transport's spec gives the suite. */
export interface ComplianceSetup {
  plugin: TransportPlugin;
  /** A fresh private folder for `plan()`. */
  runDir: string;
  /** The transport's options (`transports.<name>` minus kind). */
  options?: Record<string, never> | Record<string, unknown>;
  /** Largest frame to test; default 40 MB. */
  maxFrameBytes?: number;
}

/** A subscriber that records what it receives. */
export interface Recorder {
  frames: Uint8Array[];
  closed: { reason: "end" | "lost"; error?: Error } | undefined;
  subscription: Subscription;
  /** Resolves when `n` frames have arrived. */
  received(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves when the channel closed. */
  ended(timeoutMs?: number): Promise<void>;
}

/** Plans one channel with `subscribers` and gives transports for each side. */
export function planChannel(setup: ComplianceSetup, name: string, subscribers: string[]): PlannedChannel {
  const [channel] = setup.plugin.plan({
    dataflowId: "compliance",
    runDir: setup.runDir,
    options: (setup.options ?? {}) as Record<string, never>,
    channels: [{ channel: name, producer: name.split("/")[0]!, output: name.split("/")[1]!, subscribers }],
  });
  return channel!;
}

export async function record(transport: Transport, channel: PlannedChannel, subscriberId: string, options: { flowControl?: boolean; signal?: AbortSignal } = {}): Promise<Recorder> {
  const waiters: (() => void)[] = [];
  const wake = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  const recorder = {
    frames: [] as Uint8Array[],
    closed: undefined as Recorder["closed"],
  } as Recorder;
  const until = (done: () => boolean, what: string, timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (done()) {
          clearTimeout(timer);
          resolve();
        } else waiters.push(check);
      };
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (have ${recorder.frames.length} frames)`)), timeoutMs);
      check();
    });
  recorder.received = (n, timeoutMs = 20_000) => until(() => recorder.frames.length >= n, `${n} frames`, timeoutMs);
  recorder.ended = (timeoutMs = 20_000) => until(() => recorder.closed !== undefined, "the channel to close", timeoutMs);
  recorder.subscription = await transport.subscribe(channel, {
    subscriberId,
    flowControl: options.flowControl ?? false,
    signal: options.signal,
    onFrame: (frame) => {
      recorder.frames.push(frame);
      wake();
    },
    onClose: (reason, error) => {
      recorder.closed = { reason, error };
      wake();
    },
  });
  return recorder;
}

/** A frame of `size` bytes whose content encodes `seed`, to check integrity. */
export function patterned(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 4096) bytes[i] = (i / 4096 + seed) & 0xff;
  if (size > 0) bytes[size - 1] = seed & 0xff;
  return bytes;
}

/** Sockets and servers open in this process, by kind (timers and file requests left out). */
export function openHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (/Pipe|TCP|UDP|Server|Signal|Process/.test(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}
