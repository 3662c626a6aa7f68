import { KNOWN_TRANSPORT_KINDS } from "@rivulet/core/internal";
import { z } from "zod";

/**
 * The one source of the dataflow YAML's shape: the TypeScript types of the raw YAML, the
 * validation, and the committed JSON Schema (`schema/dataflow.schema.json`) all come from here.
 * Keys are snake_case as in dora; `to-descriptor.ts` converts to camelCase.
 */

export const ID_PATTERN = /^[A-Za-z0-9_.-]+$/;
const id = z.string().regex(ID_PATTERN, "ids may use only letters, digits, '_', '.' and '-'");

/**
 * Transport kinds known by name (core's one list); anything else must be a name under
 * `transports` or a module path. Whether a kind's package is installed is checked by the daemon.
 */
export const TRANSPORT_KINDS = KNOWN_TRANSPORT_KINDS;

export const QUEUE_POLICIES = ["drop_oldest", "backpressure"] as const;

export const inputLongSchema = z
  .strictObject({
    source: z.string().describe("`node/output`, `node/operator/output`, or `dora/timer/{secs,millis,micros,hz}/N`"),
    queue_size: z.number().int().positive().optional().describe("Messages kept for this input (default 10)"),
    queue_policy: z.enum(QUEUE_POLICIES).optional().describe("`drop_oldest` (default) or `backpressure` (the sender waits)"),
    input_timeout: z.number().positive().optional().describe("Seconds without a message before the input is reported stale"),
    transport: z.string().optional().describe("Transport for this edge: a kind or a name under `transports`"),
  })
  .describe("Long form of an input");

export const inputSchema = z.union([z.string(), inputLongSchema]);

const envValue = z.union([z.string(), z.number(), z.boolean()]);
const inputsSchema = z.record(id, inputSchema);
const outputsSchema = z.array(id);

/** Where an operator runs: `shared` (default) on its runtime's event loop, `worker` on a worker thread of its own. */
export const OPERATOR_THREADS = ["shared", "worker"] as const;

/**
 * Operator kinds dora has and Rivulet refuses by name (not as unknown keys), each with what to
 * do instead. Not in the schema, so editors flag them too.
 */
export const REFUSED_OPERATOR_KEYS: Readonly<Record<string, string>> = {
  python: "run the Python code as a node with path:",
  "shared-library": "run the native code as a node with path:",
};

export const operatorSchema = z.strictObject({
  id: id.optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  typescript: z.string().optional().describe("Path of a TypeScript operator module"),
  javascript: z.string().optional().describe("Path of a JavaScript operator module"),
  build: z.string().optional(),
  inputs: inputsSchema.optional(),
  outputs: outputsSchema.optional(),
  thread: z
    .enum(OPERATOR_THREADS)
    .optional()
    .describe("`shared` (default): on the runtime's event loop with its other operators, the fastest; `worker`: on a worker thread of its own, so that its CPU work cannot stall them"),
});

const deploySchema = z.strictObject({ machine: z.string().optional(), working_dir: z.string().optional() });

/** dora 0.x node form, accepted with a deprecation warning. */
const customSchema = z.strictObject({
  source: z.string(),
  args: z.union([z.string(), z.array(z.string())]).optional(),
  envs: z.record(z.string(), envValue).optional(),
  build: z.string().optional(),
  inputs: inputsSchema.optional(),
  outputs: outputsSchema.optional(),
});

export const nodeSchema = z.strictObject({
  id: id.describe("Unique node id"),
  name: z.string().optional(),
  description: z.string().optional(),
  path: z.string().optional().describe("`.ts` (run with tsx), `.js`/`.mjs`, an executable, `dora/timer/...`, or a built-in node (`rivulet/mqtt-bridge`)"),
  args: z.union([z.string(), z.array(z.string())]).optional(),
  env: z.record(z.string(), envValue).optional(),
  config: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("Settings of the node: what a built-in node (`rivulet/mqtt-bridge`) is configured with; any node reads its own with `node.settings()`"),
  build: z.string().optional().describe("Shell command run in the dataflow's folder before the node starts"),
  inputs: inputsSchema.optional(),
  outputs: outputsSchema.optional(),
  operator: operatorSchema.optional(),
  operators: z.array(operatorSchema).min(1, "an operators list needs at least one operator").optional(),
  custom: customSchema.optional().describe("Deprecated (dora 0.x): use path, args, env, inputs, outputs"),
  send_stdout_as: id.optional(),
  restart_policy: z.enum(["never", "on-failure", "always"]).optional(),
  max_restarts: z.number().int().nonnegative().optional(),
  restart_delay: z.number().nonnegative().optional(),
  deploy: deploySchema.optional(),
  _unstable_deploy: deploySchema.optional().describe("Deprecated (dora 0.x): use deploy"),
  transport: z.string().optional().describe("Default transport for this node's outputs"),
});

export const transportConfigSchema = z.looseObject({
  kind: z.string().describe("A built-in kind or a module path exporting a transport plugin"),
});

export const dataflowSchema = z.strictObject({
  nodes: z.array(nodeSchema).min(1, "a dataflow needs at least one node"),
  transport: z.string().optional().describe("Default transport of the dataflow (unix when omitted)"),
  transports: z.record(id, transportConfigSchema).optional(),
  communication: z.unknown().optional().describe("Deprecated (dora 0.x): use transport/transports"),
  _unstable_deploy: deploySchema.optional().describe("Deprecated (dora 0.x)"),
  deploy: deploySchema.optional(),
});

export type RawDataflow = z.infer<typeof dataflowSchema>;
export type RawNode = z.infer<typeof nodeSchema>;
export type RawInput = z.infer<typeof inputSchema>;
export type RawOperator = z.infer<typeof operatorSchema>;

/** Keys accepted only for dora 0.x compatibility, each with what replaces it. */
export const DEPRECATED_KEYS: Readonly<Record<string, string>> = {
  custom: "path, args, env, inputs and outputs on the node",
  _unstable_deploy: "deploy",
  communication: "transport and transports",
};

/** The JSON Schema editors use (draft 2020-12). */
export function dataflowJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(dataflowSchema),
    title: "Rivulet dataflow",
    description: "A Rivulet (dora-compatible) dataflow descriptor",
  };
}
