import { existsSync } from "node:fs";
import type { NodeDescriptor } from "@rivulet/descriptor";
import { describe, expect, it } from "vitest";
import { nodeCommand } from "../src/node-command.js";

const at = { file: "dataflow.yml", line: 2, column: 3, yamlPath: "nodes[0]", nodeId: "math" };

describe("nodeCommand", () => {
  it("starts a runtime node (operators) as @rivulet/runtime's main script, in Node with the tsx loader", () => {
    const node = { id: "math", kind: "runtime", args: [], env: {}, inputs: [], outputs: [], operators: [], restartPolicy: "never", line: 2 } as unknown as NodeDescriptor;
    const command = nodeCommand(node, "/nowhere", at);
    expect(command.command).toBe(process.execPath);
    expect(command.args.slice(0, 2)).toEqual(["--import", import.meta.resolve("tsx")]);
    expect(command.args[2]).toMatch(/packages\/runtime\/dist\/main\.js$/);
    expect(existsSync(command.args[2]!)).toBe(true);
    // Nothing of the runtime's own is read by the node-program checks.
    expect(command.script).toBeUndefined();
  });
});
