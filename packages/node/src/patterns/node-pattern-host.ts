import type { Parameter } from "@rivulet/core";
import type { NodeHost, OutputSink } from "../node-contract.js";
import type { ClaimOptions, InputClaim, PatternHost } from "./pattern-host.js";

/**
 * The `PatternHost` of a `Node`: its inputs' claims, its sends (with every check of
 * `sendOutput`), its keep-alive, its stop signal and its log.
 */
export function nodePatternHost(nodeId: string, host: NodeHost, outputs: Pick<OutputSink, "sendOutput">): PatternHost {
  return {
    nodeId,
    claim: (inputId: string, pattern: string, options?: ClaimOptions): InputClaim => host.inputs.claim(inputId, pattern, options),
    sendOutput: (outputId, data, metadata, options) => outputs.sendOutput(outputId, data, metadata, options),
    hold: () => host.keepAlive.hold(),
    release: () => host.keepAlive.release(),
    signal: host.signal,
    log: (level, message, fields?: Record<string, Parameter>) => host.log(level, message, fields),
  };
}
