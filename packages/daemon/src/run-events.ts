import type { LogLevel, NodeStatus, Parameter } from "@rivulet/core";
import type { NodeExit } from "./node-process.js";

/** How one node ended. */
export interface NodeResult {
  id: string;
  exit: NodeExit;
  /** Exited non-zero, was killed by a signal, or had to be terminated after STOP. */
  failed: boolean;
  /** Human-readable reason when failed ("exited with code 1"). */
  reason?: string;
  stderrTail: readonly string[];
  /** Messages dropped, by `input:<id>` / `output:<id>`, as the node reported on close. */
  drops: Record<string, number>;
}

/** The outcome of a run. */
export interface RunResult {
  dataflowId: string;
  logDir: string;
  /** 0 when every node exited 0; 1 otherwise. */
  exitCode: number;
  nodes: NodeResult[];
  /** Why the run stopped early, if it did (a start-up failure, a start timeout). */
  error?: Error;
}

/** What happens during a run, for the CLI (or any caller) to show. */
export type RunEvent =
  | { type: "output"; nodeId: string; stream: "stdout" | "stderr"; line: string }
  | { type: "log"; nodeId: string; level: LogLevel; message: string; fields?: Record<string, Parameter> }
  | { type: "status"; nodeId: string; status: NodeStatus }
  | { type: "ready"; nodeCount: number }
  | { type: "stopping"; reason: string }
  | { type: "escalate"; nodeIds: string[]; signal: "SIGTERM" | "SIGKILL" }
  | { type: "exit"; result: NodeResult }
  | { type: "warning"; message: string; nodeId?: string };
