import { existsSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { UnknownTransportError } from "./errors.js";
import { resolvePackageEntry } from "./resolve-package.js";
import { NotATransportPluginError, TransportModuleLoadError } from "./transport-errors.js";
import type { TransportPlugin, TransportPlugins } from "./transport.js";

/** The transport of an edge when the YAML names none. */
export const DEFAULT_TRANSPORT_KIND = "unix";

/**
 * The transport kinds Rivulet knows by name: each is the package `@rivulet/transport-<kind>`,
 * loaded when installed. Only `unix` ships with the daemon and the SDK; the others must be
 * installed (a kind that is not is refused by `rivulet check` and `rivulet run`).
 */
export const KNOWN_TRANSPORT_KINDS = ["unix", "shm", "zeromq", "mqtt", "nats"] as const;

/** The package that provides a bare transport kind. */
export function transportPackage(kind: string): string {
  return `@rivulet/transport-${kind}`;
}

/**
 * True when a transport name is a module path (a custom plugin) rather than a kind or a name:
 * it starts with `./`, `../` or `/`, or ends in `.js`, `.mjs` or `.ts`. The descriptor's check
 * and the loader use this one rule.
 */
export function isTransportModulePath(name: string): boolean {
  return /^(\.{1,2}\/|\/)/.test(name) || /\.(m?js|ts)$/.test(name);
}

/** Where `resolveTransportModule` and `loadTransport` look. */
export interface TransportLookup {
  /** Folder that module paths and packages are resolved from: the dataflow YAML's folder. */
  baseDir?: string;
  /**
   * Further folders or file URLs to look for `@rivulet/transport-<kind>` from when `baseDir`
   * has none: the caller's own module, so that the transports its package depends on
   * (`@rivulet/transport-unix`) are found wherever the dataflow lives.
   */
  fallbacks?: readonly string[];
}

/** A plugin and, when it came from a module, that module's file URL (for the plan). */
export interface LoadedTransport {
  plugin: TransportPlugin;
  module?: string;
}

/**
 * The file URL of the module that provides a transport: a module path resolved against
 * `baseDir`, or a bare kind as the package `@rivulet/transport-<kind>` found from `baseDir`,
 * then from each fallback. Nothing is imported.
 * @throws UnknownTransportError for a bare kind whose package is installed nowhere looked.
 */
export function resolveTransportModule(kind: string, lookup: TransportLookup = {}, available: readonly string[] = []): string {
  const baseDir = lookup.baseDir ?? process.cwd();
  if (isTransportModulePath(kind)) return pathToFileURL(isAbsolute(kind) ? kind : resolve(baseDir, kind)).href;
  for (const from of [baseDir, ...(lookup.fallbacks ?? [])]) {
    const dir = from.startsWith("file:") ? dirname(fileURLToPath(from)) : from;
    const entry = resolvePackageEntry(transportPackage(kind), dir);
    if (entry !== undefined && existsSync(fileURLToPath(entry))) return entry;
  }
  throw new UnknownTransportError(kind, available);
}

/**
 * Imports a transport module by URL. Its default export is a plugin or a function returning one.
 * @throws TransportModuleLoadError when importing fails (with Node's error as cause and, for a
 *   syntax error, the file and line); NotATransportPluginError when it exports no plugin.
 */
export async function importTransport(kind: string, module: string): Promise<TransportPlugin> {
  let loaded: { default?: unknown };
  try {
    loaded = (await import(module)) as { default?: unknown };
  } catch (cause) {
    throw new TransportModuleLoadError(kind, module, { cause });
  }
  let exported: unknown;
  try {
    exported = typeof loaded.default === "function" ? (loaded.default as () => unknown)() : loaded.default;
  } catch (cause) {
    throw new TransportModuleLoadError(kind, module, { cause });
  }
  const plugin = exported as Partial<TransportPlugin> | undefined;
  if (!plugin || typeof plugin.create !== "function" || typeof plugin.plan !== "function" || typeof plugin.kind !== "string") {
    throw new NotATransportPluginError(kind, module);
  }
  return plugin as TransportPlugin;
}

/**
 * Finds the plugin for a transport kind or module path: from the given map, else by importing
 * its module (see `resolveTransportModule`).
 * @throws UnknownTransportError for a bare kind not installed; TransportModuleLoadError or
 *   NotATransportPluginError for a module that does not load or exports no plugin.
 */
export async function loadTransport(kind: string, plugins: TransportPlugins, lookup: TransportLookup = {}): Promise<LoadedTransport> {
  const known = plugins[kind];
  if (known) return { plugin: known };
  const module = resolveTransportModule(kind, lookup, Object.keys(plugins));
  return { plugin: await importTransport(kind, module), module };
}
