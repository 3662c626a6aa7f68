// The first operator of the chain of 3: on its first tick, sends the whole plan back to back
// (stamped as chain-node.mjs does), then returns STOP.
import { Status } from "@rivulet/node";

const { warmup, count } = JSON.parse(process.env.BENCH_PLAN);

export default class ChainSource {
  async onEvent(event, sendOutput) {
    if (event.type !== "INPUT") return Status.CONTINUE;
    for (let i = 0; i < warmup + count; i++) await sendOutput("data", i < warmup ? 0 : Number(process.hrtime.bigint()));
    return Status.STOP;
  }
}
