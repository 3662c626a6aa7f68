import { v7 as uuidv7 } from "uuid";

/**
 * The dora metadata keys the communication patterns put in a message's parameters, so the wire
 * stays compatible with dora's conventions. Service: `request_id` (UUID v7 string), `deadline`
 * (epoch milliseconds; absent = none), `error` (a failed reply's message). Action: `goal_id`,
 * `goal_status`. Streaming: `session_id`, `segment_id`, `seq`, `fin`, `flush`.
 */
export const KEYS = {
  requestId: "request_id",
  deadline: "deadline",
  goalId: "goal_id",
  goalStatus: "goal_status",
  sessionId: "session_id",
  segmentId: "segment_id",
  seq: "seq",
  fin: "fin",
  flush: "flush",
  error: "error",
} as const;

/** A new correlation id: a UUID v7 string (time-ordered, so ids sort by creation). */
export function newId(): string {
  return uuidv7();
}
