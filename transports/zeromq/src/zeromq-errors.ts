import { RivuletError, TransportError } from "@rivulet/core";

/** A fixed `port` leaves no room for every channel: channel i uses port + i, past 65535. */
export class ZeromqPortRangeError extends RivuletError {
  constructor(
    readonly port: number,
    readonly channels: number,
  ) {
    super(`the zeromq transport's port ${port} leaves no room for its ${channels} channels (channel i uses port + i, up to 65535); choose a lower port or port: auto`);
  }
}

/** Planning could not find a free TCP port on the bind address (the address is not this machine's, say). */
export class ZeromqPortPickError extends RivuletError {
  constructor(
    readonly bind: string,
    options: { cause: unknown },
  ) {
    super(`the zeromq transport could not pick a free TCP port on ${bind}: ${(options.cause as Error).message ?? String(options.cause)}`, options);
  }
}

/** A publisher could not bind its endpoint (the port is taken, the address is not this machine's). */
export class ZeromqBindError extends TransportError {
  constructor(
    channel: string,
    readonly endpoint: string,
    options: { cause: unknown },
  ) {
    super(`cannot bind ${endpoint} for channel '${channel}': ${(options.cause as Error).message ?? String(options.cause)}`, channel, options);
  }
}
