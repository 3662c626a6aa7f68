// Node-RED embedded in this process, for the benchmark's peers (node-red-bench.mjs, node-red-mqtt.mjs):
// loaded from the folder where bench/src/node-red.ts installed it, with no editor and no HTTP
// endpoints, its user folder a temporary one removed at stop.
import { createServer } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Starts Node-RED with `flow` (flows.json's array; flow nodes need x and y, or Node-RED takes
 * them for config nodes) and `globals` as what function nodes read with `global.get(name)`.
 * Resolves once the flow runs, to `stop()`.
 * @param {string} installDir
 * @param {object[]} flow
 * @param {Record<string, unknown>} globals
 * @param {"off" | "error" | "warn"} logLevel
 */
export async function startNodeRed(installDir, flow, globals, logLevel = "off") {
  const RED = createRequire(join(installDir, "package.json"))("node-red");
  const userDir = mkdtempSync(join(tmpdir(), "rvl-nodered-"));
  writeFileSync(join(userDir, "flows.json"), JSON.stringify(flow));
  RED.init(createServer(), {
    userDir,
    flowFile: "flows.json",
    httpAdminRoot: false,
    httpNodeRoot: false,
    credentialSecret: false,
    logging: { console: { level: logLevel, metrics: false, audit: false } },
    functionGlobalContext: globals,
  });
  await RED.start();
  return {
    async stop() {
      await RED.stop();
      rmSync(userDir, { recursive: true, force: true });
    },
  };
}
