/**
 * @rivulet/daemon — plans transports, spawns and supervises nodes. The programmatic API behind
 * `rivulet run`.
 *
 * ```ts
 * import { startDataflow } from "@rivulet/daemon";
 * const run = await startDataflow({ file: "dataflow.yml", onEvent: (e) => console.log(e) });
 * process.once("SIGINT", () => run.stop("Ctrl-C"));
 * const result = await run.finished; // result.exitCode, result.nodes
 * ```
 */
export { startDataflow, DataflowRun, type DataflowRunInit } from "./dataflow-run.js";
export { preflight, PreflightError, type Preflight, type PreflightOptions } from "./preflight.js";
export { checkDataflow } from "./check-dataflow.js";
export { TransportUnavailableError, TransportOptionError, UnsupportedQueuePolicyError, UnloadablePackageError, NodeModuleTypeError, UnresolvedImportError, NodeSyntaxError, OperatorModuleError, type OperatorModuleProblem } from "./preflight-errors.js";
export type { BuildStep } from "./build-step.js";
export type { RunEvent, RunResult, NodeResult, StalledConsumer } from "./run-events.js";
export type { NodeExit } from "./node-process.js";
export {
  NodeProgramError,
  type NodeProgramProblem,
  StartTimeoutError,
  PlanError,
  BuildError,
  RegistrationRefusedError,
  type RegistrationRefusal,
  StartupFailureError,
  NodeNeverJoinedError,
} from "./daemon-errors.js";
