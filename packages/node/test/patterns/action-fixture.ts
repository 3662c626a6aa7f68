import type { InputEvent, Parameter } from "@rivulet/core";
import { vi } from "vitest";
import { LoopbackNet, type LoopbackHost } from "./loopback-net.js";

/**
 * A server node and client nodes on a LoopbackNet, wired as an action's edges: each client's
 * `goal` output to the server's `goal` input, the server's `reply` output to each client's
 * `reply` input, and with `cancelEdge` each client's `cancel` output to the server's `cancel`
 * input. `sent` records the server's replies' parameters, in order.
 */
export function actionNet(options: { clients?: string[]; cancelEdge?: boolean } = {}) {
  const net = new LoopbackNet();
  const server = net.host("server");
  const clients = (options.clients ?? ["client"]).map((id) => {
    net.connect(`${id}/goal`, "server/goal").connect("server/reply", `${id}/reply`);
    if (options.cancelEdge) net.connect(`${id}/cancel`, "server/cancel");
    return net.host(id);
  });
  return { net, server, clients, client: clients[0]!, sent: recordSends(server) };
}

/** The parameters of every message `host` sends, in order (the host still sends them). */
export function recordSends(host: LoopbackHost): { outputId: string; parameters: Record<string, Parameter> }[] {
  const sent: { outputId: string; parameters: Record<string, Parameter> }[] = [];
  const send = host.sendOutput.bind(host);
  vi.spyOn(host, "sendOutput").mockImplementation((outputId, data, metadata, options) => {
    sent.push({ outputId, parameters: { ...(metadata as Record<string, Parameter>) } });
    return send(outputId, data, metadata, options);
  });
  return sent;
}

/** A promise with its resolve outside (a gate a test opens). */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves when `signal` aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
}

/** The first row of each event. */
export async function firstRows(events: AsyncIterable<InputEvent>): Promise<unknown[]> {
  const rows: unknown[] = [];
  for await (const event of events) rows.push(event.rows()[0]);
  return rows;
}
