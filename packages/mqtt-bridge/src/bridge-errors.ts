import { RivuletError } from "@rivulet/core";

/**
 * The broker refused a subscription (SUBACK return code 0x80: its ACL does not let this client
 * read `topic`). Retrying does not help; the bridge does not start.
 */
export class MqttSubscriptionRefusedError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly url: string,
    readonly topic: string,
  ) {
    super(`mqtt bridge '${nodeId}': the broker at ${url} refused the subscription to ${topic} (not authorized to read it)`);
  }
}
