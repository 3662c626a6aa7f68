import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { InvalidTransportOptionsError, NotATransportPluginError, TransportModuleLoadError } from "../src/transport-errors.js";

function file(name: string, text: string): { path: string; url: string } {
  const dir = mkdtempSync(join(tmpdir(), "rvl-terr-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, text);
  return { path, url: pathToFileURL(path).href };
}

/** An error whose stack has a frame of the test runner first, then one in `url`. */
function thrownIn(url: string, line: number, column: number, type: ErrorConstructor = RangeError): Error {
  const error = new type("no 1");
  error.stack = `${error.name}: no 1\n    at run (file:///somewhere/runner.js:10:5)\n    at ${url}:${line}:${column}\n    at ${url}:99:1`;
  return error;
}

// The loader's own spec checks these errors end to end in a plain Node process (the test
// runner wraps import errors); here each is made in-process, so every detail of how it is
// located and worded is checked.
describe("TransportModuleLoadError", () => {
  it("locates a syntax error in a JavaScript module by `node --check`, and says where", () => {
    const broken = file("broken.mjs", "export default () => ({\n  kind: 'x',\n  plan() { return [] ,\n});\n");
    const error = new TransportModuleLoadError("./broken.mjs", broken.url, { cause: new SyntaxError("Unexpected token ')'") });
    expect(error.source).toEqual({ file: broken.path, line: 4 });
    expect(error.message).toBe(`transport module './broken.mjs' failed to load: SyntaxError: Unexpected token ')' at ${broken.path}:4`);
    expect(error.kind).toBe("./broken.mjs");
    expect(error.module).toBe(broken.url);
  });

  it("locates any other error at its first stack frame in the module itself, with the column", () => {
    const throws = file("throws.mjs", "const x = 1;\nthrow new RangeError('no ' + x);\n");
    const error = new TransportModuleLoadError("./throws.mjs", throws.url, { cause: thrownIn(throws.url, 2, 7) });
    expect(error.source).toEqual({ file: throws.path, line: 2, column: 7 });
    expect(error.message).toBe(`transport module './throws.mjs' failed to load: RangeError: no 1 at ${throws.path}:2:7`);
  });

  it("a syntax error that `node --check` does not place (a .ts file, or a valid file) is located by its stack", () => {
    const ts = file("plugin.ts", "export default 1;\n");
    expect(new TransportModuleLoadError("./plugin.ts", ts.url, { cause: thrownIn(ts.url, 3, 2, SyntaxError) }).source).toEqual({ file: ts.path, line: 3, column: 2 });
    const valid = file("valid.mjs", "export default 1;\n");
    expect(new TransportModuleLoadError("./valid.mjs", valid.url, { cause: thrownIn(valid.url, 5, 9, SyntaxError) }).source).toEqual({ file: valid.path, line: 5, column: 9 });
  });

  it("is not located when the module is not a file, or no frame is in it; a cause that is not an Error is wrapped", () => {
    const elsewhere = new TransportModuleLoadError("x", "node:fs", { cause: new TypeError("bad") });
    expect(elsewhere.source).toBeUndefined();
    expect(elsewhere.message).toBe("transport module 'x' failed to load: TypeError: bad");
    const noFrame = file("quiet.mjs", "export default 1;\n");
    const stackless = new Error("gone");
    stackless.stack = undefined;
    expect(new TransportModuleLoadError("q", noFrame.url, { cause: stackless }).source).toBeUndefined();
    expect(new TransportModuleLoadError("q", noFrame.url, { cause: thrownIn("file:///other.mjs", 1, 1) }).source).toBeUndefined();
    const wrapped = new TransportModuleLoadError("q", noFrame.url, { cause: "boom" });
    expect(wrapped.message).toBe("transport module 'q' failed to load: Error: boom");
    expect(wrapped.cause).toBe("boom");
    expect(wrapped.name).toBe("TransportModuleLoadError");
  });
});

describe("NotATransportPluginError and InvalidTransportOptionsError", () => {
  it("name the module and what a plugin must export", () => {
    const error = new NotATransportPluginError("mine", "file:///p.mjs");
    expect(error.message).toBe("transport module 'mine' (file:///p.mjs) does not default-export a transport plugin (an object with kind, plan and create, or a function returning one)");
    expect(error).toMatchObject({ name: "NotATransportPluginError", kind: "mine", module: "file:///p.mjs" });
  });

  it("list every issue at its path inside the options, the options themselves as <options>", () => {
    const issues = [
      { path: ["qos"], message: "unknown option 'qos'" },
      { path: ["tls", 0, "ca"], message: "must be a string" },
      { path: [], message: "must be a mapping" },
    ];
    const error = new InvalidTransportOptionsError("mqtt", issues);
    expect(error.message).toBe("invalid options for the mqtt transport: qos: unknown option 'qos'; tls.0.ca: must be a string; <options>: must be a mapping");
    expect(error.issues).toBe(issues);
    expect(error.kind).toBe("mqtt");
  });
});
