import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { eventually, runCli, startCli } from "./helpers/cli.js";
import { RECEIVER, SENDER, tempDataflow } from "./helpers/temp-dataflow.js";

// README "Transports": a file a transport registers at planning (PlanRequest.cleanup, a
// shared-memory object say) is removed when the run ends, however it ends, and by check.

/** A unix wrapper that creates the file named by its `file` option while planning and registers it for clean-up. */
const REGISTERING = `import { writeFileSync } from "node:fs";
import { unix } from "@rivulet/transport-unix";
export default () => ({
  ...unix(),
  kind: "registering",
  validate: (options) => Object.keys(options).filter((key) => key !== "file").map((key) => ({ path: [key], message: "unknown option" })),
  plan: ({ options, ...request }) => {
    writeFileSync(options.file, "segment");
    request.cleanup(options.file);
    return unix().plan({ ...request, options: {} });
  },
});
`;

/** A source that says it is up, then sends until STOP. */
const ENDLESS = `import { Node } from "@rivulet/node";
const node = new Node();
await node.ready();
console.log("up");
let i = 0;
while (!node.signal.aborted) {
  await node.sendOutput("out", [i++]);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
`;

let counter = 0;
/** A dataflow whose only edge uses the registering transport; the file it registers under /dev/shm. */
function dataflow(sender: string): { file: string; yml: string } {
  const file = `/dev/shm/rvl-cleanup-${process.pid}-${counter++}`;
  onTestFinished(() => rmSync(file, { force: true }));
  const yml = `transports:\n  reg: { kind: ./registering.mjs, file: ${file} }\nnodes:\n  - id: s\n    path: s.ts\n    outputs: [out]\n  - id: r\n    path: r.ts\n    inputs:\n      a: { source: s/out, transport: reg }\n`;
  const dir = tempDataflow({ "dataflow.yml": yml, "registering.mjs": REGISTERING, "package.json": '{ "type": "module" }\n', "s.ts": sender, "r.ts": RECEIVER }, { packages: true });
  return { file, yml: join(dir, "dataflow.yml") };
}

describe("files a transport registers for clean-up", () => {
  it("are removed when the run ends, and by check after planning", async () => {
    const run = dataflow(SENDER);
    const result = await runCli(["run", run.yml]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("[r] got 2");
    expect(existsSync(run.file)).toBe(false);

    const check = dataflow(SENDER);
    expect((await runCli(["check", check.yml])).code).toBe(0);
    expect(existsSync(check.file)).toBe(false);
  });

  it("are removed by the reaper when the CLI is killed with SIGKILL", async () => {
    const { file, yml } = dataflow(ENDLESS);
    const run = startCli(["run", yml]);
    await eventually(() => run.output().includes("[s] up") && run.output().includes("[r] got 1"), 20_000, "the run to be up and delivering");
    expect(existsSync(file)).toBe(true);
    run.child.kill("SIGKILL");
    await run.done;
    await eventually(() => !existsSync(file), 10_000, `${file} to be removed by the reaper`);
  });

  it("a plugin registering a relative path fails planning with a PlanError naming the transport", async () => {
    const bad = tempDataflow({
      "dataflow.yml": `transports:\n  reg: { kind: ./bad.mjs }\nnodes:\n  - id: s\n    path: s.ts\n    outputs: [out]\n  - id: r\n    path: r.ts\n    inputs:\n      a: { source: s/out, transport: reg }\n`,
      "bad.mjs": 'import { unix } from "@rivulet/transport-unix";\nexport default () => ({ ...unix(), kind: "bad", plan: (request) => { request.cleanup("segment"); return []; } });\n',
      "package.json": '{ "type": "module" }\n',
      "s.ts": SENDER,
      "r.ts": RECEIVER,
    }, { packages: true });
    const result = await runCli(["check", join(bad, "dataflow.yml")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PlanError: .*transport 'reg': its plugin registered 'segment' for clean-up: only a file's absolute, normalised path can be/);
  });
});
