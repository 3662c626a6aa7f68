import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type DescriptorError, type DescriptorValidationError, allInputs, parseDescriptor, resolveGraph, toMermaid } from "../src/index.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/descriptors");
const load = (dir: "good" | "bad", name: string) => parseDescriptor(readFileSync(join(fixtures, dir, name), "utf8"), join(fixtures, dir, name));

function errorsOf(yaml: string): DescriptorError[] {
  try {
    parseDescriptor(yaml, "dataflow.yml");
  } catch (error) {
    return [...(error as DescriptorValidationError).errors];
  }
  throw new Error("expected the descriptor to be refused");
}

describe("operator ids on the runtime node", () => {
  const { descriptor } = load("good", "operators.yml");
  const node = (id: string) => descriptor.nodes.find((n) => n.id === id)!;

  it("the operator: shorthand keeps its ids unprefixed: inputs 'tick', outputs 'doubled' (consumers name doubler/doubled)", () => {
    expect(allInputs(node("doubler")).map((i) => i.id)).toEqual(["tick"]);
    expect(node("doubler").outputs).toEqual(["doubled"]);
    expect(node("doubler").operators).toMatchObject([{ id: "op", portPrefix: "" }]);
  });

  it("a one-entry operators: list is prefixed on both sides like a longer list, even with the id 'op'", () => {
    expect(allInputs(node("lone")).map((i) => i.id)).toEqual(["op/value"]);
    expect(node("lone").outputs).toEqual(["op/out"]);
    expect(allInputs(node("chain")).map((i) => i.id)).toEqual(["first/value", "second/value"]);
    expect(node("chain").outputs).toEqual(["first/out", "second/out"]);
  });

  it("thread defaults to shared; worker as written", () => {
    expect(node("chain").operators.map((op) => [op.id, op.thread])).toEqual([
      ["first", "shared"],
      ["second", "worker"],
    ]);
    expect(node("doubler").operators[0]!.thread).toBe("shared");
  });

  it("an edge between two operators of one runtime node is local (no transport); every other edge keeps its transport", () => {
    const graph = resolveGraph(descriptor);
    expect(graph.local).toEqual([{ node: "chain", output: "first/out", input: "second/value" }]);
    expect(graph.edges.filter((e) => e.consumer === "chain").map((e) => `${e.input}<-${e.channel}`)).toEqual(["first/value<-lone/op/out"]);
    expect(graph.edges.filter((e) => e.consumer === "lone").map((e) => `${e.input}<-${e.channel}`)).toEqual(["op/value<-doubler/doubled"]);
    expect(graph.edges.filter((e) => e.consumer === "sink").map((e) => `${e.input}<-${e.channel}`)).toEqual([
      "doubled<-doubler/doubled",
      "lone<-lone/op/out",
      "first<-chain/first/out",
      "second<-chain/second/out",
    ]);
  });

  it("the Mermaid drawing keeps the in-process edge, as a loop on its runtime node", () => {
    expect(toMermaid(descriptor)).toContain('  n_chain -- "first/out -> second/value (in-process)" --> n_chain\n');
  });

  it("a consumer naming a one-entry list's output without the operator is refused, listing the prefixed one", () => {
    const yaml = "nodes:\n  - id: lone\n    operators:\n      - { id: op, typescript: op.ts, outputs: [out] }\n  - id: sink\n    path: sink.ts\n    inputs:\n      a: lone/out\n";
    expect(errorsOf(yaml)).toMatchObject([{ name: "UnknownSourceOutputError", yamlPath: "nodes[1].inputs.a", nodeId: "sink" }]);
    expect(errorsOf(yaml)[0]!.message).toContain("node 'lone' has no output 'out' (declared: op/out)");
  });
});

describe("operators Rivulet refuses", () => {
  it("python: refused by name at its key, naming node and operator, with what to do instead; not an unknown key", () => {
    const errors = (() => {
      try {
        load("bad", "operator-python.yml");
      } catch (error) {
        return [...(error as DescriptorValidationError).errors];
      }
      return [];
    })();
    expect(errors.map((e) => [e.name, e.nodeId, e.operatorId, e.line, e.column])).toEqual([
      ["UnsupportedOperatorError", "runtime", "plot", 15, 9],
      ["UnsupportedOperatorError", "single", "op", 20, 7],
    ]);
    expect(errors[0]!.message).toContain("operator-python.yml:15:9: nodes[1].operators[1].python (node 'runtime', operator 'plot'): python operators are not supported by Rivulet: write the operator in TypeScript or JavaScript, or run the Python code as a node with path:");
    expect(errors[0]).toMatchObject({ kind: "python" });
  });

  it("shared-library: refused by name, also beside a typescript key (no 'exactly one language' error for it)", () => {
    const errors = errorsOf("nodes:\n  - id: n\n    operators:\n      - id: fast\n        typescript: fast.ts\n        shared-library: build/fast\n");
    expect(errors.map((e) => [e.name, e.yamlPath, e.operatorId])).toEqual([["UnsupportedOperatorError", "nodes[0].operators[0].shared-library", "fast"]]);
    expect(errors[0]!.message).toContain("shared-library operators are not supported by Rivulet: write the operator in TypeScript or JavaScript, or run the native code as a node with path:");
  });

  it("an unknown key in an operator is still an unknown key, located with the operator's id", () => {
    const errors = errorsOf("nodes:\n  - id: n\n    operators:\n      - id: a\n        typescript: a.ts\n        thred: worker\n");
    expect(errors.map((e) => [e.name, e.yamlPath, e.nodeId, e.operatorId])).toEqual([["UnknownKeyError", "nodes[0].operators[0].thred", "n", "a"]]);
    expect(errors[0]!.message).toContain("did you mean 'thread'?");
  });

  it("a thread other than shared or worker, and an empty operators list, are refused", () => {
    expect(errorsOf("nodes:\n  - id: n\n    operator:\n      typescript: a.ts\n      thread: process\n").map((e) => [e.name, e.yamlPath, e.operatorId])).toEqual([["InvalidValueError", "nodes[0].operator.thread", "op"]]);
    expect(errorsOf("nodes:\n  - id: n\n    operators: []\n").map((e) => [e.name, e.yamlPath])).toEqual([["InvalidValueError", "nodes[0].operators"]]);
  });
});
