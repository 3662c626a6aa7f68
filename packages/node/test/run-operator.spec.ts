import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type NodeEvent, type Operator, type SendOutput, Status } from "../src/index.js";
import { runOperator } from "../src/testing/index.js";

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));

/** Counts its inputs on `count` and returns STOP (or STOP_ALL, by parameter) at the third. */
class Counter implements Operator {
  seen: string[] = [];
  #count = 0;

  async onEvent(event: NodeEvent, sendOutput: SendOutput): Promise<Status> {
    this.seen.push(event.type);
    if (event.type !== "INPUT") return Status.CONTINUE;
    await sendOutput("count", ++this.#count);
    if (this.#count < 3) return Status.CONTINUE;
    return event.metadata.parameters.all ? Status.STOP_ALL : Status.STOP;
  }
}

describe("runOperator", () => {
  it("runs an operator module against scripted events and records its outputs, decoded, with parameters", async () => {
    const run = await runOperator(fixture("doubler-operator"), { events: [{ id: "tick", value: [1, 2], metadata: { frame: 3 } }, { id: "tick", value: 10 }], outputs: ["doubled"] });
    expect(run.outputs.map((o) => o.rows)).toEqual([[2, 4], [20]]);
    expect(run.outputs[0]!.metadata.parameters).toEqual({ frame: 3 });
    // Two inputs, then INPUT_CLOSED and STOP as a real stream ends: onEvent saw all four.
    expect(run.statuses).toEqual([Status.CONTINUE, Status.CONTINUE, Status.CONTINUE, Status.CONTINUE]);
    expect(run.ended).toBe("stop-event");
  });

  it("ends at Status.STOP: the events after it are never handed to the operator, and are counted as discarded", async () => {
    const events = Array.from({ length: 5 }, (_, i) => ({ id: "tick", value: i }));
    const run = await runOperator(Counter, { events, outputs: ["count"] });
    expect(run.outputs.map((o) => o.rows[0])).toEqual([1, 2, 3]);
    expect(run.ended).toBe("stop");
    expect(run.statuses).toEqual([Status.CONTINUE, Status.CONTINUE, Status.STOP]);
    expect(run.stats.inputs.tick).toMatchObject({ received: 5, discarded: 2 });
  });

  it("reports Status.STOP_ALL as the operator's end", async () => {
    const events = Array.from({ length: 3 }, (_, i) => ({ id: "tick", value: i, metadata: { all: true } }));
    const run = await runOperator(Counter, { events, outputs: ["count"] });
    expect(run.ended).toBe("stop-all");
    expect(run.statuses.at(-1)).toBe(Status.STOP_ALL);
    expect(run.reports).toEqual([{ type: "stop_dataflow", reason: "the operator of node 'node' returned STOP_ALL" }]);
  });

  it("throws what the operator throws, and refuses a Status that is not one", async () => {
    class Throws implements Operator {
      onEvent(): Status {
        throw new RangeError("bad input");
      }
    }
    await expect(runOperator(Throws, { events: [{ id: "tick" }] })).rejects.toMatchObject({ name: "RangeError", message: "bad input" });
    class Odd implements Operator {
      onEvent(): Status {
        return "continue" as Status;
      }
    }
    await expect(runOperator(Odd, { events: [{ id: "tick" }] })).rejects.toMatchObject({ name: "TypeError" });
  });

  it("refuses a module whose default export is not a class, naming the operator and the file", async () => {
    await expect(runOperator(fixture("function-operator"), { operatorId: "fn", nodeId: "rt" })).rejects.toMatchObject({ name: "OperatorExportError", operatorId: "fn", nodeId: "rt", file: fixture("function-operator") });
  });

  it("sends on an undeclared output fail as in a dataflow", async () => {
    await expect(runOperator(Counter, { events: [{ id: "tick", value: 1 }], outputs: ["other"] })).rejects.toMatchObject({ name: "UndeclaredOutputError", outputId: "count" });
  });
});
