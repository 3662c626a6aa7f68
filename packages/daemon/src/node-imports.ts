import { realpathSync } from "node:fs";
import { dirname } from "node:path";
import { bareSpecifierPackage, findPackageDir } from "@rivulet/core";

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

/**
 * The packages a node's file imports that Node would not find from the file's folder (walking up
 * `node_modules` folders as Node does), e.g. `@rivulet/node` in a folder where nothing was
 * installed. Built-in modules and relative imports are not checked.
 */
export function unresolvedPackages(file: string, source: string): string[] {
  const dir = dirname(realpathSync(file));
  const missing = new Set<string>();
  for (const specifier of staticImports(source)) {
    const name = bareSpecifierPackage(specifier);
    if (name !== undefined && findPackageDir(name, dir) === undefined) missing.add(name);
  }
  return [...missing];
}
