import { RivuletError } from "@rivulet/core";
import { PreflightError } from "@rivulet/daemon";
import { describe, expect, it } from "vitest";
import { formatError } from "../src/format-error.js";

const terminal = { out: () => {}, err: () => {}, color: false };

class OuterError extends RivuletError {}
class MiddleError extends RivuletError {}

describe("formatError", () => {
  it("walks the whole cause chain, naming without repeating a cause whose message was already printed", () => {
    const root = new RangeError("disk full");
    const middle = new MiddleError("write failed", { cause: root });
    const outer = new OuterError("saving the plan failed: write failed", { cause: middle });
    expect(formatError(terminal, outer)).toBe("error: OuterError: saving the plan failed: write failed\n  caused by: MiddleError\n  caused by: RangeError: disk full\n");
  });

  it("stops at a cycle", () => {
    const a = new OuterError("a");
    const b = new MiddleError("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(formatError(terminal, a)).toBe("error: OuterError: a\n  caused by: MiddleError: b\n");
  });

  it("prints the causes of each error a PreflightError lists", () => {
    const error = new PreflightError([new OuterError("first", { cause: new Error("why") }), new MiddleError("second")]);
    expect(formatError(terminal, error)).toBe("error: OuterError: first\n  caused by: Error: why\nerror: MiddleError: second\n");
  });
});
