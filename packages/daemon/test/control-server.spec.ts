import { afterEach, describe, expect, it } from "vitest";
import { MAX_CONTROL_FRAME_BYTES, MAX_UNREGISTERED_CONTROL_FRAME_BYTES } from "@rivulet/core";
import { ControlFixture, TOKEN, closed, head } from "./control-fixture.js";

let fixture: ControlFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** Long enough that a close during a test is never the registration deadline's doing. */
const NO_DEADLINE = 60_000;

describe("ControlServer: intruders", () => {
  it("closes a connection announcing a 1 GiB frame at once, from its head, before any body", async () => {
    fixture = await ControlFixture.start({ registerTimeoutMs: NO_DEADLINE });
    const intruder = await fixture.raw();
    intruder.write(head(1024 * 1024 * 1024));
    await closed(intruder);
    expect(fixture.rejected).toEqual([expect.objectContaining({ name: "ControlProtocolError", violation: "frame_too_large" })]);
  });

  it("closes a connection whose first frame is just over the unregistered limit", async () => {
    fixture = await ControlFixture.start({ registerTimeoutMs: NO_DEADLINE });
    const intruder = await fixture.raw();
    intruder.write(head(MAX_UNREGISTERED_CONTROL_FRAME_BYTES + 1));
    await closed(intruder);
    expect(fixture.rejected[0]).toMatchObject({ name: "ControlProtocolError", violation: "frame_too_large" });
  });

  it("closes an HTTP request at once", async () => {
    fixture = await ControlFixture.start({ registerTimeoutMs: NO_DEADLINE });
    const intruder = await fixture.raw();
    intruder.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    await closed(intruder);
    expect(fixture.rejected[0]).toMatchObject({ name: "ControlProtocolError", violation: "frame_too_large" });
  });

  it("closes a silent connection after the registration deadline", async () => {
    fixture = await ControlFixture.start({ registerTimeoutMs: 100 });
    const intruder = await fixture.raw();
    await closed(intruder);
    expect(fixture.rejected[0]).toMatchObject({ name: "ControlProtocolError", violation: "register_timeout" });
  });

  it("closes a connection that sends part of a frame and then nothing, after the deadline", async () => {
    fixture = await ControlFixture.start({ registerTimeoutMs: 100 });
    const intruder = await fixture.raw();
    intruder.write(Buffer.concat([head(1000), Buffer.alloc(10)]));
    await closed(intruder);
    expect(fixture.rejected[0]).toMatchObject({ name: "ControlProtocolError", violation: "register_timeout" });
  });

  it("refuses a wrong token with RegistrationRefusedError, and never asks the supervisor", async () => {
    fixture = await ControlFixture.start({ registerTimeoutMs: NO_DEADLINE });
    const { json, replies } = await fixture.node("a", "b".repeat(48));
    expect(replies).toEqual([{ t: "refused", reason: expect.any(String) }]);
    await closed(json.socket);
    expect(fixture.rejected).toEqual([expect.objectContaining({ name: "RegistrationRefusedError", refusal: "token", nodeId: "a" })]);
    expect(fixture.registered).toEqual([]);
  });

  it("refuses an unknown node id and a second registration of the same id", async () => {
    fixture = await ControlFixture.start({ registerTimeoutMs: NO_DEADLINE });
    expect((await fixture.node("zz")).replies).toEqual([{ t: "refused", reason: expect.any(String) }]);
    expect((await fixture.node("a")).replies).toEqual([{ t: "registered" }]);
    expect((await fixture.node("a")).replies).toEqual([{ t: "refused", reason: expect.any(String) }]);
    expect(fixture.rejected.map((e) => [e.name, (e as { refusal?: string }).refusal])).toEqual([
      ["RegistrationRefusedError", "node"],
      ["RegistrationRefusedError", "node"],
    ]);
  });

  it("closes a connection whose first message is not register, or not JSON", async () => {
    fixture = await ControlFixture.start({ registerTimeoutMs: NO_DEADLINE });
    const first = await fixture.raw();
    const body = Buffer.from(JSON.stringify({ t: "log", level: "info", message: "hi" }));
    first.write(Buffer.concat([head(body.length), body]));
    await closed(first);
    const second = await fixture.raw();
    second.write(Buffer.concat([head(3), Buffer.from("{no")]));
    await closed(second);
    expect(fixture.rejected.map((e) => (e as { violation?: string }).violation)).toEqual(["message", "json"]);
    expect(fixture.messages).toEqual([]);
  });
});

describe("ControlServer: registered nodes", () => {
  it("passes a registered node's messages on, and keeps serving it while intruders are refused", async () => {
    fixture = await ControlFixture.start({ registerTimeoutMs: 100 });
    const node = await fixture.node("a");
    expect(node.replies).toEqual([{ t: "registered" }]);
    const intruder = await fixture.raw();
    intruder.write(head(1024 * 1024 * 1024));
    await closed(intruder);
    const silent = await fixture.raw();
    await closed(silent);
    node.json.send({ t: "subscribed" });
    await fixture.until(() => fixture!.messages.length === 1);
    expect(fixture.messages).toEqual([{ nodeId: "a", message: { t: "subscribed" } }]);
    expect(fixture.server.send("a", { t: "ready" })).toBe(true);
    expect(node.json.socket.destroyed).toBe(false);
  });

  it("accepts frames above the unregistered limit once registered, and refuses one above MAX_CONTROL_FRAME_BYTES naming the node", async () => {
    fixture = await ControlFixture.start({ registerTimeoutMs: NO_DEADLINE });
    const node = await fixture.node("a");
    const message = "x".repeat(MAX_UNREGISTERED_CONTROL_FRAME_BYTES * 2);
    node.json.send({ t: "log", level: "info", message });
    await fixture.until(() => fixture!.messages.length === 1);
    expect(fixture.messages[0]!.message).toMatchObject({ t: "log", message });
    node.json.socket.write(head(MAX_CONTROL_FRAME_BYTES + 1));
    await closed(node.json.socket);
    expect(fixture.rejected).toEqual([expect.objectContaining({ name: "ControlProtocolError", violation: "frame_too_large", nodeId: "a" })]);
    expect(fixture.server.connected("a")).toBe(false);
  });

  it("uses the token it was given: the right one registers", async () => {
    fixture = await ControlFixture.start();
    expect((await fixture.node("b", TOKEN)).replies).toEqual([{ t: "registered" }]);
    expect(fixture.registered).toEqual(["b"]);
  });
});
