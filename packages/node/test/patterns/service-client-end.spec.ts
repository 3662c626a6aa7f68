import { afterEach, describe, expect, it, vi } from "vitest";
import type { PatternHost } from "../../src/patterns/pattern-host.js";
import { ServiceClient } from "../../src/patterns/service-client.js";
import { clientOf, FAKE_TIMERS, rowOf, serveOn, serviceNet, turns, UUID_V7 } from "./service-net.js";

afterEach(() => {
  vi.useRealTimers();
});

/** When the reply input ends (server failed or ended, node stopping, client closed), every pending request ends at once. */
describe("ServiceClient at the end of its reply input", () => {
  it("ends pending requests as soon as the host's signal aborts, before the host ends its claims", async () => {
    const { a } = serviceNet();
    const stop = new AbortController();
    // A host whose STOP reaches the signal first: the claim stays open.
    const host: PatternHost = {
      nodeId: a.nodeId,
      signal: stop.signal,
      claim: (inputId, pattern) => a.claim(inputId, pattern),
      sendOutput: (...send) => a.sendOutput(...send),
      hold: () => a.hold(),
      release: () => a.release(),
      log: (...line) => a.log(...line),
    };
    const request = new ServiceClient(host, "request", "response").request("x");
    stop.abort(new Error("STOP"));
    await expect(request).rejects.toMatchObject({ name: "AbortError", cause: stop.signal.reason });
    expect(a.held).toBe(0);
  });

  it("rejects every pending request at once with ServerFailedError when the server fails, and later requests too", async () => {
    vi.useFakeTimers({ toFake: [...FAKE_TIMERS.toFake] });
    const { net, server, a } = serviceNet();
    serveOn(server, (_request, { signal }) => new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason))));
    const client = clientOf(a);
    const requests = [1, 2, 3].map((i) => client.request(i, { timeout: 60_000 }).catch((error: unknown) => error));
    await turns();
    const start = Date.now();
    net.fail("server", "exited with code 3");
    const errors = (await Promise.all(requests)) as Record<string, unknown>[];
    // The fake clock never moved: they ended on the failure, not on their 60 s timeout.
    expect(Date.now()).toBe(start);
    for (const error of errors) {
      expect(error).toMatchObject({ name: "ServerFailedError", nodeId: "a", inputId: "response", serverNodeId: "server", serverError: "exited with code 3" });
      expect(error.requestId).toMatch(UUID_V7);
    }
    expect(new Set(errors.map((error) => error.requestId)).size).toBe(3);
    expect(client.stats()).toMatchObject({ failed: 3, timedOut: 0, pending: 0 });
    expect(a.held).toBe(0);
    await expect(client.request(4, { timeout: 60_000 })).rejects.toMatchObject({ name: "ServerFailedError", serverNodeId: "server" });
    expect(a.held).toBe(0);
  });

  it("still resolves replies queued before the server failed", async () => {
    const { net, server, a } = serviceNet();
    serveOn(server, () => "ok");
    const client = clientOf(a);
    const request = client.request("x");
    await turns(1);
    // The request reached the server; its reply and then the failure are on their way.
    net.fail("server");
    expect(rowOf(await request)).toBe("ok");
  });

  it("rejects pending and later requests with ServiceClosedError when the server ends normally", async () => {
    const { net, a } = serviceNet();
    const client = clientOf(a);
    const request = client.request("x");
    net.finish("server");
    await expect(request).rejects.toMatchObject({ name: "ServiceClosedError", reason: "closed", inputId: "response" });
    await expect(client.request("y")).rejects.toMatchObject({ name: "ServiceClosedError", reason: "closed" });
    expect(client.stats()).toMatchObject({ failed: 2, pending: 0 });
    expect(a.held).toBe(0);
  });

  it("rejects pending and later requests with AbortError when the node stops", async () => {
    const { a } = serviceNet();
    const client = clientOf(a);
    const request = client.request("x", { timeout: 60_000 });
    a.stop();
    await expect(request).rejects.toMatchObject({ name: "AbortError", message: expect.stringContaining("stopping") });
    await expect(client.request("y")).rejects.toMatchObject({ name: "AbortError" });
    expect(a.held).toBe(0);
  });

  it("rejects pending and later requests with ServiceClosedError (released) on close, giving the input back", async () => {
    const { server, a } = serviceNet();
    serveOn(server, () => "late");
    const client = clientOf(a);
    const request = client.request("x");
    client.close();
    await expect(request).rejects.toMatchObject({ name: "ServiceClosedError", reason: "released" });
    await expect(client.request("y")).rejects.toMatchObject({ name: "ServiceClosedError", reason: "released" });
    await turns();
    // Released: the reply goes to the main loop's side, no longer to the client.
    expect(a.unclaimed.map(rowOf)).toEqual(["late"]);
    expect(a.held).toBe(0);
  });
});
