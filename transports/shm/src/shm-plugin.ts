import { randomBytes } from "node:crypto";
import { InvalidTransportOptionsError, MAX_FRAME_BYTES, type PlanRequest, type PlannedChannel, type TransportPlugin } from "@rivulet/core";
import { planUnixConnection } from "@rivulet/transport-unix";
import { loadShmAddon } from "./shm-addon.js";
import { ShmSubscriberLimitError } from "./shm-errors.js";
import { shmOptions, validateShmOptions } from "./shm-options.js";
import { MAX_SHM_SUBSCRIBERS } from "./shm-publisher.js";
import { type ShmConnection, ShmTransport, type ShmTransportTuning } from "./shm-transport.js";

/** Bytes of randomness in a run's segment names (two plans of one dataflow never share one). */
const NAME_RANDOM_BYTES = 6;

/**
 * The shared-memory transport plugin: per output, a segment in /dev/shm holding a ring of
 * `slots` slots of `slot_size` bytes, and a Unix socket in the run folder on which subscribers
 * say HELLO and get slot references (see ShmPublisher). Segments are registered with the run's
 * cleanup, so they go when the run ends, also after SIGKILL of the CLI.
 *
 * ```yaml
 * transports:
 *   frames: { kind: shm, slots: 8, slot_size: 8 MiB }
 * ```
 *
 * @param tuning time limits and the inline threshold for tests and embedders (and, for tests, the
 *   addon file planning checks); nodes started by `rivulet run` use the defaults.
 */
export function shm(tuning: ShmTransportTuning & { addonPath?: string } = {}): TransportPlugin {
  const { addonPath, ...nodeTuning } = tuning;
  return {
    kind: "shm",
    capabilities: { flowControl: true, publisherLoss: true, knowsSubscribers: true, preludes: true, zeroCopy: true, maxFrameBytes: MAX_FRAME_BYTES },
    plan(request: PlanRequest): PlannedChannel[] {
      const issues = validateShmOptions(request.options);
      if (issues.length > 0) throw new InvalidTransportOptionsError("shm", issues);
      // Refused at planning (so by `rivulet check` too), with the command that builds it, rather than by every node.
      loadShmAddon(addonPath);
      const { slots, slotBytes } = shmOptions(request.options);
      const run = `${request.dataflowId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40)}-${randomBytes(NAME_RANDOM_BYTES).toString("hex")}`;
      return request.channels.map((channel, index) => {
        if (channel.subscribers.length > MAX_SHM_SUBSCRIBERS) throw new ShmSubscriberLimitError(channel.channel, channel.subscribers.length, MAX_SHM_SUBSCRIBERS);
        const segment = `/rivulet-${run}-${index}`;
        request.cleanup?.(`/dev/shm${segment}`);
        const connection: ShmConnection = { ...planUnixConnection(request.runDir, `s${index}.sock`, channel), segment, slots, slotBytes };
        return { channel: channel.channel, kind: "shm", connection: { ...connection } };
      });
    },
    validate: validateShmOptions,
    create: () => new ShmTransport(nodeTuning),
  };
}
