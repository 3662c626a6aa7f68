import { type NodeEvent, type Operator, type SendOutput, Status } from "@rivulet/node";

const TICKS = 10;

/** dora's doubler operator: each tick's number, doubled. Ends itself after ten ticks. */
export default class Doubler implements Operator {
  #tick = 0;

  async onEvent(event: NodeEvent, sendOutput: SendOutput): Promise<Status> {
    if (event.type !== "INPUT") return Status.CONTINUE;
    const value = ++this.#tick;
    await sendOutput("doubled", value * 2, event.metadata);
    return this.#tick === TICKS ? Status.STOP : Status.CONTINUE;
  }
}
