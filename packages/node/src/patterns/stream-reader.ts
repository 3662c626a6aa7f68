import type { InputEvent, PullOptions } from "@rivulet/core";
import type { InputClaim, PatternHost } from "./pattern-host.js";
import { KEYS } from "./pattern-keys.js";
import { StreamProducerFailedError } from "./stream-errors.js";

/** A stream message: a data chunk, a barge-in `flush`, or the end of its session (`fin`). */
export type StreamChunkKind = "data" | "flush" | "end";

/**
 * One message of a streamed input with its stream keys read. `sessionId`, `segmentId` and
 * `seq` are undefined when the message does not carry them (a producer that is not a stream
 * writer): such messages are yielded as they come, as chunks of no session.
 */
export interface StreamChunk {
  /**
   * `flush`: the producer barged in; stop playing what came before (the reader dropped what of
   * the session it had not yielded yet). `end`: the session's `fin` (Rivulet's writer sends it
   * with an empty payload; another producer may put its last data in it: see `event.data`).
   */
  kind: StreamChunkKind;
  sessionId: string | undefined;
  segmentId: number | undefined;
  /** The message's position in its session (see `StreamWriter`). */
  seq: number | undefined;
  /** The input event itself: its value, rows(), data and metadata. */
  event: InputEvent;
}

/** Options of `stream`. */
export interface StreamReadOptions {
  /** Aborts the wait for the next chunk: the iteration throws AbortError and lets the input go. */
  signal?: AbortSignal;
}

/** Counters of `StreamReader.stats()`. */
export interface StreamReaderStats {
  /** Data chunks and session ends yielded. */
  chunks: number;
  /** Flush markers yielded. */
  flushes: number;
  /** Chunks dropped by the reader after a flush (read ahead before it, or arriving late). */
  flushed: number;
  /** Sessions begun: session ids seen while not open (first message, or again after their end). */
  sessions: number;
}

/** Open sessions remembered at once (for their flushed segments); the oldest is forgotten first. */
const MAX_SESSIONS = 1024;
/** A read of what is queued already, without waiting. */
const QUEUED: PullOptions = { timeout: 0 };

/**
 * The messages of a streamed input as chunks (see `StreamChunk`), in arrival order, for one
 * `for await` loop. The input is claimed: its messages no longer reach the node's main loop.
 *
 * Barge-in: a flush of session S at segment N drops, returning their memory and counting them
 * as `flushed`, the chunks of S read from the input before it and not yet yielded (each wake-up
 * reads ahead what is queued already, so a flush behind a queue of chunks clears them before the
 * loop sees them), and chunks of S arriving later in a segment up to N (the writer sends later
 * chunks in segment N + 1). Other sessions are untouched. A flush without a session id drops the
 * read-ahead chunks without one. The flush itself is yielded.
 *
 * Reading ahead takes messages off the input's queue: a backpressure input's producer may send
 * up to one more queue's worth while the loop works through what was read ahead.
 *
 * The iteration ends when the input's producer finished (INPUT_CLOSED) or the node stops, after
 * the chunks that came before. Leaving the loop (`break`, a throw) ends the reading for good:
 * the chunks read ahead and not yielded, those still queued and those arriving later are
 * discarded and counted in the input's `discarded` (`node.stats()`, and the run's report of lost
 * messages); they never reach the main loop. A later iteration ends at once.
 * @throws StreamProducerFailedError from the iteration when the producer node failed (after the
 *   chunks that came before); AbortError when `signal` fires.
 */
export class StreamReader implements AsyncIterable<StreamChunk> {
  /** Read from the input, not yet yielded. */
  readonly #ahead: StreamChunk[] = [];
  /** Open sessions -> the highest segment flushed (-1: none), oldest first. */
  readonly #sessions = new Map<string, number>();
  /** The session of the last message, unless it ended (named when the producer fails). */
  #current: string | undefined;
  readonly #stats: StreamReaderStats = { chunks: 0, flushes: 0, flushed: 0, sessions: 0 };

  /**
   * @param nodeId the reading node, named in errors.
   * @param claim the input, claimed for this reader (see `stream`).
   */
  constructor(
    private readonly nodeId: string,
    private readonly claim: InputClaim,
    private readonly options: StreamReadOptions = {},
  ) {}

  /** The streamed input. */
  get inputId(): string {
    return this.claim.inputId;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<StreamChunk, void, undefined> {
    try {
      for (let chunk = await this.#next(); chunk !== null; chunk = await this.#next()) yield chunk;
    } finally {
      // Leaving the loop: what was read ahead and never yielded is discarded (its memory given
      // back) and counted with the input's discarded messages, never silently lost.
      const unread = this.#ahead.splice(0);
      for (const chunk of unread) chunk.event.release();
      this.claim.release(unread.length);
    }
    const end = this.claim.ended;
    if (end?.reason === "failed") throw new StreamProducerFailedError(this.nodeId, this.inputId, end.sourceNodeId, end.error, this.#current);
  }

  /** Counters: chunks and flushes yielded, chunks flushed by the reader, sessions begun. */
  stats(): StreamReaderStats {
    return { ...this.#stats };
  }

  async #next(): Promise<StreamChunk | null> {
    // What arrived while the program handled the last chunk first: a flush among it drops the
    // chunks read ahead before it, even when the program is slow (a speaker saying each token).
    await this.#readQueued();
    while (this.#ahead.length === 0) {
      const event = await this.claim.recv(this.options);
      if (event === null) return null;
      this.#take(event);
      await this.#readQueued();
    }
    const chunk = this.#ahead.shift()!;
    if (chunk.kind === "flush") this.#stats.flushes++;
    else this.#stats.chunks++;
    return chunk;
  }

  /** Takes every message queued now into the read-ahead. */
  async #readQueued(): Promise<void> {
    for (let queued = await this.claim.recv(QUEUED); queued !== null; queued = await this.claim.recv(QUEUED)) this.#take(queued);
  }

  #take(event: InputEvent): void {
    const chunk = toChunk(event);
    const { kind, sessionId, segmentId } = chunk;
    const known = sessionId === undefined ? undefined : this.#sessions.get(sessionId);
    if (kind === "flush") {
      // Everything of the session read before its flush is older than it.
      for (const older of this.#ahead.splice(0)) {
        if (older.sessionId === sessionId) this.#drop(older);
        else this.#ahead.push(older);
      }
    } else if (known !== undefined && segmentId !== undefined && segmentId <= known) {
      this.#drop(chunk);
      return;
    }
    this.#ahead.push(chunk);
    if (sessionId !== undefined) this.#track(chunk, sessionId, known);
  }

  /** Remembers session `sessionId` (open, and what of it was flushed) after `chunk`; `known` is its state before. */
  #track({ kind, segmentId }: StreamChunk, sessionId: string, known: number | undefined): void {
    if (known === undefined) {
      this.#stats.sessions++;
      if (this.#sessions.size >= MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
    }
    if (kind === "end") {
      this.#sessions.delete(sessionId);
      if (this.#current === sessionId) this.#current = undefined;
      return;
    }
    const flushedThrough = kind === "flush" && segmentId !== undefined ? Math.max(known ?? -1, segmentId) : (known ?? -1);
    this.#sessions.set(sessionId, flushedThrough);
    this.#current = sessionId;
  }

  #drop(chunk: StreamChunk): void {
    chunk.event.release(); // lent memory goes back to the transport at once
    this.#stats.flushed++;
  }
}

/**
 * Reads input `inputId` of `host` (a node) as a stream: see `StreamReader`.
 * @throws UndeclaredInputError when the node has no such input; InputClaimedError when a
 *   pattern holds it already.
 */
export function stream(host: PatternHost, inputId: string, options?: StreamReadOptions): StreamReader {
  // The program waits on this reader as on the main loop: its wait keeps the process alive.
  return new StreamReader(host.nodeId, host.claim(inputId, "stream", { keepsAlive: true }), options);
}

/** The stream keys of `event`; `flush` and `fin` from the typed frame field or the parameter. */
function toChunk(event: InputEvent): StreamChunk {
  const { parameters } = event.metadata;
  const flag = (key: "fin" | "flush"): boolean => event.metadata[key] === true || parameters[KEYS[key]] === true;
  const sessionId = parameters[KEYS.sessionId];
  const segmentId = parameters[KEYS.segmentId];
  const seq = parameters[KEYS.seq];
  return {
    kind: flag("flush") ? "flush" : flag("fin") ? "end" : "data",
    sessionId: typeof sessionId === "string" ? sessionId : undefined,
    segmentId: typeof segmentId === "number" ? segmentId : undefined,
    seq: typeof seq === "number" ? seq : undefined,
    event,
  };
}
