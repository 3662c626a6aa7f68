import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { OperatorRuntime } from "../src/operator-runtime.js";
import { RuntimeHost, type TestOperator } from "./runtime-host.js";

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));

/** Ticks on `ticker/tick` every 10 ms until the busy operator is done; then STOP. */
async function busyAndTicking(busyThread: "shared" | "worker", busyMs: number): Promise<{ host: RuntimeHost; ticksWhileBusy: number }> {
  const operators: TestOperator[] = [
    { id: "busy", module: fixture("busy"), thread: busyThread, inputs: { go: "timer" }, outputs: ["started", "done"] },
    { id: "ticker", module: fixture("ticker"), inputs: { tick: "timer" }, outputs: ["ticked"] },
  ];
  const host = new RuntimeHost(operators);
  const running = new OperatorRuntime(host).run();
  const timer = setInterval(() => host.input("ticker/tick", null), 10);
  host.input("busy/go", busyMs);
  await host.sentCount("busy/done", 1);
  // A few more ticks after the busy spell, so the shared case shows the ticker was not dead.
  const after = host.sentOn("ticker/ticked").length;
  await host.sentCount("ticker/ticked", after + 3);
  clearInterval(timer);
  host.stop();
  await running;
  const [started] = host.sentOn("busy/started");
  const [done] = host.sentOn("busy/done");
  const ticksWhileBusy = host.sentOn("ticker/ticked").filter((s) => s.at > started!.at && s.at < done!.at).length;
  return { host, ticksWhileBusy };
}

describe("operators on worker threads", () => {
  it("runs an operator on a worker: values cross both ways, outputs keep their ids and parameters", async () => {
    const host = new RuntimeHost([{ id: "doubler", module: fixture("doubler"), thread: "worker", inputs: { tick: "timer" }, outputs: ["doubled"] }]);
    const running = new OperatorRuntime(host).run();
    host.input("doubler/tick", 21, { frame: 7 });
    host.input("doubler/tick", 0.5);
    await host.sentCount("doubler/doubled", 2);
    host.stop();
    const report = await running;
    const sent = host.sentOn("doubler/doubled");
    // Encoded on the worker, decoded here: an Arrow vector of one Float64.
    expect(sent.map((s) => (s.data as { toArray(): Float64Array }).toArray()[0])).toEqual([42, 1]);
    expect((sent[0]!.metadata as { parameters: unknown }).parameters).toEqual({ frame: 7 });
    expect(report.operators.doubler!.ended).toBe("stop-event");
  });

  it("a worker operator that throws fails the runtime, naming the operator, its file and line", async () => {
    const host = new RuntimeHost([{ id: "bad", module: fixture("throws-in-event"), thread: "worker", inputs: { tick: "timer" } }]);
    const running = new OperatorRuntime(host).run();
    host.input("bad/tick", 1);
    await expect(running).rejects.toMatchObject({ name: "OperatorFailedError", operatorId: "bad", phase: "onEvent", line: 6, cause: { name: "RangeError" } });
  });

  it("a worker operator whose constructor throws fails the runtime at start", async () => {
    const host = new RuntimeHost([{ id: "broken", module: fixture("throws-in-constructor"), thread: "worker", inputs: { tick: "timer" } }]);
    await expect(new OperatorRuntime(host).run()).rejects.toMatchObject({ name: "OperatorFailedError", operatorId: "broken", phase: "constructor" });
  });

  it("a send of a worker operator on an undeclared output fails the runtime, naming the operator", async () => {
    const host = new RuntimeHost([{ id: "doubler", module: fixture("doubler"), thread: "worker", inputs: { tick: "timer" }, outputs: ["other"] }]);
    const running = new OperatorRuntime(host).run();
    host.input("doubler/tick", 1);
    await expect(running).rejects.toMatchObject({ name: "OperatorFailedError", operatorId: "doubler", phase: "onEvent", cause: { name: "UndeclaredOutputError" } });
  });

  it("isolation: while a CPU-bound operator on a worker spins for 2 s, a timer-driven operator of the same runtime keeps handling ticks", async () => {
    const { ticksWhileBusy, host } = await busyAndTicking("worker", 2000);
    // The spin count, encoded on the worker and decoded here into an Arrow vector.
    expect((host.sentOn("busy/done")[0]!.data as { get(i: number): number }).get(0)).toBeGreaterThan(0);
    // About 200 ticks are due in 2 s; a fraction is enough to show the ticker was never held up.
    expect(ticksWhileBusy).toBeGreaterThan(50);
  });

  it("the price of `shared`: a CPU-bound shared operator stalls every other operator of its runtime while it spins", async () => {
    const { ticksWhileBusy, host } = await busyAndTicking("shared", 500);
    expect(ticksWhileBusy).toBe(0);
    expect(host.sentOn("ticker/ticked").length).toBeGreaterThanOrEqual(3);
  });
});
