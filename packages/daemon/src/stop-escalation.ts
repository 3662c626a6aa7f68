import type { NodeExit } from "./node-process.js";

/** Timer functions, injectable so tests can drive the escalation with fake timers. */
export interface EscalationClock {
  setTimeout(callback: () => void, ms: number): NodeJS.Timeout;
  clearTimeout(timer: NodeJS.Timeout): void;
}

/**
 * Stop escalation: after `start()`, `onEscalate("SIGTERM")` fires once `graceMs` has passed and
 * `onEscalate("SIGKILL")` once another `graceMs` has passed. `skip()` (a second Ctrl-C) fires
 * SIGKILL at once and cancels what is pending; `cancel()` (every node exited) cancels it all.
 * Each signal fires at most once.
 */
export class StopEscalation {
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #fired = new Set<"SIGTERM" | "SIGKILL">();

  constructor(
    private readonly graceMs: number,
    private readonly onEscalate: (signal: "SIGTERM" | "SIGKILL") => void,
    private readonly clock: EscalationClock = { setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (timer) => clearTimeout(timer) },
  ) {}

  /** Starts the grace periods (a no-op if already started). */
  start(): void {
    if (this.#timers.length > 0 || this.#fired.size > 0) return;
    this.#timers.push(
      this.clock.setTimeout(() => this.#fire("SIGTERM"), this.graceMs),
      this.clock.setTimeout(() => this.#fire("SIGKILL"), this.graceMs * 2),
    );
  }

  /** Skips the remaining grace: SIGKILL now. */
  skip(): void {
    this.cancel();
    this.#fire("SIGKILL");
  }

  cancel(): void {
    for (const timer of this.#timers.splice(0)) this.clock.clearTimeout(timer);
  }

  #fire(signal: "SIGTERM" | "SIGKILL"): void {
    if (this.#fired.has(signal) || this.#fired.has("SIGKILL")) return;
    this.#fired.add(signal);
    this.onEscalate(signal);
  }
}

/** How a node was stopped, which decides whether its exit was a failure. */
export interface StopHistory {
  killedWith?: "SIGTERM" | "SIGKILL";
  /** Got SIGTERM at stop in place of STOP, having never registered. */
  termAsStop: boolean;
  /** Set when a second stop request killed the node before its grace ran out. */
  killedOn?: string;
}

/** Why a node's exit is a failure, given how it was stopped; undefined for a clean exit. */
export function failureReason(exit: NodeExit, member: StopHistory, graceMs: number): string | undefined {
  if (member.killedOn !== undefined && (exit.signal || exit.code !== 0)) return `killed on ${member.killedOn}`;
  if (member.killedWith === "SIGKILL" && member.termAsStop && (exit.signal || exit.code !== 0)) {
    return `did not exit within ${graceMs / 1000} s of SIGTERM (sent in place of STOP: it never registered); killed with SIGKILL`;
  }
  if (member.killedWith && (exit.signal || exit.code !== 0)) {
    return `did not exit within ${graceMs / 1000} s of STOP; ${member.killedWith === "SIGKILL" ? "killed with SIGKILL" : "terminated with SIGTERM"}`;
  }
  // SIGTERM was this node's STOP: ending on it (or with the shell's 128 + 15) is a clean stop.
  if (member.termAsStop && (exit.signal === "SIGTERM" || exit.code === 143)) return undefined;
  if (exit.signal) return `killed by ${exit.signal}`;
  if (exit.code !== 0) return `exited with code ${exit.code}`;
  return undefined;
}
