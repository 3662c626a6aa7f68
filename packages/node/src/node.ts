import type { InputEvent, Json, LogLevel, NodeConfig, NodeEvent, NodeStatus, Parameter, PullOptions, SendableValue, TransportPlugins } from "@rivulet/core";
import { readNodeConfig } from "@rivulet/core/internal";
import { DaemonSession } from "./daemon-session.js";
import type { InputStats } from "./input-queues.js";
import { type InputReadOptions, type InputReader, inputs } from "./io/input-reader.js";
import type { EventSource, NodeHost, OutputSink, SendMetadata, SendOutputOptions } from "./node-contract.js";
import type { OutputStats } from "./output-channels.js";
import type { RawSample } from "./raw-samples.js";
import type { ActionClient } from "./patterns/action-client.js";
import type { ActionClientInit, SendGoalOptions } from "./patterns/action-client-options.js";
import type { GoalHandle } from "./patterns/action-goal.js";
import { type ActionServer, serveActions } from "./patterns/action-server.js";
import type { ActionHandlers } from "./patterns/action-server-options.js";
import { nodePatternHost } from "./patterns/node-pattern-host.js";
import { NodePatterns } from "./patterns/node-patterns.js";
import type { ServiceClient, ServiceRequestOptions } from "./patterns/service-client.js";
import { type ServeInit, type ServiceHandler, type ServiceServer, serve } from "./patterns/service-server.js";
import { type StreamReadOptions, type StreamReader, stream } from "./patterns/stream-reader.js";
import { type StreamInit, type StreamWriter, openStream } from "./patterns/stream-writer.js";

/** Options of `new Node()`. */
export interface NodeInit {
  /** The node's configuration; read from RIVULET_NODE_CONFIG when omitted. */
  config?: NodeConfig;
  /** Transport plugins by kind, used instead of importing the module the plan names (tests; plugins given to the daemon directly). */
  transports?: TransportPlugins;
}

/** Counters for `node.stats()`. */
export interface NodeStats {
  inputs: Record<string, InputStats>;
  outputs: Record<string, OutputStats>;
}

/**
 * A Rivulet node: the events of its inputs as an async iterable, and its outputs.
 *
 * The node connects to the daemon as soon as it is constructed, subscribes to its inputs and
 * publishes its outputs, then waits at the start-up barrier until every node of the dataflow
 * is up; `sendOutput` waits for that barrier, so nothing sent at start-up is lost.
 *
 * The process stays alive while the node's event stream is being awaited; when the program's
 * own work is done the node closes its outputs (consumers get INPUT_CLOSED) and the process
 * exits.
 *
 * A node is made of an input side, an output side and a lifecycle (`NodeHost`): the daemon's
 * by default; `@rivulet/node/testing` passes its own (scripted events, recorded outputs).
 */
export class Node implements EventSource, OutputSink {
  readonly config: NodeConfig;
  readonly #host: NodeHost;
  #patterns: NodePatterns | undefined;

  /**
   * @param host what the node is made of; omitted, a session with the daemon named by the
   *   config (the testing helper passes one without daemon or sockets).
   */
  constructor(init: NodeInit = {}, host?: NodeHost) {
    this.config = init.config ?? readNodeConfig();
    this.#host = host ?? new DaemonSession(this.config, init.transports);
  }

  /** This node's id in the dataflow. */
  get id(): string {
    return this.config.nodeId;
  }

  /**
   * Aborted when the node must stop: STOP from the daemon (`--stop-after`, Ctrl-C, a failed
   * start-up), the daemon connection lost, or `close()`. A source that never reads events
   * watches it: `while (!node.signal.aborted) { ... }`, and passes it to its timers and
   * fetches so they end at STOP. Not aborted when all inputs closed (the node may still send).
   */
  get signal(): AbortSignal {
    return this.#host.signal;
  }

  /** The event stream; single consumer. Ends after STOP. */
  [Symbol.asyncIterator](): AsyncIterator<NodeEvent> {
    return this.#host.inputs[Symbol.asyncIterator]();
  }

  /**
   * The next event, or `null` when `timeout` ms pass first or the stream has ended.
   * @throws AbortError when `signal` fires; ConcurrentPullError if another recv is waiting.
   */
  recv(options?: PullOptions): Promise<NodeEvent | null> {
    return this.#host.inputs.recv(options);
  }

  /** Same as `recv` (dora's name for the async variant; every wait here is async). */
  recvAsync(options?: PullOptions): Promise<NodeEvent | null> {
    return this.#host.inputs.recv(options);
  }

  /**
   * Resolves when every node of the dataflow is up (the start-up barrier).
   * @throws ControlPlaneError if the node could not join the dataflow.
   */
  ready(): Promise<void> {
    return this.#host.ready();
  }

  /**
   * Sends `data` on output `outputId` to every consumer. Accepts Arrow vectors and tables,
   * Uint8Array (sent raw), typed arrays, and plain values and arrays (numbers become Float64,
   * bigints Int64, strings Utf8, booleans Bool, objects a struct). Waits for the start-up
   * barrier on first use; afterwards resolves at once unless a consumer uses `backpressure`
   * and is behind. Consumers that fall behind with `drop_oldest` lose their oldest messages.
   * Large payloads are handed to the transport without a copy: as with `socket.write`, do not
   * modify a buffer after passing it (allocate a new one per message).
   *
   * After STOP (see `signal`) nothing is sent. A send after STOP resolves without sending and
   * counts the message as `discarded` in the output's stats, so a node finishing the event it
   * was working on when STOP came does not fail. A send that was waiting for the start-up
   * barrier when the run gave up (the barrier never opened) rejects with NodeStoppedError: the
   * node never ran. A send already handed to the transport and waiting for a backpressure
   * consumer resolves at STOP (its message may still arrive, or be counted as discarded by the
   * consumer).
   * @throws UndeclaredOutputError when the descriptor does not list `outputId` for this node.
   * @throws InvalidParameterError when a parameter is nested, not finite, a bigint, or otherwise
   *   not a boolean, number, string or array of one of those (checked before anything is sent).
   * @throws NodeStoppedError when STOP came before the start-up barrier opened.
   */
  sendOutput(outputId: string, data: SendableValue, metadata?: SendMetadata, options?: SendOutputOptions): Promise<void> {
    return this.#host.outputs.sendOutput(outputId, data, metadata, options);
  }

  /**
   * A raw message written in place: resolves to `{ data, send() }` with `data` of `length` bytes
   * (inside shared memory when the output's transport lends it: zero copy). Fill `data`, then
   * `await send()` once; the same rules as `sendOutput` apply (barrier, STOP, backpressure). Do
   * not touch `data` after `send()`. A sample never sent goes back to its transport when it is
   * garbage collected or the node closes.
   * @throws UndeclaredOutputError, InvalidParameterError, NodeStoppedError as sendOutput;
   *   RangeError for a length that is not a whole number of bytes.
   */
  sendOutputRaw(outputId: string, length: number, metadata?: SendMetadata, options?: SendOutputOptions): Promise<RawSample> {
    return this.#host.outputs.sendOutputRaw(outputId, length, metadata, options);
  }

  /**
   * Service client: sends `value` on `requestOutput` as a request (a new `request_id`, and a
   * `deadline` when `timeout` is given) and resolves with its reply from `responseInput`. Any
   * number may be in flight; each pending request keeps the process alive. `responseInput` is
   * read by the pattern, not the main loop. See docs/patterns.md.
   * @throws TimeoutError, AbortError (its `signal`, or this node stopping), ServiceError (the
   *   server's handler failed), ServerFailedError / ServiceClosedError (the server failed or
   *   ended: every pending request rejects at once), UndeclaredInputError, InputClaimedError,
   *   ReplyInputRewiredError, and what `sendOutput` throws.
   */
  request(requestOutput: string, responseInput: string, value: SendableValue, options?: ServiceRequestOptions): Promise<InputEvent> {
    try {
      return this.#pattern().service(requestOutput, responseInput).request(value, options);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /**
   * The service client `request` uses for this wiring (made on first use): its `stats()` (sent,
   * replied, timed out, late and foreign replies...) and `close()`.
   * @throws ReplyInputRewiredError when `responseInput` already takes another output's replies.
   */
  serviceClient(requestOutput: string, responseInput: string): ServiceClient {
    return this.#pattern().service(requestOutput, responseInput);
  }

  /**
   * Service server: answers every request read from `requestInput` (taken out of the main loop)
   * with what `handler` returns, on `responseOutput`, up to `concurrency` (64) at once. A handler
   * that throws sends an error reply and the server goes on; requests past their deadline are
   * skipped and counted. The node stays alive while it serves: until the request input ends
   * (every client finished), STOP, or `close()` on the returned server.
   * @throws UndeclaredInputError, InputClaimedError; RangeError for a bad `concurrency`.
   */
  serve(requestInput: string, responseOutput: string, handler: ServiceHandler, init?: ServeInit): ServiceServer {
    return serve(this.#pattern().host, requestInput, responseOutput, handler, init);
  }

  /**
   * Replies to `request` (an INPUT event read in the node's own loop) on `responseOutput`,
   * carrying its `request_id`. Resolves false without sending when its deadline has passed.
   */
  respond(responseOutput: string, request: InputEvent, value: SendableValue, metadata?: Record<string, Parameter>): Promise<boolean> {
    return this.#pattern().respond(responseOutput, request, value, metadata);
  }

  /** Replies to `request` with an error (its client rejects with ServiceError carrying the message). */
  respondError(responseOutput: string, request: InputEvent, error: unknown): Promise<boolean> {
    return this.#pattern().respondError(responseOutput, request, error);
  }

  /**
   * Action client: sends a goal on `goalOutput` and resolves once the server accepts it, with a
   * handle: `feedback` (async iterable), `result` (`{ status: "succeeded" | "aborted" |
   * "canceled", value?, error? }`, never rejects), `cancel()`, `status`. Replies come on
   * `replyInput` (taken out of the main loop); `cancelOutput` names dora's separate cancel output.
   * When the server fails or ends, every pending goal ends `aborted` at once.
   * @throws GoalRejectedError, TimeoutError (acceptance), AbortError, ActionServerFailedError,
   *   ActionServerClosedError, UndeclaredInputError, InputClaimedError, ReplyInputRewiredError.
   */
  sendGoal(goalOutput: string, replyInput: string, value: SendableValue, options: SendGoalOptions & ActionClientInit = {}): Promise<GoalHandle> {
    try {
      const { cancelOutput, feedbackQueueSize, ...goal } = options;
      return this.#pattern().action(goalOutput, replyInput, { cancelOutput, feedbackQueueSize }).sendGoal(value, goal);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /**
   * The action client `sendGoal` uses for this wiring (made on first use): for `getResult(goalId)`
   * (a finished goal's result, kept by the server for its TTL), `stats()` and `close()`.
   * @throws UndeclaredInputError, InputClaimedError, ReplyInputRewiredError.
   */
  actionClient(goalOutput: string, replyInput: string, init?: ActionClientInit): ActionClient {
    return this.#pattern().action(goalOutput, replyInput, init);
  }

  /**
   * Action server: goals read from `goalInput` (taken out of the main loop) are accepted or
   * rejected by `onGoal`, run by `execute(goal, { feedback, signal })` (`signal` aborts on cancel),
   * and answered on `replyOutput` with statuses, feedback and the result, kept for
   * `resultTtlMs` after the goal ends. The node stays alive while it serves.
   * @throws UndeclaredInputError, InputClaimedError.
   */
  serveActions(goalInput: string, replyOutput: string, handlers: ActionHandlers): ActionServer {
    return serveActions(this.#pattern().host, goalInput, replyOutput, handlers);
  }

  /**
   * Opens a stream on `output`: `write(chunk)`, `nextSegment()`, `flush()` (barge-in: receivers
   * drop what is queued before it), `end()`; messages carry `session_id`, `segment_id`, `seq`.
   */
  openStream(output: string, init?: StreamInit): StreamWriter {
    return openStream(this.#pattern().host, output, init);
  }

  /**
   * Reads `input` (taken out of the main loop) as a stream: `for await (const chunk of
   * node.stream("tokens"))`, each chunk with `kind` (`data`, `flush`, `end`), `sessionId`,
   * `segmentId`, `seq` and its `event`; after a flush, older chunks of that session are dropped.
   * @throws UndeclaredInputError, InputClaimedError.
   */
  stream(input: string, options?: StreamReadOptions): StreamReader {
    return stream(this.#pattern().host, input, options);
  }

  /**
   * The events of input `inputId` (taken out of the main loop) as an async iterable, for a
   * `for await` loop or an `it-pipe` source: `pipe(node.inputs("readings"),
   * mapConcurrentStage(write, { concurrency: 4, timeout: 2000, node }), drain)`. Ends when the
   * input closes, its producer fails or the node stops (`reader.ended` says which); leaving the
   * loop lets the input go (what it still had queued is counted as discarded). See docs/async-io.md.
   * @throws UndeclaredInputError, InputClaimedError.
   */
  inputs(inputId: string, options?: InputReadOptions): InputReader {
    return inputs(this.#pattern().host, inputId, options);
  }

  /** Sends a structured log line to the daemon (shown with the node id, kept in the run's logs). */
  log(level: LogLevel, message: string, fields?: Record<string, Parameter>): void {
    this.#host.log(level, message, fields);
  }

  /** Sets the node's status as shown to users (Node-BLUE style). */
  status(status: NodeStatus): void {
    this.#host.status(status);
  }

  /**
   * Asks the daemon to stop the whole dataflow, as `rivulet stop` or Ctrl-C would: every node,
   * this one too, gets STOP (this node's loop ends as on any STOP), and the run ends with
   * success unless a node fails. The run's events and log name this node and `reason`. A
   * request while the dataflow is already stopping changes nothing. Resolves once the request is
   * on its way, after the node has registered with the daemon (waiting for that if needed).
   * @throws ControlPlaneError when the node could not join the dataflow, or its control
   *   connection is closed (after `close()`).
   */
  stopDataflow(reason?: string): Promise<void> {
    return this.#host.stopDataflow(reason);
  }

  /**
   * The node's own `config:` mapping from the YAML ({} when it has none): settings that are
   * not inputs or outputs, such as a threshold or a service's URL, without going through `env`.
   */
  settings(): Readonly<Record<string, Json>> {
    return this.config.settings ?? {};
  }

  /** The whole dataflow descriptor (the YAML as plain data). */
  dataflowDescriptor(): unknown {
    return this.config.descriptor;
  }

  /**
   * Counters per input (received; dropped by the queue policy or by its subscription itself,
   * `Subscription.drops`; discarded at stop; pending) and per output (sent: handed to the
   * transports, not deliveries; dropped on the publishing side; discarded: sends after STOP;
   * subscribers). Pending drop_oldest bounds are applied first: the counts agree with the daemon's.
   */
  stats(): NodeStats {
    const outputs = this.#host.outputs.stats();
    return { inputs: this.#host.inputs.stats(), outputs };
  }

  /**
   * Closes outputs (consumers get INPUT_CLOSED after everything sent before), inputs and the
   * daemon connection. Called automatically when the program has nothing left to do.
   * Idempotent.
   */
  close(): Promise<void> {
    return this.#host.close();
  }

  #pattern(): NodePatterns {
    this.#patterns ??= new NodePatterns(nodePatternHost(this.id, this.#host, this.#host.outputs));
    return this.#patterns;
  }
}
