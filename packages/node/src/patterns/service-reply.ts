import type { InputEvent, Parameter, SendableValue } from "@rivulet/core";
import { parametersOf } from "@rivulet/core/internal";
import type { SendMetadata } from "../node-contract.js";
import type { PatternHost } from "./pattern-host.js";
import { KEYS } from "./pattern-keys.js";

/** The request's `request_id` parameter, or undefined when it has none (not sent by a service client). */
export function requestIdOf(request: InputEvent): string | undefined {
  const id = request.metadata.parameters[KEYS.requestId];
  return typeof id === "string" ? id : undefined;
}

/** The request's `deadline` parameter (epoch ms), or undefined when it has none. */
export function requestDeadline(request: InputEvent): number | undefined {
  const deadline = request.metadata.parameters[KEYS.deadline];
  return typeof deadline === "number" && Number.isFinite(deadline) ? deadline : undefined;
}

/**
 * Whether the request's deadline has passed: its client has timed out and forgotten it. Compared
 * with this machine's clock, so across machines it is as exact as their clocks agree.
 */
export function requestExpired(request: InputEvent, now = Date.now()): boolean {
  const deadline = requestDeadline(request);
  return deadline !== undefined && now >= deadline;
}

/**
 * Sends `value` on output `responseOutput` as the reply to `request` (an event read from a
 * request input in the node's own loop): the reply carries the request's `request_id`, over
 * `metadata`'s parameters, and nothing else of the request's (not its deadline). Resolves `true`
 * once sent, or `false` without sending when the request's deadline has passed (its client has
 * given up; a `serve` server counts these as `abandoned`). A request without `request_id` gets a
 * reply without one, which clients ignore.
 * @throws what `sendOutput` throws (UndeclaredOutputError, InvalidParameterError, UnsupportedValueError).
 */
export async function respond(host: PatternHost, responseOutput: string, request: InputEvent, value: SendableValue, metadata?: SendMetadata): Promise<boolean> {
  if (requestExpired(request)) return false;
  await host.sendOutput(responseOutput, value, replyParameters(request, parametersOf(metadata)));
  return true;
}

/**
 * Sends the error reply to `request`: an empty payload with parameter `error` set to `error`'s
 * message; the client's `request` rejects with ServiceError carrying it. Resolves as `respond`.
 * @throws what `sendOutput` throws.
 */
export async function respondError(host: PatternHost, responseOutput: string, request: InputEvent, error: unknown): Promise<boolean> {
  if (requestExpired(request)) return false;
  // The class is part of what happened: "TypeError: x is not a function" reaches the client whole.
  const message = error instanceof Error ? (error.name && error.name !== "Error" ? `${error.name}: ${error.message}` : error.message) : String(error);
  await host.sendOutput(responseOutput, null, replyParameters(request, { [KEYS.error]: message }));
  return true;
}

function replyParameters(request: InputEvent, parameters: Record<string, Parameter>): Record<string, Parameter> {
  const requestId = requestIdOf(request);
  return requestId === undefined ? parameters : { ...parameters, [KEYS.requestId]: requestId };
}
