import { RivuletError } from "@rivulet/core";

/**
 * A broker binary (or a helper such as `mosquitto_passwd`) is not installed, or the path given
 * for it is not an executable file. The message names the Debian package that provides it.
 */
export class BrokerBinaryMissingError extends RivuletError {
  constructor(
    /** The binary asked for: a bare name (`mosquitto`) or the path given in `binary`. */
    readonly binary: string,
    /** The Debian package that installs it (`mosquitto`, `nats-server`). */
    readonly aptPackage: string,
    /** Where it was looked for: the folders searched, or the one path given. */
    readonly searched: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`${binary} is not installed (looked in ${searched.join(", ")}): install it with 'apt-get install -y ${aptPackage}'`, options);
  }
}

/**
 * A broker did not come up: it exited before accepting connections, did not accept one within
 * the start timeout, or a setup step (writing its password file) failed. `output` holds the last
 * lines the broker (or the setup step) wrote, which the message repeats.
 */
export class BrokerStartError extends RivuletError {
  constructor(
    /** The broker's binary name (`mosquitto`, `nats-server`). */
    readonly broker: string,
    /** The port it was asked to listen on (0 for a setup step before any port). */
    readonly port: number,
    /** What went wrong, in a few words. */
    readonly reason: string,
    /** The last lines of the broker's stdout and stderr, oldest first. */
    readonly output: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`${broker} on 127.0.0.1:${port} did not start: ${reason}${output.length > 0 ? `\n--- last output of ${broker} ---\n${output.join("\n")}` : " (it wrote nothing)"}`, options);
  }
}

/** `start()` or `restart()` on a broker after `close()`: its files are gone. */
export class BrokerClosedError extends RivuletError {
  constructor(readonly broker: string) {
    super(`${broker} was closed: start a new one`);
  }
}

/** The stdout and stderr lines of a failed `execFile` (a setup step), for a `BrokerStartError`. */
export function commandOutput(error: unknown): string[] {
  const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
  return `${stdout}\n${stderr}`.split("\n").filter((line) => line !== "");
}
