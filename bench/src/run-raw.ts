import { fork } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchPlan } from "./plan.js";
import { type ThroughputFile, mergeThroughput } from "./run-rivulet.js";

const RAW = fileURLToPath(new URL("../raw/raw-unix.mjs", import.meta.url));

/** Resolves when a forked child exits 0; rejects naming `what` otherwise. */
export function exited(child: ReturnType<typeof fork>, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once("exit", (code, signal) => (code === 0 ? resolve() : reject(new Error(`${what} exited with ${code ?? signal}`))));
  });
}

/** Runs raw-unix.mjs receivers and a sender with `plan`; returns the receivers' (or sender's) output files. */
async function runRaw(dir: string, plan: object, receivers: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const sockets = Array.from({ length: receivers }, (_, i) => join(dir, `raw${i}.sock`));
  const outs = sockets.map((_, i) => join(dir, `raw-result-${i}.json`));
  const planText = JSON.stringify(plan);
  const children = sockets.map((socket, i) => fork(RAW, ["receiver", socket, planText, outs[i]!], { stdio: "inherit" }));
  await Promise.all(children.map((child) => new Promise((resolve) => child.once("message", resolve))));
  const senderOut = join(dir, "raw-sender.json");
  const sender = fork(RAW, ["sender", sockets.join(","), planText, senderOut], { stdio: "inherit" });
  await Promise.all([exited(sender, "raw sender"), ...children.map((c, i) => exited(c, `raw receiver ${i}`))]);
  return (plan as { kind: string }).kind === "pingpong" ? [senderOut] : outs;
}

export async function rawLatency(mode: "paced" | "pingpong", plan: BenchPlan, workDir: string): Promise<Record<string, number[]>> {
  const spec = mode === "paced" ? plan.paced : plan.pingpong;
  const [out] = await runRaw(join(workDir, `raw-${mode}`), { kind: mode, ...spec }, 1);
  return (JSON.parse(readFileSync(out!, "utf8")) as { oneWayNs: Record<string, number[]> }).oneWayNs;
}

export async function rawThroughput(plan: BenchPlan, receivers: number, workDir: string): Promise<Record<string, { count: number; ns: number }>> {
  const outs = await runRaw(join(workDir, `raw-throughput-${receivers}`), { kind: "throughput", ...plan.throughput }, receivers);
  return mergeThroughput(outs.map((out) => JSON.parse(readFileSync(out, "utf8")) as ThroughputFile));
}
