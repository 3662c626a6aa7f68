/**
 * Nodes Rivulet ships, named by `path: rivulet/<name>` in the YAML (as dora names its timers
 * `dora/timer/...`). The descriptor knows their names only; the daemon knows how to start and
 * check each one (`@rivulet/daemon`'s builtin-nodes.ts).
 */
export const BUILTIN_NODES = ["mqtt-bridge"] as const;
export type BuiltinNodeName = (typeof BUILTIN_NODES)[number];

const PREFIX = "rivulet/";

/** True when `path` names a built-in node (`rivulet/...`), known or not; timers (`rivulet/timer/...`) are not nodes. */
export function isBuiltinPath(path: string): boolean {
  return path.startsWith(PREFIX) && !path.startsWith(`${PREFIX}timer/`);
}

/** The built-in node `path` names, or undefined when it names none of BUILTIN_NODES. */
export function builtinName(path: string): BuiltinNodeName | undefined {
  const name = path.slice(PREFIX.length);
  return isBuiltinPath(path) && (BUILTIN_NODES as readonly string[]).includes(name) ? (name as BuiltinNodeName) : undefined;
}
