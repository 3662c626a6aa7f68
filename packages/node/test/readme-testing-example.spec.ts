import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const HERE = fileURLToPath(new URL(".", import.meta.url));

/** The code block after `<!-- marker -->` in the root README. */
function readmeExample(marker: string): string {
  const readme = readFileSync(join(HERE, "../../../README.md"), "utf8");
  const block = new RegExp(`<!-- ${marker} -->\\s*\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!block) throw new Error(`README.md has no ${marker} block`);
  return block[1]!;
}

describe("README: the @rivulet/node/testing examples", () => {
  for (const [marker, what] of [
    ["testing-example", "runNode"],
    ["operator-testing-example", "runOperator"],
  ] as const) {
    it(`${what}: runs as pasted, through the package's exports, and its assertions hold`, async () => {
      // Inside the package so that `@rivulet/node` resolves as it does for a user's project.
      const dir = mkdtempSync(join(HERE, ".readme-"));
      try {
        const file = join(dir, "example.ts");
        writeFileSync(file, readmeExample(marker));
        await expect(import(file)).resolves.toBeDefined();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
