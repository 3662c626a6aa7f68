import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dataflowNameOf } from "./dataflow-name.js";
import { planDataflow } from "./planner.js";
import { type Preflight, type PreflightOptions, preflight } from "./preflight.js";

/**
 * Everything `rivulet run` checks before it starts a process, without starting one: the same
 * `preflight` (descriptor, transports and their options, node programs) and the same planning,
 * into a throwaway folder that is removed before this returns (also when planning fails).
 * Builds are not run.
 * @throws DescriptorValidationError, PreflightError or PlanError, exactly as `startDataflow` would.
 */
export async function checkDataflow(file: string, options: PreflightOptions = {}): Promise<Preflight> {
  const checked = await preflight(file, options);
  const runDir = await mkdtemp(join(tmpdir(), "rvl-check-"));
  const files: string[] = [];
  try {
    await planDataflow(checked.graph, {
      dataflowId: "check",
      dataflowName: dataflowNameOf(file),
      runDir,
      controlSocket: join(runDir, "control.sock"),
      token: "check",
      transports: checked.transports,
      locate: checked.locateTransport,
      onCleanup: (path) => files.push(path),
    });
  } finally {
    await rm(runDir, { recursive: true, force: true });
    await Promise.all(files.map((path) => rm(path, { force: true })));
  }
  return checked;
}
