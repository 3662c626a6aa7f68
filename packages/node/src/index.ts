/**
 * @rivulet/node — the node SDK.
 *
 * ```ts
 * import { Node } from "@rivulet/node";
 * const node = new Node();
 * for await (const event of node) {
 *   if (event.type === "INPUT") await node.sendOutput("doubled", event.value.toArray().map((x: number) => x * 2));
 * }
 * ```
 */
export { Node, type NodeInit, type NodeStats } from "./node.js";
export type { SendOutputOptions, SendMetadata } from "./node-contract.js";
export type { InputStats } from "./input-queues.js";
export type { OutputStats } from "./output-channels.js";
export type { RawSample } from "./raw-samples.js";
export type {
  NodeEvent,
  InputEvent,
  InputClosedEvent,
  StopEvent,
  ErrorEvent,
  NodeFailedEvent,
  Metadata,
  Parameter,
  SendableValue,
  LogLevel,
  NodeStatus,
  NodeConfig,
} from "@rivulet/core";
export { UndeclaredOutputError, AbortError, TimeoutError, ControlPlaneError, NodeConfigError, FrameReleasedError, RawSampleSentError } from "@rivulet/core";
export { Status, type Operator, type OperatorClass, type SendOutput, type OperatorSite, operatorLabel, OperatorExportError, operatorClassOf, checkStatus } from "./status.js";
export { ServiceClient, type ServiceRequestOptions, type ServiceClientStats } from "./patterns/service-client.js";
export { ServiceServer, type ServiceHandler, type ServiceHandlerContext, type ServeInit, type ServiceServerStats, DEFAULT_SERVE_CONCURRENCY } from "./patterns/service-server.js";
export { ServerFailedError, ServiceClosedError, ServiceError, DeadlineExceededError } from "./patterns/pattern-errors.js";
export { ActionClient } from "./patterns/action-client.js";
export type { ActionClientInit, SendGoalOptions, GetResultOptions, ActionClientStats } from "./patterns/action-client-options.js";
export type { GoalHandle, GoalResult, CancelGoalOptions } from "./patterns/action-goal.js";
export { ActionServer } from "./patterns/action-server.js";
export type { ActionHandlers, GoalContext, ActionServerStats } from "./patterns/action-server-options.js";
export { GOAL_EVENT, type GoalStatus, type TerminalStatus } from "./patterns/action-wire.js";
export { GoalRejectedError, GoalAbortedError, ActionServerFailedError, ActionServerClosedError, UnknownGoalError } from "./patterns/action-errors.js";
export { StreamWriter, type StreamInit, type StreamSendOptions, type StreamWriterStats } from "./patterns/stream-writer.js";
export { StreamReader, type StreamChunk, type StreamChunkKind, type StreamReadOptions, type StreamReaderStats } from "./patterns/stream-reader.js";
export { StreamEndedError, StreamProducerFailedError } from "./patterns/stream-errors.js";
export { UndeclaredInputError, InputClaimedError, ReplyInputRewiredError } from "./patterns/claim-errors.js";
export { InputReader, type InputReadOptions } from "./io/input-reader.js";
export { ConcurrentMap, type MapConcurrentStage, type MapSource, mapConcurrent, mapConcurrentStage } from "./io/map-concurrent.js";
export { type MapCallContext, type MapConcurrentOptions, type MapConcurrentStats, type MapFunction, DEFAULT_MAP_CONCURRENCY } from "./io/map-options.js";
export { ThrottledLog, type LogSink, DEFAULT_LOG_INTERVAL_MS } from "./io/throttled-log.js";
export { KEYS as PATTERN_KEYS } from "./patterns/pattern-keys.js";
