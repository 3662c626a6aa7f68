import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { type Broker, type PostgresServer, startMosquitto, startPostgres } from "@rivulet/test-brokers";
import pg from "pg";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { ROOT, type CliResult, startCli } from "./helpers/cli.js";
import { scratchFolder } from "./helpers/scratch.js";

// examples/iot-bridge end to end: a real mosquitto and a real PostgreSQL of the test kit, the
// dataflow through the CLI, the simulated devices as a separate plain MQTT client, the table
// read back with pg and the alerts received by an independent mosquitto_sub.

const run = promisify(execFile);
const FOLDER = join(ROOT, "examples", "iot-bridge");
const DEVICES = join(FOLDER, "devices.ts");

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The example's dataflow with the bridge pointed at `broker`, written beside it (node paths are relative). */
function dataflowFor(broker: Broker): string {
  const yml = readFileSync(join(FOLDER, "dataflow.yml"), "utf8");
  expect(yml).toContain("url: mqtt://127.0.0.1:1883");
  const file = join(FOLDER, `.e2e-${process.pid}-${broker.port}.yml`);
  writeFileSync(file, yml.replace("url: mqtt://127.0.0.1:1883", `url: ${broker.url}`));
  onTestFinished(() => rmSync(file, { force: true }));
  return file;
}

/** Starts the dataflow on `broker` storing into `db`; its node logs go to `logDir`. */
function startRun(broker: Broker, db: PostgresServer, env: Record<string, string> = {}): { done: Promise<CliResult>; child: ChildProcess; logDir: string } {
  const logDir = scratchFolder();
  const started = startCli(["run", dataflowFor(broker), "--log-dir", logDir], { env: { DATABASE_URL: db.url, ...env }, timeoutMs: 120_000 });
  cleanups.push(() => started.child.kill("SIGKILL"));
  return { ...started, logDir };
}

/** Runs devices.ts to the end: `count` readings from each of 3 devices, 20 ms apart. */
async function publishReadings(broker: Broker, count: number): Promise<void> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", DEVICES, "--url", broker.url, "--count", String(count), "--interval-ms", "20"], { cwd: ROOT, timeout: 60_000 });
  expect(stdout).toContain(`published ${count * 3} readings from 3 devices`);
}

/**
 * An independent subscriber to alerts/#: resolves once subscribed; the array grows as alerts arrive.
 * mosquitto_sub writes to a pipe only after a message, so it also subscribes a probe topic that
 * is published to until a probe comes back (one SUBSCRIBE packet holds both topics).
 */
async function subscribeAlerts(broker: Broker): Promise<{ topic: string; payload: Record<string, unknown> }[]> {
  const probe = `probe/${process.pid}`;
  const sub = spawn("mosquitto_sub", ["-h", broker.host, "-p", String(broker.port), "-t", "alerts/#", "-t", probe, "-q", "1", "-v"], { stdio: ["ignore", "pipe", "inherit"] });
  cleanups.push(() => sub.kill("SIGKILL"));
  const messages: { topic: string; payload: Record<string, unknown> }[] = [];
  let probed = false;
  createInterface({ input: sub.stdout! }).on("line", (line) => {
    if (line.startsWith(`${probe} `)) probed = true;
    const match = /^(alerts\/\S+) (\{.*\})$/.exec(line);
    if (match) messages.push({ topic: match[1]!, payload: JSON.parse(match[2]!) as Record<string, unknown> });
  });
  await expect
    .poll(async () => {
      if (!probed) await run("mosquitto_pub", ["-h", broker.host, "-p", String(broker.port), "-t", probe, "-m", "probe", "-q", "1"]);
      return probed;
    }, { timeout: 10_000, interval: 100 })
    .toBe(true);
  return messages;
}

async function database(db: PostgresServer): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  pool.on("error", () => undefined); // the fault test stops the server under idle connections
  cleanups.push(() => pool.end());
  return pool;
}

/** Rows in the example's table; -1 while the table does not exist yet. */
async function rowCount(pool: pg.Pool): Promise<number> {
  const result = await pool.query<{ n: string }>("SELECT count(*) AS n FROM temperature_averages").catch(() => undefined);
  return result === undefined ? -1 : Number(result.rows[0]!.n);
}

async function services(): Promise<{ broker: Broker; db: PostgresServer }> {
  const [broker, db] = await Promise.all([startMosquitto(), startPostgres()]);
  cleanups.push(() => broker.close(), () => db.close());
  return { broker, db };
}

describe("examples/iot-bridge against real mosquitto and PostgreSQL", () => {
  it("stores every device's rolling averages and publishes an alert on alerts/<device> at each crossing", async () => {
    const { broker, db } = await services();
    const alerts = await subscribeAlerts(broker);
    const pool = await database(db);
    const dataflow = startRun(broker, db);

    await publishReadings(broker, 20);
    await expect.poll(() => rowCount(pool), { timeout: 30_000, interval: 100 }).toBe(60);
    // Device n reads 20 + n × 0.5 × (k mod 8) °C; a window of 5: its highest average is reached after the 8th reading.
    const { rows } = await pool.query("SELECT device, count(*)::int AS n, max(celsius) AS highest, max(readings) AS window FROM temperature_averages GROUP BY device ORDER BY device");
    expect(rows).toEqual([
      { device: "dev-1", n: 20, highest: 22.5, window: 5 },
      { device: "dev-2", n: 20, highest: 25, window: 5 },
      { device: "dev-3", n: 20, highest: 27.5, window: 5 },
    ]);
    // Only dev-3 goes above 25 °C, twice (readings 7 and 15), each time with an average of 26 °C.
    await expect.poll(() => alerts.length, { timeout: 10_000 }).toBe(2);
    for (const alert of alerts) {
      expect(alert.topic).toBe("alerts/dev-3");
      expect(alert.payload).toMatchObject({ device: "dev-3", celsius: 26, threshold: 25 });
    }

    dataflow.child.kill("SIGINT");
    const result = await dataflow.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("[average] averaged 60 readings from 3 devices (0 without a temperature), 2 alerts");
    expect(result.stdout).toContain("[store] stored 60 averages; 0 failed, 0 timed out, 0 aborted at stop; 0 idle connections lost");
    expect(alerts).toHaveLength(2);
  }, 120_000);

  it("goes on storing after the database refused connections and after inserts ran past their timeout, counting each", async () => {
    const { broker, db } = await services();
    const pool = await database(db);
    await db.stop(); // refuses connections when the dataflow starts
    const dataflow = startRun(broker, db, { QUERY_TIMEOUT_MS: "1000" });

    // 1. Refused: 6 averages (and the table's creation) fail at once, with ECONNREFUSED.
    await publishReadings(broker, 2);
    const storeLog = join(dataflow.logDir, "log_store.txt");
    await expect.poll(() => existsSync(storeLog) && readFileSync(storeLog, "utf8").includes("ECONNREFUSED"), { timeout: 20_000 }).toBe(true);
    // The server takes a second or more to come back: the failures above are long over by then.
    await db.start();
    await publishReadings(broker, 3);
    await expect.poll(() => rowCount(pool), { timeout: 30_000, interval: 100 }).toBe(9);

    // 2. Slow: a transaction holds the table locked; 6 inserts wait for it past their timeout,
    // until the server ends their statements.
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    cleanups.push(() => locker.end());
    await locker.query("BEGIN; LOCK TABLE temperature_averages IN ACCESS EXCLUSIVE MODE");
    const waiting = async (): Promise<number> => Number((await pool.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'rivulet-store' AND wait_event_type = 'Lock'")).rows[0]!.n);
    await publishReadings(broker, 2);
    await expect.poll(waiting, { timeout: 20_000, interval: 50 }).toBe(6);
    await expect.poll(waiting, { timeout: 20_000, interval: 50 }).toBe(0);
    await locker.query("ROLLBACK");

    // 3. The node still stores what comes next.
    await publishReadings(broker, 1);
    await expect.poll(() => rowCount(pool), { timeout: 30_000, interval: 100 }).toBe(12);

    dataflow.child.kill("SIGINT");
    const result = await dataflow.done;
    expect(result.code, result.stderr).toBe(0);
    const summary = /^\[store\] stored (\d+) averages; (\d+) failed, (\d+) timed out, (\d+) aborted at stop; \d+ idle connections lost$/m.exec(result.stdout);
    expect(summary, result.stdout).not.toBeNull();
    // Refused inserts fail; the locked ones time out (the server ends their statements 500 ms later).
    const [stored, failed, timedOut, aborted] = summary!.slice(1).map(Number);
    expect({ stored, failed, timedOut, aborted }).toEqual({ stored: 12, failed: 6, timedOut: 6, aborted: 0 });
    expect(await rowCount(pool)).toBe(12);
  }, 120_000);
});
