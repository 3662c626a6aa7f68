/**
 * @rivulet/transport-compliance — the suite every transport must pass.
 *
 * ```ts
 * // transports/<kind>/test/compliance.spec.ts
 * import { transportCompliance } from "@rivulet/transport-compliance";
 * transportCompliance("mykind", { setup: async () => ({ plugin: mykind(), runDir: await freshDir() }), capabilities: { flowControl: true, ... } });
 * ```
 */
export { transportCompliance } from "./transport-compliance.js";
export { LENDING_FRAME_BYTES } from "./lending-cases.js";
export { type ComplianceSetup, type Recorder, type RecordOptions, planChannel, record, patterned, openHandles, removeRegistered, seqChunk, seqOf, until } from "./harness.js";
