import { type ChildProcess, spawn } from "node:child_process";
import { CLI, ROOT } from "./paths.js";
import { scratchFolder } from "./scratch.js";

export { CLI, ROOT, fixture } from "./paths.js";

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Kills the CLI with SIGKILL after this long (default 45 s): a hung run fails, not blocks. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /**
   * `rivulet run` writes its logs to a fresh scratch folder of the test (`--log-dir`) unless the
   * arguments give one or this is true (to test the default location, beside the YAML).
   */
  defaultLogDir?: boolean;
}

/** Starts `rivulet <args>`; `done` resolves when it exits (killed after `timeoutMs`). */
export function startCli(args: string[], options: CliOptions = {}): { child: ChildProcess; done: Promise<CliResult>; output: () => string } {
  const argv = args[0] === "run" && !args.includes("--log-dir") && !options.defaultLogDir ? [...args, "--log-dir", scratchFolder()] : args;
  const child = spawn(process.execPath, [CLI, ...argv], { cwd: options.cwd ?? ROOT, env: { ...process.env, NO_COLOR: "1", ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 45_000);
  const done = new Promise<CliResult>((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done, output: () => stdout + stderr };
}

export function runCli(args: string[], options?: CliOptions): Promise<CliResult> {
  return startCli(args, options).done;
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `predicate` holds, checking every 25 ms; throws after `timeoutMs` naming `what`. */
export async function eventually(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
