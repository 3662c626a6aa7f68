import { TimeoutError } from "@rivulet/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ActionClient } from "../../src/patterns/action-client.js";
import { GoalAbortedError, GoalRejectedError } from "../../src/patterns/action-errors.js";
import { serveActions } from "../../src/patterns/action-server.js";
import { actionNet, deferred, firstRows } from "./action-fixture.js";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("action pattern", () => {
  it("runs a long goal: accepted, executing, feedback in order, then succeeded with the result", async () => {
    const { server, client, sent } = actionNet();
    const actions = serveActions(server, "goal", "reply", {
      execute: async (goal, { feedback }) => {
        const [steps] = goal.rows() as number[];
        for (let step = 1; step <= steps!; step++) await feedback(step);
        return steps! * 10;
      },
    });
    const actionClient = new ActionClient(client, "goal", "reply");

    const goal = await actionClient.sendGoal(3);

    expect(goal.goalId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(goal.status).toBe("accepted");
    expect(client.held).toBe(1);
    expect(await firstRows(goal.feedback)).toEqual([1, 2, 3]);
    const result = await goal.result;
    expect(result.status).toBe("succeeded");
    expect(result.value!.rows()).toEqual([30]);
    expect(result.error).toBeUndefined();
    expect(goal.status).toBe("succeeded");
    expect(sent.map(({ parameters }) => `${parameters.goal_event}:${parameters.goal_status}`)).toEqual([
      "status:accepted",
      "status:executing",
      "feedback:executing",
      "feedback:executing",
      "feedback:executing",
      "result:succeeded",
    ]);
    expect(sent.every(({ outputId, parameters }) => outputId === "reply" && parameters.goal_id === goal.goalId)).toBe(true);
    expect(actionClient.stats()).toMatchObject({ sent: 1, accepted: 1, succeeded: 1, pending: 0, foreign: 0, malformed: 0 });
    expect(actions.stats()).toMatchObject({ goals: 1, accepted: 1, succeeded: 1, active: 0, kept: 1 });
    expect(client.held).toBe(0);
    expect(server.held).toBe(1);
    actions.close();
    await vi.waitFor(() => expect(server.held).toBe(0));
  });

  it("rejects a goal the server refuses, or whose onGoal throws, with GoalRejectedError", async () => {
    const { server, client } = actionNet();
    const execute = vi.fn(async () => "ran");
    serveActions(server, "goal", "reply", {
      onGoal: (goal) => {
        const [value] = goal.rows() as number[];
        if (value === 0) throw new Error("zero is not a goal");
        return value! > 0;
      },
      execute,
    });
    const actionClient = new ActionClient(client, "goal", "reply");

    const refused = await actionClient.sendGoal(-1).catch((error: unknown) => error);
    const thrown = await actionClient.sendGoal(0).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(GoalRejectedError);
    expect(refused).toMatchObject({ name: "GoalRejectedError", nodeId: "client", outputId: "goal", serverMessage: undefined });
    expect((refused as GoalRejectedError).goalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(thrown).toMatchObject({ name: "GoalRejectedError", serverMessage: "zero is not a goal" });
    expect(server.logs.some((line) => line.level === "warn" && line.fields?.error === "zero is not a goal")).toBe(true);
    expect(execute).not.toHaveBeenCalled();
    expect(actionClient.stats()).toMatchObject({ sent: 2, rejected: 2, accepted: 0, pending: 0 });
    expect(client.held).toBe(0);
    // The server serves on.
    const goal = await actionClient.sendGoal(1);
    expect((await goal.result).status).toBe("succeeded");
  });

  it("ends a goal whose execute throws as aborted, naming the server's error, and serves on", async () => {
    const { server, client } = actionNet();
    const actions = serveActions(server, "goal", "reply", {
      execute: async (goal) => {
        if ((goal.rows() as number[])[0] === 1) throw new Error("motor stalled");
        return "ok";
      },
    });
    const actionClient = new ActionClient(client, "goal", "reply");

    const failing = await actionClient.sendGoal(1);
    const result = await failing.result;

    expect(result.status).toBe("aborted");
    expect(result.error).toBeInstanceOf(GoalAbortedError);
    expect(result.error).toMatchObject({ nodeId: "client", inputId: "reply", goalId: failing.goalId, serverMessage: "motor stalled" });
    expect(await firstRows(failing.feedback)).toEqual([]);
    expect(server.logs.some((line) => line.level === "warn" && line.fields?.goalId === failing.goalId)).toBe(true);
    const next = await actionClient.sendGoal(2);
    expect((await next.result).value!.rows()).toEqual(["ok"]);
    expect(actions.stats()).toMatchObject({ aborted: 1, succeeded: 1, active: 0 });
    expect(actionClient.stats()).toMatchObject({ aborted: 1, succeeded: 1 });
    expect(client.held).toBe(0);
  });

  it("keeps the newest unread feedback up to feedbackQueueSize and counts what it drops", async () => {
    const { server, client } = actionNet();
    serveActions(server, "goal", "reply", {
      execute: async (_goal, { feedback }) => {
        for (let step = 1; step <= 5; step++) await feedback(step);
      },
    });
    const actionClient = new ActionClient(client, "goal", "reply", { feedbackQueueSize: 2 });
    const goal = await actionClient.sendGoal(1);

    const result = await goal.result;

    // No result: the message is empty (null sent).
    expect(result.value!.rows()).toEqual([]);
    expect(await firstRows(goal.feedback)).toEqual([4, 5]);
    expect(actionClient.stats().feedbackDropped).toBe(3);
  });

  it("lets two clients share one server, each seeing only its own goals", async () => {
    const { server, clients } = actionNet({ clients: ["left", "right"] });
    serveActions(server, "goal", "reply", {
      execute: async (goal, { feedback }) => {
        const [label] = goal.rows() as string[];
        await feedback(`${label}-1`);
        await feedback(`${label}-2`);
        return label;
      },
    });
    const [left, right] = clients.map((host) => new ActionClient(host, "goal", "reply"));

    const [leftGoal, rightGoal] = await Promise.all([left!.sendGoal("L"), right!.sendGoal("R")]);
    const [leftFeedback, rightFeedback] = await Promise.all([firstRows(leftGoal.feedback), firstRows(rightGoal.feedback)]);

    expect(leftFeedback).toEqual(["L-1", "L-2"]);
    expect(rightFeedback).toEqual(["R-1", "R-2"]);
    expect((await leftGoal.result).value!.rows()).toEqual(["L"]);
    expect((await rightGoal.result).value!.rows()).toEqual(["R"]);
    // Each saw the other's accepted, executing, two feedback and result messages, and ignored them.
    expect(left!.stats()).toMatchObject({ succeeded: 1, foreign: 5, late: 0 });
    expect(right!.stats()).toMatchObject({ succeeded: 1, foreign: 5, late: 0 });
    expect(clients.map((host) => host.held)).toEqual([0, 0]);
  });

  it("gives up a goal not answered within its timeout, and cancels it on the server", async () => {
    const { server, client } = actionNet();
    const decide = deferred<boolean>();
    const execute = vi.fn(async () => "ran");
    const actions = serveActions(server, "goal", "reply", { onGoal: () => decide.promise, execute });
    const actionClient = new ActionClient(client, "goal", "reply");

    const error = await actionClient.sendGoal(1, { timeout: 20 }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 20 });
    expect(client.held).toBe(0);
    expect(actionClient.stats()).toMatchObject({ abandoned: 1, pending: 0 });
    await vi.waitFor(() => expect(actions.stats().cancelRequests).toBe(1));
    decide.resolve(true);
    await vi.waitFor(() => expect(actions.stats()).toMatchObject({ accepted: 1, canceled: 1, active: 0 }));
    expect(execute).not.toHaveBeenCalled();
    // accepted, cancel_response, result: dropped as late, not mistaken for another client's.
    await vi.waitFor(() => expect(actionClient.stats()).toMatchObject({ late: 3, foreign: 0 }));
  });

  it("skips a goal whose deadline passed before the server read it", async () => {
    const { server, client } = actionNet();
    const actions = serveActions(server, "goal", "reply", { execute: async () => "ran" });

    await client.sendOutput("goal", 1, { goal_event: "goal", goal_id: "0190a0a0-0000-7000-8000-000000000000", deadline: Date.now() - 1 });
    await client.sendOutput("goal", 1, { goal_event: "unheard-of", goal_id: "x" });

    await vi.waitFor(() => expect(actions.stats()).toMatchObject({ expired: 1, malformed: 1, goals: 0 }));
  });
});
