import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BrokerClosedError, BrokerStartError } from "./broker-errors.js";
import { BrokerProcess } from "./broker-process.js";
import { type Broker, type BrokerInit, type BrokerStartOptions, type BrokerStopOptions, DEFAULT_BROKER_START_TIMEOUT_MS, DEFAULT_BROKER_STOP_GRACE_MS } from "./broker.js";
import { type BinarySpec, findBinary } from "./find-binary.js";
import { BROKER_HOST, freePort } from "./free-port.js";
import { type BrokerTlsFiles, type ServerTlsFiles, writeTlsFiles } from "./tls-files.js";
import { waitUntilAccepting } from "./wait-until-accepting.js";

/** Fresh ports tried at the first start when another process takes the chosen one first. */
export const MAX_PORT_ATTEMPTS = 5;
/** How both brokers report a port some other socket holds. */
const ADDRESS_IN_USE = /address already in use/i;

/** What differs between two kinds of broker: its binary, URL scheme and config file. */
export interface BrokerRecipe {
  binary: BinarySpec;
  /** The URL scheme of a plain listener (`mqtt`) and of a TLS one (`mqtts`). */
  scheme: { plain: string; tls: string };
  /**
   * Writes whatever the broker needs into `dir` to listen on 127.0.0.1:`port` (called before
   * every start: the port may change until the first start succeeds) and returns its arguments.
   * `tls` is set when the broker must listen with TLS only, on these files.
   */
  prepare(dir: string, port: number, tls: ServerTlsFiles | undefined): Promise<string[]>;
  /** The user the broker runs as (see `orphanProofCommand`); default this process's. */
  user?: string;
  /** What `stop()` sends first; default SIGTERM. */
  stopSignal?: NodeJS.Signals;
  /** Where clients connect, when more than `<scheme>://<host>:<port>` (a user, a database). */
  url?: (scheme: string, host: string, port: number) => string;
  /**
   * Once the broker accepts TCP connections on its port: resolves true when it also serves
   * clients (a server still starting up may accept and refuse), false when `timeoutMs` passed
   * first. Default: accepting is serving.
   */
  ready?: (port: number, options: { timeoutMs: number; signal?: AbortSignal }) => Promise<boolean>;
}

/** Collaborators a test may replace. */
export interface LocalBrokerComponents {
  /** Picks the port of the first start; default `freePort`. */
  pickPort: () => Promise<number>;
  /** The `openssl` binary that makes the certificates of `tls`: a path or a name; default `openssl`. */
  openssl: string;
}

/**
 * Creates a broker's temporary folder (with `tls`, its certificates too) and starts it. The
 * folder is removed when the first start fails, so a failed `startMosquitto` leaves nothing behind.
 * @throws BrokerBinaryMissingError before anything is created when the binary is not installed
 *   (or, with `tls`, `openssl`: `apt-get install -y openssl`).
 */
export async function launchBroker(recipe: BrokerRecipe, init: BrokerInit, replaced: Partial<LocalBrokerComponents> = {}): Promise<Broker> {
  const components: LocalBrokerComponents = { pickPort: freePort, openssl: "openssl", ...replaced };
  const binary = await findBinary(recipe.binary);
  const openssl = init.tls ? await findBinary({ name: "openssl", aptPackage: "openssl", override: components.openssl }) : undefined;
  const dir = await mkdtemp(join(tmpdir(), `rvl-${recipe.binary.name}-`));
  let broker: LocalBroker | undefined;
  try {
    const tls = openssl !== undefined ? await writeTlsFiles(openssl, dir, recipe.binary.name, init.tls === true ? {} : (init.tls ?? {})) : undefined;
    broker = new LocalBroker(recipe, binary, dir, init, components, tls);
    await broker.start({ signal: init.signal });
  } catch (error) {
    await (broker?.close() ?? rm(dir, { recursive: true, force: true }));
    throw error;
  }
  return broker;
}

/** The one `Broker` implementation: a recipe run as a child process in its own folder. */
class LocalBroker implements Broker {
  readonly host = BROKER_HOST;
  #port = 0;
  /** Set by the first successful start: from then on every start uses the same port. */
  #pinned = false;
  #process: BrokerProcess | undefined;
  #closed = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly recipe: BrokerRecipe,
    private readonly binary: string,
    readonly dir: string,
    private readonly init: BrokerInit,
    private readonly components: LocalBrokerComponents,
    /** The certificates of a TLS broker, made once before the first start. */
    private readonly tlsFiles: { server: ServerTlsFiles; client: BrokerTlsFiles } | undefined,
  ) {}

  get name(): string {
    return this.recipe.binary.name;
  }

  get url(): string {
    const scheme = this.tlsFiles ? this.recipe.scheme.tls : this.recipe.scheme.plain;
    return this.recipe.url?.(scheme, this.host, this.#port) ?? `${scheme}://${this.host}:${this.#port}`;
  }

  get tls(): BrokerTlsFiles | undefined {
    return this.tlsFiles && { ...this.tlsFiles.client };
  }

  get port(): number {
    return this.#port;
  }

  get running(): boolean {
    return this.#process?.running ?? false;
  }

  get pid(): number | undefined {
    return this.running ? this.#process?.pid : undefined;
  }

  output(): string[] {
    return this.#process?.output() ?? [];
  }

  start(options: BrokerStartOptions = {}): Promise<void> {
    return this.#serial(() => this.#start(options));
  }

  stop(options: BrokerStopOptions = {}): Promise<void> {
    return this.#serial(() => this.#stop(options));
  }

  restart(options: BrokerStartOptions & BrokerStopOptions = {}): Promise<void> {
    return this.#serial(async () => {
      await this.#stop(options);
      await this.#start(options);
    });
  }

  close(options: BrokerStopOptions = {}): Promise<void> {
    return this.#serial(async () => {
      if (this.#closed) return;
      this.#closed = true;
      await this.#stop(options);
      await rm(this.dir, { recursive: true, force: true });
    });
  }

  /** Runs operations one at a time, in call order; a failed one does not block the next. */
  #serial(operation: () => Promise<void>): Promise<void> {
    const result = this.#queue.then(operation, operation);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #start(options: BrokerStartOptions): Promise<void> {
    if (this.#closed) throw new BrokerClosedError(this.name);
    if (this.running) return;
    const timeoutMs = options.timeoutMs ?? this.init.startTimeoutMs ?? DEFAULT_BROKER_START_TIMEOUT_MS;
    for (let attempt = 1; ; attempt++) {
      if (!this.#pinned) this.#port = await this.components.pickPort();
      const args = await this.recipe.prepare(this.dir, this.#port, this.tlsFiles?.server);
      const started = await BrokerProcess.spawn(this.binary, args, this.dir, this.recipe.user);
      this.#process = started;
      let outcome: Awaited<ReturnType<typeof waitUntilAccepting>>;
      try {
        const deadline = performance.now() + timeoutMs;
        outcome = await waitUntilAccepting(this.#port, { timeoutMs, pid: started.pid, exited: started.exited, signal: options.signal });
        if (outcome === "accepting") outcome = await this.#serving(started, deadline - performance.now(), options.signal);
      } catch (error) {
        await started.stop(this.#graceMs({}), this.recipe.stopSignal);
        throw error;
      }
      if (outcome === "accepting" && started.running) {
        this.#pinned = true;
        return;
      }
      const exit = await started.stop(this.#graceMs({}), this.recipe.stopSignal);
      const inUse = started.output().some((line) => ADDRESS_IN_USE.test(line));
      if (inUse && !this.#pinned && attempt < MAX_PORT_ATTEMPTS) continue;
      const reason =
        exit.error !== undefined
          ? `it could not be spawned (${exit.error.message})`
          : outcome === "timeout"
            ? `it accepted no connection within ${timeoutMs} ms`
            : `it exited (${exit.signal ?? `code ${exit.code}`}) before accepting connections${inUse ? ": the port is taken" : ""}`;
      throw new BrokerStartError(this.name, this.#port, reason, started.output(), exit.error ? { cause: exit.error } : undefined);
    }
  }

  /** The recipe's `ready` check, given what is left of the start timeout, cut short when the broker exits. */
  async #serving(started: BrokerProcess, timeoutMs: number, signal: AbortSignal | undefined): Promise<"accepting" | "exited" | "timeout"> {
    if (this.recipe.ready === undefined) return "accepting";
    const exited = new AbortController();
    const options = { timeoutMs: Math.max(0, timeoutMs), signal: signal ? AbortSignal.any([signal, exited.signal]) : exited.signal };
    try {
      const serving = await Promise.race([this.recipe.ready(this.#port, options), started.exited.then(() => "exited" as const)]);
      return serving === true ? "accepting" : serving === false ? "timeout" : serving;
    } finally {
      exited.abort(); // stops the checks when the broker exited first
    }
  }

  async #stop(options: BrokerStopOptions): Promise<void> {
    await this.#process?.stop(this.#graceMs(options), this.recipe.stopSignal);
  }

  #graceMs(options: BrokerStopOptions): number {
    return options.graceMs ?? this.init.stopGraceMs ?? DEFAULT_BROKER_STOP_GRACE_MS;
  }
}
