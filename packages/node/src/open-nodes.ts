/** Something closed when the program has nothing left to do (a Node). */
interface Closable {
  close(): Promise<void>;
}

/**
 * Nodes not closed yet, closed on 'beforeExit'. That event is process-wide, so one listener
 * serves every node of the process (a listener per node would pile up past Node's warning limit
 * in a test that creates many); it is installed while at least one node is open.
 */
const open = new Set<Closable>();
const closeAll = (): void => {
  for (const node of open) void node.close();
};

/** Closes `node` when the process would otherwise exit. */
export function closeBeforeExit(node: Closable): void {
  if (open.size === 0) process.on("beforeExit", closeAll);
  open.add(node);
}

/** `node` is closing by itself: forget it (and drop the listener with the last one). */
export function forgetBeforeExit(node: Closable): void {
  if (open.delete(node) && open.size === 0) process.off("beforeExit", closeAll);
}
