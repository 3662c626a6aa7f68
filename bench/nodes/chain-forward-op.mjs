// The middle operator of the chain of 3: forwards each number.
import { Status } from "@rivulet/node";

export default class ChainForward {
  async onEvent(event, sendOutput) {
    if (event.type === "INPUT") await sendOutput("data", event.rows()[0]);
    return Status.CONTINUE;
  }
}
