import { describe, expect, it } from "vitest";
import {
  AbortError,
  ControlProtocolError,
  FrameDecodeError,
  InvalidParameterError,
  NodeStoppedError,
  NodeConfigError,
  RivuletError,
  TimeoutError,
  TransportConnectError,
  TransportError,
  UndeclaredOutputError,
  UnknownTransportError,
  abortErrorFrom,
} from "../src/internal.js";

describe("RivuletError and its subclasses", () => {
  it("take their name from the class that was constructed, and chain the cause", () => {
    const cause = new Error("root");
    const errors = [new RivuletError("x", { cause }), new NodeConfigError("x", { cause }), new FrameDecodeError("x", 3, { cause }), new TransportConnectError("x", "a/b", "refused", { cause })];
    expect(errors.map((e) => e.name)).toEqual(["RivuletError", "NodeConfigError", "FrameDecodeError", "TransportConnectError"]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(RivuletError);
      expect(error.cause).toBe(cause);
    }
    expect(errors[3]).toBeInstanceOf(TransportError);
    expect(errors[3]).toMatchObject({ channel: "a/b", reason: "refused" });
  });

  it("AbortError has a default message; TimeoutError names what timed out and after how long", () => {
    expect(new AbortError().message).toBe("the operation was aborted");
    const timeout = new TimeoutError(250, "recv");
    expect(timeout).toMatchObject({ name: "TimeoutError", timeoutMs: 250 });
    expect(timeout.message).toContain("recv");
    expect(timeout.message).toContain("250 ms");
    expect(new TimeoutError(5).message).toContain("operation");
  });

  it("UndeclaredOutputError lists the declared outputs, or says there are none", () => {
    const some = new UndeclaredOutputError("cam", "frame", ["image", "depth"]);
    expect(some).toMatchObject({ nodeId: "cam", outputId: "frame", declared: ["image", "depth"] });
    expect(some.message).toContain("'cam'");
    expect(some.message).toContain("'frame'");
    expect(some.message).toContain("(declared outputs: image, depth)");
    expect(new UndeclaredOutputError("cam", "frame", []).message).toContain("(declared outputs: none)");
  });

  it("UnknownTransportError names the package to install, and the plugins passed in only when there are some", () => {
    const none = new UnknownTransportError("zenoh", []);
    expect(none).toMatchObject({ kind: "zenoh", available: [] });
    expect(none.message).toContain("@rivulet/transport-zenoh");
    expect(none.message).not.toContain("plugins passed in");
    const some = new UnknownTransportError("zenoh", ["unix", "shm"]);
    expect(some.message).toContain("(plugins passed in: unix, shm)");
  });

  it("ControlProtocolError carries how the protocol was broken and by which node", () => {
    expect(new ControlProtocolError("x", "json", "sink")).toMatchObject({ name: "ControlProtocolError", violation: "json", nodeId: "sink" });
  });
});

describe("errors that name a node's port or parameter", () => {
  it("NodeStoppedError names the node and the output whose message was not sent", () => {
    const error = new NodeStoppedError("cam", "frame");
    expect(error).toMatchObject({ name: "NodeStoppedError", nodeId: "cam", outputId: "frame" });
    expect(error.message).toContain("'cam'");
    expect(error.message).toContain("'frame'");
  });

  it("InvalidParameterError names the parameter and why it cannot be sent", () => {
    const error = new InvalidParameterError("gain", "not-finite", "cam");
    expect(error).toMatchObject({ name: "InvalidParameterError", key: "gain", reason: "not-finite", nodeId: "cam" });
    expect(error.message).toContain("'gain'");
    expect(error.message).toContain("(not-finite)");
  });
});

describe("abortErrorFrom", () => {
  it("returns the signal's reason when it is already an AbortError", () => {
    const reason = new AbortError("stopped by the test");
    const controller = new AbortController();
    controller.abort(reason);
    expect(abortErrorFrom(controller.signal)).toBe(reason);
  });

  it("wraps any other reason as the cause of a new AbortError", () => {
    const controller = new AbortController();
    const reason = new Error("shutdown");
    controller.abort(reason);
    const error = abortErrorFrom(controller.signal);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).not.toBe(reason);
    expect(error.cause).toBe(reason);
    expect(error.message).toBe("the operation was aborted");
  });
});
