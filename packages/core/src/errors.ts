import { FRAME_FORMAT_VERSION } from "./constants.js";

/**
 * Error classes shared by every Rivulet package. Code and tests identify errors by `name`,
 * never by message text; each class carries the structured fields a caller needs.
 */

/** Base class: sets `name` from the subclass and chains `cause`. */
export class RivuletError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A frame whose bytes do not follow the frame format (bad version, lengths out of bounds). */
export class FrameDecodeError extends RivuletError {
  constructor(
    message: string,
    readonly offset?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A data frame of a format version this code does not read: a node or tool of another Rivulet
 * version on the same channel. `supported` is the version this code reads.
 */
export class UnsupportedFrameVersionError extends FrameDecodeError {
  readonly supported = FRAME_FORMAT_VERSION;

  constructor(readonly version: number) {
    super(`frame format version ${version} is not supported (this Rivulet reads version ${FRAME_FORMAT_VERSION}); run every node with the same Rivulet version`, 0);
  }
}

/**
 * A frame that arrived on an input carries another planned channel's id: the transport
 * delivered it to the wrong subscriber (or a multiplexed connection mixed channels up). The
 * frame is dropped and reported; the input goes on.
 */
export class ChannelMismatchError extends FrameDecodeError {
  constructor(
    readonly nodeId: string,
    readonly inputId: string,
    readonly expected: number,
    readonly got: number,
  ) {
    super(`node '${nodeId}' input '${inputId}': a frame of channel ${got} arrived on channel ${expected}; it was dropped (a transport delivered it to the wrong subscriber)`, 4);
  }
}

/**
 * A compact payload names its type by an id (docs/payload-format.md) that no TYPE_DEFINITION
 * frame on this input has defined: the producer's definition was lost or never sent.
 */
export class UnknownTypeIdError extends FrameDecodeError {
  constructor(
    readonly typeId: number,
    readonly inputId?: string,
    readonly nodeId?: string,
  ) {
    super(`compact payload names type id ${typeId}, which no TYPE_DEFINITION${inputId ? ` on input '${inputId}'` : ""}${nodeId ? ` of node '${nodeId}'` : ""} defined`, 16);
  }
}

/**
 * An INPUT event's bytes were read after Rivulet gave them back to a transport that lends its
 * memory (shared memory): the program moved on to the next event without having read them, and
 * read them later. Read `data`, `value` or `rows()` before moving on, or call `event.retain()`.
 */
export class FrameReleasedError extends RivuletError {
  constructor(readonly inputId: string) {
    super(`the bytes of this event of input '${inputId}' were given back to its transport when the loop moved on without reading them; read event.data, event.value or event.rows() before taking the next event, or call event.retain() to keep them`);
  }
}

/** A raw sample (`node.sendOutputRaw`) was sent twice: its bytes may already be gone, or reused. */
export class RawSampleSentError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly outputId: string,
  ) {
    super(`node '${nodeId}': a raw sample of output '${outputId}' was sent twice; reserve a new one with sendOutputRaw for each message`);
  }
}

/** `sendOutput` was called with an output id the descriptor does not declare for this node. */
export class UndeclaredOutputError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly outputId: string,
    readonly declared: readonly string[],
  ) {
    super(
      `node '${nodeId}' has no output '${outputId}' (declared outputs: ${declared.length > 0 ? declared.join(", ") : "none"}); add it to the node's 'outputs' in the dataflow YAML`,
    );
  }
}

/**
 * A value passed to `sendOutput` that cannot be turned into Arrow data. `path` names the
 * offending field: `$` is the value itself, `.name` a field, `[]` the elements of an array
 * (`$[].readings[].value`); undefined when the value as a whole is the problem.
 */
export class UnsupportedValueError extends RivuletError {
  constructor(
    message: string,
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `RIVULET_NODE_CONFIG` is missing or malformed. */
export class NodeConfigError extends RivuletError {}

/** A wait ended because its `AbortSignal` fired. */
export class AbortError extends RivuletError {
  constructor(message = "the operation was aborted", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A wait ended because its time limit passed. */
export class TimeoutError extends RivuletError {
  constructor(readonly timeoutMs: number, what = "operation") {
    super(`${what} timed out after ${timeoutMs} ms`);
  }
}

/** A transport could not connect, lost its peer, or was used after close. */
export class TransportError extends RivuletError {
  constructor(
    message: string,
    readonly channel?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A bare transport kind with no plugin passed in and no `@rivulet/transport-<kind>` package installed. */
export class UnknownTransportError extends RivuletError {
  constructor(
    readonly kind: string,
    readonly available: readonly string[],
  ) {
    super(
      `transport '${kind}' is not installed: no package @rivulet/transport-${kind} was found${available.length > 0 ? ` (plugins passed in: ${available.join(", ")})` : ""}; install it (npm install @rivulet/transport-${kind}) or name a module path`,
    );
  }
}

/** The control connection to the daemon failed or was refused. */
export class ControlPlaneError extends RivuletError {}

/** Why a control-plane connection was closed for breaking the protocol. */
export type ControlProtocolViolation =
  /** A frame announced more bytes than allowed (64 KB before register); `GET / HTTP/1.1` lands here. */
  | "frame_too_large"
  /** A frame of a kind other than the control kind. */
  | "frame_kind"
  /** A frame body that is not UTF-8 JSON. */
  | "json"
  /** JSON that is not an object with a string `t`, or a first message that is not `register`. */
  | "message"
  /** The connection did not register within the deadline. */
  | "register_timeout";

/**
 * A peer on the control socket broke the protocol; its connection is closed. `violation` says
 * how, `nodeId` names the node when the connection had registered.
 */
export class ControlProtocolError extends RivuletError {
  constructor(
    message: string,
    readonly violation: ControlProtocolViolation,
    readonly nodeId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An object was used after `close()`. */
export class ClosedError extends RivuletError {}

/** Returns the signal's reason as an AbortError, keeping the original reason as cause. */
export function abortErrorFrom(signal: AbortSignal): AbortError {
  const reason: unknown = signal.reason;
  if (reason instanceof AbortError) return reason;
  return new AbortError("the operation was aborted", { cause: reason });
}

/**
 * A subscription could not be set up: the publisher refused the subscriber (wrong secret, a
 * subscriber id not in the plan), ended before accepting it, answered with bytes that are not
 * the protocol, or could not be reached for a reason that retrying will not fix. `reason` says
 * which.
 */
export class TransportConnectError extends TransportError {
  constructor(
    message: string,
    channel: string,
    readonly reason: "refused" | "closed" | "corrupt" | "unreachable",
    options?: { cause?: unknown },
  ) {
    super(message, channel, options);
  }
}

/**
 * An established subscription broke before the channel ended cleanly: the publisher stopped
 * abruptly (`crashed`) or sent bytes that do not follow the protocol (`corrupt`, with the
 * FrameDecodeError as cause). Nothing more arrives on the channel.
 */
export class ChannelLostError extends TransportError {
  constructor(
    message: string,
    channel: string,
    readonly reason: "crashed" | "corrupt",
    options?: { cause?: unknown },
  ) {
    super(message, channel, options);
  }
}

/**
 * A `sendOutput` that waited for the start-up barrier when the run stopped instead (the
 * barrier never opened, so the node never ran): the message is not sent. Sends after STOP in a
 * node that did run are not errors (they are counted as discarded); a source loop watches
 * `node.signal` to end at STOP.
 */
export class NodeStoppedError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly outputId: string,
  ) {
    super(`node '${nodeId}' is stopping: the message on output '${outputId}' was not sent`);
  }
}

/**
 * A parameter passed to `sendOutput` that the frame format cannot carry: parameters are a flat
 * dict of booleans, finite numbers, strings, or arrays of one of those.
 */
export class InvalidParameterError extends RivuletError {
  constructor(
    readonly key: string,
    readonly reason: "nested" | "not-finite" | "type" | "mixed-array",
    readonly nodeId?: string,
  ) {
    super(`parameter '${key}' cannot be sent (${reason}): parameters are booleans, finite numbers, strings, or arrays of one of those`);
  }
}
