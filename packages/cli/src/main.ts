import { DEFAULT_KEEP_RUN_LOGS, DEFAULT_START_TIMEOUT_MS, DEFAULT_STOP_GRACE_MS } from "@rivulet/core";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { checkCommand } from "./check-command.js";
import { CLI_VERSION } from "./cli-version.js";
import { formatDuration, parseDuration } from "./duration.js";
import { formatError } from "./format-error.js";
import { graphCommand } from "./graph-command.js";
import { newCommand } from "./new-command.js";
import { runCommand } from "./run-command.js";
import { type Terminal, processTerminal } from "./terminal.js";

/** Exit codes: 0 success, 1 a node or check failed, 2 bad command line. */
export const EXIT_USAGE = 2;

function duration(text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function count(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError(`'${text}' is not a whole number`);
  return Number(text);
}

/** A duration option whose help shows its default as the user would type it ("10s"). */
function durationOption(flags: string, description: string, defaultMs: number): Option {
  return new Option(flags, description).argParser(duration).default(defaultMs, formatDuration(defaultMs));
}

/**
 * Runs the CLI with `argv` (as process.argv) and returns the exit code: 0 on success (also for
 * `--help` and `--version`), 1 when a node or a check failed, `EXIT_USAGE` for a bad command line.
 */
export async function main(argv: readonly string[], terminal: Terminal = processTerminal): Promise<number> {
  let code = 0;
  const program = new Command("rivulet")
    .description("Run and inspect Rivulet dataflows")
    .version(CLI_VERSION, "-V, --version", "print the version of rivulet")
    .exitOverride()
    .configureOutput({ writeOut: terminal.out, writeErr: terminal.err })
    .showHelpAfterError();
  program
    .command("run")
    .description("run a dataflow until every node exits (Ctrl-C stops it; a second Ctrl-C kills)")
    .argument("<file>", "dataflow YAML")
    .option("--stop-after <duration>", "stop the dataflow after this long (e.g. 10s)", duration)
    .addOption(durationOption("--grace <duration>", "wait this long after STOP before SIGTERM, and again before SIGKILL", DEFAULT_STOP_GRACE_MS))
    .addOption(durationOption("--start-timeout <duration>", "give up when the nodes have not all joined by then", DEFAULT_START_TIMEOUT_MS))
    // Commander shows no default for an undefined value; the default folder depends on the run.
    .option("--log-dir <dir>", "folder for per-node logs (default: out/<run id> beside the YAML)")
    .option("--watch", "reload an operator when its module (or a file it imports) changes, keeping its state; see the README")
    .addOption(
      new Option("--keep-logs <n>", "run folders to keep under the default out/, newest first (0 keeps all)").argParser(count).default(DEFAULT_KEEP_RUN_LOGS),
    )
    .action(async (file: string, options: { stopAfter?: number; grace: number; startTimeout: number; logDir?: string; keepLogs: number; watch?: boolean }) => {
      code = await runCommand(
        file,
        { stopAfterMs: options.stopAfter, graceMs: options.grace, startTimeoutMs: options.startTimeout, logDir: options.logDir, keepLogs: options.keepLogs, watch: options.watch },
        terminal,
      );
    });
  program
    .command("check")
    .description("validate a dataflow and its node programs without running it")
    .argument("<file>", "dataflow YAML")
    .action(async (file: string) => {
      code = await checkCommand(file, terminal);
    });
  program
    .command("graph")
    .description("print the dataflow as a Mermaid flowchart")
    .argument("<file>", "dataflow YAML")
    .option("--html <out>", "write a self-contained HTML page that renders the graph (works offline)")
    .action(async (file: string, options: { html?: string }) => {
      code = await graphCommand(file, options, terminal);
    });
  program
    .command("new")
    .description("create a dataflow project (a sender, a receiver, a test) in a new or empty folder")
    .argument("<dir>", "folder to create")
    .action(async (dir: string) => {
      code = await newCommand(dir, terminal);
    });
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    terminal.err(formatError(terminal, error));
    return 1;
  }
}
