import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { BrokerBinaryMissingError } from "./broker-errors.js";
import { findBinary } from "./find-binary.js";

/** Where Debian's `postgresql` package installs each major version's server binaries. */
export const DEBIAN_POSTGRES_ROOT = "/usr/lib/postgresql";

/** The PostgreSQL programs `startPostgres` runs, all from one installation. */
export interface PostgresBinaries {
  /** The server. */
  postgres: string;
  /** Creates the cluster in the temporary folder. */
  initdb: string;
  /** Tells when the server serves clients (it accepts TCP before it is ready). */
  pgIsready: string;
}

/**
 * The server binaries of one PostgreSQL installation: beside `override` (a path to `postgres`)
 * when given, else those of the newest major version under /usr/lib/postgresql/<version>/bin
 * (Debian puts none of them in PATH), else `postgres` found in PATH and its folder.
 * @throws BrokerBinaryMissingError naming the Debian package `postgresql` when there is none,
 *   or when `initdb` or `pg_isready` is missing beside the server.
 */
export async function findPostgresBinaries(override?: string): Promise<PostgresBinaries> {
  const postgres = override?.includes("/") ? await findBinary({ name: "postgres", aptPackage: "postgresql", override }) : await newestDebianServer(override);
  const folder = dirname(postgres);
  const beside = (name: string): Promise<string> => findBinary({ name, aptPackage: "postgresql", override: join(folder, name) });
  return { postgres, initdb: await beside("initdb"), pgIsready: await beside("pg_isready") };
}

async function newestDebianServer(name = "postgres"): Promise<string> {
  // A missing root folder means no Debian installation: the PATH lookup below decides.
  const versions = await readdir(DEBIAN_POSTGRES_ROOT).catch(() => [] as string[]);
  const newestFirst = versions.filter((version) => /^\d+(\.\d+)?$/.test(version)).sort((a, b) => Number(b) - Number(a));
  for (const version of newestFirst) {
    const found = await findBinary({ name, aptPackage: "postgresql", override: join(DEBIAN_POSTGRES_ROOT, version, "bin", name) }).catch(() => undefined);
    if (found !== undefined) return found;
  }
  try {
    return await findBinary({ name, aptPackage: "postgresql" });
  } catch (error) {
    const searched = error instanceof BrokerBinaryMissingError ? error.searched : [];
    throw new BrokerBinaryMissingError(name, "postgresql", [join(DEBIAN_POSTGRES_ROOT, "*", "bin"), ...searched], { cause: error });
  }
}
