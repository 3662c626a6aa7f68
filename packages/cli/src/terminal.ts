/** Where the CLI writes; tests pass their own. */
export interface Terminal {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
}

/** The process's stdout and stderr; colour only on a TTY and when `NO_COLOR` is not set. */
export const processTerminal: Terminal = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  color: process.stdout.isTTY === true && !("NO_COLOR" in process.env),
};

const PALETTE = [36, 32, 35, 33, 34, 96, 92, 95];

/** Colours a node's prefix consistently by its id (when colour is on). */
export function nodePrefix(terminal: Terminal, nodeId: string): string {
  if (!terminal.color) return `[${nodeId}]`;
  let hash = 0;
  for (const c of nodeId) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return `\x1b[${PALETTE[hash % PALETTE.length]}m[${nodeId}]\x1b[0m`;
}

/** `text` in red when colour is on (errors, failed nodes). */
export function red(terminal: Terminal, text: string): string {
  return terminal.color ? `\x1b[31m${text}\x1b[0m` : text;
}

/** `text` in yellow when colour is on (warnings). */
export function yellow(terminal: Terminal, text: string): string {
  return terminal.color ? `\x1b[33m${text}\x1b[0m` : text;
}
