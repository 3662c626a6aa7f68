import { Node } from "@rivulet/node";
import { OperatorRuntime } from "./operator-runtime.js";

/**
 * The runtime node's process (what the daemon starts for a node with `operator:` or
 * `operators:`): one `Node` for the process, its operators hosted by an `OperatorRuntime`. When
 * every operator has ended the node closes (consumers get INPUT_CLOSED) and the process exits 0.
 * An operator that fails is reported on stderr, naming the runtime node, the operator and its
 * file (with line and column when the stack has them), and the process exits 1: a node failure.
 */
const node = new Node();

try {
  await new OperatorRuntime(node).run();
  await node.close();
} catch (error) {
  const cause = (error as Error).cause;
  const detail = cause instanceof Error && cause.stack ? `\n${cause.stack.replace(/^/gm, "    ")}` : "";
  process.stderr.write(`${(error as Error).message}${detail}\n`);
  process.exit(1);
}
