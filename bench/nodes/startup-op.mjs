// Start-up cost, operator side: ends at its first timer tick.
import { Status } from "@rivulet/node";

export default class StartupOperator {
  onEvent(event) {
    return event.type === "INPUT" ? Status.STOP : Status.CONTINUE;
  }
}
