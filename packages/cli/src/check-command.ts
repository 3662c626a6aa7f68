import { checkDataflow } from "@rivulet/daemon";
import type { Terminal } from "./terminal.js";

/**
 * `rivulet check`: runs everything `rivulet run` runs before starting a process (the same
 * preflight and planning, into a throwaway folder) and prints the same warnings; errors are thrown.
 */
export async function checkCommand(file: string, terminal: Terminal): Promise<number> {
  const checked = await checkDataflow(file);
  for (const warning of checked.warnings) terminal.err(`rivulet: warning: ${warning.message}\n`);
  const { nodes, edges, local, timers } = checked.graph;
  const inProcess = local.length > 0 ? `, ${local.length} in-process edge${local.length === 1 ? "" : "s"}` : "";
  terminal.out(`${file}: ok (${nodes.length} node${nodes.length === 1 ? "" : "s"}, ${edges.length} edge${edges.length === 1 ? "" : "s"}${inProcess}, ${timers.length} timer input${timers.length === 1 ? "" : "s"})\n`);
  return 0;
}
