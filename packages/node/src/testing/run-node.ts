import { Node } from "../node.js";
import type { NodeStats } from "../node.js";
import { type MockNodeInit, MockSession, type Report, type SentOutput } from "./mock-session.js";

/** What a node did in `runNode`. */
export interface NodeRun {
  /** Every message it sent, in order, decoded as its consumers would read it. */
  outputs: SentOutput[];
  /** Its `node.log` lines, `node.status` updates and `node.stopDataflow` requests, in order. */
  reports: Report[];
  /** `node.stats()` once it closed: inputs received and discarded, outputs sent and discarded. */
  stats: NodeStats;
}

/**
 * Runs a node program against scripted events, without daemon or sockets, and returns what it
 * sent. `program` gets a real `Node` whose start-up barrier is open at once; its events are the
 * script's, each arriving when the program asks for it, with values encoded and decoded as on
 * the wire (a value `sendOutput` cannot encode fails the same way); its sends go through the
 * same checks as in a dataflow (declared outputs, parameters, STOP) and are recorded decoded.
 *
 * The script ends as a real node's stream does: with its own STOP; else INPUT_CLOSED for each
 * input still open and STOP `all-inputs-closed`; for a node without inputs, STOP `manual`
 * (which aborts `node.signal`). After `program` returns (or throws) the node is closed.
 * @throws whatever `program` throws; ScriptError for a script no node could receive;
 *   UnsupportedValueError for a scripted value that cannot be encoded.
 */
export async function runNode(program: (node: Node) => unknown, init: MockNodeInit = {}): Promise<NodeRun> {
  const session = new MockSession(init);
  const node = new Node({ config: session.config }, session);
  try {
    await program(node);
  } finally {
    await node.close();
  }
  return { outputs: session.sent, reports: session.reports, stats: node.stats() };
}
