import { execFile } from "node:child_process";
import { appendFile, chown, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { promisify } from "node:util";
import { BrokerStartError, commandOutput } from "./broker-errors.js";
import type { Broker, BrokerInit } from "./broker.js";
import { BROKER_HOST } from "./free-port.js";
import { type BrokerRecipe, type LocalBrokerComponents, launchBroker } from "./local-broker.js";
import { orphanProofCommand } from "./orphan-guard.js";
import { type PostgresBinaries, findPostgresBinaries } from "./postgres-binaries.js";

const run = promisify(execFile);

/** The superuser `initdb` creates, and the one database every cluster has. */
const SUPERUSER = "postgres";
const DATABASE = "postgres";
/** The operating-system user PostgreSQL runs as when this process is root (it refuses root). */
const SERVICE_USER = "postgres";
/** How long `initdb` may take (about a second; much more on a loaded machine). */
const INITDB_TIMEOUT_MS = 60_000;
/** Pause between two `pg_isready` checks while the server starts up. */
const READY_POLL_INTERVAL_MS = 50;
/**
 * Settings for a throwaway cluster, appended to its postgresql.conf by the first start: no
 * durability (a test never survives a power cut) and a log line that names the process.
 */
const TEST_SETTINGS = ["fsync = off", "synchronous_commit = off", "full_page_writes = off", "log_line_prefix = '%m [%p] '"];

/** Options of `startPostgres`. */
export interface PostgresInit extends Omit<BrokerInit, "tls" | "binary"> {
  /**
   * The `postgres` server binary (`initdb` and `pg_isready` are taken from its folder). Default:
   * the newest /usr/lib/postgresql/<version>/bin/postgres (Debian), else `postgres` in PATH.
   */
  binary?: string;
}

/** A PostgreSQL server of a test: a `Broker` (start, stop, restart, close) with its login. */
export interface PostgresServer extends Broker {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres`: no password (trust authentication). */
  readonly url: string;
  /** The superuser clients log in as: `postgres`. */
  readonly user: string;
  /** The database to connect to: `postgres`. */
  readonly database: string;
  /** The folder of its Unix socket (`psql -h <socketDir> -p <port>`), inside `dir`. */
  readonly socketDir: string;
}

/**
 * Starts a real PostgreSQL server on a free port of 127.0.0.1, with a fresh cluster made by
 * `initdb` in its temporary folder, and resolves once it serves clients (`pg_isready` says so;
 * the server accepts TCP connections before it is ready). Anyone on this machine may log in as
 * `postgres` without a password (trust), over TCP on 127.0.0.1 or the Unix socket in its folder.
 * Run as root, the server and `initdb` run as the `postgres` user (PostgreSQL refuses root), to
 * whom the folder then belongs.
 *
 * `stop()` is a fast shutdown (SIGINT: open sessions are ended, the data is kept); `start()`
 * again serves the same tables on the same port; `close()` also removes the folder. The
 * cluster runs with `fsync = off`: a SIGKILL loses nothing a test could miss.
 *
 * ```ts
 * const db = await startPostgres();
 * try { await new pg.Pool({ connectionString: db.url }).query("SELECT 1"); } finally { await db.close(); }
 * ```
 * @throws BrokerBinaryMissingError when PostgreSQL is not installed: `apt-get install -y postgresql`.
 * @throws BrokerStartError when `initdb` fails or the server does not come up (its last output
 *   is in the message), or when run as root with no `postgres` user.
 */
export function startPostgres(init: PostgresInit = {}): Promise<PostgresServer> {
  return startPostgresWith(init, {});
}

/** `startPostgres` with collaborators replaced (tests of this package). */
export async function startPostgresWith(init: PostgresInit, components: Partial<LocalBrokerComponents>): Promise<PostgresServer> {
  const binaries = await findPostgresBinaries(init.binary);
  const user = process.getuid?.() === 0 ? SERVICE_USER : undefined;
  const broker = await launchBroker(postgresRecipe(init, binaries, user), init, components);
  // The login is fixed by initdb's arguments; the object stays the broker, whose getters are live.
  return Object.assign(broker, { user: SUPERUSER, database: DATABASE, socketDir: join(broker.dir, "socket") });
}

function postgresRecipe(init: PostgresInit, binaries: PostgresBinaries, user: string | undefined): BrokerRecipe {
  let cluster: Promise<void> | undefined;
  return {
    binary: { name: "postgres", aptPackage: "postgresql", override: binaries.postgres },
    scheme: { plain: "postgresql", tls: "postgresql" },
    ...(user !== undefined ? { user } : {}),
    // SIGTERM is a "smart" shutdown, which waits for every client to leave.
    stopSignal: "SIGINT",
    url: (scheme, host, port) => `${scheme}://${SUPERUSER}@${host}:${port}/${DATABASE}`,
    async prepare(dir, port) {
      // Made once: every restart serves the same cluster.
      cluster ??= createCluster(dir, binaries.initdb, user, init.extraConfig ?? []);
      await cluster;
      return ["-D", join(dir, "data"), "-p", String(port), "-c", `listen_addresses=${BROKER_HOST}`, "-c", `unix_socket_directories=${join(dir, "socket")}`];
    },
    ready: (port, options) => servesClients(binaries.pgIsready, port, options),
  };
}

/**
 * Runs `initdb` into `dir/data` (trust authentication, superuser `postgres`, UTF-8, no locale)
 * and appends the test settings and `extraConfig` to its postgresql.conf. As another `user`, the
 * folder is given to that user first.
 */
async function createCluster(dir: string, initdb: string, user: string | undefined, extraConfig: readonly string[]): Promise<void> {
  await mkdir(join(dir, "socket"), { mode: 0o700 });
  if (user !== undefined) {
    const { uid, gid } = await userIds(user);
    await chown(dir, uid, gid);
    await chown(join(dir, "socket"), uid, gid);
  }
  const data = join(dir, "data");
  const { command, args } = await orphanProofCommand(initdb, ["-D", data, "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"], user);
  try {
    await run(command, args, { cwd: dir, timeout: INITDB_TIMEOUT_MS });
  } catch (error) {
    throw new BrokerStartError("postgres", 0, "initdb could not create the cluster", commandOutput(error), { cause: error });
  }
  await appendFile(join(data, "postgresql.conf"), `\n# Added by @rivulet/test-brokers for a throwaway test cluster.\n${[...TEST_SETTINGS, ...extraConfig].join("\n")}\n`);
}

/** The numeric ids of `user`, from `id` (coreutils), so that NSS users count too. */
async function userIds(user: string): Promise<{ uid: number; gid: number }> {
  try {
    const [uid, gid] = await Promise.all([run("id", ["-u", user]), run("id", ["-g", user])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch (error) {
    const reason = `PostgreSQL refuses to run as root, and there is no '${user}' user to run it as (the Debian package postgresql creates it)`;
    throw new BrokerStartError("postgres", 0, reason, commandOutput(error), { cause: error });
  }
}

/**
 * Polls `pg_isready` until the server on `port` accepts a session (exit 0): while it starts up
 * it answers, but refuses sessions (exit 1). False when `timeoutMs` passes first.
 * @throws AbortError when `signal` fires.
 */
async function servesClients(pgIsready: string, port: number, options: { timeoutMs: number; signal?: AbortSignal }): Promise<boolean> {
  const deadline = performance.now() + options.timeoutMs;
  const args = ["-h", BROKER_HOST, "-p", String(port), "-U", SUPERUSER, "-d", DATABASE, "-t", "1"];
  for (;;) {
    options.signal?.throwIfAborted();
    // A non-zero exit is "not yet"; the deadline decides when to give up.
    const ready = await run(pgIsready, args, { signal: options.signal }).then(
      () => true,
      (error: unknown) => {
        if (options.signal?.aborted) throw error;
        return false;
      },
    );
    if (ready) return true;
    if (performance.now() >= deadline) return false;
    await delay(READY_POLL_INTERVAL_MS, undefined, { signal: options.signal });
  }
}
