import { rmSync } from "node:fs";
import type { ChannelStatus, FrameLease, PlannedChannel, Subscription, Transport, TransportPlugin } from "@rivulet/core";

/** What a transport's spec gives the suite. */
export interface ComplianceSetup {
  plugin: TransportPlugin;
  /** A fresh private folder for `plan()`. */
  runDir: string;
  /** The transport's options (`transports.<name>` minus kind). */
  options?: Record<string, never> | Record<string, unknown>;
  /**
   * A file URL Node can import (plain JavaScript, the built package) whose default export is the
   * plugin or a function returning it: the suite runs a publisher in a process of its own with it
   * to kill that process. Required when the transport claims `publisherLoss`.
   */
  module?: string;
  /** Largest frame to test; default 40 MB. */
  maxFrameBytes?: number;
  /**
   * Bytes a publisher may hold for one subscriber beyond its `queue_size` frames (watermarks,
   * the frame being written); default 4 MB.
   */
  fixedOverheadBytes?: number;
  /**
   * Files `plan()` registered for cleanup (PlanRequest.cleanup), filled in by the suite, which
   * removes them after each test as the daemon would at the end of a run.
   */
  registered?: string[];
}

/** A subscriber that records what it receives. */
export interface Recorder {
  /** The frames received, or their first `keepBytes` bytes when that option was given. */
  frames: Uint8Array[];
  /** The full size of each received frame. */
  sizes: number[];
  /**
   * The leases of frames recorded as delivered (not copied), not released: the transport's memory
   * they live in stays theirs until released here or collected.
   */
  leases: FrameLease[];
  /** How many frames came with a lease (in the transport's own memory). */
  leased: number;
  /** What `subscription.closed` settled to: `end` (undefined), or `lost` with the error. */
  closed: { reason: "end" | "lost"; error?: Error } | undefined;
  /** Every status `onStatus` reported, in order. */
  statuses: ChannelStatus[];
  subscription: Subscription;
  /** Resolves when `n` frames have arrived. */
  received(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves when the channel closed. */
  ended(timeoutMs?: number): Promise<void>;
}

/** Options of `record`. */
export interface RecordOptions {
  flowControl?: boolean;
  /** Credit-based flow control: the test reports consumption through `subscription.consumed`. */
  grantsCredits?: boolean;
  /** The subscriber's queue_size (default: the transport's default). */
  queueSize?: number;
  signal?: AbortSignal;
  /** Keep only the first bytes of each frame (a sequence number), so big runs stay small; a lent frame is then released at once. */
  keepBytes?: number;
  /** Keep a copy of each frame and release a lent one at once (without it, and without `keepBytes`, the frame itself is kept and its lease in `leases`). */
  release?: boolean;
  /** Called for every frame after it is recorded (to pause from inside delivery, say). */
  onFrame?: (frame: Uint8Array) => void;
}

/** Plans one channel with `subscribers` and gives transports for each side. */
export async function planChannel(setup: ComplianceSetup, name: string, subscribers: string[]): Promise<PlannedChannel> {
  const [channel] = await setup.plugin.plan({
    dataflowId: "compliance",
    runDir: setup.runDir,
    options: (setup.options ?? {}) as Record<string, never>,
    cleanup: (path) => (setup.registered ??= []).push(path),
    channels: [{ channel: name, producer: name.split("/")[0]!, output: name.split("/")[1]!, subscribers }],
  });
  return channel!;
}

/** Subscribes `subscriberId` to `channel` and records what arrives. */
export async function record(transport: Transport, channel: PlannedChannel, subscriberId: string, options: RecordOptions = {}): Promise<Recorder> {
  const waiters: (() => void)[] = [];
  const wake = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  const recorder = {
    frames: [] as Uint8Array[],
    sizes: [] as number[],
    leases: [] as FrameLease[],
    leased: 0,
    statuses: [] as ChannelStatus[],
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
    grantsCredits: options.grantsCredits,
    queueSize: options.queueSize,
    signal: options.signal,
    onFrame: (frame, lease) => {
      const copy = options.keepBytes !== undefined || options.release === true;
      recorder.frames.push(options.keepBytes !== undefined ? frame.slice(0, options.keepBytes) : copy ? frame.slice() : frame);
      recorder.sizes.push(frame.byteLength);
      options.onFrame?.(frame);
      if (lease) {
        recorder.leased++;
        if (copy) lease.release();
        else recorder.leases.push(lease);
      }
      wake();
    },
    onStatus: (status) => recorder.statuses.push(status),
  });
  void recorder.subscription.closed.then((error) => {
    recorder.closed = error ? { reason: "lost", error } : { reason: "end" };
    wake();
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

/** An 8-byte chunk holding `seq`, sent before a shared payload so each frame is identifiable. */
export function seqChunk(seq: number): Uint8Array {
  const chunk = new Uint8Array(8);
  new DataView(chunk.buffer).setFloat64(0, seq, true);
  return chunk;
}

/** The sequence number at the start of a frame sent as `[seqChunk(n), ...]`. */
export function seqOf(frame: Uint8Array): number {
  return new DataView(frame.buffer, frame.byteOffset, 8).getFloat64(0, true);
}

/**
 * Resolves when `condition()` holds, checking after every event-loop turn; rejects with what
 * it waited for after `timeoutMs` (a bound on a hang, not a measured duration).
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Removes what `plan()` registered for cleanup (as the daemon does when a run ends). */
export function removeRegistered(setup: ComplianceSetup): void {
  for (const path of setup.registered ?? []) rmSync(path, { force: true });
}

/** Sockets and servers open in this process, by kind (timers and file requests left out). */
export function openHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (/Pipe|TCP|UDP|Server|Signal|Process/.test(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}
