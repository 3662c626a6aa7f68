/**
 * @rivulet/transport-shm — shared memory for Rivulet: the `shm` transport plugin (its default
 * export), and the segment layer under it, POSIX shared memory mapped as ArrayBuffers by a small
 * N-API addon built at install.
 *
 * ```yaml
 * transports:
 *   frames: { kind: shm, slots: 8, slot_size: 8 MiB }
 * nodes:
 *   - id: camera
 *     path: camera.ts
 *     outputs: [image]
 *     transport: frames
 * ```
 */
export { shm, shm as default } from "./shm-plugin.js";
export { ShmTransport, type ShmConnection, type ShmTransportTuning, shmConnection } from "./shm-transport.js";
export { ShmPublisher, type ShmPublisherInit, SHM_INLINE_BELOW_BYTES, MAX_SHM_SUBSCRIBERS } from "./shm-publisher.js";
export { SlotFrames, SLOT_REFERENCE_BYTES } from "./slot-reference.js";
export { type ShmOptions, DEFAULT_SHM_SLOTS, DEFAULT_SHM_SLOT_SIZE, MAX_SHM_SLOTS, parseBytes, shmOptions, validateShmOptions } from "./shm-options.js";
export { ShmSegment, SHM_SEGMENT_MAX_BYTES } from "./shm-segment.js";
export { SHM_NAME_MAX_BYTES } from "./shm-name.js";
export { SLOT_ALIGN_BYTES, SLOT_HOLDER_BYTES, holderWord, releaseHolder, viewSlot } from "./shm-slot.js";
export { type ClaimedSlot, SlotRing } from "./slot-ring.js";
export { SHM_REBUILD_COMMAND, SHM_NODE_GYP_COMMAND } from "./shm-addon-build.js";
export {
  ShmAddonUnavailableError,
  ShmSubscriberLimitError,
  InvalidShmNameError,
  InvalidShmSizeError,
  ShmSyscallError,
  ShmSegmentExistsError,
  ShmSegmentNotFoundError,
  ShmSegmentEmptyError,
  ShmSegmentClosedError,
} from "./shm-errors.js";
