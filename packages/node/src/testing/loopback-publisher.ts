import { ClosedError, type Publisher } from "@rivulet/core";
import { type SendOptions, decodeFrame } from "@rivulet/core/internal";
import type { LazyInputEvent } from "../input-event.js";
import { InputFrames } from "../input-frames.js";

/**
 * A publisher with one in-process subscriber and no socket: each frame an output channel sends
 * is copied (as a socket would), decoded as a receiving node decodes it (type definitions sent
 * once as preludes, as the Unix transport does) and handed over as the INPUT event that node
 * would get. The testing helper encodes scripted inputs and records outputs through it, so
 * both take the exact path of a real message.
 */
export class LoopbackPublisher implements Publisher {
  readonly preludes = true;
  readonly drops = 0;
  readonly bufferedBytes = 0;
  readonly subscriberCount = 1;
  readonly #frames: InputFrames;
  readonly #preludesSeen = new Set<string>();
  #closed = false;

  constructor(
    nodeId: string,
    /** The id the events carry (the input's, or the output's for a recorded send). */
    private readonly id: string,
    private readonly onEvent: (event: LazyInputEvent) => void,
  ) {
    this.#frames = new InputFrames(nodeId);
  }

  send(chunks: readonly Uint8Array[], options?: SendOptions): Promise<void> | undefined {
    if (this.#closed) throw new ClosedError(`channel '${this.id}' is closed`);
    const prelude = options?.prelude;
    if (prelude && !this.#preludesSeen.has(prelude.key)) {
      this.#preludesSeen.add(prelude.key);
      this.#receive(prelude.chunks);
    }
    this.#receive(chunks);
    return undefined;
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #receive(chunks: readonly Uint8Array[]): void {
    // A copy of the program's own bytes, as a socket makes: the record is a snapshot.
    const decoded = decodeFrame(new Uint8Array(Buffer.concat(chunks)));
    if (!this.#frames.takeDefinition(this.id, decoded)) this.onEvent(this.#frames.event(this.id, decoded));
  }
}
