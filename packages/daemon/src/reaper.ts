import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The reaper's compiled entry point beside this module; when this module itself runs from
 * source (the daemon's own specs and mutation tests import src/), the built one in dist/.
 */
const REAPER_MAIN = [new URL("./reaper-main.js", import.meta.url), new URL("../dist/reaper-main.js", import.meta.url)].map((url) => fileURLToPath(url)).find((path) => existsSync(path))!;

/** The daemon's handle on its reaper process (see reaper-main.ts). */
export class Reaper {
  readonly #child: ChildProcess;

  constructor() {
    this.#child = spawn(process.execPath, [REAPER_MAIN], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
    this.#child.unref();
    (this.#child.stdin as unknown as { unref?: () => void }).unref?.();
    // If the reaper dies, the daemon still stops its nodes itself; nothing to report.
    this.#child.stdin!.on("error", () => {});
  }

  watch(pgid: number): void {
    this.#child.stdin!.write(`+${pgid}\n`);
  }

  /** The run folder to remove if the daemon dies. */
  cleanUp(dir: string): void {
    this.#child.stdin!.write(`dir ${dir}\n`);
  }

  /** A file outside the run folder (registered by a transport) to remove if the daemon dies. */
  cleanUpFile(path: string): void {
    this.#child.stdin!.write(`file ${path}\n`);
  }

  forget(pgid: number): void {
    this.#child.stdin!.write(`-${pgid}\n`);
  }

  /** Tells the reaper the run ended cleanly and lets it exit. */
  close(): void {
    this.#child.stdin!.end(".\n");
  }
}
