import type { ChildProcess } from "node:child_process";
import { findBinary } from "./find-binary.js";

/**
 * Broker processes still running. A module-level set on purpose (the style guide avoids
 * process-global registries): what it guards against, the test process ending with brokers up,
 * is itself process-wide, and Node's `exit` event is the only place left to act.
 */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Kills `child` with SIGKILL if this process exits while it runs (a test file that forgot
 * `close()`, a worker ended with `process.exit`). Handlers of `exit` must be synchronous, so the
 * broker gets no grace and its temporary folder stays; the child leaves the set when it exits.
 */
export function killOnExit(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const running of live) running.kill("SIGKILL");
    });
  }
  live.add(child);
  child.once("exit", () => live.delete(child));
}

let setpriv: Promise<string | undefined> | undefined;

/**
 * The command that runs `binary` so that the kernel kills it when the thread that spawned it
 * dies, even by SIGKILL (when no `exit` handler runs): `setpriv --pdeathsig SIGKILL` (util-linux)
 * sets PR_SET_PDEATHSIG and then execs the broker in the same process, so the pid, signals and
 * exit status are the broker's own. Without setpriv the broker runs directly and only
 * `killOnExit` guards it.
 *
 * With `user` (a server that refuses to run as root, such as PostgreSQL's), setpriv also
 * switches to that user and its groups (`--reuid --regid --init-groups`) before it sets the
 * parent-death signal, which a change of user would otherwise clear; without setpriv, `runuser
 * -u <user> --` runs it (a process of its own in between: only `killOnExit` guards it).
 */
export async function orphanProofCommand(binary: string, args: readonly string[], user?: string): Promise<{ command: string; args: string[] }> {
  // A missing setpriv is not an error here: the exit hook still covers normal exits.
  setpriv ??= findBinary({ name: "setpriv", aptPackage: "util-linux" }).catch(() => undefined);
  const wrapper = await setpriv;
  if (wrapper !== undefined) {
    const switchUser = user === undefined ? [] : [`--reuid=${user}`, `--regid=${user}`, "--init-groups"];
    return { command: wrapper, args: [...switchUser, "--pdeathsig", "SIGKILL", "--", binary, ...args] };
  }
  if (user === undefined) return { command: binary, args: [...args] };
  return { command: await findBinary({ name: "runuser", aptPackage: "util-linux" }), args: ["-u", user, "--", binary, ...args] };
}
