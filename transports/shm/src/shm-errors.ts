import { RivuletError } from "@rivulet/core";
import { SHM_NODE_GYP_COMMAND } from "./shm-addon-build.js";

/**
 * The native addon (`build/Release/rivulet_shm.node`) is missing or does not load: the
 * package's install script did not build it (no compiler, `--ignore-scripts`, a Node upgrade).
 * `rebuildCommand` is what to run; `cause` is the loader's own error.
 */
export class ShmAddonUnavailableError extends RivuletError {
  constructor(
    readonly addonPath: string,
    readonly rebuildCommand: string,
    options: { cause: unknown },
  ) {
    super(
      `the shared-memory addon ${addonPath} could not be loaded; build it with \`${rebuildCommand}\` ` +
        `from the project root, or \`${SHM_NODE_GYP_COMMAND}\` in the package folder ` +
        "(needs make, a C compiler, python3 and the Node headers in /usr/include/node)",
      options,
    );
  }
}

/** A segment name that POSIX shared memory does not accept; `reason` says which rule it breaks. */
export class InvalidShmNameError extends RivuletError {
  constructor(
    readonly segmentName: string,
    readonly reason: string,
  ) {
    super(`invalid shared-memory segment name ${JSON.stringify(segmentName)}: ${reason}`);
  }
}

/** A segment size that is not a whole number of bytes in `[1, maxBytes]`. */
export class InvalidShmSizeError extends RivuletError {
  constructor(
    readonly segmentName: string,
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`shared-memory segment ${segmentName}: size ${size} is not a whole number of bytes from 1 to ${maxBytes}`);
  }
}

/**
 * A system call on a segment failed. `code` is the errno name (`EACCES`, `ENOSPC`, ...),
 * `syscall` the call (`shm_open`, `posix_fallocate`, `mmap`, ...). The two failures callers
 * branch on have their own subclasses.
 */
export class ShmSyscallError extends RivuletError {
  constructor(
    readonly segmentName: string,
    readonly code: string,
    readonly syscall: string,
    options: { cause: unknown },
  ) {
    super(`shared-memory segment ${segmentName}: ${syscall} failed with ${code}`, options);
  }
}

/** `create` found a segment of that name already there (EEXIST); it is left untouched. */
export class ShmSegmentExistsError extends ShmSyscallError {}

/** `open` or `unlink` found no segment of that name (ENOENT). */
export class ShmSegmentNotFoundError extends ShmSyscallError {}

/**
 * `open` found the segment with size 0: its creator has not sized it yet, or it is not one of
 * ours. Nothing is mapped.
 */
export class ShmSegmentEmptyError extends ShmSyscallError {}

/** The segment's bytes were asked for after `close()`. */
export class ShmSegmentClosedError extends RivuletError {
  constructor(readonly segmentName: string) {
    super(`shared-memory segment ${segmentName} is closed`);
  }
}

/** A shared-memory channel with more subscribers than its slots' holder words have bits for. */
export class ShmSubscriberLimitError extends RivuletError {
  constructor(
    readonly channel: string,
    readonly subscribers: number,
    readonly max: number,
  ) {
    super(`channel '${channel}' has ${subscribers} subscribers on a shared-memory transport, which carries at most ${max} per output; put some of its consumers on another transport`);
  }
}
