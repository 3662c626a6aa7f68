import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import { ROOT } from "./paths.js";

/**
 * A fresh temporary folder for one test, removed when the test finishes. With `modules`, it
 * gets a `node_modules` link to the repository's, so node programs copied there resolve
 * `@rivulet/node` although the folder is outside the repository.
 */
export function scratchFolder(options: { modules?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "rvl-e2e-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  if (options.modules) symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/**
 * Copies a dataflow folder (`examples/<name>` or `test/fixtures/dataflows/<name>`, relative to
 * the repository) into a fresh scratch folder and returns the copied `dataflow.yml`. The copy
 * gets a `package.json` with `"type": "module"` unless `packageJson` says otherwise (`null`: none).
 */
export function copyDataflow(from: string, packageJson: Record<string, unknown> | null = { type: "module", private: true }): string {
  const dir = scratchFolder({ modules: true });
  cpSync(join(ROOT, from), dir, { recursive: true, filter: (src) => !src.includes(`${join(ROOT, from)}/out`) });
  if (packageJson) writeFileSync(join(dir, "package.json"), JSON.stringify(packageJson));
  else rmSync(join(dir, "package.json"), { force: true });
  return join(dir, "dataflow.yml");
}
