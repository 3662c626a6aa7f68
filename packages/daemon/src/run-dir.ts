import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A private folder for one run's sockets: mode 0700 (mkdtemp), removed when the run ends.
 * Kept short because Unix socket paths are limited to 107 bytes.
 */
export async function createRunDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const base = process.env.RIVULET_RUN_DIR_BASE ?? tmpdir();
  const path = await mkdtemp(join(base, "rvl-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
