import { describe, expect, it } from "vitest";
import { eventually, fixture, runCli, startCli } from "./helpers/cli.js";

describe("bad input", () => {
  it("a node that crashes at start stops the whole dataflow, naming it, its stderr shown once", async () => {
    // Were the dataflow not stopped, the receiver would wait forever for a sender that is gone.
    const result = await runCli(["run", fixture("crash-at-start")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("StartupFailureError: node 'sender' failed during start-up (exited with code 1)");
    expect(result.stderr).toContain("rivulet: failed: node 'sender' exited with code 1");
    // Its stderr is shown live, once; the summary does not repeat what is still on screen.
    expect(result.stderr).toContain("[sender] loading the model failed: model.bin not found");
    expect(result.stderr.match(/loading the model failed/g)).toHaveLength(1);
    expect(result.stderr.match(/Error: boom at start/g)).toHaveLength(1);
    expect(result.stdout).toContain("[receiver] receiver got NODE_FAILED");
    expect(result.stderr).not.toContain("node 'receiver'");
  });

  it("a missing node file: nothing is started, the error names the node and line", async () => {
    const result = await runCli(["run", fixture("missing-file")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/NodeProgramError: .*dataflow\.yml:6:11: nodes\[1\]\.path \(node 'receiver'\): program 'no-such-receiver\.ts' not found/);
    expect(result.stdout).toBe("");
  });

  it("a node that never reads its inputs does not block its producer, and is terminated and named at stop", async () => {
    const run = startCli(["run", fixture("never-reads"), "--grace", "300ms"]);
    // Stopped only once the producer has finished: it was not blocked by the deaf consumer.
    await eventually(() => run.output().includes("[producer] producer sent 1000 messages"), 30_000, "the producer to send 1000 messages");
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("node 'deaf' did not exit within 0.3 s of STOP; terminated with SIGTERM");
    expect(result.stderr).not.toContain("node 'producer'");
  });

  it("a consumer slower than its producer loses only its oldest messages, keeps order, and the drops are reported", async () => {
    const result = await runCli(["run", fixture("slow-consumer")]);
    expect(result.code).toBe(0);
    const [, received, last, dropped] = /slow received (\d+), last (\d+), dropped (\d+)/.exec(result.stdout)!.map(Number);
    expect(last).toBe(199);
    expect(dropped).toBeGreaterThan(0);
    expect(received! + dropped!).toBe(200);
    expect(result.stderr).toContain(`warning: node 'slow' lost ${dropped} messages on input 'in' (dropped for a full queue, or discarded at stop: see node.stats())`);
  });
});

describe("nodes that cannot run", () => {
  it("a node that never joins: the run gives up after --start-timeout, naming it, and stops the rest", async () => {
    const result = await runCli(["run", fixture("never-joins"), "--start-timeout", "5s", "--grace", "300ms"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("StartTimeoutError: node 'loner' did not join the dataflow within 5 s");
  });

  it("an operator whose module is missing is refused before anything starts, naming node, operator and file", async () => {
    const result = await runCli(["run", fixture("operator")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/OperatorModuleError: .*operator\/dataflow\.yml:6:19: nodes\[1\]\.operator\.typescript \(node 'doubler', operator 'op'\): operator module 'doubler\.ts' not found/);
  });
});
