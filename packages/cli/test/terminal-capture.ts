import type { Terminal } from "../src/terminal.js";

/** A Terminal that keeps what the CLI writes, without colour, for assertions. */
export function captureTerminal(): Terminal & { stdout: () => string; stderr: () => string } {
  let out = "";
  let err = "";
  return {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    color: false,
    stdout: () => out,
    stderr: () => err,
  };
}
