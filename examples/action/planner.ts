import { GoalRejectedError, Node, type GoalHandle } from "@rivulet/node";

const node = new Node();

/** Follows a goal's feedback; `cancelAt` cancels it once the arm is that far. */
async function follow(name: string, goal: GoalHandle, cancelAt?: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const feedback of goal.feedback) {
    const [{ position }] = feedback.rows() as { position: number }[];
    lines.push(`${name}: at ${position} mm`);
    if (position === cancelAt) lines.push(`${name}: cancel requested, accepted: ${await goal.cancel()}`);
  }
  const result = await goal.result;
  const [{ position }] = (result.value?.rows() ?? [{ position: undefined }]) as { position?: number }[];
  lines.push(`${name}: ${result.status} at ${position} mm`);
  return lines;
}

// Two goals at once: each handle follows only its own goal.
const [long, short] = await Promise.all([node.sendGoal("goal", "status", { target: 100 }), node.sendGoal("goal", "status", { target: 90 })]);
const outcomes = await Promise.all([follow("to 100", long), follow("to 90", short, 30)]);
for (const line of outcomes.flat()) console.log(line);

try {
  await node.sendGoal("goal", "status", { target: 500 });
} catch (error) {
  if (!(error instanceof GoalRejectedError)) throw error;
  console.log(`to 500: rejected (${error.message})`);
}
