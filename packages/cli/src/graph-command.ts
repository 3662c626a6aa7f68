import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { RivuletError } from "@rivulet/core";
import { loadDescriptor, toMermaid } from "@rivulet/descriptor";
import type { Terminal } from "./terminal.js";

/**
 * `rivulet graph`: Mermaid text on stdout, or with `--html` a self-contained page that renders
 * it. The page inlines Mermaid's browser bundle from the installed `mermaid` package, so it
 * renders offline (no CDN) and can be mailed as one file (about 3.5 MB).
 */
export async function graphCommand(file: string, options: { html?: string }, terminal: Terminal): Promise<number> {
  const { descriptor } = await loadDescriptor(file);
  const mermaid = toMermaid(descriptor);
  if (!options.html) {
    terminal.out(mermaid);
    return 0;
  }
  try {
    await writeFile(options.html, htmlPage(file, mermaid, mermaidBundle()));
  } catch (cause) {
    throw new OutputFileError(options.html, { cause });
  }
  terminal.err(`rivulet: wrote ${options.html}\n`);
  return 0;
}

/**
 * A file a command was asked to write (`rivulet graph --html <path>`) could not be written: its
 * folder is missing, it is a folder, or there is no permission. `cause` is Node's error (its
 * `code`, such as ENOENT, says which).
 */
export class OutputFileError extends RivuletError {
  constructor(
    readonly path: string,
    options: { cause: unknown },
  ) {
    const code = (options.cause as NodeJS.ErrnoException | undefined)?.code;
    super(`cannot write ${path}${code ? ` (${code}${code === "ENOENT" ? ": its folder does not exist" : ""})` : ""}`, options);
  }
}

/** Mermaid's self-contained browser build (a classic script defining `globalThis.mermaid`). */
function mermaidBundle(): string {
  const path = createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js");
  // A literal "</script" inside the inline script would end it early; "<\/" means the same in JS.
  return readFileSync(path, "utf8").replace(/<\/script/gi, "<\\/script");
}

function htmlPage(title: string, mermaid: string, bundle: string): string {
  const escape = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body>
<h1>${escape(title)}</h1>
<pre class="mermaid">
${escape(mermaid)}</pre>
<script>
${bundle}
</script>
<script>
mermaid.initialize({ startOnLoad: true });
</script>
</body>
</html>
`;
}
