import { describe, expect, it } from "vitest";
import { MAX_FRAME_BYTES } from "../src/constants.js";
import { NO_TRANSPORT_CAPABILITIES, capabilitiesOf } from "../src/transport-capabilities.js";

describe("capabilitiesOf", () => {
  it("counts what a plugin does not declare as unsupported, and frames up to MAX_FRAME_BYTES", () => {
    expect(capabilitiesOf({})).toEqual({ flowControl: false, publisherLoss: false, knowsSubscribers: false, preludes: false, zeroCopy: false, maxFrameBytes: MAX_FRAME_BYTES });
    expect(capabilitiesOf({ capabilities: { flowControl: true, maxFrameBytes: 1024 } })).toEqual({ ...NO_TRANSPORT_CAPABILITIES, flowControl: true, maxFrameBytes: 1024 });
    expect(Object.isFrozen(NO_TRANSPORT_CAPABILITIES)).toBe(true);
  });
});
