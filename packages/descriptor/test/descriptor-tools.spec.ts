import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dataflowJsonSchema, parseDescriptor, parseTimer, splitArgs, toMermaid } from "../src/index.js";

describe("timer specs", () => {
  it.each([
    ["dora/timer/secs/2", 2e9],
    ["dora/timer/millis/33", 33e6],
    ["dora/timer/micros/500", 500e3],
    ["dora/timer/hz/30", Math.round(1e9 / 30)],
    ["rivulet/timer/millis/1", 1e6],
  ])("%s has a period of %d ns", (spec, ns) => {
    expect(parseTimer(spec)).toEqual({ spec, periodNs: ns });
  });

  it.each(["dora/timer/millis", "dora/timer/millis/1.5", "dora/timer/hz/0", "dora/timer/weeks/1", "dora/timer/micros/10", "dora/timer/millis/1/2"])(
    "rejects %s",
    (spec) => {
      expect(typeof parseTimer(spec)).toBe("string");
    },
  );
});

describe("splitArgs", () => {
  it("splits like a shell for words and quotes", () => {
    expect(splitArgs(`--name "a b" 'c d' e\\ f  "" x`)).toEqual(["--name", "a b", "c d", "e f", "", "x"]);
  });
});

describe("toMermaid", () => {
  it("draws nodes, edges and timers", () => {
    const { descriptor } = parseDescriptor(
      "nodes:\n  - id: a\n    path: a.ts\n    outputs: [out]\n    inputs: { tick: dora/timer/millis/10 }\n  - id: b\n    path: b.ts\n    inputs: { in: a/out }\n",
      "df.yml",
    );
    expect(toMermaid(descriptor)).toBe(
      'flowchart TB\n  n_a["a"]\n  n_b["b"]\n  t_n_dora_timer_millis_10(["dora/timer/millis/10"])\n  t_n_dora_timer_millis_10 -- "tick" --> n_a\n  n_a -- "out -> in" --> n_b\n',
    );
  });
});

describe("JSON Schema", () => {
  it("the committed schema file matches the zod schema", () => {
    const committed = JSON.parse(readFileSync(join(import.meta.dirname, "../schema/dataflow.schema.json"), "utf8"));
    expect(committed).toEqual(dataflowJsonSchema());
    expect(committed.properties.nodes.items.additionalProperties).toBe(false);
  });
});
