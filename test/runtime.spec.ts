import { once } from "node:events";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { eventually, fixture, runCli, startCli } from "./helpers/cli.js";
import { tempDataflow } from "./helpers/temp-dataflow.js";

/** `--log-dir` in a fresh temp folder, so each test keeps its logs apart. */
const logs = (): string[] => ["--log-dir", tempDataflow({})];

describe("a producer that ends", () => {
  it("crashing mid-stream: its only consumer sees NODE_FAILED, then INPUT_CLOSED, then STOP", async () => {
    const result = await runCli(["run", fixture("producer-ends"), ...logs()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("rivulet: failed: node 'producer' exited with code 3");
    expect(result.stdout).toMatch(/\[consumer\] consumer saw \d+ inputs, then NODE_FAILED\(producer\),INPUT_CLOSED,STOP$/m);
  });

  it("finishing: its only consumer sees INPUT_CLOSED, then STOP, and all 50 messages", async () => {
    const result = await runCli(["run", join(dirname(fixture("producer-ends")), "finish.yml"), ...logs()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\[consumer\] consumer saw 50 inputs, then INPUT_CLOSED,STOP$/m);
  });
});

describe("nodes not written with the SDK", () => {
  it("a shell node that declares an input and exits without joining fails the run at once, naming it", async () => {
    // No --start-timeout: the default (60 s) is longer than this test may take.
    const result = await runCli(["run", fixture("shell-never-joins"), ...logs()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("NodeNeverJoinedError: node 'listener' declares inputs or outputs but exited (code 0) without joining the dataflow");
    expect(result.stderr).toContain("rivulet: failed: node 'listener' exited without joining the dataflow");
    expect(result.stderr).toContain("rivulet: stopping (node 'listener' failed during start-up)");
  });

  it("a node that never joins and keeps running gets SIGTERM at stop, with no grace", async () => {
    const result = await runCli(["run", fixture("never-joins"), "--start-timeout", "5s", "--grace", "30s", ...logs()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("StartTimeoutError: node 'loner' did not join the dataflow within 5 s");
    expect(result.stderr).toContain("rivulet: SIGTERM to 'loner' (never registered, so cannot receive STOP)");
    // It exited on that first SIGTERM: nothing was escalated to SIGKILL after the 30 s grace.
    expect(result.stderr).not.toContain("SIGKILL");
  });

  for (const code of [0, 3]) {
    it(`a plain node with no inputs and no outputs runs beside the others; its exit code ${code} counts`, async () => {
      const marker = join(tempDataflow({}), "receiver-done");
      const result = await runCli(["run", fixture("plain-process"), "--start-timeout", "20s", ...logs()], { env: { PLAIN_MARKER: marker, PLAIN_EXIT: String(code) } });
      expect(result.stdout).toContain("[plain] plain started");
      expect(result.stdout).toContain("[receiver] receiver got 10 messages");
      expect(result.stdout).toContain("[plain] plain saw the receiver finish");
      expect(result.code).toBe(code === 0 ? 0 : 1);
      if (code !== 0) expect(result.stderr).toContain("rivulet: failed: node 'plain' exited with code 3");
      else expect(result.stderr).toBe("");
    });
  }
});

describe("reports while the run goes on", () => {
  it("a slow consumer's drops are reported before the run ends", async () => {
    const run = startCli(["run", fixture("drops-live"), ...logs()]);
    await eventually(() => /node 'slow' lost \d+ messages? on input 'in' so far \(dropped for a full queue, or discarded at stop: see node\.stats\(\)\)/.test(run.output()), 30_000, "a live drop report");
    run.child.kill("SIGINT");
    const result = await run.done;
    const live = result.stderr.search(/lost \d+ messages? on input 'in' so far/);
    expect(live).toBeGreaterThanOrEqual(0);
    expect(live).toBeLessThan(result.stderr.indexOf("rivulet: stopping (received SIGINT)"));
    expect(result.stderr).toMatch(/warning: node 'slow' lost \d+ messages on input 'in' \(dropped for a full queue, or discarded at stop: see node\.stats\(\)\)/);
  });

  it("a flow-controlled consumer that stops reading is named as stalling its producer", async () => {
    const run = startCli(["run", fixture("stall"), "--grace", "1s", ...logs()]);
    await eventually(() => run.output().includes("output 'frames' has waited"), 30_000, "a stall report");
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.stderr).toMatch(/warning: node 'producer' output 'frames' has waited \d+\.\d s for 'stuck' \(input 'in'\), which use backpressure and stopped reading/);
  });

  it("a connection to the control socket that breaks the protocol is closed and reported by rivulet run", async () => {
    const run = startCli(["run", fixture("kill-cli"), "--grace", "300ms", ...logs()]);
    await eventually(() => /run folder (\S+)/.test(run.output()), 20_000, "the run folder");
    const socket = connect(join(/run folder (\S+)/.exec(run.output())![1]!, "control.sock"));
    socket.on("error", () => {});
    socket.resume();
    socket.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    await once(socket, "close");
    await eventually(() => run.output().includes("closed a control connection"), 10_000, "the report");
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.stderr).toMatch(/rivulet: warning: closed a control connection: ControlProtocolError: /);
  });
});
