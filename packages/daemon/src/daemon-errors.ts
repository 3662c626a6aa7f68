import { RivuletError } from "@rivulet/core";

/** A node's program cannot be found or run. */
export class NodeProgramError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly program: string,
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: node '${nodeId}': ${detail}`);
  }
}

/** Nodes did not register and subscribe within the start timeout. */
export class StartTimeoutError extends RivuletError {
  constructor(
    readonly nodeIds: readonly string[],
    readonly timeoutMs: number,
  ) {
    super(
      `node${nodeIds.length > 1 ? "s" : ""} ${nodeIds.map((id) => `'${id}'`).join(", ")} did not join the dataflow within ${timeoutMs / 1000} s (a node must create a Node() from @rivulet/node)`,
    );
  }
}

/** A feature the descriptor accepts that this version cannot run yet. */
export class UnsupportedFeatureError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly feature: string,
    readonly file: string,
    readonly line: number,
  ) {
    super(`${file}:${line}: node '${nodeId}': ${feature} is not supported by this version of rivulet run`);
  }
}

/** Planning the transports failed (bad options, unknown plugin). */
export class PlanError extends RivuletError {
  constructor(
    readonly transport: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`transport '${transport}': ${message}`, options);
  }
}

/** A node's build command failed. */
export class BuildError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly command: string,
    readonly exitCode: number | null,
  ) {
    super(`build of node '${nodeId}' failed (exit ${exitCode ?? "signal"}): ${command}`);
  }
}
