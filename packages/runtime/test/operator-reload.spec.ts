import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OperatorRuntime } from "../src/operator-runtime.js";
import { RuntimeHost } from "./runtime-host.js";

/**
 * A counter whose every INPUT sends `<version>:<n>` on `count` and whose RELOAD sends
 * `<version> reloaded at <n>`; `extra` goes into the class body (snapshot/restore, a broken line).
 */
const counter = (version: string, extra = ""): string => `export default class Counter {
  n = 0;
  ${extra}
  onEvent(event: { type: string }, sendOutput: (output: string, data: unknown) => Promise<void>): string {
    if (event.type === "RELOAD") void sendOutput("count", "${version} reloaded at " + this.n);
    if (event.type === "INPUT") void sendOutput("count", "${version}:" + ++this.n);
    return "CONTINUE";
  }
}
`;

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A runtime hosting the counter of a fresh temp folder (an ES module package) on `thread`. */
function counterRuntime(thread: "shared" | "worker"): { host: RuntimeHost; file: string; running: Promise<unknown> } {
  dir = mkdtempSync(join(tmpdir(), "rvl-reload-"));
  writeFileSync(join(dir, "package.json"), `{ "type": "module" }`);
  const file = join(dir, "counter.ts");
  writeFileSync(file, counter("v1"));
  const host = new RuntimeHost([{ id: "counter", module: file, thread, inputs: { tick: "timer" }, outputs: ["count"] }]);
  return { host, file, running: new OperatorRuntime(host).run() };
}

/** Rewrites the module, then asks the runtime to reload it, as the daemon does on a save. */
function save(host: RuntimeHost, file: string, source: string): void {
  writeFileSync(file, source);
  host.reload("counter");
}

/** One tick; resolves once the `total`th count went out. */
async function tick(host: RuntimeHost, total: number): Promise<void> {
  host.input("counter/tick", null);
  await host.sentCount("counter/count", total);
}

/** What went out on `count`; a worker's values come back decoded, as one-row vectors. */
const counts = (host: RuntimeHost): unknown[] =>
  host.sentOn("counter/count").map(({ data }) => (typeof (data as { get?: unknown }).get === "function" ? (data as { get(i: number): unknown }).get(0) : data));

describe.each(["shared", "worker"] as const)("reloading a %s operator", (thread) => {
  it("carries its fields to the new instance, delivers RELOAD first, and loses no event queued across the swap", async () => {
    const { host, file, running } = counterRuntime(thread);
    host.input("counter/tick", null);
    await tick(host, 2);
    save(host, file, counter("v2"));
    host.input("counter/tick", null); // queued behind the reload
    await host.sentCount("counter/count", 4);
    host.stop();
    await running;
    expect(counts(host)).toEqual(["v1:1", "v1:2", "v2 reloaded at 2", "v2:3"]);
    expect(host.logs).toContainEqual(expect.objectContaining({ level: "info", fields: { operator: "counter", file } }));
  });

  it("keeps the old code running when the new version has a syntax error, naming the file and line; a fixed version then reloads with the state", async () => {
    const { host, file, running } = counterRuntime(thread);
    await tick(host, 1);
    save(host, file, counter("broken", "bad: number = ;"));
    await host.logCount("error", 1);
    const failed = host.logs.find((l) => l.level === "error")!;
    expect(failed.fields).toEqual({ operator: "counter", file, line: 3, column: 16 });
    expect(failed.message).toContain(`reload of operator 'counter' of node 'rt' failed, its old code keeps running`);
    await tick(host, 2);
    save(host, file, counter("v3"));
    await tick(host, 4);
    host.stop();
    await running;
    expect(counts(host)).toEqual(["v1:1", "v1:2", "v3 reloaded at 2", "v3:3"]);
  });
});

describe("reloading an operator", () => {
  it("hands snapshot() to restore(state) when both exist, instead of copying fields", async () => {
    const { host, file, running } = counterRuntime("shared");
    await tick(host, 1);
    save(host, file, counter("v2", "snapshot() { return { n: this.n * 10 }; }\n  restore(state: { n: number }) { this.n = state.n + 1; }"));
    await host.sentCount("counter/count", 2);
    // The old instance has no snapshot(): its fields are copied (n = 1).
    expect(counts(host)[1]).toBe("v2 reloaded at 1");
    save(host, file, counter("v3", "restore(state: { n: number }) { this.n = state.n + 1; }"));
    await host.sentCount("counter/count", 3);
    // v2 has snapshot() and v3 restore(): 1 * 10 + 1.
    expect(counts(host)[2]).toBe("v3 reloaded at 11");
    host.stop();
    await running;
  });

  it("keeps the old instance when the new one throws in its constructor or exports no class", async () => {
    const { host, file, running } = counterRuntime("shared");
    await tick(host, 1);
    save(host, file, counter("v2", "constructor() { throw new RangeError('not today'); }"));
    await host.logCount("error", 1);
    expect(host.logs.at(-1)!.message).toContain("threw in its constructor");
    expect(host.logs.at(-1)!.message).toContain("RangeError: not today");
    // Its line and column are those of the stack, which vitest does not map back to the
    // TypeScript source (a runtime node does: test/hot-reload.spec.ts).
    expect(host.logs.at(-1)!.fields).toMatchObject({ operator: "counter", file, line: expect.any(Number), column: expect.any(Number) });
    save(host, file, "export const notAClass = 1;\n");
    await host.logCount("error", 2);
    expect(host.logs.at(-1)!.message).toContain("must default-export a class");
    await tick(host, 2);
    host.stop();
    await running;
    expect(counts(host)).toEqual(["v1:1", "v1:2"]);
  });
});
