import type { z } from "zod";
import {
  type DescriptorError,
  InvalidIdError,
  InvalidValueError,
  MissingKeyError,
  UnknownKeyError,
} from "./descriptor-errors.js";
import { didYouMean } from "@rivulet/core";
import { REFUSED_OPERATOR_KEYS, dataflowSchema } from "./schema.js";
import type { YamlLocator, YamlPath } from "./yaml-locator.js";

type Issue = z.core.$ZodIssue;
type AnySchema = { _zod: { def: Record<string, unknown> & { type: string } } };

/** Turns zod issues into descriptor errors with positions. */
export function issuesToErrors(issues: readonly Issue[], raw: unknown, locator: YamlLocator): DescriptorError[] {
  const errors: DescriptorError[] = [];
  const visit = (issue: Issue, prefix: YamlPath): void => {
    const path = [...prefix, ...issue.path] as PropertyKey[];
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) {
          // checkGraph refuses these by name (UnsupportedOperatorError), with what to do instead.
          if (key in REFUSED_OPERATOR_KEYS && isOperatorPath(path)) continue;
          errors.push(new UnknownKeyError(key, didYouMean(key, keysAt(path)), locator.at(path, key)));
        }
        return;
      case "invalid_union": {
        // Report the branch that matches the value's shape (a mapping gets the long form's
        // errors); when none does, name every form the union accepts.
        const value = valueAt(raw, path);
        const branches = issue.errors.filter((branch) => !branch.some((i) => i.code === "invalid_type" && i.path.length === 0));
        const chosen = branches[0];
        if (chosen) for (const inner of chosen) visit(inner, path);
        else errors.push(new InvalidValueError(`expected ${describeUnion(issue)}, got ${describe(value)}`, locator.at(path)));
        return;
      }
      case "invalid_format":
        errors.push(new InvalidIdError(`'${String(valueAt(raw, path))}' is not a valid id: ${issue.message}`, locator.at(path)));
        return;
      case "invalid_type":
        if (valueAt(raw, path) === undefined) {
          const key = String(path[path.length - 1]);
          errors.push(new MissingKeyError(`missing required key '${key}'`, locator.at(path.slice(0, -1))));
        } else {
          errors.push(new InvalidValueError(`expected ${issue.expected}, got ${describe(valueAt(raw, path))}`, locator.at(path)));
        }
        return;
      default:
        errors.push(new InvalidValueError(issue.message, locator.at(path)));
    }
  };
  for (const issue of issues) visit(issue, []);
  return errors;
}

/** `nodes[i].operator` or `nodes[i].operators[j]`. */
function isOperatorPath(path: YamlPath): boolean {
  return path[0] === "nodes" && (path.length === 3 ? path[2] === "operator" : path.length === 4 && path[2] === "operators" && typeof path[3] === "number");
}

function describeUnion(issue: Extract<Issue, { code: "invalid_union" }>): string {
  const kinds = issue.errors.flatMap((branch) => branch.filter((i) => i.code === "invalid_type").map((i) => (i as { expected: string }).expected));
  return [...new Set(kinds)].join(" or ") || "a valid value";
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

function valueAt(raw: unknown, path: YamlPath): unknown {
  let value = raw;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment as string];
  }
  return value;
}

/** The keys the schema allows at `path`, for did-you-mean. */
function keysAt(path: YamlPath): string[] {
  let schema: AnySchema | undefined = dataflowSchema as unknown as AnySchema;
  for (const segment of path) {
    schema = step(unwrap(schema), segment);
    if (!schema) return [];
  }
  const object = unwrap(schema);
  const shapes = object?._zod.def.type === "union" ? (object._zod.def.options as AnySchema[]) : object ? [object] : [];
  return shapes.flatMap((s) => (unwrap(s)?._zod.def.type === "object" ? Object.keys(unwrap(s)!._zod.def.shape as object) : []));
}

function step(schema: AnySchema | undefined, segment: PropertyKey): AnySchema | undefined {
  const def = schema?._zod.def;
  if (!def) return undefined;
  if (def.type === "object") return (def.shape as Record<string, AnySchema>)[String(segment)];
  if (def.type === "array") return def.element as AnySchema;
  if (def.type === "record") return def.valueType as AnySchema;
  if (def.type === "union") {
    for (const option of def.options as AnySchema[]) {
      const next = step(unwrap(option), segment);
      if (next) return next;
    }
  }
  return undefined;
}

function unwrap(schema: AnySchema | undefined): AnySchema | undefined {
  let current = schema;
  while (current && (current._zod.def.type === "optional" || current._zod.def.type === "default" || current._zod.def.type === "nullable")) {
    current = current._zod.def.innerType as AnySchema;
  }
  return current;
}
