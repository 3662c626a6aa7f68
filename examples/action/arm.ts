import { setTimeout as sleep } from "node:timers/promises";
import { Node } from "@rivulet/node";

const REACH_MM = 200;
const node = new Node();

node.serveActions("goal", "status", {
  // Accept or reject: a target out of reach is refused before anything moves.
  onGoal: (goal) => {
    const [{ target }] = goal.rows() as { target: number }[];
    return target >= 0 && target <= REACH_MM;
  },
  // Runs an accepted goal: feedback on the way, the result at the end. `signal` aborts when the
  // planner cancels the goal (or the node stops): stop where we are.
  execute: async (goal, { feedback, signal }) => {
    const [{ target }] = goal.rows() as { target: number }[];
    let position = 0;
    while (position < target && !signal.aborted) {
      await sleep(20, undefined, { signal }).catch(() => {});
      if (signal.aborted) break;
      position = Math.min(target, position + 10);
      await feedback({ position });
    }
    return { position };
  },
});
