import { describe, expect, it } from "vitest";
import { bridgeConfig, defaultClientId, validateBridgeConfig } from "../src/index.js";

const node = { id: "devices", inputs: ["alerts"], outputs: ["readings"] };
const valid = {
  url: "mqtt://127.0.0.1:1883",
  availability: { topic: "bridges/devices/availability" },
  subscribe: [{ topic: "sensors/+/temperature", output: "readings", captures: ["device"], schema: { device: "utf8", celsius: "float64" } }],
  publish: [{ input: "alerts", topic: "alerts/{device}", qos: 0, retain: true }],
};
const paths = (config: unknown, declared = node) => validateBridgeConfig(config, declared).map((issue) => issue.path);

describe("validateBridgeConfig", () => {
  it("accepts the contract's example", () => {
    expect(validateBridgeConfig(valid, node)).toEqual([]);
  });

  it("refuses a config that is not a mapping, or has nothing to do", () => {
    expect(paths(undefined)).toEqual([["config"]]);
    expect(paths([1])).toEqual([["config"]]);
    expect(validateBridgeConfig({ url: "mqtt://h:1" }, { id: "d", inputs: [], outputs: [] })).toEqual([expect.objectContaining({ path: ["config"], message: expect.stringMatching(/nothing to do/) })]);
  });

  it("names misspelt keys with a suggestion, at every level", () => {
    const issues = validateBridgeConfig({ ...valid, urll: "x", availability: { topik: "a" }, subscribe: [{ ...valid.subscribe[0], ouput: "readings" }], publish: [{ ...valid.publish[0], retian: true }] }, node);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ["config", "urll"], suggestion: "url" }),
        expect.objectContaining({ path: ["config", "availability", "topik"], suggestion: "topic" }),
        expect.objectContaining({ path: ["config", "availability", "topic"] }),
        expect.objectContaining({ path: ["config", "subscribe", 0, "ouput"], suggestion: "output" }),
        expect.objectContaining({ path: ["config", "publish", 0, "retian"], suggestion: "retain" }),
      ]),
    );
  });

  it("checks values: qos, codec, retain, url scheme (with suggestions), reconnect bounds, password without username", () => {
    const issues = validateBridgeConfig(
      {
        url: "mqt://127.0.0.1:1883",
        password: "p",
        reconnect_min_ms: 0,
        subscribe: [{ topic: "a/+", output: "readings", qos: "1", codec: "jsno" }],
        publish: [{ input: "alerts", topic: "b", retain: "yes", qos: 3 }],
      },
      node,
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ["config", "url"], suggestion: "mqtt://127.0.0.1:1883" }),
        expect.objectContaining({ path: ["config", "password"] }),
        expect.objectContaining({ path: ["config", "reconnect_min_ms"] }),
        expect.objectContaining({ path: ["config", "subscribe", 0, "qos"], suggestion: "1" }),
        expect.objectContaining({ path: ["config", "subscribe", 0, "codec"], suggestion: "json" }),
        expect.objectContaining({ path: ["config", "publish", 0, "retain"] }),
        expect.objectContaining({ path: ["config", "publish", 0, "qos"] }),
      ]),
    );
    expect(issues).toHaveLength(7);
  });

  it("checks topics: subscribe wildcards as whole levels, none in publish or availability topics", () => {
    expect(paths({ ...valid, subscribe: [{ topic: "sensors/dev+/t", output: "readings" }] })).toEqual([["config", "subscribe", 0, "topic"]]);
    expect(paths({ ...valid, publish: [{ input: "alerts", topic: "alerts/+" }] })).toEqual([["config", "publish", 0, "topic"]]);
    expect(paths({ ...valid, publish: [{ input: "alerts", topic: "alerts/{dev" }] })).toEqual([["config", "publish", 0, "topic"]]);
    expect(paths({ ...valid, availability: { topic: "a/{x}" } })).toEqual([["config", "availability", "topic"]]);
    expect(paths({ ...valid, subscribe: [{ output: "readings" }] })).toEqual([["config", "subscribe", 0, "topic"]]);
  });

  it("checks captures against the + levels and the bridge's own parameter names", () => {
    expect(paths({ ...valid, subscribe: [{ topic: "a/+/b", output: "readings", captures: ["x", "y"] }] })).toEqual([["config", "subscribe", 0, "captures"]]);
    expect(paths({ ...valid, subscribe: [{ topic: "a/+/+", output: "readings", captures: ["mqtt_topic", "1x"] }] })).toEqual([
      ["config", "subscribe", 0, "captures", 0],
      ["config", "subscribe", 0, "captures", 1],
    ]);
    expect(paths({ ...valid, subscribe: [{ topic: "a/+/+", output: "readings", captures: ["x", "x"] }] })).toEqual([["config", "subscribe", 0, "captures", 1]]);
  });

  it("checks schemas: type names with suggestions, list and struct shapes, json codec only", () => {
    const issues = validateBridgeConfig({ ...valid, subscribe: [{ topic: "a/+", output: "readings", schema: { t: "flot64", tags: ["utf8", "utf8"], nested: { ok: "bool", at: "timestamp_ms" }, empty: {} } }] }, node);
    expect(issues).toEqual([
      expect.objectContaining({ path: ["config", "subscribe", 0, "schema", "t"], suggestion: "float64" }),
      expect.objectContaining({ path: ["config", "subscribe", 0, "schema", "tags"] }),
      expect.objectContaining({ path: ["config", "subscribe", 0, "schema", "empty"] }),
    ]);
    expect(paths({ ...valid, subscribe: [{ topic: "a", output: "readings", codec: "text", schema: "utf8" }] })).toEqual([["config", "subscribe", 0, "schema"]]);
  });

  it("cross-checks entries against the declared outputs and inputs", () => {
    const issues = validateBridgeConfig({ ...valid, subscribe: [{ topic: "a", output: "reading" }], publish: [{ input: "alert", topic: "b" }] }, { id: "devices", inputs: ["alerts"], outputs: ["readings", "extra"] });
    expect(issues).toEqual([
      expect.objectContaining({ path: ["config", "subscribe", 0, "output"], suggestion: "readings" }),
      expect.objectContaining({ path: ["config", "publish", 0, "input"], suggestion: "alerts" }),
      expect.objectContaining({ path: ["outputs", 0] }),
      expect.objectContaining({ path: ["outputs", 1] }),
      expect.objectContaining({ path: ["inputs", "alerts"] }),
    ]);
  });

  it("checks TLS keys against the scheme, as the mqtt transport does", () => {
    expect(paths({ ...valid, ca_file: "/ca.pem" })).toEqual([["config", "ca_file"]]);
    expect(paths({ ...valid, url: "mqtts://h:8883", ca_file: "/ca.pem", reject_unauthorized: false })).toEqual([]);
  });
});

describe("bridgeConfig", () => {
  it("fills the defaults", () => {
    const config = bridgeConfig({ subscribe: [{ topic: "a/#", output: "o" }], publish: [{ input: "i", topic: "b/{x}" }], availability: { topic: "av" } });
    expect(config.broker).toMatchObject({ url: "mqtt://127.0.0.1:1883", reconnectMinMs: 100, reconnectMaxMs: 5000, rejectUnauthorized: true });
    expect(config.cleanSession).toBe(false);
    expect(config.clientId).toBeUndefined();
    expect(config.availability).toEqual({ topic: "av", online: "online", offline: "offline", qos: 1 });
    expect(config.subscribe[0]).toMatchObject({ output: "o", codec: "json", qos: 1, captures: [], schema: undefined, type: undefined });
    expect(config.publish[0]).toMatchObject({ input: "i", codec: "json", qos: 1, retain: false });
    expect(config.publish[0]!.topic.template).toBe("b/{x}");
  });

  it("throws a RangeError naming the path of the first problem", () => {
    expect(() => bridgeConfig({ subscribe: [{ topic: "a", output: "o", qos: 5 }] })).toThrow(/config\.subscribe\.0\.qos/);
  });

  it("makes a stable default client id from the dataflow name and node id", () => {
    expect(defaultClientId("devices", "iot bridge")).toBe("rivulet-iot_bridge-devices");
    expect(defaultClientId("devices")).toBe("rivulet-devices");
    expect(defaultClientId("d".repeat(100))).toHaveLength(64);
  });
});
