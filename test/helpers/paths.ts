import { fileURLToPath } from "node:url";

/** The repository's root folder. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The `rivulet` executable of this checkout. */
export const CLI = fileURLToPath(new URL("../../packages/cli/bin/rivulet.js", import.meta.url));

/** The dataflow file of a fixture under test/fixtures/dataflows. */
export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/dataflows/${name}/dataflow.yml`, import.meta.url));
