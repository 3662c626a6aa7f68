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
