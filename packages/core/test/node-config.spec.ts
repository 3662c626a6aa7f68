import { describe, expect, it } from "vitest";
import { NODE_CONFIG_ENV, NodeConfigError, environmentConfig, readNodeConfig } from "../src/internal.js";

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

describe("environmentConfig", () => {
  it("leaves the transports' options out, in `transports` and in the descriptor, and keeps the rest", () => {
    const config = {
      ...valid,
      transports: { bus: { kind: "nats", options: { servers: "nats://h:4222", token: "s3cret" } }, unix: { kind: "unix", options: {} } },
      descriptor: { transports: { bus: { kind: "nats", servers: "nats://h:4222", token: "s3cret" } }, nodes: [{ id: "a" }] },
    };
    const env = environmentConfig(config);
    expect(JSON.stringify(env)).not.toContain("s3cret");
    expect(env.transports).toEqual({ bus: { kind: "nats" }, unix: { kind: "unix" } });
    expect(env.descriptor).toEqual({ transports: { bus: { kind: "nats" } }, nodes: [{ id: "a" }] });
    expect({ ...env, transports: config.transports, descriptor: config.descriptor }).toEqual(config);
    // The original is not changed.
    expect(config.transports.bus.options.token).toBe("s3cret");
  });

  it("leaves every node's config: out of the descriptor (a bridge's broker password), the node's own settings stay", () => {
    const config = {
      ...valid,
      settings: { threshold: 3 },
      descriptor: { nodes: [{ id: "bridge", path: "rivulet/mqtt-bridge", config: { url: "mqtt://h:1883", username: "u", password: "s3cret" } }, { id: "a", config: { threshold: 3 } }] },
    };
    const env = environmentConfig(config);
    expect(JSON.stringify(env.descriptor)).not.toContain("s3cret");
    expect(env.descriptor).toEqual({ nodes: [{ id: "bridge", path: "rivulet/mqtt-bridge" }, { id: "a" }] });
    expect(env.settings).toEqual({ threshold: 3 });
  });

  it("keeps a config without transports, and a descriptor without `transports:`, as they are", () => {
    expect(environmentConfig(valid)).toEqual(valid);
  });
});
