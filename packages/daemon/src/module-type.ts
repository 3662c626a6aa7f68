import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";

/**
 * Why a node's `.ts` or `.js` file cannot run as written, or undefined when it can. Such a file
 * outside a package with `"type": "module"` loads as CommonJS, where ES module syntax fails
 * (top-level `await`: "not supported with the cjs output format"; `import` of an ESM-only
 * package such as `@rivulet/node`). A file that uses `require` only runs fine as CommonJS and
 * is accepted; `.mjs`/`.mts`/`.cjs`/`.cts` say their format themselves and are accepted.
 */
export function moduleTypeProblem(file: string, source: string): string | undefined {
  const ext = extname(file);
  if (ext !== ".ts" && ext !== ".js") return undefined;
  if (!usesModuleSyntax(source)) return undefined;
  const manifest = nearestManifest(file);
  if (manifest?.type === "module") return undefined;
  const where = manifest ? `${manifest.path} has no "type": "module"` : `no package.json with "type": "module" above it`;
  const fix = manifest ? `add "type": "module" to ${manifest.path}` : `add a package.json with "type": "module" beside it`;
  return `${file} uses ES module syntax (import/export or top-level await) but would load as CommonJS (${where}); ${fix}, or rename it to .m${ext.slice(1)}`;
}

/**
 * True when the source has a static `import`/`export` statement, `import.meta`, or an `await`
 * at the top level (an unindented statement). A line-based scan, not a parse: enough to tell an
 * ES module from a CommonJS script, which would use `require`.
 */
export function usesModuleSyntax(source: string): boolean {
  return /^\s*(import\s*[\w{*"'$]|export\s)/m.test(source) || /^(await|for\s+await)\b/m.test(source) || /\bimport\.meta\b/.test(source);
}

/** The package.json Node uses to decide a file's format: the nearest one above it. */
function nearestManifest(file: string): { path: string; type: unknown } | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const path = join(dir, "package.json");
    if (existsSync(path)) {
      try {
        return { path, type: (JSON.parse(readFileSync(path, "utf8")) as { type?: unknown }).type };
      } catch {
        return { path, type: undefined }; // A broken package.json declares no module type.
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}
