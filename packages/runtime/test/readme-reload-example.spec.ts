import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { OperatorRuntime } from "../src/operator-runtime.js";
import { RuntimeHost } from "./runtime-host.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));

/** The code block after `<!-- reload-example -->` in the root README. */
function readmeExample(): string {
  const readme = readFileSync(join(HERE, "../../../README.md"), "utf8");
  const block = /<!-- reload-example -->\s*```ts\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error("README.md has no reload-example block");
  return block[1]!;
}

describe("README: the --watch example", () => {
  it("carries its #private count across a reload through snapshot() and restore()", async () => {
    // Inside the package so that `@rivulet/node` resolves as it does for a user's project.
    const dir = mkdtempSync(join(HERE, ".readme-"));
    try {
      const file = join(dir, "counter.ts");
      writeFileSync(file, readmeExample());
      const host = new RuntimeHost([{ id: "counter", module: file, inputs: { tick: "timer" }, outputs: ["count"] }]);
      const running = new OperatorRuntime(host).run();
      host.input("counter/tick", null);
      host.input("counter/tick", null);
      await host.sentCount("counter/count", 2);
      writeFileSync(file, `${readmeExample()}// saved again\n`);
      host.reload("counter");
      host.input("counter/tick", null);
      await host.sentCount("counter/count", 3);
      host.stop();
      await running;
      expect(host.sentOn("counter/count").map((s) => s.data)).toEqual([1, 2, 3]);
      expect(host.logs).toContainEqual(expect.objectContaining({ level: "info", fields: { operator: "counter", file } }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
