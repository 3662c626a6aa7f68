import { RivuletError } from "@rivulet/core";
import { describe, expect, it } from "vitest";
import { DescriptorError, DescriptorValidationError, UnknownKeyError } from "../src/index.js";

describe("descriptor errors", () => {
  it("belong to the one Rivulet error family, with their own names and location fields", () => {
    const error = new UnknownKeyError("ouputs", "outputs", { file: "df.yml", line: 3, column: 5, yamlPath: "nodes[0].ouputs", nodeId: "a" });
    const all = new DescriptorValidationError("df.yml", [error]);
    expect(error).toBeInstanceOf(RivuletError);
    expect(error).toBeInstanceOf(DescriptorError);
    expect(all).toBeInstanceOf(RivuletError);
    expect(error).toMatchObject({ name: "UnknownKeyError", file: "df.yml", line: 3, column: 5, yamlPath: "nodes[0].ouputs", nodeId: "a", key: "ouputs" });
    expect(all).toMatchObject({ name: "DescriptorValidationError", file: "df.yml", errors: [error] });
  });
});
