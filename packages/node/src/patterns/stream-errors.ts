import { RivuletError } from "@rivulet/core";

/**
 * A stream writer was used after its `end()`: the session's `fin` is sent, and a receiver
 * treats anything later of that session as a protocol error. Open a new stream (a new session)
 * instead.
 */
export class StreamEndedError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly outputId: string,
    readonly sessionId: string,
    /** What was attempted: "write", "nextSegment" or "flush". */
    readonly operation: string,
  ) {
    super(`node '${nodeId}' output '${outputId}' session ${sessionId}: ${operation} after end(); open a new stream for a new session`);
  }
}

/**
 * The node feeding a streamed input failed (NODE_FAILED): the stream reader throws this after
 * the chunks that arrived before the failure. `sessionId` is the session that was in progress
 * (begun, no `fin` yet) when it failed, if any.
 */
export class StreamProducerFailedError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly inputId: string,
    readonly sourceNodeId: string,
    /** The producer's error as the daemon reported it (exit code or signal, and the reason). */
    readonly error: string,
    readonly sessionId?: string,
  ) {
    const session = sessionId === undefined ? "" : ` session ${sessionId}`;
    super(`node '${nodeId}' input '${inputId}'${session}: producer node '${sourceNodeId}' failed: ${error}`);
  }
}
