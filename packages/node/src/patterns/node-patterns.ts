import type { InputEvent, SendableValue } from "@rivulet/core";
import type { SendMetadata } from "../node-contract.js";
import { ActionClient } from "./action-client.js";
import type { ActionClientInit } from "./action-client-options.js";
import { ReplyInputRewiredError } from "./claim-errors.js";
import type { PatternHost } from "./pattern-host.js";
import { ServiceClient } from "./service-client.js";
import { respond, respondError } from "./service-reply.js";

/**
 * A node's pattern clients, one per wiring: every `request` on the same (output, reply input)
 * shares one ServiceClient (one reader of the reply input, requests matched by id), every
 * `sendGoal` on the same (goal output, reply input) one ActionClient. A reply input wired to
 * two different outputs is refused (its replies could not be told apart).
 */
export class NodePatterns {
  readonly #services = new Map<string, ServiceClient>();
  readonly #actions = new Map<string, ActionClient>();

  constructor(readonly host: PatternHost) {}

  /** The service client of `requestOutput` -> `responseInput`, made on first use. */
  service(requestOutput: string, responseInput: string): ServiceClient {
    let client = this.#services.get(responseInput);
    if (!client) this.#services.set(responseInput, (client = new ServiceClient(this.host, requestOutput, responseInput)));
    else if (client.requestOutput !== requestOutput) throw new ReplyInputRewiredError(this.host.nodeId, responseInput, "request", `output '${client.requestOutput}'`, `output '${requestOutput}'`);
    return client;
  }

  /** The action client of `goalOutput` -> `replyInput` (cancels on `init.cancelOutput`), made on first use. */
  action(goalOutput: string, replyInput: string, init: ActionClientInit = {}): ActionClient {
    let client = this.#actions.get(replyInput);
    const wiring = (output: string, cancel: string | undefined): string => `output '${output}'${cancel ? ` (cancels on '${cancel}')` : ""}`;
    if (!client) this.#actions.set(replyInput, (client = new ActionClient(this.host, goalOutput, replyInput, init)));
    else if (client.goalOutput !== goalOutput || (init.cancelOutput !== undefined && client.cancelOutput !== init.cancelOutput)) {
      throw new ReplyInputRewiredError(this.host.nodeId, replyInput, "sendGoal", wiring(client.goalOutput, client.cancelOutput), wiring(goalOutput, init.cancelOutput));
    }
    return client;
  }

  /** See `Node.respond`. */
  respond(responseOutput: string, request: InputEvent, value: SendableValue, metadata?: SendMetadata): Promise<boolean> {
    return respond(this.host, responseOutput, request, value, metadata);
  }

  /** See `Node.respondError`. */
  respondError(responseOutput: string, request: InputEvent, error: unknown): Promise<boolean> {
    return respondError(this.host, responseOutput, request, error);
  }
}
