import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { RECEIVER, tempDataflow } from "./helpers/temp-dataflow.js";

// Issue 9: broker credentials never travel in environment variables that child processes inherit
// or other processes of the same user read (/proc/<pid>/environ). A transport's options reach the
// node over the control socket at registration; RIVULET_NODE_CONFIG carries kinds only.

const SECRET = "hunter2-do-not-leak";

/** A unix wrapper taking a `password` option, which create() keeps where the node can look. */
const WITH_PASSWORD = `import { unix } from "@rivulet/transport-unix";
export default () => ({
  ...unix(),
  kind: "with-password",
  validate: (options) => Object.keys(options).filter((key) => key !== "password").map((key) => ({ path: [key], message: "unknown option" })),
  plan: ({ options, ...request }) => unix().plan({ ...request, options: {} }),
  create: (init) => {
    globalThis.transportPassword = init.options?.password;
    return unix().create({ ...init, options: {} });
  },
});
`;

/** Sends one number, then says what its transport got and what its environment and descriptor hold. */
const SENDER = `import { Node } from "@rivulet/node";
const node = new Node();
await node.sendOutput("out", [1]);
const environ = Object.values(process.env).join("\\n");
console.log("transport got", globalThis.transportPassword);
console.log("environment has it", environ.includes(${JSON.stringify(SECRET)}));
console.log("descriptor has it", JSON.stringify(node.dataflowDescriptor()).includes(${JSON.stringify(SECRET)}));
console.log("descriptor transports", JSON.stringify(node.dataflowDescriptor().transports));
`;

describe("transport options with credentials", () => {
  it("reach the node's transport over the control socket, and are in neither its environment nor its descriptor", async () => {
    const yml = `transports:\n  secured: { kind: ./with-password.mjs, password: ${SECRET} }\nnodes:\n  - id: s\n    path: s.mjs\n    outputs: [out]\n    transport: secured\n  - id: r\n    path: r.mjs\n    inputs:\n      a: s/out\n`;
    const dir = tempDataflow({ "dataflow.yml": yml, "with-password.mjs": WITH_PASSWORD, "package.json": '{ "type": "module" }\n', "s.mjs": SENDER, "r.mjs": RECEIVER }, { packages: true });
    const result = await runCli(["run", join(dir, "dataflow.yml")]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("[r] got 1");
    expect(result.stdout).toContain(`[s] transport got ${SECRET}`);
    expect(result.stdout).toContain("[s] environment has it false");
    expect(result.stdout).toContain("[s] descriptor has it false");
    expect(result.stdout).toContain('[s] descriptor transports {"secured":{"kind":"./with-password.mjs"}}');
  });
});
