import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it, vi } from "vitest";

// The child runs the built package (plain JavaScript), as a transport's test process would.
const DIST = new URL("../dist/index.js", import.meta.url).href;
const dirs: string[] = [];
const pids: number[] = [];
afterEach(() => {
  // A failed test could leave a broker behind: take it down here rather than leak it.
  for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** True while `pid` runs (a zombie, dead but not yet reaped by its new parent, counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false; // no /proc entry: the process is gone
  }
}

/** Runs a Node process that starts a broker, prints its pid and folder, then does `then`. */
async function brokerInChild(starter: "startMosquitto" | "startNats" | "startPostgres", then: "wait" | "exit"): Promise<{ child: ReturnType<typeof spawn>; pid: number }> {
  const code = `
    const m = await import(process.argv[1]);
    const broker = await m.${starter}();
    console.log(JSON.stringify({ pid: broker.pid, dir: broker.dir }));
    if (process.argv[2] === "exit") process.exit(0); else setInterval(() => {}, 60_000);`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", code, DIST, then], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  const line = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the child exited (${code}) before starting its broker`)));
  });
  lines.close();
  const { pid, dir } = JSON.parse(line) as { pid: number; dir: string };
  pids.push(pid);
  dirs.push(dir);
  return { child, pid };
}

describe.each(["startMosquitto", "startNats", "startPostgres"] as const)("%s in a test process that dies", (starter) => {
  it("takes its broker along when killed with SIGKILL", async () => {
    const { child, pid } = await brokerInChild(starter, "wait");
    expect(alive(pid)).toBe(true);
    child.kill("SIGKILL");
    await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 10_000, interval: 50 });
  });

  it("takes its broker along when it exits without closing it", async () => {
    const { pid } = await brokerInChild(starter, "exit");
    await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 10_000, interval: 50 });
  });
});
