import { AbortError } from "@rivulet/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ActionClient } from "../../src/patterns/action-client.js";
import { UnknownGoalError } from "../../src/patterns/action-errors.js";
import { serveActions } from "../../src/patterns/action-server.js";
import { goalParameters } from "../../src/patterns/action-wire.js";
import { aborted, actionNet, deferred, firstRows, recordSends } from "./action-fixture.js";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("action cancel", () => {
  it("cancels a goal midway: execute sees its signal, the status goes canceling, then canceled", async () => {
    const { server, client, sent } = actionNet();
    const started = deferred();
    let reason: unknown;
    serveActions(server, "goal", "reply", {
      execute: async (_goal, { feedback, signal }) => {
        await feedback("halfway");
        started.resolve();
        await aborted(signal);
        reason = signal.reason;
        return "partial";
      },
    });
    const actionClient = new ActionClient(client, "goal", "reply");
    const goal = await actionClient.sendGoal("go");
    await started.promise;

    expect(await goal.cancel()).toBe(true);

    expect(goal.status).toBe("canceling");
    const result = await goal.result;
    expect(result.status).toBe("canceled");
    expect(result.value!.rows()).toEqual(["partial"]);
    expect(await firstRows(goal.feedback)).toEqual(["halfway"]);
    expect(reason).toBeInstanceOf(AbortError);
    expect(sent.map(({ parameters }) => `${parameters.goal_event}:${parameters.goal_status}`)).toEqual([
      "status:accepted",
      "status:executing",
      "feedback:executing",
      "cancel_response:canceling",
      "result:canceled",
    ]);
    expect(actionClient.stats()).toMatchObject({ canceled: 1, pending: 0 });
    expect(client.held).toBe(0);
  });

  it("answers false to a cancel of a finished goal, and cancels of a goal finishing meanwhile", async () => {
    const { server, client } = actionNet();
    const gate = deferred();
    const actions = serveActions(server, "goal", "reply", { execute: async () => gate.promise.then(() => "done") });
    const actionClient = new ActionClient(client, "goal", "reply");
    const clientSends = recordSends(client);
    const finished = await actionClient.sendGoal(1);
    const racing = await actionClient.sendGoal(2);

    gate.resolve();
    // Sent before this client learns the goal ended: the result overtakes the server's answer.
    const racingCancel = racing.cancel();
    await finished.result;
    const finishedCancel = await finished.cancel();

    expect(finishedCancel).toBe(false);
    expect(await racingCancel).toBe(false);
    expect((await racing.result).status).toBe("succeeded");
    // Only the racing cancel was sent: the client knew the other goal had finished.
    expect(clientSends.filter(({ parameters }) => parameters.goal_event === "cancel").map(({ parameters }) => parameters.goal_id)).toEqual([racing.goalId]);
    await vi.waitFor(() => expect(actions.stats()).toMatchObject({ cancelRequests: 1, succeeded: 2, canceled: 0 }));
    // The server answered it from the kept outcome: a late message about a goal this client saw end.
    await vi.waitFor(() => expect(actionClient.stats()).toMatchObject({ late: 1, foreign: 0 }));
    expect(client.held).toBe(0);
  });

  it("answers a cancel of a finished goal with its terminal status, kept for the TTL", async () => {
    const { net, server, client } = actionNet();
    net.connect("probe/goal", "server/goal").connect("server/reply", "probe/reply");
    const probe = net.host("probe");
    serveActions(server, "goal", "reply", { execute: async () => { throw new Error("no fuel"); } });
    const goal = await new ActionClient(client, "goal", "reply").sendGoal(1);
    await goal.result;

    await probe.sendOutput("goal", null, goalParameters("cancel", goal.goalId));
    await probe.sendOutput("goal", null, goalParameters("cancel", "0190a0a0-0000-7000-8000-000000000000"));

    await vi.waitFor(() => expect(probe.unclaimed.filter((event) => event.metadata.parameters.goal_event === "cancel_response")).toHaveLength(2));
    const answers = probe.unclaimed.filter((event) => event.metadata.parameters.goal_event === "cancel_response").map((event) => event.metadata.parameters);
    expect(answers[0]).toMatchObject({ goal_id: goal.goalId, goal_status: "aborted", error: "no fuel" });
    expect(answers[1]).toMatchObject({ error: "unknown goal" });
    expect(answers[1]).not.toHaveProperty("goal_status");
  });

  it("sends cancels on a separate cancel edge when the wiring has one", async () => {
    const { server, client } = actionNet({ cancelEdge: true });
    const actions = serveActions(server, "goal", "reply", { cancelInput: "cancel", execute: async (_goal, { signal }) => aborted(signal) });
    const actionClient = new ActionClient(client, "goal", "reply", { cancelOutput: "cancel" });
    const goal = await actionClient.sendGoal(1);
    const clientSends = recordSends(client);

    expect(await goal.cancel()).toBe(true);

    expect((await goal.result).status).toBe("canceled");
    expect(clientSends.map(({ outputId, parameters }) => `${outputId}:${parameters.goal_event}`)).toEqual(["cancel:cancel"]);
    expect(actions.stats()).toMatchObject({ cancelRequests: 1, canceled: 1 });
    actions.close();
    await vi.waitFor(() => expect(server.held).toBe(0));
  });

  it("cancels an accepted goal when the sendGoal signal aborts", async () => {
    const { server, client } = actionNet();
    serveActions(server, "goal", "reply", { execute: async (_goal, { signal }) => aborted(signal) });
    const controller = new AbortController();
    const goal = await new ActionClient(client, "goal", "reply").sendGoal(1, { signal: controller.signal });

    controller.abort();

    expect((await goal.result).status).toBe("canceled");
    expect(client.held).toBe(0);
  });

  it("keeps a result for the TTL counted from the goal's end, not its acceptance, then forgets it", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { server, clients } = actionNet({ clients: ["client", "late"] });
    const gate = deferred();
    const actions = serveActions(server, "goal", "reply", { resultTtlMs: 1_000, execute: async () => gate.promise.then(() => "kept") });
    const [owner, lateJoiner] = clients.map((host) => new ActionClient(host, "goal", "reply"));
    const goal = await owner!.sendGoal(1);
    await vi.advanceTimersByTimeAsync(5_000);
    gate.resolve();
    await goal.result;

    await vi.advanceTimersByTimeAsync(999);
    const kept = await lateJoiner!.getResult(goal.goalId);
    expect(kept.status).toBe("succeeded");
    expect(kept.value!.rows()).toEqual(["kept"]);
    expect(actions.stats().kept).toBe(1);

    await vi.advanceTimersByTimeAsync(1);
    expect(actions.stats().kept).toBe(0);
    const forgotten = await lateJoiner!.getResult(goal.goalId).catch((error: unknown) => error);
    expect(forgotten).toBeInstanceOf(UnknownGoalError);
    expect(forgotten).toMatchObject({ nodeId: "late", inputId: "reply", goalId: goal.goalId });
    expect(clients.map((host) => host.held)).toEqual([0, 0]);
  });
});
