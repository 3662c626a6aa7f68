import type { NatsConnection } from "@nats-io/transport-node";

/** The parts of nats.js 3.4 internals that hold the event loop: its socket and its ping timer. */
interface NatsInternals {
  protocol?: {
    transport?: { socket?: { unref?: () => void; ref?: () => void } };
    heartbeats?: { timer?: { unref?: () => void }; _schedule?: () => void };
  };
}

/**
 * Lets the process exit while `nc` is idle, as the Unix transport's sockets do: a node closes
 * its outputs on 'beforeExit', which never comes while a connection holds the event loop. The
 * socket is unreferenced (again after each reconnect: call this then), and so is each ping
 * timer nats.js schedules. Pending writes still keep the process alive until they are done.
 * This reaches into nats.js internals (pinned to ~3.4): it does nothing when they change shape,
 * and the end-to-end spec (a run that must exit) then fails.
 */
export function unrefConnection(nc: NatsConnection): void {
  const protocol = (nc as unknown as NatsInternals).protocol;
  protocol?.transport?.socket?.unref?.();
  const heartbeats = protocol?.heartbeats;
  const schedule = heartbeats?._schedule;
  if (!heartbeats || !schedule || (schedule as { unrefs?: boolean }).unrefs) return;
  const unrefSchedule = (): void => {
    schedule.call(heartbeats);
    heartbeats.timer?.unref?.();
  };
  unrefSchedule.unrefs = true;
  heartbeats._schedule = unrefSchedule;
  heartbeats.timer?.unref?.();
}

/** References the connection's socket again while an operation awaits the server (`ref` true), or not (false). */
export function refConnection(nc: NatsConnection, ref: boolean): void {
  const socket = (nc as unknown as NatsInternals).protocol?.transport?.socket;
  if (ref) socket?.ref?.();
  else socket?.unref?.();
}
