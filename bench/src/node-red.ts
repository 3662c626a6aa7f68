import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PeerRow } from "./results.js";
import { throughput } from "./stats.js";

/** Node-RED 4.1 is the last major that runs on Node 20. */
export const NODE_RED_VERSION = "4.1";
const SCRIPT = fileURLToPath(new URL("../peers/node-red-bench.mjs", import.meta.url));
/** Where the benchmark installs its peers (git-ignored). */
export const PEERS_DIR = fileURLToPath(new URL("../tmp/peers/", import.meta.url));

/**
 * Installs node-red into `dir` unless it is there (kept out of the quickstart install); resolves
 * to the version installed, such as "4.1.15".
 */
export function installNodeRed(dir: string): string {
  const manifest = join(dir, "node_modules", "node-red", "package.json");
  if (!existsSync(manifest)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "rivulet-bench-peers", private: true }));
    console.error(`bench: installing node-red@${NODE_RED_VERSION} into ${dir}`);
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", `node-red@${NODE_RED_VERSION}`], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  }
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

/**
 * Node-RED embedded, three pass-through function nodes between a source and a sink, at small
 * sizes. Installs node-red into `dir` on first use.
 */
export async function nodeRedThroughput(dir: string, messages: number): Promise<PeerRow[]> {
  installNodeRed(dir);
  const rows: PeerRow[] = [];
  for (const size of [8, 64, 512]) {
    const output = execFileSync(process.execPath, [SCRIPT, dir, String(size), String(messages)], { encoding: "utf8", timeout: 300_000 });
    const { messages: count, ns } = JSON.parse(output.trim().split("\n").pop()!) as { messages: number; ns: number };
    rows.push({ name: `Node-RED ${NODE_RED_VERSION} (embedded)`, detail: "inject -> function x3 -> sink, one process", size, throughput: throughput(count, size, ns) });
  }
  return rows;
}
