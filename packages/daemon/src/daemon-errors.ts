import { CONTROL_PROTOCOL_VERSION, RivuletError } from "@rivulet/core";
import { DescriptorError, type DescriptorErrorInit } from "@rivulet/descriptor";

/** What is wrong with a node's program. */
export type NodeProgramProblem = "missing" | "folder" | "not-executable";

/**
 * A node's program cannot be found or run: missing (with the closest existing name as
 * `suggestion`), a folder, not executable, or a bare name found neither beside the YAML nor in
 * PATH. Located at the node's `path` value (`file`, `line`, `column`, `yamlPath`, `nodeId`).
 */
export class NodeProgramError extends DescriptorError {
  constructor(
    readonly reason: NodeProgramProblem,
    readonly program: string,
    detail: string,
    init: DescriptorErrorInit & { nodeId: string },
    readonly suggestion?: string,
  ) {
    super(`${detail}${suggestion ? `; did you mean '${suggestion}'?` : ""}`, init);
  }
}

/** Nodes did not register and subscribe within the start timeout. */
export class StartTimeoutError extends RivuletError {
  constructor(
    readonly nodeIds: readonly string[],
    readonly timeoutMs: number,
  ) {
    super(
      `node${nodeIds.length > 1 ? "s" : ""} ${nodeIds.map((id) => `'${id}'`).join(", ")} did not join the dataflow within ${timeoutMs / 1000} s (a node with inputs or outputs must register on the control socket: create a Node() from @rivulet/node, or see docs/protocol.md)`,
    );
  }
}

/**
 * Planning the transports failed: a plugin's `plan()` threw (`cause`), or a transport was not
 * loaded. Located, when the caller knows it, where the transport is named in the YAML (`file`,
 * `line`, `column`, `yamlPath`, `nodeId`, as descriptor errors); otherwise those are undefined.
 */
export class PlanError extends RivuletError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly yamlPath: string | undefined;
  readonly nodeId: string | undefined;

  constructor(
    readonly transport: string,
    message: string,
    options?: { cause?: unknown; at?: DescriptorErrorInit },
  ) {
    const at = options?.at;
    const where = at ? `${at.file}:${at.line}:${at.column}: ${at.yamlPath || "<root>"}${at.nodeId ? ` (node '${at.nodeId}')` : ""}: ` : "";
    super(`${where}transport '${transport}': ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.file = at?.file;
    this.line = at?.line;
    this.column = at?.column;
    this.yamlPath = at?.yamlPath;
    this.nodeId = at?.nodeId;
  }
}

/**
 * A node's build command failed (exit code not 0, killed, or the shell could not start it).
 * Located at the node's `build` key; `outputTail` holds the last lines the build printed
 * (stdout and stderr interleaved, at most `BUILD_OUTPUT_TAIL_LINES`), repeated in the message
 * because they usually say why.
 */
export class BuildError extends DescriptorError {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly outputTail: readonly string[],
    init: DescriptorErrorInit & { nodeId: string },
    options?: { cause?: unknown },
  ) {
    const tail = outputTail.length > 0 ? `; last output:\n${outputTail.map((line) => `    | ${line}`).join("\n")}` : "; it printed nothing";
    super(`build failed (${exitCode === null ? "killed by a signal" : `exit ${exitCode}`}): ${command}${tail}`, init, options);
  }
}

/** Why the control server refused a `register`. */
export type RegistrationRefusal = "token" | "version" | "node";

/**
 * A connection's `register` was refused: a wrong token (not a member of this run), another
 * protocol version, or a node id that is unknown or already registered.
 */
export class RegistrationRefusedError extends RivuletError {
  constructor(
    readonly refusal: RegistrationRefusal,
    readonly nodeId?: string,
    readonly protocolVersion?: unknown,
  ) {
    super(
      refusal === "token"
        ? "wrong token for this run"
        : refusal === "version"
          ? `protocol version ${String(protocolVersion)} does not match the daemon's ${CONTROL_PROTOCOL_VERSION}; use the same Rivulet version for the CLI and the nodes`
          : `node id '${nodeId ?? "<none>"}' is unknown or already registered`,
    );
  }
}

/** A node failed during start-up, before the barrier; the dataflow was stopped. */
export class StartupFailureError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly reason: string,
  ) {
    super(`node '${nodeId}' failed during start-up (${reason}); the dataflow was stopped`);
  }
}

/**
 * A node that declares inputs or outputs exited without joining the dataflow (it never
 * registered and subscribed on the control socket; see docs/protocol.md). Its consumers would
 * wait for data that never comes, so the run fails at once.
 */
export class NodeNeverJoinedError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
  ) {
    super(
      `node '${nodeId}' declares inputs or outputs but exited (${signal ?? `code ${exitCode}`}) without joining the dataflow; a node must register on the control socket (use @rivulet/node, or see docs/protocol.md), or declare no inputs and no outputs to run as a plain process`,
    );
  }
}
