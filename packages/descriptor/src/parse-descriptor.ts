import { readFile } from "node:fs/promises";
import { LineCounter, parseDocument } from "yaml";
import { type DescriptorError, type DescriptorErrorInit, DescriptorValidationError, type DescriptorWarning, InvalidValueError, YamlSyntaxError } from "./descriptor-errors.js";
import type { Descriptor } from "./descriptor.js";
import { checkGraph } from "./check-graph.js";
import { DescriptorFileNotFoundError, DescriptorReadError } from "./descriptor-file-errors.js";
import { type RawDataflow, dataflowSchema } from "./schema.js";
import { toDescriptor } from "./to-descriptor.js";
import { YamlLocator, type YamlPath } from "./yaml-locator.js";
import { issuesToErrors } from "./zod-issues.js";

/** A loaded descriptor and the warnings (deprecated keys) found while loading it. */
export interface ParsedDescriptor {
  descriptor: Descriptor;
  warnings: DescriptorWarning[];
  /**
   * Where a YAML path (`["transports", "t", "foo"]`) stands in the file, for errors found after
   * loading (transport options, node programs) to be located like the descriptor's own. A path
   * that does not exist is located at its nearest existing parent; with `key`, at that key.
   */
  locate(path: YamlPath, key?: string): DescriptorErrorInit;
}

/**
 * Parses and validates dataflow YAML. Every error is collected before throwing, each with
 * file:line:column, YAML path and node id.
 * @param file the name used in messages (and kept as `descriptor.file`).
 * @throws DescriptorValidationError listing every error.
 */
export function parseDescriptor(text: string, file: string): ParsedDescriptor {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return new YamlSyntaxError(error.message.split("\n")[0]!, { file, line, column: col, yamlPath: "" });
    });
    throw new DescriptorValidationError(file, errors);
  }
  const raw: unknown = doc.toJS();
  const locator = new YamlLocator(file, doc, lineCounter);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new DescriptorValidationError(file, [new InvalidValueError("a dataflow must be a mapping with a 'nodes' list", locator.at([]))]);
  }
  const errors: DescriptorError[] = [];
  const result = dataflowSchema.safeParse(raw);
  if (!result.success) errors.push(...issuesToErrors(result.error.issues, raw, locator));
  const graph = checkGraph(raw, locator);
  errors.push(...graph.errors);
  if (errors.length > 0) {
    errors.sort((a, b) => a.line - b.line || a.column - b.column);
    throw new DescriptorValidationError(file, errors);
  }
  const descriptor = toDescriptor(result.data as RawDataflow, file, (i) => locator.at(["nodes", i]).line);
  return { descriptor, warnings: graph.warnings, locate: (path, key) => locator.at(path, key) };
}

/**
 * Reads and parses a dataflow file.
 * @throws DescriptorFileNotFoundError when the file does not exist.
 * @throws DescriptorReadError when it cannot be read (a folder, no permission).
 * @throws DescriptorValidationError listing every error in its content.
 */
export async function loadDescriptor(file: string): Promise<ParsedDescriptor> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") throw new DescriptorFileNotFoundError(file, { cause });
    throw new DescriptorReadError(file, { cause });
  }
  return parseDescriptor(text, file);
}
