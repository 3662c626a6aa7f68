import { describe, expect, it } from "vitest";
import { respond, respondError } from "../../src/patterns/service-reply.js";
import { clientOf, rowOf, serviceNet, turns } from "./service-net.js";

/** The manual path: the server reads its request input in its own loop (not claimed) and answers with respond(). */
describe("respond", () => {
  it("answers a request read in the node's own loop, copying only its request_id over the given parameters", async () => {
    const { server, a } = serviceNet();
    const client = clientOf(a);
    const reply = client.request("ping", { timeout: 60_000, metadata: { extra: 1 } });
    await turns();
    const [request] = server.unclaimed;
    expect(await respond(server, "response", request!, "pong", { shard: "east" })).toBe(true);
    const event = await reply;
    expect(rowOf(event)).toBe("pong");
    expect(event.metadata.parameters).toEqual({ shard: "east", request_id: request!.metadata.parameters.request_id });
  });

  it("sends nothing and resolves false when the request's deadline passed", async () => {
    const { server, a } = serviceNet();
    await a.sendOutput("request", "stale", { request_id: "0190a000-0000-7000-8000-000000000002", deadline: Date.now() - 1 });
    await turns();
    const [request] = server.unclaimed;
    expect(await respond(server, "response", request!, "too late")).toBe(false);
    expect(await respondError(server, "response", request!, new Error("too late"))).toBe(false);
    await turns();
    expect(a.unclaimed).toEqual([]);
  });

  it("respondError makes the client reject with ServiceError carrying the message", async () => {
    const { server, a } = serviceNet();
    const reply = clientOf(a).request("x");
    await turns();
    await respondError(server, "response", server.unclaimed[0]!, new Error("out of stock"));
    await expect(reply).rejects.toMatchObject({ name: "ServiceError", serverMessage: "out of stock" });
  });

  it("respondError keeps the error's class when it is not a plain Error", async () => {
    const { server, a } = serviceNet();
    const reply = clientOf(a).request("x");
    await turns();
    await respondError(server, "response", server.unclaimed[0]!, new TypeError("price is not a number"));
    await expect(reply).rejects.toMatchObject({ name: "ServiceError", serverMessage: "TypeError: price is not a number" });
  });
});
