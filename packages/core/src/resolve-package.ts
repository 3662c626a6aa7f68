import { existsSync, readFileSync, realpathSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * The package a bare import specifier names (`@scope/pkg/sub` -> `@scope/pkg`, `pkg/sub` ->
 * `pkg`), or undefined when the specifier is not a bare package name: relative and absolute
 * paths, URLs (`node:`, `file:`), `#imports` and Node's built-in modules.
 */
export function bareSpecifierPackage(specifier: string): string | undefined {
  if (/^(\.{0,2}\/|[a-z][a-z0-9+.-]*:|#)/i.test(specifier) || specifier === "." || specifier === "..") return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  if (builtinModules.includes(name) || builtinModules.includes(specifier)) return undefined;
  return name;
}

/**
 * The folder of package `name` as Node's resolver finds it from a module in `fromDir`: the
 * first `node_modules/<name>` with a package.json, walking up to the root. Undefined when none.
 * Symlinked folders (workspaces) are followed.
 */
export function findPackageDir(name: string, fromDir: string): string | undefined {
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/** The export conditions Node matches for `import` (and `import()`). */
export const IMPORT_CONDITIONS: ReadonlySet<string> = new Set(["import", "node", "default"]);
/** The export conditions Node matches for `require`. */
export const REQUIRE_CONDITIONS: ReadonlySet<string> = new Set(["require", "node", "default"]);

/**
 * The file URL that `import(name)` (or, with REQUIRE_CONDITIONS, `require(name)`) would load
 * from a module in `fromDir`: the package's `exports["."]` under the first matching condition,
 * else `main`, else `index.js`. Only the package's main entry is resolved (no subpaths).
 * @returns undefined when the package is not installed there or exports no entry for those conditions.
 */
export function resolvePackageEntry(name: string, fromDir: string, conditions: ReadonlySet<string> = IMPORT_CONDITIONS): string | undefined {
  const dir = findPackageDir(name, fromDir);
  if (dir === undefined) return undefined;
  let manifest: { exports?: unknown; main?: unknown };
  try {
    manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as typeof manifest;
  } catch {
    return undefined; // An unreadable manifest is not a loadable package.
  }
  const exported = manifest.exports;
  let target: string | undefined;
  if (exported === undefined) {
    target = typeof manifest.main === "string" ? manifest.main : "index.js";
  } else {
    const isSubpathMap = typeof exported === "object" && exported !== null && !Array.isArray(exported) && Object.keys(exported).some((k) => k.startsWith("."));
    target = pickCondition(isSubpathMap ? (exported as Record<string, unknown>)["."] : exported, conditions);
  }
  return target === undefined ? undefined : pathToFileURL(join(dir, target)).href;
}

/** Node's condition matching: the first key (in the package's order) that applies. */
function pickCondition(target: unknown, conditions: ReadonlySet<string>): string | undefined {
  if (typeof target === "string") return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const picked = pickCondition(item, conditions);
      if (picked !== undefined) return picked;
    }
    return undefined;
  }
  if (typeof target !== "object" || target === null) return undefined;
  for (const [condition, value] of Object.entries(target)) {
    if (!conditions.has(condition)) continue;
    const picked = pickCondition(value, conditions);
    if (picked !== undefined) return picked;
  }
  return undefined;
}
