/**
 * @rivulet/cli — the `rivulet` command.
 *
 * ```ts
 * import { main } from "@rivulet/cli";
 * process.exitCode = await main(["node", "rivulet", "check", "dataflow.yml"]);
 * ```
 */
export { main, EXIT_USAGE } from "./main.js";
export { parseDuration } from "./duration.js";
export type { Terminal } from "./terminal.js";
