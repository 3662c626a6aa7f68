import { basename, dirname, extname, resolve } from "node:path";

/** The file name that says nothing about the dataflow, so its folder names it instead. */
const GENERIC_STEM = "dataflow";

/**
 * A dataflow's name, stable across runs (`PlanRequest.dataflowName`): the descriptor's file
 * name without its extension (`camera.yml` → `camera`), or the name of its folder when the file
 * is called `dataflow.yml` (`examples/pipeline/dataflow.yml` → `pipeline`), since most
 * dataflows are.
 */
export function dataflowNameOf(file: string): string {
  const stem = basename(file, extname(file));
  if (stem !== GENERIC_STEM) return stem;
  return basename(dirname(resolve(file))) || stem;
}
