/**
 * @rivulet/transport-shm — shared memory for Rivulet. So far: the segment layer, POSIX shared
 * memory mapped as ArrayBuffers by a small N-API addon built at install. The transport plugin
 * (its default export) comes with the transport contract's next version.
 *
 * ```ts
 * import { ShmSegment } from "@rivulet/transport-shm";
 * const segment = ShmSegment.create(`/rvl-${process.pid}-demo`, 1024);
 * segment.bytes[0] = 42;                         // another process: ShmSegment.open(segment.name)
 * segment.unlink();
 * segment.close();
 * ```
 */
export { ShmSegment, SHM_SEGMENT_MAX_BYTES } from "./shm-segment.js";
export { SHM_NAME_MAX_BYTES } from "./shm-name.js";
export { SLOT_ALIGN_BYTES, SLOT_HOLDER_BYTES, holderWord, releaseHolder, viewSlot } from "./shm-slot.js";
export { type ClaimedSlot, SlotRing } from "./slot-ring.js";
export { SHM_REBUILD_COMMAND, SHM_NODE_GYP_COMMAND } from "./shm-addon-build.js";
export {
  ShmAddonUnavailableError,
  InvalidShmNameError,
  InvalidShmSizeError,
  ShmSyscallError,
  ShmSegmentExistsError,
  ShmSegmentNotFoundError,
  ShmSegmentEmptyError,
  ShmSegmentClosedError,
} from "./shm-errors.js";
