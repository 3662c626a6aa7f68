import { AbortError } from "@rivulet/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ActionClient } from "../../src/patterns/action-client.js";
import { ActionServerClosedError, ActionServerFailedError } from "../../src/patterns/action-errors.js";
import { serveActions } from "../../src/patterns/action-server.js";
import { aborted, actionNet, deferred } from "./action-fixture.js";

afterEach(() => {
  vi.restoreAllMocks();
});

/** A server whose goals run until canceled, and whose goal 0 is never decided; a client with two goals running and one awaiting acceptance. */
async function busyServer() {
  const fixture = actionNet();
  const { server, client } = fixture;
  const never = deferred<boolean>();
  const actions = serveActions(server, "goal", "reply", {
    onGoal: (goal) => ((goal.rows() as number[])[0] === 0 ? never.promise : true),
    execute: async (_goal, { signal }) => aborted(signal),
  });
  const actionClient = new ActionClient(client, "goal", "reply");
  const running = [await actionClient.sendGoal(1), await actionClient.sendGoal(2)];
  // A timeout far beyond the test's own: only the claim's end can settle it in time.
  const undecided = actionClient.sendGoal(0, { timeout: 60_000 }).catch((error: unknown) => error);
  await vi.waitFor(() => expect(actions.stats().goals).toBe(3));
  return { ...fixture, actions, actionClient, running, undecided, decide: never.resolve };
}

describe("action failures", () => {
  it("ends every pending goal at once as aborted when the server node fails mid-goal", async () => {
    const { net, client, actionClient, running, undecided } = await busyServer();
    expect(client.held).toBe(3);

    net.fail("server", "killed by SIGKILL");

    const results = await Promise.all(running.map((goal) => goal.result));
    for (const [index, result] of results.entries()) {
      expect(result.status).toBe("aborted");
      expect(result.value).toBeUndefined();
      expect(result.error).toBeInstanceOf(ActionServerFailedError);
      expect(result.error).toMatchObject({ nodeId: "client", inputId: "reply", goalId: running[index]!.goalId, serverNodeId: "server", serverError: "killed by SIGKILL" });
    }
    expect(await undecided).toMatchObject({ name: "ActionServerFailedError", serverNodeId: "server" });
    expect(running.map((goal) => goal.status)).toEqual(["aborted", "aborted"]);
    expect(client.held).toBe(0);
    expect(actionClient.stats()).toMatchObject({ aborted: 2, pending: 0 });
    // Later goals fail at once too.
    await expect(actionClient.sendGoal(3)).rejects.toBeInstanceOf(ActionServerFailedError);
    expect(client.held).toBe(0);
  });

  it("ends pending goals with ActionServerClosedError when the server ends normally, or the client closes", async () => {
    const closing = await busyServer();
    closing.net.finish("server");
    expect((await closing.running[0]!.result).error).toMatchObject({ name: "ActionServerClosedError", reason: "closed" });
    expect(await closing.undecided).toBeInstanceOf(ActionServerClosedError);
    expect(closing.client.held).toBe(0);

    const released = await busyServer();
    released.actionClient.close();
    expect((await released.running[1]!.result).error).toMatchObject({ name: "ActionServerClosedError", reason: "released" });
    expect(released.client.held).toBe(0);
  });

  it("ends pending goals with AbortError when the client node stops", async () => {
    const { client, running, undecided } = await busyServer();

    client.stop();

    const result = await running[0]!.result;
    expect(result.status).toBe("aborted");
    expect(result.error).toBeInstanceOf(AbortError);
    expect(await undecided).toBeInstanceOf(AbortError);
    expect(client.held).toBe(0);
  });

  it("aborts the running goals when the client node fails, and releases the server without waiting for an onGoal that never returns", async () => {
    const { net, server, actions } = await busyServer();
    expect(server.held).toBe(1);

    net.fail("client");

    await vi.waitFor(() => expect(actions.stats()).toMatchObject({ aborted: 2, succeeded: 0, active: 1 }));
    // The undecided goal's onGoal never returns: the node need not wait for it to exit.
    expect(server.held).toBe(0);
    expect(await actions.done).toEqual({ reason: "failed", sourceNodeId: "client", error: "exited with code 1" });
  });

  it("aborts the running goals and releases the server when the server node stops", async () => {
    const { server, actions, decide } = await busyServer();

    server.stop();

    await vi.waitFor(() => expect(actions.stats()).toMatchObject({ aborted: 2, succeeded: 0 }));
    // Stopped: the server no longer holds the node for the undecided goal; decided later, it is rejected.
    expect(server.held).toBe(0);
    expect(await actions.done).toEqual({ reason: "stopped" });
    decide(true);
    await vi.waitFor(() => expect(actions.stats()).toMatchObject({ rejected: 1, accepted: 2, active: 0 }));
    expect(server.held).toBe(0);
  });

  it("serves the goals queued before its clients closed, then releases the node", async () => {
    const { net, server, client } = actionNet();
    const actions = serveActions(server, "goal", "reply", { execute: async () => "late but served" });
    const goal = new ActionClient(client, "goal", "reply").sendGoal(1);

    net.finish("client");

    expect((await (await goal).result).status).toBe("succeeded");
    await vi.waitFor(() => expect(server.held).toBe(0));
    expect(actions.stats()).toMatchObject({ succeeded: 1, aborted: 0 });
  });

  it("releases a server with no goals when its goal input closes", async () => {
    const { net, server } = actionNet();
    serveActions(server, "goal", "reply", { execute: async () => null });
    expect(server.held).toBe(1);

    net.finish("client");

    await vi.waitFor(() => expect(server.held).toBe(0));
  });
});
