import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { eventually, runCli, startCli } from "./helpers/cli.js";
import { tempDataflow } from "./helpers/temp-dataflow.js";

// README "Transports" (shm): named shared-memory transports, frames in place, and segments
// removed however the run ends.

/** A sender of three 1 MB frames (byte i everywhere in frame i), then its pid, so a test can look at its mappings. */
const BIG_SENDER = `import { Node } from "@rivulet/node";
const node = new Node();
for (let i = 0; i < 3; i++) await node.sendOutput("out", new Uint8Array(1 << 20).fill(i + 1));
`;

/**
 * Prints, per frame, which input it came on, its size, its first byte, whether every byte is the
 * same, and where the payload starts in its ArrayBuffer: a frame in a slot is a view of its own
 * ArrayBuffer over the slot, after the slot's 8-byte holder word, so it starts 8 bytes later
 * than the same frame read from the socket.
 */
const BIG_RECEIVER = `import { Node } from "@rivulet/node";
const node = new Node();
for await (const event of node) {
  if (event.type !== "INPUT") continue;
  const data = event.data;
  const same = data.every((byte) => byte === data[0]);
  console.log(event.id, data.byteLength, data[0], same, data.byteOffset);
  event.release(); // the slot goes back now, not when the view is collected: the rings stay free
}
`;

/** Sends a 64 KB frame every 20 ms until STOP, after saying its pid. */
const ENDLESS = `import { Node } from "@rivulet/node";
const node = new Node();
await node.ready();
console.log("pid", process.pid);
while (!node.signal.aborted) {
  await node.sendOutput("out", new Uint8Array(64 * 1024));
  await new Promise((resolve) => setTimeout(resolve, 20));
}
`;
const COUNTER = `import { Node } from "@rivulet/node";
const node = new Node();
let n = 0;
for await (const event of node) if (event.type === "INPUT" && ++n % 10 === 1) console.log("got", n);
`;

const nodes = (inputs: string): string => `nodes:\n  - id: s\n    path: s.ts\n    outputs: [out]\n  - id: r\n    path: r.ts\n    inputs:\n      ${inputs}\n`;

/** The shared-memory segments process `pid` maps, as paths in /dev/shm. */
function mappedSegments(pid: number): string[] {
  const lines = readFileSync(`/proc/${pid}/maps`, "utf8").split("\n");
  return [...new Set(lines.map((line) => /(\/dev\/shm\/rivulet-\S+)/.exec(line)?.[1]).filter((path): path is string => path !== undefined))];
}

describe("the shm transport in a run", () => {
  it("two named shm transports with their own rings: both edges deliver every frame intact, in shared memory; a frame larger than the slots goes inline", async () => {
    const frames = async (transports: string, inputs: string): Promise<string[]> => {
      const dir = tempDataflow({ "dataflow.yml": `transports:\n${transports}${nodes(inputs)}`, "package.json": '{ "type": "module" }\n', "s.ts": BIG_SENDER, "r.ts": BIG_RECEIVER }, { packages: true });
      const run = await runCli(["run", join(dir, "dataflow.yml")]);
      expect(run.code, run.stderr).toBe(0);
      return run.stdout.split("\n").filter((line) => line.startsWith("[r] ")).sort();
    };
    const inline = await frames("  small: { kind: shm, slot_size: 64 KiB }\n", "a: { source: s/out, transport: small }");
    expect(inline.map((line) => line.replace(/ \d+$/, ""))).toEqual([1, 2, 3].map((i) => `[r] a 1048576 ${i} true`));
    const socketOffset = Number(inline[0]!.split(" ").at(-1));
    const inSlots = await frames("  one: { kind: shm, slots: 3, slot_size: 2 MiB }\n  two: { kind: shm, slots: 4, slot_size: 4 MiB }\n", "a: { source: s/out, transport: one }\n      b: { source: s/out, transport: two }");
    expect(inSlots).toEqual(["a", "b"].flatMap((input) => [1, 2, 3].map((i) => `[r] ${input} 1048576 ${i} true ${socketOffset + 8}`)).sort());
  });

  it("check refuses bad shm options with their line, as run does", async () => {
    const yml = `transports:\n  frames: { kind: shm, slots: 0, slot_sise: 1 MB }\n${nodes("a: { source: s/out, transport: frames }")}`;
    const dir = tempDataflow({ "dataflow.yml": yml, "package.json": '{ "type": "module" }\n', "s.ts": BIG_SENDER, "r.ts": BIG_RECEIVER }, { packages: true });
    for (const command of ["check", "run"]) {
      const result = await runCli([command, join(dir, "dataflow.yml")]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/dataflow\.yml:2:\d+: transports\.frames\.slots: slots must be an integer from 1 to 1024, not 0/);
      expect(result.stderr).toMatch(/dataflow\.yml:2:\d+: transports\.frames\.slot_sise: unknown option 'slot_sise'.*did you mean 'slot_size'/);
    }
  });

  it("leaves no segment in /dev/shm and no node running when the CLI is killed with SIGKILL", async () => {
    const yml = `transports:\n  frames: { kind: shm, slots: 4, slot_size: 1 MiB }\n${nodes("a: { source: s/out, transport: frames }")}`;
    const dir = tempDataflow({ "dataflow.yml": yml, "package.json": '{ "type": "module" }\n', "s.ts": ENDLESS, "r.ts": COUNTER }, { packages: true });
    const run = startCli(["run", join(dir, "dataflow.yml")]);
    await eventually(() => /\[s\] pid \d+/.test(run.output()) && run.output().includes("[r] got 11"), 30_000, "the run to be up and delivering");
    const pid = Number(/\[s\] pid (\d+)/.exec(run.output())![1]);
    const segments = mappedSegments(pid);
    expect(segments).toHaveLength(1);
    expect(existsSync(segments[0]!)).toBe(true);
    run.child.kill("SIGKILL");
    await run.done;
    await eventually(() => !existsSync(segments[0]!), 10_000, `${segments[0]} to be removed by the reaper`);
    await eventually(() => !existsSync(`/proc/${pid}`), 10_000, `the sender (pid ${pid}) to be gone`);
    expect(readdirSync("/dev/shm")).not.toContain(segments[0]!.slice("/dev/shm/".length));
  });
});
