import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";

/**
 * For a `.ts` or `.js` node outside an ES-module package, the warning to show: such files are
 * loaded as CommonJS, where `import { Node } from "@rivulet/node"` and top-level `await` fail.
 * Returns undefined when the file will load as a module.
 */
export function moduleTypeWarning(file: string): string | undefined {
  const ext = extname(file);
  if (ext !== ".ts" && ext !== ".js") return undefined;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      let type: unknown;
      try {
        type = (JSON.parse(readFileSync(manifest, "utf8")) as { type?: unknown }).type;
      } catch {
        return undefined; // A broken package.json is Node's error to report.
      }
      if (type === "module") return undefined;
      return `${file} will load as CommonJS (${manifest} has no "type": "module"); top-level await and ESM imports will fail: add "type": "module" or use a .m${ext.slice(1)} file`;
    }
    if (dirname(dir) === dir) {
      return `${file} will load as CommonJS (no package.json with "type": "module" above it); top-level await and ESM imports will fail: add a package.json with "type": "module" or use a .m${ext.slice(1)} file`;
    }
  }
}
