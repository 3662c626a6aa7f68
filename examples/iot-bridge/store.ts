import { type InputEvent, Node, mapConcurrent } from "@rivulet/node";
import pg from "pg";

/** One rolling average as `average` sends it. */
interface Average {
  device: string;
  celsius: number;
  readings: number;
  ts: number;
}

const DATABASE_URL = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
/** How long one insert may take, waiting for a connection included. */
const QUERY_TIMEOUT_MS = Number(process.env.QUERY_TIMEOUT_MS ?? 2000);
/** Inserts in flight at once, at most. */
const CONCURRENCY = Number(process.env.STORE_CONCURRENCY ?? 8);

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS temperature_averages (
  device text NOT NULL,
  celsius double precision NOT NULL,
  readings integer NOT NULL,
  measured_at timestamptz NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now()
)`;
const INSERT = "INSERT INTO temperature_averages (device, celsius, readings, measured_at) VALUES ($1, $2, $3, $4)";

const node = new Node();
const pool = new pg.Pool({
  connectionString: DATABASE_URL,
  max: CONCURRENCY,
  connectionTimeoutMillis: QUERY_TIMEOUT_MS,
  // pg takes no abort signal: once `mapConcurrent`'s timeout has given an insert up, the server
  // ends the statement a little later (a lock wait, a slow disk), or the client does when the
  // server does not answer at all, so the connection comes back and nothing is inserted late.
  statement_timeout: QUERY_TIMEOUT_MS + 500,
  query_timeout: QUERY_TIMEOUT_MS + 1000,
  application_name: `rivulet-${node.id}`,
});
// An idle connection that breaks (the server restarted) is an `error` of the pool: without a
// listener it would end the process. The pool drops that connection and opens a new one later.
let connectionsLost = 0;
pool.on("error", (error) => {
  connectionsLost++;
  node.log("warn", `an idle database connection was lost: ${error.message}`);
});

/** Creates the table at the first insert that reaches the database (retried while it cannot). */
let table: Promise<void> | undefined;
function tableReady(): Promise<void> {
  table ??= pool.query(CREATE_TABLE).then(
    () => undefined,
    (error: unknown) => {
      table = undefined;
      throw error;
    },
  );
  return table;
}

// `node.inputs()` takes the averages off the main event loop; `mapConcurrent` runs up to
// CONCURRENCY inserts at once, each with its timeout, and reports an insert that fails (the
// database refuses connections, a statement times out) as a counted, logged failure: the next
// averages are still written. `node.signal` ends it at STOP.
const saved = mapConcurrent(
  node.inputs("averages"),
  async (event: InputEvent, { signal }) => {
    const [average] = event.rows() as Average[];
    await tableReady();
    signal.throwIfAborted(); // timed out while connecting: do not insert late
    await pool.query(INSERT, [average!.device, average!.celsius, average!.readings, new Date(average!.ts)]);
  },
  { concurrency: CONCURRENCY, timeout: QUERY_TIMEOUT_MS, ordered: false, signal: node.signal, node, name: "insert" },
);
for await (const _ of saved) {
  // Nothing to do with a stored average; the loop drives the inserts.
}
await pool.end();

const { succeeded, failed, timedOut, aborted } = saved.stats();
console.log(`stored ${succeeded} averages; ${failed} failed, ${timedOut} timed out, ${aborted} aborted at stop; ${connectionsLost} idle connections lost`);
