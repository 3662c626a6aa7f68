import { TransportError } from "@rivulet/core";

/**
 * A channel's planned socket path is longer than Linux accepts (sun_path, 107 bytes): the run
 * folder (RIVULET_RUN_DIR_BASE or the system temp folder) is too deep.
 */
export class SocketPathTooLongError extends TransportError {
  constructor(
    channel: string,
    readonly path: string,
    readonly maxBytes: number,
  ) {
    super(`socket path ${path} for channel '${channel}' is longer than ${maxBytes} bytes; use a shorter run folder (RIVULET_RUN_DIR_BASE)`, channel);
  }
}
