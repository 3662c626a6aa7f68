import type { BrokerTlsFiles, BrokerTlsInit } from "./tls-files.js";

/** How long `start()` waits for a broker to accept a TCP connection. */
export const DEFAULT_BROKER_START_TIMEOUT_MS = 10_000;
/** How long `stop()` waits after SIGTERM before it sends SIGKILL. */
export const DEFAULT_BROKER_STOP_GRACE_MS = 5_000;

/** Options shared by `startMosquitto` and `startNats`. */
export interface BrokerInit {
  /**
   * The broker executable: a path, or a name looked up in PATH and then /usr/local/sbin,
   * /usr/sbin and /sbin. Default: the broker's usual name (`mosquitto`, `nats-server`).
   */
  binary?: string;
  /** Lines appended to the generated config file (say `max_payload: 8MB` for NATS). */
  extraConfig?: readonly string[];
  /** Default for every `start()`: see `BrokerStartOptions.timeoutMs`. */
  startTimeoutMs?: number;
  /** Default for every `stop()`: see `BrokerStopOptions.graceMs`. */
  stopGraceMs?: number;
  /**
   * Listen with TLS only, on a certificate for 127.0.0.1 and localhost signed by a throwaway CA
   * that `openssl` makes in the broker's folder at the first start (kept by restarts). The URL
   * then uses `mqtts://` or `tls://`, and `Broker.tls` names the CA file (and, with
   * `clientCerts`, the client certificate and key the broker then requires). `true` is `{}`.
   */
  tls?: true | BrokerTlsInit;
  /** Aborts the first start (the broker is stopped and its folder removed). */
  signal?: AbortSignal;
}

/** Per-call options of `Broker.start`. */
export interface BrokerStartOptions {
  /** Give up when the broker has not accepted a connection after this long; default 10 s. */
  timeoutMs?: number;
  /** Stops the broker being started and rejects with an AbortError. */
  signal?: AbortSignal;
}

/** Per-call options of `Broker.stop` and `Broker.close`. */
export interface BrokerStopOptions {
  /** Wait after SIGTERM before SIGKILL; default 5 s. */
  graceMs?: number;
}

/**
 * A real broker process on 127.0.0.1 owned by a test, with its own temporary folder (config,
 * password file, persistent store). Calls are serialized: a `stop()` made while a `start()` runs
 * takes effect after it.
 */
export interface Broker {
  /** The binary's usual name: `mosquitto` or `nats-server`. */
  readonly name: string;
  /**
   * Where clients connect, no credentials: `mqtt://127.0.0.1:<port>` or `nats://127.0.0.1:<port>`;
   * with `tls`, `mqtts://127.0.0.1:<port>` or `tls://127.0.0.1:<port>`.
   */
  readonly url: string;
  /** With `tls`: the CA file a client trusts, and the client certificate and key with `clientCerts`. */
  readonly tls: BrokerTlsFiles | undefined;
  /** Always `127.0.0.1`. */
  readonly host: string;
  /** The TCP port, chosen free at the first start and kept by every restart. */
  readonly port: number;
  /** The temporary folder holding the config and the broker's persistent state. */
  readonly dir: string;
  /** True between a successful start and stop (false too after the broker died on its own). */
  readonly running: boolean;
  /** The process id while running. */
  readonly pid: number | undefined;
  /** The last lines (up to 20) the current or last broker process wrote, oldest first. */
  output(): string[];
  /**
   * Starts the broker on `port` with its existing folder, so persistent state survives a stop;
   * resolves once it accepts TCP connections, at once when it already runs.
   * @throws BrokerStartError when it exits first or does not accept in time (the message holds
   *   its last output), e.g. when something else took the port while it was stopped.
   * @throws BrokerClosedError after `close()`.
   * @throws AbortError when `signal` fires (the broker is stopped again).
   */
  start(options?: BrokerStartOptions): Promise<void>;
  /**
   * Stops the broker: SIGTERM (mosquitto saves its persistent store, nats-server flushes
   * JetStream), SIGKILL after `graceMs`. Resolves once it exited; at once when it is not running.
   */
  stop(options?: BrokerStopOptions): Promise<void>;
  /** `stop()` then `start()` on the same port and folder. */
  restart(options?: BrokerStartOptions & BrokerStopOptions): Promise<void>;
  /** `stop()`, then removes the temporary folder. Idempotent; `start()` afterwards throws. */
  close(options?: BrokerStopOptions): Promise<void>;
}
