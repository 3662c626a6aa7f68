import { Command, CommanderError, InvalidArgumentError } from "commander";
import { checkCommand } from "./check-command.js";
import { parseDuration } from "./duration.js";
import { formatError } from "./format-error.js";
import { graphCommand } from "./graph-command.js";
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

/** Runs the CLI with `argv` (as process.argv) and returns the exit code. */
export async function main(argv: readonly string[], terminal: Terminal = processTerminal): Promise<number> {
  let code = 0;
  const program = new Command("rivulet")
    .description("Run and inspect Rivulet dataflows")
    .exitOverride()
    .configureOutput({ writeOut: terminal.out, writeErr: terminal.err })
    .showHelpAfterError();
  program
    .command("run")
    .description("run a dataflow until every node exits (Ctrl-C stops it)")
    .argument("<file>", "dataflow YAML")
    .option("--stop-after <duration>", "stop the dataflow after this long (e.g. 10s)", duration)
    .option("--grace <duration>", "wait this long after STOP before SIGTERM, and again before SIGKILL", duration)
    .option("--start-timeout <duration>", "give up when the nodes have not all joined by then (default 60s)", duration)
    .option("--log-dir <dir>", "folder for per-node logs (default: out/<run id> beside the YAML)")
    .action(async (file: string, options: { stopAfter?: number; grace?: number; startTimeout?: number; logDir?: string }) => {
      code = await runCommand(
        file,
        { stopAfterMs: options.stopAfter, graceMs: options.grace, startTimeoutMs: options.startTimeout, logDir: options.logDir },
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
    .option("--html <out>", "write an HTML page that renders the graph")
    .action(async (file: string, options: { html?: string }) => {
      code = await graphCommand(file, options, terminal);
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
