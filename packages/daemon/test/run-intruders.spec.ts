import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { type Socket, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CONTROL_PROTOCOL_VERSION } from "@rivulet/core";
import { describe, expect, it, onTestFinished } from "vitest";
// The built package: it spawns its reaper and nodes from files next to its compiled code.
import { type RunEvent, startDataflow } from "@rivulet/daemon";
import { closed, head } from "./control-fixture.js";

const SOURCE_STOP = fileURLToPath(new URL("../../../test/fixtures/dataflows/source-stop/dataflow.yml", import.meta.url));

async function intruder(path: string): Promise<Socket> {
  const socket = connect(path);
  socket.on("error", () => {});
  // Reads (and discards) what the server says, so its hang-up is seen.
  socket.resume();
  await once(socket, "connect");
  return socket;
}

describe("a real run with intruders on its control socket", () => {
  it("refuses each of them and keeps working for the real nodes", async () => {
    const logDir = mkdtempSync(join(tmpdir(), "rvl-intruders-"));
    onTestFinished(() => rmSync(logDir, { recursive: true, force: true }));
    const events: RunEvent[] = [];
    let wake: () => void = () => {};
    const run = await startDataflow({ file: SOURCE_STOP, logDir, registerTimeoutMs: 300, onEvent: (event) => (events.push(event), wake()) });
    const until = async (predicate: () => boolean): Promise<void> => {
      while (!predicate()) await new Promise<void>((resolve) => (wake = resolve));
    };
    await until(() => events.some((e) => e.type === "output" && e.line === "source ready"));
    const path = run.controlSocketPath!;

    const huge = await intruder(path);
    huge.write(head(1024 * 1024 * 1024));
    const http = await intruder(path);
    http.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    const impostor = await intruder(path);
    const register = Buffer.from(JSON.stringify({ t: "register", nodeId: "sink", token: "0".repeat(48), protocolVersion: CONTROL_PROTOCOL_VERSION }));
    impostor.write(Buffer.concat([head(register.length), register]));
    const silent = await intruder(path);
    await Promise.all([huge, http, impostor, silent].map(closed));
    await until(() => events.filter((e) => e.type === "rejected").length === 4);

    run.stop("test over");
    const result = await run.finished;
    expect(result.exitCode).toBe(0);
    const rejected = events.flatMap((e) => (e.type === "rejected" ? [e.error] : []));
    expect(rejected.map((e) => [e.name, (e as { violation?: string }).violation ?? (e as { refusal?: string }).refusal]).sort()).toEqual([
      ["ControlProtocolError", "frame_too_large"],
      ["ControlProtocolError", "frame_too_large"],
      ["ControlProtocolError", "register_timeout"],
      ["RegistrationRefusedError", "token"],
    ]);
    const lines = events.flatMap((e) => (e.type === "output" ? [e.line] : []));
    const sent = Number(/source got STOP after (\d+) messages/.exec(lines.join("\n"))?.[1]);
    const received = Number(/sink received (\d+) messages/.exec(lines.join("\n"))?.[1]);
    expect(sent).toBeGreaterThan(0);
    expect(received).toBe(sent);
  });
});
