import { type NodeEvent, type Operator, type SendOutput, Status } from "@rivulet/node";

/** Adds up what the doubler sends and passes the running total on. */
export default class Summer implements Operator {
  #total = 0;

  async onEvent(event: NodeEvent, sendOutput: SendOutput): Promise<Status> {
    if (event.type === "INPUT") {
      const [doubled] = event.rows() as number[];
      this.#total += doubled!;
      await sendOutput("total", this.#total);
    } else if (event.type === "INPUT_CLOSED") {
      console.log(`the doubler stopped; total ${this.#total}`);
    }
    return Status.CONTINUE;
  }
}
