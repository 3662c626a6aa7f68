// The last operator of the chain of 3: counts the measured messages and writes, at its STOP,
// the first one's stamp and the last arrival.
import { writeFileSync } from "node:fs";
import { Status } from "@rivulet/node";

export default class ChainSink {
  count = 0;
  firstSentNs = 0;
  lastReceivedNs = 0;

  onEvent(event) {
    if (event.type === "INPUT") {
      const stamp = event.rows()[0];
      if (stamp !== 0) {
        if (this.count++ === 0) this.firstSentNs = stamp;
        this.lastReceivedNs = Number(process.hrtime.bigint());
      }
    } else if (event.type === "STOP") {
      writeFileSync(process.env.BENCH_OUT, JSON.stringify({ count: this.count, firstSentNs: this.firstSentNs, lastReceivedNs: this.lastReceivedNs }));
    }
    return Status.CONTINUE;
  }
}
