import { afterEach, describe, expect, it, vi } from "vitest";
import { clientOf, deferred, FAKE_TIMERS, rowOf, serveOn, serviceNet, turns } from "./service-net.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("serve", () => {
  it("skips and counts a request whose deadline passed before it was read", async () => {
    const { server, a } = serviceNet();
    const handled: unknown[] = [];
    const service = serveOn(server, (request) => void handled.push(rowOf(request)));
    await a.sendOutput("request", "stale", { request_id: "0190a000-0000-7000-8000-000000000001", deadline: Date.now() - 1 });
    await clientOf(a).request("fresh", { timeout: 60_000 });
    expect(handled).toEqual(["fresh"]);
    expect(service.stats()).toMatchObject({ received: 2, expired: 1, replied: 1 });
  });

  it("at STOP, is done without waiting for a handler that ignores its aborted signal, and holds the node no more", async () => {
    const { server, a } = serviceNet();
    const service = serveOn(server, () => new Promise<never>(() => {}));
    void clientOf(a).request("forever").catch(() => {});
    await turns();
    expect(service.stats().inFlight).toBe(1);
    server.stop();
    expect(await service.done).toEqual({ reason: "stopped" });
    expect(server.held).toBe(0);
  });

  it("aborts the handler's signal at the deadline and sends no reply after it", async () => {
    vi.useFakeTimers({ toFake: [...FAKE_TIMERS.toFake] });
    const { server, a } = serviceNet();
    const reasons: unknown[] = [];
    const service = serveOn(server, async (_request, { signal, deadline, requestId }) => {
      expect(deadline).toBe(Date.now() + 200);
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
      reasons.push(signal.reason);
      return "too late";
    });
    const client = clientOf(a);
    const request = client.request("x", { timeout: 200 });
    const outcome = expect(request).rejects.toMatchObject({ name: "TimeoutError" });
    await turns();
    expect(service.stats().inFlight).toBe(1);
    await vi.advanceTimersByTimeAsync(200);
    await outcome;
    await turns();
    expect(reasons).toMatchObject([{ name: "DeadlineExceededError", nodeId: "server", inputId: "request" }]);
    expect(service.stats()).toMatchObject({ abandoned: 1, replied: 0, failed: 0, inFlight: 0 });
    expect(client.stats()).toMatchObject({ late: 0, timedOut: 1 });
  });

  it("logs a handler's error naming the request, replies with it, and goes on serving", async () => {
    const { server, a } = serviceNet();
    const service = serveOn(server, (request) => {
      if (rowOf(request) === 1) throw new Error("boom");
      return "ok";
    });
    const client = clientOf(a);
    const failure = (await client.request(1).catch((error: unknown) => error)) as { name: string; requestId: string };
    expect(failure.name).toBe("ServiceError");
    expect(rowOf(await client.request(2))).toBe("ok");
    expect(service.stats()).toMatchObject({ received: 2, replied: 1, failed: 1 });
    const warnings = server.logs.filter((line) => line.level === "warn");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain(failure.requestId);
    expect(warnings[0]!.message).toContain("boom");
    expect(warnings[0]!.fields).toMatchObject({ request_id: failure.requestId, input: "request" });
  });

  it("answers with an error when the handler's value cannot be sent", async () => {
    const { server, a } = serviceNet();
    const service = serveOn(server, () => Symbol("not sendable") as unknown as string);
    await expect(clientOf(a).request("x")).rejects.toMatchObject({ name: "ServiceError" });
    expect(service.stats()).toMatchObject({ replied: 0, failed: 1 });
  });

  it("runs at most `concurrency` handlers at once, the rest waiting in the input's queue", async () => {
    const { server, a } = serviceNet();
    const gates = [deferred(), deferred(), deferred(), deferred(), deferred()];
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const service = serveOn(
      server,
      async (request) => {
        const i = rowOf(request) as number;
        started.push(i);
        most = Math.max(most, ++running);
        await gates[i]!.promise;
        running--;
        return i;
      },
      { concurrency: 2 },
    );
    const client = clientOf(a);
    const requests = [0, 1, 2, 3, 4].map((i) => client.request(i));
    await turns();
    expect(started).toEqual([0, 1]);
    expect(service.stats()).toMatchObject({ received: 2, inFlight: 2 });
    gates[1]!.resolve();
    await turns();
    expect(started).toEqual([0, 1, 2]);
    for (const gate of gates) gate.resolve();
    expect((await Promise.all(requests)).map(rowOf)).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it("defaults to 64 handlers at once", async () => {
    const { server, a } = serviceNet();
    const gate = deferred();
    const service = serveOn(server, () => gate.promise);
    const client = clientOf(a);
    const requests = Array.from({ length: 70 }, (_, i) => client.request(i));
    await turns();
    expect(service.stats()).toMatchObject({ received: 64, inFlight: 64 });
    gate.resolve();
    await Promise.all(requests);
    expect(service.stats()).toMatchObject({ received: 70, replied: 70, inFlight: 0 });
  });

  it("holds the node while serving and is done when its request input closes and its handlers finished", async () => {
    const { net, server, a } = serviceNet();
    const gate = deferred();
    const service = serveOn(server, async () => {
      await gate.promise;
      return "x";
    });
    expect(server.held).toBe(1);
    const request = clientOf(a).request("x");
    await turns();
    let done = false;
    void service.done.then(() => (done = true));
    net.finish("a");
    await turns();
    expect([done, server.held]).toEqual([false, 1]);
    gate.resolve();
    await expect(service.done).resolves.toEqual({ reason: "closed" });
    expect(rowOf(await request)).toBe("x");
    expect(server.held).toBe(0);
  });

  it("aborts running handlers at STOP and is done with `stopped`", async () => {
    const { server, a } = serviceNet();
    const reasons: unknown[] = [];
    const service = serveOn(server, (_request, { signal }) => {
      return new Promise((_resolve, reject) =>
        signal.addEventListener("abort", () => {
          reasons.push(signal.reason);
          reject(signal.reason);
        }),
      );
    });
    void clientOf(a).request("x").catch(() => undefined);
    await turns();
    expect(service.stats().inFlight).toBe(1);
    server.stop();
    await expect(service.done).resolves.toEqual({ reason: "stopped" });
    expect(reasons).toEqual([server.signal.reason]);
    expect(server.logs.filter((line) => line.level === "warn")).toEqual([]);
    expect(server.held).toBe(0);
  });

  it("on close() answers what it holds already, then lets the input go", async () => {
    const { server, a } = serviceNet();
    const gate = deferred();
    const service = serveOn(
      server,
      async (request) => {
        await gate.promise;
        return `finished ${String(rowOf(request))}`;
      },
      { concurrency: 1 },
    );
    const client = clientOf(a);
    const running = client.request(1);
    const queued = client.request(2);
    await turns();
    const done = service.close();
    await a.sendOutput("request", "after close", { request_id: "0190a000-0000-7000-8000-000000000003" });
    await turns();
    expect(server.held).toBe(1);
    gate.resolve();
    expect((await Promise.all([running, queued])).map(rowOf)).toEqual(["finished 1", "finished 2"]);
    await expect(done).resolves.toEqual({ reason: "released" });
    expect(service.stats()).toMatchObject({ received: 2, replied: 2 });
    expect(server.unclaimed.map(rowOf)).toEqual(["after close"]);
    expect(server.held).toBe(0);
  });

  it("answers a request without request_id with a reply without one, which clients ignore", async () => {
    const { server, a, b } = serviceNet();
    serveOn(server, () => "anonymous");
    const client = clientOf(a);
    const pending = client.request("mine");
    await a.sendOutput("request", "no id");
    await pending;
    await turns();
    expect(client.stats()).toMatchObject({ replied: 1, foreign: 1 });
    // b runs no client: its main loop sees both replies as sent.
    expect(b.unclaimed.map((event) => event.metadata.parameters)).toEqual([{ request_id: expect.any(String) }, {}]);
  });

  it("rejects a bad concurrency and an input claimed already", () => {
    const { server } = serviceNet();
    expect(() => serveOn(server, () => null, { concurrency: 0 })).toThrow(RangeError);
    serveOn(server, () => null);
    expect(() => serveOn(server, () => null)).toThrow(/claimed already/);
  });

  it("is done at once, claiming nothing, when served after STOP", async () => {
    const { server } = serviceNet();
    server.stop();
    const service = serveOn(server, () => null);
    await expect(service.done).resolves.toEqual({ reason: "stopped" });
    expect(server.held).toBe(0);
  });
});
