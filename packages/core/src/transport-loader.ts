import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { UnknownTransportError } from "./errors.js";
import type { TransportPlugin, TransportPlugins } from "./transport.js";

/**
 * True when a transport name is a module path (a custom plugin) rather than a kind or a name:
 * it starts with `./`, `../` or `/`, or ends in `.js`, `.mjs` or `.ts`. The descriptor's check
 * and the loader use this one rule.
 */
export function isTransportModulePath(name: string): boolean {
  return /^(\.{1,2}\/|\/)/.test(name) || /\.(m?js|ts)$/.test(name);
}

/**
 * Finds the plugin for a planned kind: from the given map, else (for a module path or an
 * installed `@rivulet/transport-<kind>` package) by importing it. The module's default export
 * is a plugin or a function returning one.
 * @throws UnknownTransportError when neither works.
 */
export async function loadTransport(kind: string, plugins: TransportPlugins, baseDir = process.cwd()): Promise<TransportPlugin> {
  const known = plugins[kind];
  if (known) return known;
  const specifier = isTransportModulePath(kind) ? pathToFileURL(isAbsolute(kind) ? kind : resolve(baseDir, kind)).href : `@rivulet/transport-${kind}`;
  let module: { default?: unknown };
  try {
    module = (await import(specifier)) as { default?: unknown };
  } catch (cause) {
    throw Object.assign(new UnknownTransportError(kind, Object.keys(plugins)), { cause });
  }
  const exported = typeof module.default === "function" ? (module.default as () => unknown)() : module.default;
  if (!exported || typeof (exported as TransportPlugin).create !== "function") throw new UnknownTransportError(kind, Object.keys(plugins));
  return exported as TransportPlugin;
}
