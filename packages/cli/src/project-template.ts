/** Messages the scaffolded sender sends; its test checks the receiver printed every one. */
const MESSAGES = 10;

/**
 * The files of a new dataflow project, by path relative to its folder. The `@rivulet/*`
 * dependencies are pinned to `version` (the CLI's own: the packages are released in step).
 * Nodes need only `@rivulet/node` at run time: `rivulet run` brings the TypeScript loader (tsx)
 * for `.ts` nodes; tsx is listed for the test, which runs TypeScript outside a dataflow: each
 * node's code is a function the test runs with `runNode` of `@rivulet/node/testing`.
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

const SENDER = `import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Node } from "@rivulet/node";

/** Sends ${MESSAGES} numbers on "message", then returns: the receiver's input closes after the last one. */
export async function send(node: Node): Promise<void> {
  for (let i = 0; i < ${MESSAGES}; i++) {
    await node.sendOutput("message", [i]);
  }
}

// Run by the dataflow; test/dataflow.test.ts imports send() and runs it without one.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await send(new Node());
`;

const RECEIVER = `import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Node } from "@rivulet/node";

/** Prints each message (with \`print\`), and how many came when the input closes. */
export async function receive(node: Node, print: (line: string) => void = console.log): Promise<void> {
  let received = 0;
  for await (const event of node) {
    switch (event.type) {
      case "INPUT":
        received += 1;
        print(\`Received \${event.id}: \${event.value.toArray().join(", ")}\`);
        break;
      case "INPUT_CLOSED":
        print(\`Input \${event.id} closed after \${received} messages\`);
        break;
      case "NODE_FAILED":
        console.error(\`node '\${event.sourceNodeId}' failed: \${event.error}\`);
        process.exitCode = 1;
        break;
    }
  }
}

// Run by the dataflow; test/dataflow.test.ts imports receive() and runs it without one.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await receive(new Node());
`;

/** The scaffold's test: each node's code run with runNode (no daemon, no sockets), as a user would test theirs. */
const TEST = `import assert from "node:assert/strict";
import { test } from "node:test";
import { runNode } from "@rivulet/node/testing";
import { receive } from "../receiver.js";
import { send } from "../sender.js";

test("the sender sends ${MESSAGES} numbers on message", async () => {
  const { outputs } = await runNode(send, { outputs: ["message"] });
  assert.deepEqual(
    outputs.map((output) => output.rows),
    Array.from({ length: ${MESSAGES} }, (_, i) => [i]),
  );
});

test("the receiver prints every message, then how many came when its input closed", async () => {
  const lines: string[] = [];
  await runNode((node) => receive(node, (line) => lines.push(line)), {
    events: [
      { id: "message", value: [0] },
      { id: "message", value: [1] },
    ],
  });
  assert.deepEqual(lines, ["Received message: 0", "Received message: 1", "Input message closed after 2 messages"]);
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
npm test                         # tests the sender and the receiver without a dataflow (runNode)
\`\`\`

Each node is a process; its output is shown prefixed with its id and kept in
\`out/<run id>/log_<node>.txt\` (the newest 10 runs are kept; see \`rivulet run --help\`).
`;
}
