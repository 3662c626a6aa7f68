import { MAX_FRAME_BYTES } from "./constants.js";
import type { TransportCapabilities, TransportPlugin } from "./transport.js";

/** What a plugin that declares nothing can do: nothing beyond moving frames of up to MAX_FRAME_BYTES. */
export const NO_TRANSPORT_CAPABILITIES: Readonly<TransportCapabilities> = Object.freeze({
  flowControl: false,
  publisherLoss: false,
  knowsSubscribers: false,
  preludes: false,
  zeroCopy: false,
  maxFrameBytes: MAX_FRAME_BYTES,
});

/** A plugin's capabilities, every field present: what it declares, the rest not supported. */
export function capabilitiesOf(plugin: Pick<TransportPlugin, "capabilities">): TransportCapabilities {
  return { ...NO_TRANSPORT_CAPABILITIES, ...plugin.capabilities };
}
