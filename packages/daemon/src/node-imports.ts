import { realpathSync } from "node:fs";
import { dirname } from "node:path";
import { IMPORT_CONDITIONS, REQUIRE_CONDITIONS, bareSpecifierPackage, findPackageDir, resolvePackageEntry } from "@rivulet/core/internal";

/**
 * The specifiers of a module's static imports and re-exports (`import x from "a"`,
 * `import "a"`, `export { x } from "a"`), skipping type-only ones, which TypeScript erases. A
 * scan, not a parse: an import inside a string or comment may be listed too.
 */
export function staticImports(source: string): string[] {
  const specifiers: string[] = [];
  const pattern = /(?:^|[;\s])(import|export)\s+(type\s+)?(?:[\w$*{}\s,]*?\s*from\s*)?["']([^"'\n]+)["']/g;
  for (const match of source.matchAll(pattern)) {
    if (match[2] === undefined) specifiers.push(match[3]!);
  }
  return specifiers;
}

/** The specifiers of a module's `require("...")` calls with a literal string. A scan, not a parse. */
export function requireCalls(source: string): string[] {
  return [...source.matchAll(/(?<![\w$.])require\s*\(\s*["']([^"'\n]+)["']\s*\)/g)].map((match) => match[1]!);
}

/** A package a node's file loads that Node would refuse: not installed, or no entry for the way it is loaded. */
export interface PackageProblem {
  name: string;
  /** How the file loads it. */
  via: "import" | "require";
  /** `missing`: no `node_modules/<name>` above the file; `no-entry`: its `exports` have nothing for `via`. */
  problem: "missing" | "no-entry";
}

/**
 * The packages a node's file imports or requires that Node would not load from the file's
 * folder: not installed in a `node_modules` above it (walking up as Node does), e.g.
 * `@rivulet/node` where nothing was installed, or installed with `exports` that have no entry
 * for the way the file loads it (an `import` of a require-only package, a `require` of an
 * import-only one). Built-in modules and relative paths are not checked; a subpath
 * (`pkg/sub`) is checked for the package only.
 */
export function packageProblems(file: string, source: string): PackageProblem[] {
  const dir = dirname(realpathSync(file));
  const problems = new Map<string, PackageProblem>();
  const check = (specifier: string, via: PackageProblem["via"]): void => {
    const name = bareSpecifierPackage(specifier);
    if (name === undefined || problems.has(`${via} ${name}`)) return;
    if (findPackageDir(name, dir) === undefined) problems.set(`${via} ${name}`, { name, via, problem: "missing" });
    else if (name === specifier && resolvePackageEntry(name, dir, via === "import" ? IMPORT_CONDITIONS : REQUIRE_CONDITIONS) === undefined) problems.set(`${via} ${name}`, { name, via, problem: "no-entry" });
  };
  for (const specifier of staticImports(source)) check(specifier, "import");
  for (const specifier of requireCalls(source)) check(specifier, "require");
  return [...problems.values()];
}
