import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";

/** Run folders are named by the run's dataflow id (a UUID); nothing else under out/ is touched. */
const RUN_FOLDER = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Keeps the newest `keep` run folders under `outDir` (by modification time) and removes the
 * rest, so `out/` does not pile up. `current` (the run that just ended) is always kept.
 * `keep` 0 keeps everything. A missing `outDir` is not an error; a folder that disappears
 * meanwhile (another run pruning at once) is skipped.
 * @returns the names of the folders removed.
 */
export async function pruneRunLogs(outDir: string, keep: number, current?: string): Promise<string[]> {
  if (keep <= 0) return [];
  let names: string[];
  try {
    names = (await readdir(outDir, { withFileTypes: true })).filter((e) => e.isDirectory() && RUN_FOLDER.test(e.name)).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const folders = await Promise.all(names.map(async (name) => ({ name, mtimeMs: await modified(join(outDir, name)) })));
  const newestFirst = folders.filter((f) => f.mtimeMs !== undefined).sort((a, b) => b.mtimeMs! - a.mtimeMs!);
  const kept = new Set(current !== undefined && names.includes(current) ? [current] : []);
  for (const folder of newestFirst) if (kept.size < keep) kept.add(folder.name);
  const removed = newestFirst.filter((f) => !kept.has(f.name)).map((f) => f.name);
  await Promise.all(removed.map((name) => rm(join(outDir, name), { recursive: true, force: true })));
  return removed;
}

async function modified(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    // Removed by a concurrent prune between readdir and stat: nothing left to keep or remove.
    return undefined;
  }
}
