import { readFile, readdir, readlink } from "node:fs/promises";

/** TCP state LISTEN in /proc/net/tcp. */
const TCP_LISTEN = "0A";

/**
 * Whether process `pid` holds the socket listening on 127.0.0.1:`port`, read from Linux's
 * /proc (the listener's inode in /proc/net/tcp, among the process's open files). A connection
 * that a port accepts proves nothing by itself: a broker that failed to bind (the port was
 * taken) may not have exited yet while another process answers. `undefined` when /proc cannot
 * tell (another OS); the caller then trusts the accepted connection.
 */
export async function listensOnLoopback(pid: number, port: number): Promise<boolean | undefined> {
  let table: string;
  try {
    table = await readFile("/proc/net/tcp", "utf8");
  } catch {
    return undefined; // no procfs: nothing to check against
  }
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const inodes = new Set<string>();
  for (const line of table.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === local && fields[3] === TCP_LISTEN && fields[9] !== undefined) inodes.add(`socket:[${fields[9]}]`);
  }
  if (inodes.size === 0) return false;
  let fds: string[];
  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch {
    return false; // the process is gone
  }
  for (const fd of fds) {
    // A descriptor closed between readdir and readlink is simply not the listener.
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
    if (inodes.has(target)) return true;
  }
  return false;
}
