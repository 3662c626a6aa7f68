import { basename, dirname } from "node:path";
import { DEFAULT_KEEP_RUN_LOGS } from "@rivulet/core";
import { type DataflowRunInit, type RunEvent, type RunResult, startDataflow } from "@rivulet/daemon";
import { LiveOutput } from "./live-output.js";
import { pruneRunLogs } from "./run-logs.js";
import { type Terminal, nodePrefix, red, yellow } from "./terminal.js";

/** The daemon's run options the command line sets, plus the CLI's own log retention. */
export interface RunCommandOptions extends Pick<DataflowRunInit, "stopAfterMs" | "graceMs" | "startTimeoutMs" | "logDir" | "watch"> {
  /** Run folders to keep under the default `out/` (the newest; 0 keeps all); ignored with `logDir`. */
  keepLogs?: number;
}

/**
 * `rivulet run`: starts the dataflow, prefixes every node's output with its id, turns Ctrl-C
 * or SIGTERM into STOP (a second one kills), and returns 0 only when every node exited 0.
 */
export async function runCommand(file: string, options: RunCommandOptions, terminal: Terminal): Promise<number> {
  const live = new LiveOutput();
  let stopping = false;
  // Every line the CLI writes goes through here, so the summary knows what is still on screen.
  const counted: Terminal = {
    color: terminal.color,
    out: (text) => (countLines(live, text), terminal.out(text)),
    err: (text) => (countLines(live, text), terminal.err(text)),
  };
  const run = await startDataflow({
    file,
    stopAfterMs: options.stopAfterMs,
    graceMs: options.graceMs,
    startTimeoutMs: options.startTimeoutMs,
    logDir: options.logDir,
    watch: options.watch,
    onEvent: (event) => {
      if (event.type === "output") live.wrote(event.nodeId, event.stream);
      if (event.type === "stopping") stopping = true;
      showEvent(event.type === "output" ? terminal : counted, event);
    },
  });
  let interrupts = 0;
  // While stopping, stop() kills at once and the reason becomes the nodes' "killed on <reason>".
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts += 1;
    run.stop(!stopping ? `received ${signal}` : interrupts > 1 ? "second interrupt" : `${signal} while stopping`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const result = await run.finished;
    terminal.err(summary(terminal, result, live));
    if (options.logDir === undefined) await pruneRunLogs(dirname(result.logDir), options.keepLogs ?? DEFAULT_KEEP_RUN_LOGS, basename(result.logDir));
    return result.exitCode;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

function showEvent(terminal: Terminal, event: RunEvent): void {
  switch (event.type) {
    case "output":
      (event.stream === "stdout" ? terminal.out : terminal.err)(`${nodePrefix(terminal, event.nodeId)} ${event.line}\n`);
      return;
    case "log": {
      const fields = event.fields ? ` ${JSON.stringify(event.fields)}` : "";
      const line = `${nodePrefix(terminal, event.nodeId)} ${event.level.toUpperCase()} ${event.message}${fields}\n`;
      (event.level === "error" || event.level === "warn" ? terminal.err : terminal.out)(line);
      return;
    }
    case "status":
      terminal.err(`${nodePrefix(terminal, event.nodeId)} status: ${event.status.text ?? ""}${event.status.fill ? ` (${event.status.fill})` : ""}\n`);
      return;
    case "ready":
      return;
    case "stopping":
      terminal.err(`rivulet: stopping (${event.reason})\n`);
      return;
    case "escalate":
      terminal.err(
        `rivulet: ${event.signal} to ${event.nodeIds.map((id) => `'${id}'`).join(", ")} (${event.unregistered ? "never registered, so cannot receive STOP" : "still running after STOP"})\n`,
      );
      return;
    case "exit":
      if (event.result.failed) terminal.err(`rivulet: ${red(terminal, `node '${event.result.id}' ${event.result.reason}`)}\n`);
      return;
    case "warning":
      terminal.err(`rivulet: ${yellow(terminal, "warning")}: ${event.message}\n`);
      return;
    case "drops": {
      const messages = `${event.total} message${event.total === 1 ? "" : "s"}`;
      const when = event.final ? "" : " so far";
      terminal.err(`rivulet: ${yellow(terminal, "warning")}: node '${event.nodeId}' lost ${messages} on ${event.port} '${event.portId}'${when} (dropped for a full queue, or discarded at stop: see node.stats())\n`);
      return;
    }
    case "stalled": {
      const consumers = event.consumers.map((c) => `'${c.nodeId}' (input '${c.inputId}')`).join(", ") || "a flow-controlled subscriber";
      terminal.err(
        `rivulet: ${yellow(terminal, "warning")}: node '${event.nodeId}' output '${event.outputId}' has waited ${seconds(event.waitedMs)} for ${consumers}, which use backpressure and stopped reading\n`,
      );
      return;
    }
    case "resumed":
      terminal.err(`rivulet: node '${event.nodeId}' output '${event.outputId}' resumed after ${seconds(event.waitedMs)}\n`);
      return;
    case "watch":
      terminal.err(`rivulet: watch: ${watchLine(terminal, event)}\n`);
      return;
    case "rejected":
      terminal.err(`rivulet: ${yellow(terminal, "warning")}: closed a control connection: ${event.error.name}: ${event.error.message}\n`);
      return;
  }
}

/** What `--watch` did about a changed file. */
function watchLine(terminal: Terminal, event: Extract<RunEvent, { type: "watch" }>): string {
  const operator = event.shorthand ? `the operator of node '${event.nodeId}'` : `operator '${event.operatorId}' of node '${event.nodeId}'`;
  switch (event.action) {
    case "reload":
      return `${event.file} changed: reloading ${operator}`;
    case "refused":
      return `${yellow(terminal, "warning")}: reload of ${operator} refused, its old code keeps running: ${event.error?.message}`;
    case "node-changed":
      return `${event.file} changed: node '${event.nodeId}' keeps running the code it started with (restarting a node when its program changes arrives with node restart support, issue 13)`;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function countLines(live: LiveOutput, text: string): void {
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) live.wrote();
}

function summary(terminal: Terminal, result: RunResult, live: LiveOutput): string {
  let text = "";
  if (result.error) text += `rivulet: ${red(terminal, "error")}: ${result.error.name}: ${result.error.message}\n`;
  const failed = result.nodes.filter((n) => n.failed);
  for (const node of failed) {
    text += `rivulet: ${red(terminal, "failed")}: node '${node.id}' ${node.reason}\n`;
    if (node.stderrTail.length > 0 && live.needsTail(node.id)) {
      text += `  last stderr lines of '${node.id}':\n${node.stderrTail.map((l) => `    ${l}`).join("\n")}\n`;
    }
  }
  if (failed.length > 0 || result.error) text += `rivulet: logs in ${result.logDir}\n`;
  return text;
}
