import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { BrokerBinaryMissingError, type PostgresServer, startPostgres } from "../src/index.js";

const run = promisify(execFile);

const servers: PostgresServer[] = [];
const clients: ChildProcess[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.kill("SIGKILL");
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function kept(server: Promise<PostgresServer>): Promise<PostgresServer> {
  servers.push(await server);
  return servers.at(-1)!;
}

/** One SQL command through `psql` (a client of its own), its rows as `a|b` lines. */
async function psql(connection: string[], sql: string): Promise<string[]> {
  const { stdout } = await run("psql", [...connection, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], { timeout: 20_000 });
  return stdout.split("\n").filter((line) => line !== "");
}

describe("startPostgres", () => {
  it("serves the postgres database to the postgres user over TCP and over its Unix socket", async () => {
    const db = await kept(startPostgres());
    expect(db.name).toBe("postgres");
    expect(db.url).toBe(`postgresql://postgres@127.0.0.1:${db.port}/postgres`);
    expect({ user: db.user, database: db.database, host: db.host, running: db.running }).toEqual({ user: "postgres", database: "postgres", host: "127.0.0.1", running: true });
    expect(await psql([db.url], "SELECT current_user, current_database(), inet_server_port()")).toEqual([`postgres|postgres|${db.port}`]);
    expect(await psql(["-h", db.socketDir, "-p", String(db.port), "-U", db.user, "-d", db.database], "SELECT 1 + 1")).toEqual(["2"]);
    expect(db.socketDir.startsWith(db.dir)).toBe(true);
  });

  it("keeps its tables and its port across stop() and start()", async () => {
    const db = await kept(startPostgres());
    await psql([db.url], "CREATE TABLE kept (n int); INSERT INTO kept VALUES (1), (2)");
    const port = db.port;
    await db.stop();
    expect(db.running).toBe(false);
    await expect(psql([db.url], "SELECT 1")).rejects.toThrow();
    await db.start();
    expect(db.port).toBe(port);
    expect(await psql([db.url], "SELECT sum(n) FROM kept")).toEqual(["3"]);
  });

  it("stops at once with a session open (a fast shutdown, not one waiting for clients to leave)", async () => {
    // A smart shutdown (SIGTERM) would wait for the sleeping session past this test's timeout.
    const db = await kept(startPostgres({ stopGraceMs: 60_000 }));
    const sleeper = spawn("psql", [db.url, "-X", "-c", "SELECT pg_sleep(60)"], { stdio: ["ignore", "ignore", "pipe"] });
    clients.push(sleeper);
    let stderr = "";
    sleeper.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
    const ended = new Promise<number | null>((resolve) => sleeper.once("exit", resolve));
    await expect.poll(() => psql([db.url], "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'"), { timeout: 10_000 }).toEqual(["1"]);
    await db.stop();
    expect(await ended).not.toBe(0);
    expect(stderr).toContain("terminating connection due to administrator command");
    expect(db.output().join("\n")).toContain("database system is shut down");
  }, 20_000);

  it("adds extraConfig to the cluster's settings, after its own test settings", async () => {
    const db = await kept(startPostgres({ extraConfig: ["max_connections = 7"] }));
    expect(await psql([db.url], "SHOW max_connections")).toEqual(["7"]);
    expect(await psql([db.url], "SHOW fsync")).toEqual(["off"]);
    expect(await readFile(join(db.dir, "data", "postgresql.conf"), "utf8")).toMatch(/fsync = off\n[^]*max_connections = 7\n$/);
  });

  it.runIf(process.getuid?.() === 0)("run as root, gives its folder to the postgres user and runs the server as that user", async () => {
    const db = await kept(startPostgres());
    const { stdout } = await run("id", ["-u", "postgres"]);
    expect((await stat(db.dir)).uid).toBe(Number(stdout.trim()));
    expect((await readFile(`/proc/${db.pid}/status`, "utf8")).match(/^Uid:\s+(\d+)/m)?.[1]).toBe(stdout.trim());
  });

  it("removes its folder on close(), and refuses to start again", async () => {
    const db = await startPostgres();
    const pid = db.pid!;
    await db.close();
    expect(existsSync(db.dir)).toBe(false);
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    await expect(db.start()).rejects.toMatchObject({ name: "BrokerClosedError" });
  });

  it("names the Debian package when the server binary is missing", async () => {
    const error = await startPostgres({ binary: "/nonexistent/bin/postgres" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BrokerBinaryMissingError);
    expect(error).toMatchObject({ name: "BrokerBinaryMissingError", binary: "/nonexistent/bin/postgres", aptPackage: "postgresql" });
  });
});
