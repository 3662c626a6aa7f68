interface BarrierMember {
  joins: boolean;
  registered: boolean;
  subscribed: boolean;
  running: boolean;
}

/**
 * The start-up barrier's bookkeeping. A node that declares inputs or outputs *joins*: it must
 * register and subscribe on the control socket, and the barrier opens once every joining node
 * still running has subscribed. A node with neither inputs nor outputs is a plain process: it
 * may never register, and the barrier does not wait for it. With no joining node at all, the
 * barrier opens at the first `check()`. Once `cancel()`ed (the run is stopping) it never opens.
 */
export class StartBarrier {
  readonly #members = new Map<string, BarrierMember>();
  #open = false;
  #cancelled = false;

  /** Adds a node; `joins` when it declares inputs or outputs. */
  add(nodeId: string, joins: boolean): void {
    this.#members.set(nodeId, { joins, registered: false, subscribed: false, running: true });
  }

  /** True once `check()` opened the barrier. */
  get isOpen(): boolean {
    return this.#open;
  }

  /** True when the node declares inputs or outputs (it must join); false for unknown ids. */
  joins(nodeId: string): boolean {
    return this.#members.get(nodeId)?.joins ?? false;
  }

  /** True once the node registered: it can receive STOP over the control socket. */
  registered(nodeId: string): boolean {
    return this.#members.get(nodeId)?.registered ?? false;
  }

  /** True once the node said it subscribed every input and published every output. */
  subscribed(nodeId: string): boolean {
    return this.#members.get(nodeId)?.subscribed ?? false;
  }

  /** The node presented the run's token on the control socket. */
  markRegistered(nodeId: string): void {
    const member = this.#members.get(nodeId);
    if (member) member.registered = true;
  }

  /** The node set up every output and input (`subscribed`). */
  markSubscribed(nodeId: string): void {
    const member = this.#members.get(nodeId);
    if (member) member.subscribed = true;
  }

  /** The node's process ended: the barrier no longer waits for it. */
  markExited(nodeId: string): void {
    const member = this.#members.get(nodeId);
    if (member) member.running = false;
  }

  /** The run is stopping: the barrier will not open. */
  cancel(): void {
    this.#cancelled = true;
  }

  /** Joining nodes still running that have not subscribed (what a start timeout names). */
  missing(): string[] {
    return [...this.#members].filter(([, m]) => m.joins && m.running && !m.subscribed).map(([id]) => id);
  }

  /**
   * Opens the barrier if it can: returns true exactly once, on the call that opened it. It does
   * not open while a joining node is still running unsubscribed, nor when every joining node has
   * already exited (there is nobody left to start).
   */
  check(): boolean {
    if (this.#open || this.#cancelled) return false;
    const joining = [...this.#members.values()].filter((m) => m.joins);
    const running = joining.filter((m) => m.running);
    if (joining.length > 0 && (running.length === 0 || running.some((m) => !m.subscribed))) return false;
    this.#open = true;
    return true;
  }
}
