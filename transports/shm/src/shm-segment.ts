import { constants } from "node:buffer";
import { type ShmAddon, loadShmAddon } from "./shm-addon.js";
import {
  InvalidShmSizeError,
  ShmSegmentClosedError,
  ShmSegmentEmptyError,
  ShmSegmentExistsError,
  ShmSegmentNotFoundError,
  ShmSyscallError,
} from "./shm-errors.js";
import { assertShmName } from "./shm-name.js";

/**
 * Largest segment, in bytes: the largest ArrayBuffer Node hands out over external memory
 * (`buffer.constants.MAX_LENGTH`, 4 GiB on 64-bit Node 20).
 */
export const SHM_SEGMENT_MAX_BYTES: number = constants.MAX_LENGTH;

/**
 * A POSIX shared-memory segment mapped into this process (`shm_open` + `mmap`, MAP_SHARED).
 * Every process that maps the same name sees the same bytes; writes are visible to the others
 * at once, with no copy and no notification (tell them over a socket). `Atomics` operations on
 * an `Int32Array` or `BigInt64Array` over `buffer` are atomic across processes; `Atomics.wait`
 * is not available (the buffer is not a SharedArrayBuffer).
 *
 * Lifetime: the mapping lives as long as any JavaScript value refers to `buffer` — this object
 * or a view taken from it — and is unmapped by the garbage collector after the last one goes.
 * `close()` only drops this object's reference; a view the caller kept stays valid and keeps
 * the mapping (and, after `unlink()`, the memory) alive. There is no explicit unmap, because
 * a view reading unmapped memory would crash the process; drop views to free memory.
 *
 * ```ts
 * const segment = ShmSegment.create(`/rvl-${process.pid}-frames`, 4 * 1024 * 1024);
 * segment.bytes.set(frame);                   // another process: ShmSegment.open(name).bytes
 * segment.unlink();                           // the name goes; mappings stay valid
 * segment.close();
 * ```
 */
export class ShmSegment {
  #buffer: ArrayBuffer | undefined;

  private constructor(
    /** The segment's name, "/" then a file name in /dev/shm. */
    readonly name: string,
    buffer: ArrayBuffer,
  ) {
    this.#buffer = buffer;
    this.size = buffer.byteLength;
  }

  /** Size of the mapping in bytes (for `open`, the segment's size when it was opened). */
  readonly size: number;

  /**
   * Creates a new segment of `size` bytes, zero-filled, mode 0600, and maps it. The memory is
   * reserved at once, so a full /dev/shm fails here (`ShmSyscallError`, code ENOSPC) rather
   * than killing the process with SIGBUS on first write. The caller owns the name and must
   * `unlink()` it.
   *
   * @throws InvalidShmNameError, InvalidShmSizeError before any system call.
   * @throws ShmSegmentExistsError when the name is taken (the existing segment is untouched).
   * @throws ShmAddonUnavailableError when the native addon was not built.
   */
  static create(name: string, size: number): ShmSegment {
    assertShmName(name);
    if (!Number.isSafeInteger(size) || size < 1 || size > SHM_SEGMENT_MAX_BYTES) {
      throw new InvalidShmSizeError(name, size, SHM_SEGMENT_MAX_BYTES);
    }
    const addon = loadShmAddon();
    return new ShmSegment(name, callAddon(name, () => addon.create(name, size)));
  }

  /**
   * Maps an existing segment whole, read-write.
   *
   * @throws InvalidShmNameError before any system call.
   * @throws ShmSegmentNotFoundError when no segment has that name.
   * @throws ShmSegmentEmptyError when it exists with size 0 (its creator has not sized it).
   * @throws ShmSyscallError with code EACCES when it belongs to another user.
   * @throws ShmAddonUnavailableError when the native addon was not built.
   */
  static open(name: string): ShmSegment {
    assertShmName(name);
    const addon = loadShmAddon();
    return new ShmSegment(name, callAddon(name, () => addon.open(name)));
  }

  /**
   * Removes a segment's name, as `shm_unlink`: nobody can open it any more, and its memory is
   * freed once every process has dropped its mapping.
   *
   * @throws ShmSegmentNotFoundError when no segment has that name.
   */
  static unlink(name: string): void {
    assertShmName(name);
    const addon: ShmAddon = loadShmAddon();
    callAddon(name, () => addon.unlink(name));
  }

  /**
   * The mapped memory. Views over it (`new Int32Array(segment.buffer)`) share it and keep it
   * mapped after `close()`.
   *
   * @throws ShmSegmentClosedError after `close()`.
   */
  get buffer(): ArrayBuffer {
    if (this.#buffer === undefined) throw new ShmSegmentClosedError(this.name);
    return this.#buffer;
  }

  /**
   * A new `Uint8Array` over the whole mapping, on every call.
   *
   * @throws ShmSegmentClosedError after `close()`.
   */
  get bytes(): Uint8Array {
    return new Uint8Array(this.buffer);
  }

  /** True after `close()`. */
  get closed(): boolean {
    return this.#buffer === undefined;
  }

  /**
   * Drops this object's reference to the mapping. Idempotent. Views taken before stay valid;
   * the mapping goes when the garbage collector finds none left. Does not unlink the name.
   */
  close(): void {
    this.#buffer = undefined;
  }

  /**
   * Removes the name (see `ShmSegment.unlink`); works before or after `close()`.
   *
   * @throws ShmSegmentNotFoundError when it was already unlinked.
   */
  unlink(): void {
    ShmSegment.unlink(this.name);
  }
}

/** Runs an addon call, turning its errno-carrying errors into named Rivulet errors. */
function callAddon<T>(name: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw toShmError(name, error);
  }
}

interface NativeSyscallError {
  code: string;
  syscall: string;
}

function toShmError(name: string, error: unknown): unknown {
  if (!isNativeSyscallError(error)) return error;
  switch (error.code) {
    case "EEXIST":
      return new ShmSegmentExistsError(name, error.code, error.syscall, { cause: error });
    case "ENOENT":
      return new ShmSegmentNotFoundError(name, error.code, error.syscall, { cause: error });
    case "ERR_SHM_EMPTY":
      return new ShmSegmentEmptyError(name, error.code, error.syscall, { cause: error });
    default:
      return new ShmSyscallError(name, error.code, error.syscall, { cause: error });
  }
}

function isNativeSyscallError(error: unknown): error is NativeSyscallError {
  return (
    error instanceof Error &&
    typeof (error as Partial<NativeSyscallError>).code === "string" &&
    typeof (error as Partial<NativeSyscallError>).syscall === "string"
  );
}
