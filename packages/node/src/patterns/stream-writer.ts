import type { FrameFields, Parameter, SendableValue } from "@rivulet/core";
import { parametersOf } from "@rivulet/core/internal";
import type { SendMetadata } from "../node-contract.js";
import type { PatternHost } from "./pattern-host.js";
import { KEYS, newId } from "./pattern-keys.js";
import { StreamEndedError } from "./stream-errors.js";

/** Options of `openStream`. */
export interface StreamInit {
  /** The session's id; a new UUID v7 when omitted. */
  sessionId?: string;
  /** Parameters sent with every message of the session (a voice, a language...). */
  metadata?: SendMetadata;
}

/** Per-call options of a stream writer's sends. */
export interface StreamSendOptions {
  /** Aborts a send that waits for a flow-controlled (backpressure) consumer, as sendOutput's. */
  signal?: AbortSignal;
}

/** Counters of `StreamWriter.stats()`. */
export interface StreamWriterStats {
  /** Data chunks written. */
  chunks: number;
  /** Segments begun (the first one included). */
  segments: number;
  /** Flushes sent. */
  flushes: number;
}

/** The payload of flush and fin messages: they carry only their metadata. */
const EMPTY = new Uint8Array(0);

/**
 * One session of a stream on an output (speech → LLM → speech): chunks in segments, with a
 * barge-in `flush` and a closing `fin`. Every message carries the parameters `session_id`,
 * `segment_id` and `seq` (dora's streaming keys):
 *
 * - `segment_id` starts at 0 and grows by one at `nextSegment()` and after each `flush()`.
 * - `seq` counts the messages of the session (chunks, flushes and the fin) from 0 and never
 *   restarts at a segment: a receiver orders any two messages of a session by `seq` alone and
 *   sees a gap (a message its queue dropped) across segment boundaries too.
 *
 * Sends resolve as `sendOutput` does (backpressure respected) and are ordered as called.
 * Not safe to share between sessions: open one writer per session.
 */
export class StreamWriter {
  /** The session's id (the `session_id` parameter). */
  readonly sessionId: string;
  readonly #base: Record<string, Parameter>;
  #segmentId = 0;
  #seq = 0;
  #chunks = 0;
  #flushes = 0;
  #ended = false;

  constructor(
    private readonly host: PatternHost,
    /** The output the session is sent on. */
    readonly outputId: string,
    init: StreamInit = {},
  ) {
    this.sessionId = init.sessionId ?? newId();
    this.#base = { ...parametersOf(init.metadata) };
  }

  /** The segment the next chunk belongs to. */
  get segmentId(): number {
    return this.#segmentId;
  }

  /** True once `end()` was called. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Sends `chunk` in the current segment, with the session's parameters, then `metadata`'s,
   * then the stream keys (which win over a parameter of the same name; a `fin` or `flush` in
   * `metadata`, passed on from an input event, is left out).
   * @throws StreamEndedError after `end()`; whatever sendOutput throws (UndeclaredOutputError,
   *   InvalidParameterError, NodeStoppedError; AbortError when `signal` fires while waiting).
   */
  async write(chunk: SendableValue, metadata?: SendMetadata, options?: StreamSendOptions): Promise<void> {
    this.#checkOpen("write");
    this.#chunks++;
    return this.#send(chunk, metadata, {}, options);
  }

  /**
   * Begins the next segment (a new sentence, a new answer): later chunks carry its id.
   * @returns the new segment's id.
   * @throws StreamEndedError after `end()`.
   */
  nextSegment(): number {
    this.#checkOpen("nextSegment");
    return ++this.#segmentId;
  }

  /**
   * Barge-in: tells receivers to drop what of this input they have queued and not read yet, and
   * to stop what they are playing. Sends an empty message with the parameter `flush: true` and
   * the typed frame field `flush` (the receiving queue drops older messages of the input on it),
   * in the current segment; later chunks go to the next segment, which the receivers' readers
   * do not drop (they drop late chunks of the flushed segments: see `StreamReader`).
   * @throws StreamEndedError after `end()`; whatever sendOutput throws.
   */
  async flush(options?: StreamSendOptions): Promise<void> {
    this.#checkOpen("flush");
    this.#flushes++;
    const sent = this.#send(EMPTY, undefined, { flush: true }, options);
    this.#segmentId++;
    return sent;
  }

  /**
   * Ends the session: an empty message with the parameter `fin: true` and the typed frame field
   * `fin`, after every chunk written before. Later writes throw StreamEndedError; a second
   * `end()` resolves at once and sends nothing.
   * @throws whatever sendOutput throws.
   */
  async end(options?: StreamSendOptions): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    return this.#send(EMPTY, undefined, { fin: true }, options);
  }

  /** Counters: chunks written, segments begun, flushes sent. */
  stats(): StreamWriterStats {
    return { chunks: this.#chunks, segments: this.#segmentId + 1, flushes: this.#flushes };
  }

  #checkOpen(operation: string): void {
    if (this.#ended) throw new StreamEndedError(this.host.nodeId, this.outputId, this.sessionId, operation);
  }

  /** One message of the session; `flag` is both a parameter and the typed frame field. */
  #send(data: SendableValue, metadata: SendMetadata | undefined, flag: Pick<FrameFields, "fin" | "flush">, options?: StreamSendOptions): Promise<void> {
    const parameters: Record<string, Parameter> = {
      ...this.#base,
      ...parametersOf(metadata),
      [KEYS.sessionId]: this.sessionId,
      [KEYS.segmentId]: this.#segmentId,
      [KEYS.seq]: this.#seq++,
    };
    // Only this writer's fin and flush: metadata passed on from an input event may carry the incoming stream's.
    delete parameters[KEYS.fin];
    delete parameters[KEYS.flush];
    if (flag.fin) parameters[KEYS.fin] = true;
    if (flag.flush) parameters[KEYS.flush] = true;
    return this.host.sendOutput(this.outputId, data, parameters, { ...flag, signal: options?.signal });
  }
}

/**
 * Opens a stream session on output `outputId` of `host` (a node): see `StreamWriter`. Sends
 * nothing until the first write.
 */
export function openStream(host: PatternHost, outputId: string, init?: StreamInit): StreamWriter {
  return new StreamWriter(host, outputId, init);
}
