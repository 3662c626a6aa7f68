import { createRequire } from "node:module";

/**
 * The version of the installed `@rivulet/cli` package, read from its package.json (one level
 * above both `src/` and `dist/`). `rivulet --version` prints it and `rivulet new` pins the
 * scaffolded project's `@rivulet/*` dependencies to it.
 */
export const CLI_VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;
