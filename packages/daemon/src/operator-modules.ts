import { statSync } from "node:fs";
import { extname, resolve } from "node:path";
import type { NodeDescriptor, ParsedDescriptor } from "@rivulet/descriptor";
import { nodeSourceErrors } from "./node-sources.js";
import { OperatorModuleError } from "./preflight-errors.js";

/** The extensions a module of each language may have, as the runtime loads it (TypeScript through tsx). */
const MODULE_EXTENSIONS: Record<"typescript" | "javascript", readonly string[]> = {
  typescript: [".ts", ".mts", ".cts"],
  javascript: [".js", ".mjs", ".cjs"],
};

/**
 * What would stop the operators of a runtime node from loading, found without running them:
 * each module must exist, be a file, and have an extension of the language its key names
 * (`OperatorModuleError`); then the module gets the checks a node's program gets
 * (`nodeSourceErrors`: module format, syntax, imports that do not resolve, relative ones as tsx
 * or Node would resolve them). Every error is located at the operator's `typescript:` or
 * `javascript:` value and names the node and the operator. `rivulet check` and `rivulet run`
 * both call this, so they refuse the same operators.
 */
export async function operatorModuleErrors(node: NodeDescriptor, parsed: ParsedDescriptor, baseDir: string): Promise<Error[]> {
  const index = parsed.descriptor.nodes.indexOf(node);
  const raw = (parsed.descriptor.raw as { nodes: Record<string, unknown>[] }).nodes[index]!;
  const errors: Error[] = [];
  for (const [j, op] of node.operators.entries()) {
    const at = { ...parsed.locate(raw.operators === undefined ? ["nodes", index, "operator", op.language] : ["nodes", index, "operators", j, op.language]), nodeId: node.id };
    const path = resolve(baseDir, op.path);
    const fail = (reason: OperatorModuleError["reason"], detail: string): void => void errors.push(new OperatorModuleError(reason, op.path, detail, at));
    const extensions = MODULE_EXTENSIONS[op.language];
    let isFile: boolean;
    try {
      isFile = statSync(path).isFile();
    } catch {
      fail("missing", `operator module '${op.path}' not found (looked for ${path})`);
      continue;
    }
    if (!isFile) fail("folder", `operator module '${op.path}' is not a file (${path})`);
    else if (!extensions.includes(extname(path))) {
      const other = op.language === "typescript" ? "javascript" : "typescript";
      const fits = MODULE_EXTENSIONS[other].includes(extname(path));
      fail("extension", `a ${op.language} operator module must end in ${extensions.join(", ")}; '${op.path}' does not${fits ? ` (write '${other}: ${op.path}')` : ""}`);
    } else errors.push(...(await nodeSourceErrors(path, op.path, at)));
  }
  return errors;
}
