/**
 * The reaper: a tiny watchdog process started by the daemon, in its own process group. The
 * daemon writes `+<pgid>` / `-<pgid>` lines as nodes start and end, `dir <path>` for the run
 * folder, `file <path>` for each file a transport registered (shared-memory objects), and `.`
 * before a clean exit. If stdin closes without `.` (the daemon was SIGKILLed), the reaper gives
 * the nodes a second to notice the lost control socket and stop, then SIGTERMs and finally
 * SIGKILLs every group still alive, and removes the run folder and those files: no orphan
 * nodes, no stale sockets or segments.
 */
import { rmSync } from "node:fs";
import { LineSplitter } from "./line-splitter.js";

const groups = new Set<number>();
let runDir: string | undefined;
const files = new Set<string>();
let clean = false;

const alive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};
const signalAll = (signal: NodeJS.Signals): void => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, signal);
    } catch {
      groups.delete(pgid);
    }
  }
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function reap(): Promise<void> {
  for (const [signal, waitMs] of [[null, 1000], ["SIGTERM", 1000], ["SIGKILL", 0]] as const) {
    if (signal) signalAll(signal);
    for (let waited = 0; waited < waitMs; waited += 50) {
      for (const pgid of groups) if (!alive(pgid)) groups.delete(pgid);
      if (groups.size === 0) return;
      await sleep(50);
    }
  }
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => {});
const lines = new LineSplitter((line) => {
  if (line === ".") clean = true;
  else if (line.startsWith("+")) groups.add(Number(line.slice(1)));
  else if (line.startsWith("-")) groups.delete(Number(line.slice(1)));
  else if (line.startsWith("dir ")) runDir = line.slice(4);
  else if (line.startsWith("file ")) files.add(line.slice(5));
});
process.stdin.on("data", (chunk: Buffer) => lines.push(chunk));
process.stdin.on("end", () => {
  if (clean) process.exit(0);
  void reap().then(() => {
    if (runDir) rmSync(runDir, { recursive: true, force: true });
    for (const file of files) rmSync(file, { force: true });
    process.exit(0);
  });
});
