import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXIT_USAGE, main } from "../src/main.js";
import { captureTerminal } from "./terminal-capture.js";

const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

describe("rivulet --version", () => {
  it.each(["--version", "-V"])("%s prints the CLI package's version and exits 0", async (flag) => {
    const terminal = captureTerminal();
    expect(await main(["node", "rivulet", flag], terminal)).toBe(0);
    expect(terminal.stdout()).toBe(`${VERSION}\n`);
  });
});

describe("rivulet run --help", () => {
  it("shows the defaults taken from the named constants", async () => {
    const terminal = captureTerminal();
    expect(await main(["node", "rivulet", "run", "--help"], terminal)).toBe(0);
    const help = terminal.stdout().replace(/\s+/g, " ");
    expect(help).toMatch(/--grace <duration> .*\(default: 10s\)/);
    expect(help).toMatch(/--start-timeout <duration> .*\(default: 60s\)/);
    expect(help).toMatch(/--log-dir <dir> .*\(default: out\/<run id> beside the YAML\)/);
    expect(help).toMatch(/--keep-logs <n> .*\(default: 10\)/);
  });

  it("refuses a --keep-logs that is not a whole number", async () => {
    const terminal = captureTerminal();
    expect(await main(["node", "rivulet", "run", "dataflow.yml", "--keep-logs", "-1"], terminal)).toBe(EXIT_USAGE);
  });
});
