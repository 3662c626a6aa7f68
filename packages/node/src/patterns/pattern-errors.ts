import { RivuletError } from "@rivulet/core";

/**
 * Errors of the communication patterns. Each names the node it happened in, the input or output
 * involved and the request it concerns; code and tests identify them by `name` and fields.
 */

/**
 * The server feeding a client's reply input failed (NODE_FAILED) while the request waited, or
 * before it was made: no reply will come. Every pending request of that client rejects with it
 * at once, not after its timeout. `serverNodeId` and `serverError` are the failed node and why.
 */
export class ServerFailedError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly inputId: string,
    readonly requestId: string,
    readonly serverNodeId: string,
    readonly serverError: string,
  ) {
    super(`node '${nodeId}' request ${requestId}: server '${serverNodeId}' feeding input '${inputId}' failed (${serverError}); no reply will come`);
  }
}

/**
 * A client's reply input will bring nothing more: its server ended normally (`closed`: the
 * input got INPUT_CLOSED) or this client was closed (`released`). Pending requests reject with
 * it at once, and so does every later request of that client.
 */
export class ServiceClosedError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly inputId: string,
    readonly requestId: string,
    readonly reason: "closed" | "released",
  ) {
    super(
      reason === "closed"
        ? `node '${nodeId}' request ${requestId}: input '${inputId}' closed (its server ended) before a reply came`
        : `node '${nodeId}' request ${requestId}: the client reading input '${inputId}' was closed`,
    );
  }
}

/**
 * The server answered a request with an error: its handler threw, and the reply carries the
 * message in parameter `error` (`serverMessage`). The server went on serving.
 */
export class ServiceError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly inputId: string,
    readonly requestId: string,
    readonly serverMessage: string,
  ) {
    super(`node '${nodeId}' request ${requestId}: the server replied on input '${inputId}' with an error: ${serverMessage}`);
  }
}

/**
 * The abort reason of a service handler's `signal` when the request's `deadline` passes while the
 * handler runs: its client has given up (timed out), and the reply will not be sent.
 */
export class DeadlineExceededError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly inputId: string,
    readonly requestId: string,
    readonly deadline: number,
  ) {
    super(`node '${nodeId}' request ${requestId} on input '${inputId}': its deadline ${new Date(deadline).toISOString()} passed; the client no longer waits for the reply`);
  }
}
