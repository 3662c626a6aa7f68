import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { eventually, fixture, runCli, startCli } from "./helpers/cli.js";
import { copyDataflow, scratchFolder } from "./helpers/scratch.js";

// Each test backs one sentence of the README through the real CLI and daemon.

describe("README: after start-up a failure is reported at once, its consumers get NODE_FAILED and INPUT_CLOSED, and the rest runs on", () => {
  it("a node exiting 3 after the barrier: its consumer is told, keeps running and sends on; the exit code names the node", async () => {
    const result = await runCli(["run", fixture("fails-after-start")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("[watcher] watcher: NODE_FAILED from failer on data");
    expect(result.stdout).toContain("[watcher] watcher: INPUT_CLOSED data");
    // Sent by the watcher after the failure, received downstream: the dataflow ran on.
    expect(result.stdout).toContain("[bystander] bystander: got 'sent after failer failed'");
    expect(result.stdout).not.toContain("watcher: STOP");
    expect(result.stderr).not.toContain("rivulet: stopping");
    expect(result.stderr).toContain("rivulet: failed: node 'failer' exited with code 3");
    // Its stderr is shown live, once; the summary does not repeat what is still on screen.
    expect(result.stderr.match(/failer: sensor lost/g)).toHaveLength(1);
    expect(result.stderr).not.toMatch(/failed: node '(watcher|bystander)'/);
  });
});

describe("README: timers start after the start-up barrier", () => {
  it("a node that joins late: no tick reaches the other timer consumer before the late node has even started", async () => {
    const dir = scratchFolder();
    const run = startCli(["run", fixture("timers-after-barrier")], { env: { RIVULET_E2E_DIR: dir } });
    // 'ticked' is registered with the daemon; were timers running now, it would be ticking.
    await eventually(() => run.output().includes("[ticked] INFO joined"), 30_000, "'ticked' to join");
    writeFileSync(join(dir, "release"), "");
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("[ticked] first tick: late had started: true");
    expect(result.stdout).toContain("[ticked] ticked: done");
    expect(result.stdout).toContain("[late] late: done");
  });
});

describe("README: Ctrl-C, SIGTERM or --stop-after send STOP to every node", () => {
  it("SIGTERM sent to rivulet itself stops the dataflow with STOP, source node included; the run exits 0", async () => {
    const run = startCli(["run", fixture("source-stop")]);
    await eventually(() => run.output().includes("[source] source ready"), 30_000, "the source to start");
    run.child.kill("SIGTERM");
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("rivulet: stopping (received SIGTERM)");
    const sent = Number(/source got STOP after (\d+) messages/.exec(result.stdout)?.[1]);
    // A message still in flight when the sink gets its own STOP is discarded (and counted as
    // such in its stats), so the sink has at most what the source sent, and then STOP.
    const [, received, events] = /sink received (\d+) messages, then (\S+)/.exec(result.stdout) ?? [];
    expect(Number(received)).toBeLessThanOrEqual(sent);
    expect(events?.split(",")).toContain("STOP");
  });
});

describe("README: the control socket takes a per-run token", () => {
  it("the real control server refuses a node presenting a wrong token; the run goes on", async () => {
    const result = await runCli(["run", fixture("intruder")]);
    expect(result.stdout).toContain("[intruder] wrong token: refused with ControlPlaneError");
    expect(result.stdout).not.toContain("wrong token: accepted");
    expect(result.stdout).toContain("[intruder] right token: joined");
    expect(result.stdout).toContain("[receiver] receiver got 5 messages");
    expect(result.code).toBe(0);
  });
});

describe("README: run keeps each node's output in out/<run id>/log_<node>.txt beside the YAML", () => {
  it("without --log-dir, the logs go to a new folder named after the run under out/ next to the dataflow", async () => {
    const file = copyDataflow("examples/quickstart");
    const result = await runCli(["run", file], { defaultLogDir: true });
    expect(result.code).toBe(0);
    const runs = readdirSync(join(dirname(file), "out"));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const logDir = join(dirname(file), "out", runs[0]!);
    expect(readdirSync(logDir).sort()).toEqual(["log_receiver.txt", "log_sender.txt"]);
    expect(readFileSync(join(logDir, "log_receiver.txt"), "utf8")).toContain("Received message: 99");
  });
});

describe("README: an ES-module node needs \"type\": \"module\" above it; check and run refuse it, naming the node", () => {
  const warning = /NodeModuleTypeError: .*dataflow\.yml:\d+:\d+: nodes\[0\]\.path \(node 'show'\).*"type": "module"/;

  it("refuses, naming the node at its path, when the package.json above the node has no type", async () => {
    const file = copyDataflow("test/fixtures/dataflows/args-env", { private: true });
    for (const command of ["check", "run"]) {
      const result = await runCli([command, file]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(warning);
    }
  });

  it("says nothing when it is there", async () => {
    const file = copyDataflow("test/fixtures/dataflows/args-env");
    const result = await runCli(["run", file]);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(warning);
    expect(result.stderr).not.toContain("warning");
  });
});

describe("README: build runs before the nodes start", () => {
  it("the build runs while no node (nor the reaper) exists yet, and a node reads at start the file it wrote", async () => {
    const dir = scratchFolder();
    const result = await runCli(["run", fixture("build-first")], { env: { RIVULET_E2E_DIR: dir } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("[reader] build: other processes of rivulet: none");
    const built = JSON.parse(readFileSync(join(dir, "built.json"), "utf8")) as { builtBy: number };
    expect(result.stdout).toContain(`[reader] reader: found built.json from build process ${built.builtBy}`);
    expect(result.stdout.indexOf("[reader] build: wrote built.json")).toBeLessThan(result.stdout.indexOf("[reader] reader: found"));
  });
});

describe("README: metadata.timestamp is a hybrid logical clock, strictly increasing along causality", () => {
  it("a -> b -> c with a's clock a minute ahead: every hop's timestamp exceeds the one before it", async () => {
    const result = await runCli(["run", fixture("hlc-chain")]);
    expect(result.code).toBe(0);
    const hops = [...result.stdout.matchAll(/^\[c\] hop (.+)$/gm)].map((m) => JSON.parse(m[1]!) as { seq: number; a: number; b: number });
    expect(hops.map((h) => h.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const cWallClock = Number(/c: wall clock now (\d+)/.exec(result.stdout)![1]);
    for (const [i, hop] of hops.entries()) {
      // a's skew is real: its timestamps are ahead of c's wall clock even at the end of the run.
      expect(hop.a).toBeGreaterThan(cWallClock);
      // b's clock is a minute behind a's, yet its message is stamped after the one it answers.
      expect(hop.b).toBeGreaterThan(hop.a);
      if (i > 0) {
        expect(hop.a).toBeGreaterThan(hops[i - 1]!.a);
        expect(hop.b).toBeGreaterThan(hops[i - 1]!.b);
      }
    }
  });
});

describe("README: a program that follows docs/protocol.md is a node, without @rivulet/node", () => {
  it("a client written from the document alone registers, subscribes over the Unix transport, reads every frame and its END", async () => {
    const result = await runCli(["run", fixture("protocol-client")]);
    expect(result.code).toBe(0);
    const frames = [...result.stdout.matchAll(/^\[client\] client: frame (.+)$/gm)].map((m) => m[1]);
    expect(frames).toEqual(Array.from({ length: 5 }, (_, i) => `version 2 seq ${i + 1} encoding 0 channel as planned parameters {"index":${i}} payload [${i},${2 * i}]`));
    expect(result.stdout).toMatch(/^\[client\] client: END$/m);
    // Its log message went through the control socket and is shown with its node id.
    expect(result.stdout).toMatch(/^\[client\] INFO client: input ended$/m);
  });
});
