import { writeFile } from "node:fs/promises";
import { loadDescriptor, toMermaid } from "@rivulet/descriptor";
import type { Terminal } from "./terminal.js";

/** `rivulet graph`: Mermaid text on stdout, or with `--html` a page that renders it. */
export async function graphCommand(file: string, options: { html?: string }, terminal: Terminal): Promise<number> {
  const { descriptor } = await loadDescriptor(file);
  const mermaid = toMermaid(descriptor);
  if (!options.html) {
    terminal.out(mermaid);
    return 0;
  }
  await writeFile(options.html, htmlPage(file, mermaid));
  terminal.err(`rivulet: wrote ${options.html}\n`);
  return 0;
}

function htmlPage(title: string, mermaid: string): string {
  const escape = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body>
<h1>${escape(title)}</h1>
<pre class="mermaid">
${escape(mermaid)}</pre>
<script type="module">
import mermaid from "https://cdn.jsdelivr.net/npm/mermaid@11/dist/mermaid.esm.min.mjs";
mermaid.initialize({ startOnLoad: true });
</script>
</body>
</html>
`;
}
