import { describe, expect, it } from "vitest";
import { NODE_CONFIG_ENV, NodeConfigError, readNodeConfig } from "../src/internal.js";

const valid = {
  protocolVersion: 1,
  dataflowId: "df",
  nodeId: "sink",
  controlSocket: "/tmp/x/control.sock",
  token: "secret",
  inputs: [{ id: "in", source: "src/out", queueSize: 10, queuePolicy: "drop_oldest" }],
  outputs: [],
  descriptor: { nodes: [] },
};

const read = (value: unknown) => () => readNodeConfig({ [NODE_CONFIG_ENV]: typeof value === "string" ? value : JSON.stringify(value) });

describe("readNodeConfig", () => {
  it("reads the variable named by NODE_CONFIG_ENV", () => {
    expect(NODE_CONFIG_ENV).toBe("RIVULET_NODE_CONFIG");
    expect(readNodeConfig({ RIVULET_NODE_CONFIG: JSON.stringify(valid) })).toEqual(valid);
  });

  it("reads process.env by default", () => {
    const before = process.env[NODE_CONFIG_ENV];
    process.env[NODE_CONFIG_ENV] = JSON.stringify(valid);
    try {
      expect(readNodeConfig()).toEqual(valid);
    } finally {
      if (before === undefined) delete process.env[NODE_CONFIG_ENV];
      else process.env[NODE_CONFIG_ENV] = before;
    }
  });

  it("refuses a missing or empty variable, naming it and how to start a node", () => {
    for (const env of [{}, { [NODE_CONFIG_ENV]: "" }]) {
      let error: unknown;
      try {
        readNodeConfig(env);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NodeConfigError);
      expect((error as Error).name).toBe("NodeConfigError");
      expect((error as Error).message).toContain(NODE_CONFIG_ENV);
      expect((error as Error).message).toContain("rivulet run");
    }
  });

  it("refuses text that is not JSON, keeping the parse error as cause", () => {
    let error: unknown;
    try {
      read("{not json")();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NodeConfigError);
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it("refuses a config without one of its string fields, naming the field", () => {
    for (const key of ["dataflowId", "nodeId", "controlSocket", "token"]) {
      for (const bad of [undefined, 7, null]) {
        expect(read({ ...valid, [key]: bad })).toThrow(NodeConfigError);
        expect(read({ ...valid, [key]: bad })).toThrow(`'${key}'`);
      }
    }
  });

  it("refuses a config whose inputs or outputs are not lists", () => {
    for (const patch of [{ inputs: undefined }, { outputs: undefined }, { inputs: {} }, { outputs: "out" }]) {
      expect(read({ ...valid, ...patch })).toThrow(NodeConfigError);
      expect(read({ ...valid, ...patch })).toThrow("'inputs' and 'outputs'");
    }
  });

  it("accepts empty input and output lists", () => {
    expect(readNodeConfig({ [NODE_CONFIG_ENV]: JSON.stringify({ ...valid, inputs: [], outputs: [] }) }).nodeId).toBe("sink");
  });
});
