import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { onTestFinished } from "vitest";
import { ROOT } from "./cli.js";

/** A sender of three numbers and a receiver that prints them, as ES modules using the SDK. */
export const SENDER = `import { Node } from "@rivulet/node";\nconst node = new Node();\nfor (let i = 0; i < 3; i++) await node.sendOutput("out", [i]);\n`;
export const RECEIVER = `import { Node } from "@rivulet/node";\nconst node = new Node();\nfor await (const event of node) if (event.type === "INPUT") console.log("got", event.value.toArray().join(","));\n`;

/**
 * A fresh folder outside the repository holding `files` (path -> text), removed after the test.
 * With `packages: true` it gets a `node_modules` link to the repository's, so that nodes and
 * plugins find `@rivulet/*` as in a project where they are installed.
 */
export function tempDataflow(files: Record<string, string>, options: { packages?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "rvl-e2e-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  if (options.packages) symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
