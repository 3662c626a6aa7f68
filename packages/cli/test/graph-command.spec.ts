import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it, onTestFinished } from "vitest";
import { main } from "../src/main.js";
import { captureTerminal } from "./terminal-capture.js";

const CHROMIUM = "/usr/bin/chromium";

const DATAFLOW = `nodes:
  - id: camera
    path: camera.ts
    outputs: [image]
  - id: detector
    path: detector.ts
    inputs:
      image: camera/image
    outputs: [boxes]
  - id: plotter
    path: plotter.ts
    inputs:
      image: camera/image
      boxes: detector/boxes
`;

describe("rivulet graph --html", () => {
  it("renders one box per node in a headless browser with every network request failing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rvl-graph-html-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "dataflow.yml");
    const html = join(dir, "graph.html");
    writeFileSync(file, DATAFLOW);
    const terminal = captureTerminal();
    expect(await main(["node", "rivulet", "graph", file, "--html", html], terminal)).toBe(0);

    // A persistent context is how Playwright takes a fresh --user-data-dir of our choosing.
    const browser = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // Name resolution fails for every host: the page cannot reach a CDN even if routing missed it.
        "--host-resolver-rules=MAP * ~NOTFOUND",
      ],
    });
    onTestFinished(() => browser.close());
    const page = browser.pages()[0] ?? (await browser.newPage());
    const remote: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith("file:")) remote.push(request.url());
    });
    await page.route("**/*", (route) => (route.request().url().startsWith("file:") ? route.continue() : route.abort("internetdisconnected")));
    await page.goto(pathToFileURL(html).href);
    await page.waitForSelector("pre.mermaid svg g.node", { timeout: 20_000 });
    const labels = await page.$$eval("pre.mermaid svg g.node", (nodes) => nodes.map((n) => n.textContent?.trim()));
    expect(labels.sort()).toEqual(["camera", "detector", "plotter"]);
    expect(await page.$$eval("pre.mermaid svg .edgePaths path", (paths) => paths.length)).toBe(3);
    expect(remote).toEqual([]);
  });
});
