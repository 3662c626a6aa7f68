import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RecentIds } from "../../src/patterns/recent-ids.js";
import { clientOf, deferred, FAKE_TIMERS, rowOf, serveOn, serviceNet, turns, UUID_V7 } from "./service-net.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("ServiceClient", () => {
  it("sends request_id (UUID v7) and deadline, and resolves with the reply carrying the same request_id", async () => {
    const { server, a } = serviceNet();
    const seen: Record<string, unknown>[] = [];
    serveOn(server, (request) => {
      seen.push({ ...request.metadata.parameters });
      return { doubled: (rowOf(request) as number) * 2 };
    });
    const client = clientOf(a);
    const before = Date.now();
    const reply = await client.request(21, { timeout: 5_000, metadata: { tag: "x" } });
    expect(rowOf(reply)).toEqual({ doubled: 42 });
    const [sent] = seen as [{ request_id: string; deadline: number; tag: string }];
    expect(sent.request_id).toMatch(UUID_V7);
    expect(sent.tag).toBe("x");
    expect(sent.deadline).toBeGreaterThanOrEqual(before + 5_000);
    expect(sent.deadline).toBeLessThanOrEqual(Date.now() + 5_000);
    expect(reply.metadata.parameters).toEqual({ request_id: sent.request_id });
    expect(client.stats()).toMatchObject({ sent: 1, replied: 1, pending: 0 });
  });

  it("sends no deadline without a timeout", async () => {
    const { server, a } = serviceNet();
    const keys: string[][] = [];
    serveOn(server, (request) => void keys.push(Object.keys(request.metadata.parameters)));
    await clientOf(a).request("x");
    expect(keys).toEqual([["request_id"]]);
  });

  it("lets two clients share one server: each resolves its own replies and ignores the other's as foreign", async () => {
    const { server, a, b } = serviceNet();
    serveOn(server, (request) => `echo ${String(rowOf(request))}`);
    const ca = clientOf(a);
    const cb = clientOf(b);
    const replies = await Promise.all([ca.request("a1"), cb.request("b1"), ca.request("a2"), cb.request("b2"), cb.request("b3")]);
    expect(replies.map(rowOf)).toEqual(["echo a1", "echo b1", "echo a2", "echo b2", "echo b3"]);
    await turns();
    expect(ca.stats()).toMatchObject({ replied: 2, foreign: 3, late: 0, pending: 0 });
    expect(cb.stats()).toMatchObject({ replied: 3, foreign: 2, late: 0, pending: 0 });
  });

  it("completes 1,000 concurrent requests with nothing left pending or held", async () => {
    const { server, a } = serviceNet();
    serveOn(server, (request) => rowOf(request) as number);
    const client = clientOf(a);
    const requests = Array.from({ length: 1_000 }, (_, i) => client.request(i, { timeout: 60_000 }));
    expect(client.stats().pending).toBe(1_000);
    expect(a.held).toBe(1_000);
    const replies = await Promise.all(requests);
    expect(replies.map(rowOf)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
    expect(client.stats()).toMatchObject({ sent: 1_000, replied: 1_000, pending: 0 });
    expect(a.held).toBe(0);
  });

  it("rejects with TimeoutError when no reply comes in time, and forgets the request", async () => {
    vi.useFakeTimers({ toFake: [...FAKE_TIMERS.toFake] });
    const { server, a } = serviceNet();
    const client = clientOf(a);
    const request = client.request("slow", { timeout: 500 });
    const outcome = expect(request).rejects.toMatchObject({ name: "TimeoutError", timeoutMs: 500 });
    await turns();
    expect(server.unclaimed).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(client.stats().pending).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await outcome;
    expect(client.stats()).toMatchObject({ timedOut: 1, pending: 0 });
    expect(a.held).toBe(0);
  });

  it("leaves no timer and no abort listener behind once a request settles", async () => {
    vi.useFakeTimers({ toFake: [...FAKE_TIMERS.toFake] });
    const { server, a } = serviceNet();
    serveOn(server, () => "ok");
    const client = clientOf(a);
    const controller = new AbortController();
    const request = client.request("x", { timeout: 60_000, signal: controller.signal });
    expect(vi.getTimerCount()).toBe(1);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    await request;
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("rejects at once with AbortError when the signal fired already, sending nothing", async () => {
    const { server, a } = serviceNet();
    const client = clientOf(a);
    const controller = new AbortController();
    controller.abort(new Error("user gave up"));
    await expect(client.request("x", { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError", cause: controller.signal.reason });
    await turns();
    expect(server.unclaimed).toHaveLength(0);
    expect(client.stats()).toMatchObject({ aborted: 1, sent: 0, pending: 0 });
    expect(a.held).toBe(0);
  });

  it("rejects with AbortError when the signal fires while waiting, and counts the reply arriving later as late", async () => {
    const { server, a } = serviceNet();
    const gate = deferred();
    serveOn(server, async (request) => {
      if (rowOf(request) === "held") await gate.promise;
      return "done";
    });
    const client = clientOf(a);
    const controller = new AbortController();
    const request = client.request("held", { signal: controller.signal });
    await turns();
    controller.abort();
    await expect(request).rejects.toMatchObject({ name: "AbortError" });
    expect(a.held).toBe(0);
    gate.resolve();
    // Replies arrive in order: once this one is in, the late one was handled.
    await client.request("barrier");
    expect(client.stats()).toMatchObject({ aborted: 1, late: 1, foreign: 0, replied: 1, pending: 0 });
  });

  it("ignores replies with another request_id or none, counting them as foreign", async () => {
    const { server, a } = serviceNet();
    const client = clientOf(a);
    const request = client.request("x");
    await turns();
    const [incoming] = server.unclaimed;
    await server.sendOutput("response", "other", { request_id: "0190a000-0000-7000-8000-000000000000" });
    await server.sendOutput("response", "none");
    await server.sendOutput("response", "mine", { request_id: incoming!.metadata.parameters.request_id as string });
    expect(rowOf(await request)).toBe("mine");
    expect(client.stats()).toMatchObject({ foreign: 2, late: 0, replied: 1 });
  });

  it("rejects with ServiceError carrying the server's message when its handler throws", async () => {
    const { server, a } = serviceNet();
    serveOn(server, (request) => {
      if (rowOf(request) === "bad") throw new Error("no such thing");
      return "fine";
    });
    const client = clientOf(a);
    const error = (await client.request("bad").catch((caught: unknown) => caught)) as Record<string, unknown>;
    expect(error).toMatchObject({ name: "ServiceError", serverMessage: "no such thing", nodeId: "a", inputId: "response" });
    expect(error.requestId).toMatch(UUID_V7);
    expect(rowOf(await client.request("good"))).toBe("fine");
    expect(client.stats()).toMatchObject({ errors: 1, replied: 1, pending: 0 });
  });

  it("rejects with the send's error and forgets the request when the request cannot be sent", async () => {
    const { a } = serviceNet();
    const client = clientOf(a);
    const nested = { nested: { not: "flat" } } as unknown as Record<string, string>;
    await expect(client.request("x", { metadata: nested })).rejects.toMatchObject({ name: "InvalidParameterError" });
    expect(client.stats()).toMatchObject({ failed: 1, sent: 0, pending: 0 });
    expect(a.held).toBe(0);
  });

  it("rejects a timeout out of range without sending", async () => {
    const { a } = serviceNet();
    const client = clientOf(a);
    await expect(client.request("x", { timeout: -1 })).rejects.toBeInstanceOf(RangeError);
    await expect(client.request("x", { timeout: 2 ** 31 })).rejects.toBeInstanceOf(RangeError);
    expect(client.stats()).toMatchObject({ sent: 0, pending: 0 });
  });

  it("rejects when the reply input is claimed already", async () => {
    const { a } = serviceNet();
    a.claim("response", "stream");
    await expect(clientOf(a).request("x")).rejects.toThrow(/claimed already/);
    expect(a.held).toBe(0);
  });
});

describe("RecentIds", () => {
  it("remembers the last `capacity` ids and forgets the oldest first", () => {
    const ids = new RecentIds(3);
    for (const id of ["1", "2", "3", "4"]) ids.add(id);
    expect(ids.size).toBe(3);
    expect(["1", "2", "3", "4"].map((id) => ids.has(id))).toEqual([false, true, true, true]);
    ids.add("2");
    ids.add("5");
    expect(["2", "3", "4", "5"].map((id) => ids.has(id))).toEqual([true, false, true, true]);
  });
});
