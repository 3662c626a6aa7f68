import { mkdir, readdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { RivuletError } from "@rivulet/core";
import { CLI_VERSION } from "./cli-version.js";
import { projectFiles } from "./project-template.js";
import type { Terminal } from "./terminal.js";

/** `rivulet new` was pointed at a folder that already has files; nothing was written. */
export class TargetNotEmptyError extends RivuletError {
  constructor(
    readonly path: string,
    readonly entries: readonly string[],
  ) {
    super(`${path} is not empty (${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", ..." : ""}); choose a new or empty folder`);
  }
}

/** `rivulet new` was pointed at a path that exists and is not a folder. */
export class TargetNotFolderError extends RivuletError {
  constructor(readonly path: string) {
    super(`${path} exists and is not a folder`);
  }
}

/**
 * `rivulet new <dir>`: writes a dataflow project (package.json depending on the `@rivulet/*`
 * packages at this CLI's version, tsconfig, dataflow.yml, a sender, a receiver, a test and a
 * README) into `dir`, which is created if missing.
 * @throws TargetNotEmptyError when `dir` has any entry (hidden files too), before writing.
 * @throws TargetNotFolderError when `dir` is a file.
 */
export async function newCommand(dir: string, terminal: Terminal): Promise<number> {
  const target = resolve(dir);
  let entries: string[] = [];
  try {
    entries = await readdir(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") throw new TargetNotFolderError(target);
    if (code !== "ENOENT") throw error;
  }
  if (entries.length > 0) throw new TargetNotEmptyError(target, entries.sort());
  const files = projectFiles(packageName(basename(target)), CLI_VERSION);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(target, path)), { recursive: true });
    await writeFile(join(target, path), text, { flag: "wx" });
  }
  terminal.out(`Created ${target}:\n${Object.keys(files).map((f) => `  ${f}`).join("\n")}\n\nNext:\n  cd ${dir}\n  npm install\n  npx rivulet run dataflow.yml\n`);
  return 0;
}

/** An npm package name made from a folder name ("My Flow" -> "my-flow"). */
function packageName(folder: string): string {
  const name = folder.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+|-+$/g, "");
  return name === "" ? "dataflow" : name;
}
