/**
 * @rivulet/cli — the `rivulet` command.
 *
 * ```ts
 * import { main } from "@rivulet/cli";
 * process.exitCode = await main(["node", "rivulet", "check", "dataflow.yml"]);
 * ```
 */
export { main, EXIT_USAGE } from "./main.js";
export { parseDuration, formatDuration } from "./duration.js";
export { CLI_VERSION } from "./cli-version.js";
export { TargetNotEmptyError, TargetNotFolderError } from "./new-command.js";
export { pruneRunLogs } from "./run-logs.js";
export type { Terminal } from "./terminal.js";
