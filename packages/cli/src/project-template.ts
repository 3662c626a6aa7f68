/** Messages the scaffolded sender sends; its test checks the receiver printed every one. */
const MESSAGES = 10;

/**
 * The files of a new dataflow project, by path relative to its folder. The `@rivulet/*`
 * dependencies are pinned to `version` (the CLI's own: the packages are released in step).
 * Nodes need only `@rivulet/node` at run time: `rivulet run` brings the TypeScript loader (tsx)
 * for `.ts` nodes; tsx is listed for the test, which runs TypeScript outside a dataflow.
 */
export function projectFiles(name: string, version: string): Record<string, string> {
  const packageJson = {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    description: "A Rivulet dataflow: a sender and a receiver",
    scripts: {
      start: "rivulet run dataflow.yml",
      check: "rivulet check dataflow.yml",
      typecheck: "tsc --noEmit",
      test: "node --import tsx --test test/dataflow.test.ts",
    },
    dependencies: {
      "@rivulet/cli": version,
      "@rivulet/node": version,
    },
    devDependencies: {
      "@types/node": "^20.19.0",
      tsx: "^4.20.0",
      typescript: "~5.9.3",
    },
  };
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      types: ["node"],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    },
    include: ["*.ts", "test/*.ts"],
  };
  return {
    "package.json": `${JSON.stringify(packageJson, null, 2)}\n`,
    "tsconfig.json": `${JSON.stringify(tsconfig, null, 2)}\n`,
    ".gitignore": "node_modules/\nout/\n",
    "dataflow.yml": DATAFLOW,
    "sender.ts": SENDER,
    "receiver.ts": RECEIVER,
    "test/dataflow.test.ts": TEST,
    "README.md": readme(name),
  };
}

const DATAFLOW = `# yaml-language-server: $schema=./node_modules/@rivulet/descriptor/schema/dataflow.schema.json
nodes:
  - id: sender
    path: sender.ts
    outputs:
      - message

  - id: receiver
    path: receiver.ts
    inputs:
      message: sender/message
`;

const SENDER = `import { Node } from "@rivulet/node";

// Sends ${MESSAGES} numbers on "message", then exits: the receiver's input closes after the last one.
const node = new Node();
for (let i = 0; i < ${MESSAGES}; i++) {
  await node.sendOutput("message", [i]);
}
`;

const RECEIVER = `import { Node } from "@rivulet/node";

const node = new Node();
let received = 0;
for await (const event of node) {
  switch (event.type) {
    case "INPUT":
      received += 1;
      console.log(\`Received \${event.id}: \${event.value.toArray().join(", ")}\`);
      break;
    case "INPUT_CLOSED":
      console.log(\`Input \${event.id} closed after \${received} messages\`);
      break;
    case "NODE_FAILED":
      console.error(\`node '\${event.sourceNodeId}' failed: \${event.error}\`);
      process.exitCode = 1;
      break;
  }
}
`;

const TEST = `import { spawnSync } from "node:child_process";
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const project = fileURLToPath(new URL("..", import.meta.url));
const rivulet = fileURLToPath(new URL("../node_modules/@rivulet/cli/bin/rivulet.js", import.meta.url));

test("the receiver gets every message the sender sends", () => {
  const run = spawnSync(process.execPath, [rivulet, "run", "dataflow.yml", "--keep-logs", "1"], {
    cwd: project,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  for (let i = 0; i < ${MESSAGES}; i++) {
    assert.ok(run.stdout.includes(\`[receiver] Received message: \${i}\\n\`), \`message \${i} missing:\\n\${run.stdout}\`);
  }
  assert.ok(run.stdout.includes("[receiver] Input message closed after ${MESSAGES} messages"));
});
`;

function readme(name: string): string {
  return `# ${name}

A Rivulet dataflow: \`sender.ts\` sends ${MESSAGES} numbers,
\`receiver.ts\` prints them. The graph is in \`dataflow.yml\`.

\`\`\`sh
npm install
npx rivulet run dataflow.yml     # or: npm start
npx rivulet check dataflow.yml   # validate without running
npx rivulet graph dataflow.yml   # Mermaid flowchart (--html graph.html for a page)
npm test                         # runs the dataflow and checks the receiver's output
\`\`\`

Each node is a process; its output is shown prefixed with its id and kept in
\`out/<run id>/log_<node>.txt\` (the newest 10 runs are kept; see \`rivulet run --help\`).
`;
}
