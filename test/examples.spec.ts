import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "./helpers/cli.js";
import { EXAMPLE_CHECKS, SERVICE_EXAMPLES, example } from "./helpers/example-checks.js";
import { scratchFolder } from "./helpers/scratch.js";

describe("examples", () => {
  for (const [name, { title, check }] of Object.entries(EXAMPLE_CHECKS)) {
    it(`${name}: ${title}`, async () => check(await runCli(["run", example(name)])));
  }

  it("keeps each node's output in the folder --log-dir names", async () => {
    const logDir = join(scratchFolder(), "logs");
    const result = await runCli(["run", example("quickstart"), "--log-dir", logDir]);
    expect(result.code).toBe(0);
    expect(readdirSync(logDir).sort()).toEqual(["log_receiver.txt", "log_sender.txt"]);
    expect(readFileSync(join(logDir, "log_receiver.txt"), "utf8")).toContain("Received message: 99");
  });

  it("every example folder has a dataflow, a README and an end-to-end check (run here and over every transport, or a spec of its own)", () => {
    const names = readdirSync(join(ROOT, "examples"));
    for (const name of names) {
      expect(existsSync(join(ROOT, "examples", name, "dataflow.yml"))).toBe(true);
      expect(existsSync(join(ROOT, "examples", name, "README.md"))).toBe(true);
    }
    expect([...Object.keys(EXAMPLE_CHECKS), ...Object.keys(SERVICE_EXAMPLES)].sort()).toEqual([...names].sort());
    for (const spec of Object.values(SERVICE_EXAMPLES)) expect(existsSync(join(ROOT, spec)), spec).toBe(true);
  });
});
