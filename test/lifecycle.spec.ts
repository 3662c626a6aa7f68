import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { alive, eventually, fixture, runCli, startCli } from "./helpers/cli.js";

describe("lifecycle", () => {
  it("STOP reaches a source node, which exits cleanly; nothing sent is lost", async () => {
    const result = await runCli(["run", fixture("source-stop"), "--stop-after", "800ms"]);
    expect(result.code).toBe(0);
    const sent = Number(/source got STOP after (\d+) messages/.exec(result.stdout)?.[1]);
    const received = Number(/sink received (\d+) messages/.exec(result.stdout)?.[1]);
    expect(sent).toBeGreaterThan(0);
    expect(received).toBe(sent);
    expect(result.stderr).toContain("rivulet: stopping (--stop-after 800 ms)");
  });

  it("Ctrl-C (SIGINT) stops the dataflow the same way", async () => {
    const run = startCli(["run", fixture("source-stop")]);
    await eventually(() => run.output().includes("[source] source ready"), 20_000, "the source to start");
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/source got STOP after \d+ messages/);
    expect(result.stderr).toContain("stopping (received SIGINT)");
  });

  it("a node's node.stopDataflow() stops the dataflow the same way, and rivulet run says which node asked", async () => {
    const result = await runCli(["run", fixture("stop-all")]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("rivulet: stopping (node 'asker' asked to stop the dataflow: done)");
    expect(result.stdout).toContain("[asker] asker: STOP manual");
    expect(result.stdout).toContain("[worker] worker: STOP manual after some ticks");
  });

  it("escalates to SIGTERM after the grace for a node that ignores STOP, and fails the run naming it", async () => {
    const result = await runCli(["run", fixture("ignore-stop"), "--stop-after", "300ms", "--grace", "300ms"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("rivulet: SIGTERM to 'stubborn' (still running after STOP)");
    expect(result.stderr).toContain("node 'stubborn' did not exit within 0.3 s of STOP; terminated with SIGTERM");
  });

  it("escalates to SIGKILL for a node that also ignores SIGTERM", async () => {
    const result = await runCli(["run", fixture("ignore-sigterm"), "--stop-after", "300ms", "--grace", "300ms"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("[immortal] ignoring SIGTERM");
    expect(result.stderr).toContain("rivulet: SIGKILL to 'immortal'");
    expect(result.stderr).toContain("node 'immortal' did not exit within 0.3 s of STOP; killed with SIGKILL");
  });

  it("a second Ctrl-C kills at once, skipping SIGTERM", async () => {
    // With an hour of grace, only the second Ctrl-C can bring the SIGKILL within the test.
    const run = startCli(["run", fixture("ignore-sigterm"), "--grace", "1h"]);
    await eventually(() => run.output().includes("[immortal] ready"), 20_000, "the node to start");
    run.child.kill("SIGINT");
    await eventually(() => run.output().includes("stopping"), 5000, "stopping");
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("rivulet: SIGKILL to 'immortal'");
    expect(result.stderr).not.toContain("SIGTERM to 'immortal'");
    // Reported as what happened, not as a node that outlived the grace.
    expect(result.stderr).toContain("node 'immortal' killed on second interrupt");
    expect(result.stderr).not.toContain("did not exit within");
  });

  it("leaves no node process behind when the CLI is SIGKILLed", async () => {
    const run = startCli(["run", fixture("kill-cli")]);
    await eventually(() => (run.output().match(/pid \d+/g) ?? []).length >= 4 && run.output().includes("run folder"), 20_000, "four node processes to report their pids");
    const pids = [...run.output().matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
    expect(pids.every(alive)).toBe(true);
    const runFolder = /run folder (\S+)/.exec(run.output())![1]!;
    expect(existsSync(join(runFolder, "control.sock"))).toBe(true);
    run.child.kill("SIGKILL");
    await run.done;
    await eventually(() => !pids.some(alive), 8000, `node processes ${pids.filter(alive).join(", ")} to exit`);
    // The reaper also removes the dead run's folder (its sockets) once the nodes are gone.
    await eventually(() => !existsSync(runFolder), 8000, `${runFolder} to be removed`);
  });
});
