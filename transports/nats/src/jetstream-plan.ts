import { type PlannedChannel, TransportError } from "@rivulet/core";
import { subjectToken } from "./nats-subjects.js";

/**
 * What the plan tells both sides of a JetStream channel (NatsConnectionInfo.jetstream): the
 * channel's stream, the core NATS subject of the publisher's heartbeats (not stored), the run
 * the stream belongs to.
 */
export interface JetStreamPlan {
  /** The stream holding this channel's data subject, and nothing else. */
  stream: string;
  /** Heartbeats go here on core NATS: on the data subject they would be stored. */
  beat: string;
  /** The dataflow id of the run: a stream left by another run under the same name is replaced. */
  run: string;
}

/**
 * The JetStream names of a channel whose data subject is `data`: stream `rivulet_` plus the
 * subject as one token (so two channels never share a stream), heartbeats on `<base>.b`.
 */
export function jetStreamPlan(data: string, run: string): JetStreamPlan {
  return { stream: `rivulet_${subjectToken(data)}`, beat: data.replace(/\.d$/, ".b"), run };
}

/**
 * The durable consumer of subscriber `subscriberId` on a channel's stream: the id as one token,
 * the same for every instance of that node in the run, so a restarted node resumes where the
 * last one acknowledged.
 */
export function durableName(subscriberId: string): string {
  return subjectToken(subscriberId);
}

/**
 * The JetStream part of a planned channel.
 * @throws TransportError when the plan lacks it (planned without `jetstream`, say).
 */
export function jetStreamConnection(channel: PlannedChannel): JetStreamPlan {
  const plan = (channel.connection as { jetstream?: Partial<JetStreamPlan> } | null)?.jetstream;
  if (typeof plan?.stream !== "string" || typeof plan.beat !== "string" || typeof plan.run !== "string") {
    throw new TransportError(`channel '${channel.channel}' has no JetStream stream in its plan`, channel.channel);
  }
  return { stream: plan.stream, beat: plan.beat, run: plan.run };
}
