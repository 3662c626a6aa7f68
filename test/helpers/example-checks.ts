import { join } from "node:path";
import { expect } from "vitest";
import type { CliResult } from "./cli.js";
import { ROOT } from "./paths.js";

/** The dataflow.yml of an example. */
export const example = (name: string): string => join(ROOT, "examples", name, "dataflow.yml");

/**
 * Examples that need services of their own (a broker, a database) and devices outside the
 * dataflow: each has an end-to-end test of its own, named here, and is left out of the
 * transport matrix (its bridge speaks to its devices' broker whatever the transport).
 */
export const SERVICE_EXAMPLES: Record<string, string> = {
  "iot-bridge": "test/iot-bridge.spec.ts",
};

/**
 * What each example must print when it runs, whatever transport carries it: the examples' own
 * end-to-end test and the transport matrix (every example over every transport) share these.
 */
export const EXAMPLE_CHECKS: Record<string, { title: string; check: (result: CliResult) => void }> = {
  quickstart: {
    title: "the receiver gets all 100 messages, in order",
    check(result) {
      expect(result.code, result.stderr).toBe(0);
      const received = [...result.stdout.matchAll(/^\[receiver\] Received message: (\d+)$/gm)].map((m) => Number(m[1]));
      expect(received).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(result.stdout).toContain("[receiver] Input message closed");
      expect(result.stderr).toBe("");
    },
  },
  // How close ticks come to 50 ms is a measurement (the benchmark's business), not a test.
  timer: {
    title: "ten ticks in order, each forwarded, and the dataflow ends by itself",
    check(result) {
      expect(result.code, result.stderr).toBe(0);
      const counts = [...result.stdout.matchAll(/^\[printer\] count = (\d+)$/gm)].map((m) => Number(m[1]));
      expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const ticks = [...result.stdout.matchAll(/^\[ticker\] tick (\d+)/gm)].map((m) => Number(m[1]));
      expect(ticks).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(result.stdout).toContain("[printer] ticker finished after 10 ticks");
    },
  },
  operators: {
    title: "the doubler's numbers reach the summer in-process, its totals reach a plain node, and the dataflow ends by itself",
    check(result) {
      expect(result.code, result.stderr).toBe(0);
      const totals = [...result.stdout.matchAll(/^\[printer\] total = (\d+)$/gm)].map((m) => Number(m[1]));
      expect(totals).toEqual([2, 6, 12, 20, 30, 42, 56, 72, 90, 110]);
      expect(result.stdout).toContain("[math] the doubler stopped; total 110");
      expect(result.stdout).toContain("[printer] math finished after 10 totals");
    },
  },
  "arrow-struct": {
    title: "struct arrays and metadata parameters round-trip",
    check(result) {
      expect(result.code, result.stderr).toBe(0);
      for (const frame of [0, 1, 2]) {
        expect(result.stdout).toContain(`[consumer] frame ${frame} from front (tags ["a","b"]): 2 boxes, fields label,score,x,y,w,h`);
        expect(result.stdout).toContain(`[consumer]   person 0.90 at (${10 + frame}, 20) 30x60`);
        expect(result.stdout).toContain(`[consumer]   dog 0.75 at (50, ${40 + frame}) 25x20`);
      }
    },
  },
  "video-frames": {
    title: "1080p frames arrive intact, and the slow consumer's losses are exactly the counted drops",
    check(result) {
      expect(result.code, result.stderr).toBe(0);
      const camera = /^\[camera\] sent (\d+) frames, (\d+) dropped on the camera's side$/m.exec(result.stdout);
      expect(camera, result.stdout).not.toBeNull();
      const [sent, droppedByCamera] = [Number(camera![1]), Number(camera![2])];
      expect(sent).toBe(90);
      const report = (id: string): { received: number; last: number; corrupt: number; outOfOrder: number; dropped: number; peakRssMB: number } => {
        const match = new RegExp(`^\\[${id}\\] received (\\d+) frames up to #(\\d+), (\\d+) corrupt, (\\d+) out of order, (\\d+) dropped by my queue, peak RSS (\\d+) MB$`, "m").exec(result.stdout);
        expect(match, `${id}'s report in:\n${result.stdout}`).not.toBeNull();
        const [received, last, corrupt, outOfOrder, dropped, peakRssMB] = match!.slice(1).map(Number) as [number, number, number, number, number, number];
        return { received, last, corrupt, outOfOrder, dropped, peakRssMB };
      };
      const fast = report("fast");
      const slow = report("slow");
      for (const consumer of [fast, slow]) {
        expect(consumer).toMatchObject({ corrupt: 0, outOfOrder: 0, last: 89 });
        // What a consumer did not receive, its queue dropped or the camera's side dropped for it.
        expect(sent - consumer.received).toBeGreaterThanOrEqual(consumer.dropped);
      }
      expect(slow.received).toBeLessThan(sent);
      // Resident memory stays bounded (through shared memory, by the ring: 8 x 6.3 MB, counted once
      // its pages are read) over a Node process's own ~100 MB, however far behind the slow one
      // falls: the ~60 frames it drops would add ~370 MB if they were copied and queued.
      for (const consumer of [fast, slow]) expect(consumer.peakRssMB).toBeLessThan(250);
      expect(2 * sent - fast.received - slow.received).toBe(fast.dropped + slow.dropped + droppedByCamera);
    },
  },
  service: {
    title: "two clients get their own replies from a service doing an HTTP call per request; an unknown city is an error reply",
    check(result) {
      expect(result.code, result.stderr).toBe(0);
      for (const line of ["[client-a] Paris: 14 °C", "[client-a] Oslo: 3 °C", "[client-a] Lima: 19 °C", "[client-b] Tokyo: 17 °C", "[weather] served 4 forecasts, 1 failed"]) {
        expect(result.stdout).toContain(line);
      }
      expect(result.stdout).toMatch(/^\[client-b\] Atlantis: ServiceError: node 'client-b' request [0-9a-f-]{36}: the server replied on input 'answer' with an error: the weather API answered 404 for Atlantis$/m);
      // Replies to the other client's requests are not this client's loss.
      expect(result.stderr).not.toContain("lost");
    },
  },
  action: {
    title: "a goal runs to the end with feedback, one is cancelled midway, one is rejected",
    check(result) {
      expect(result.code, result.stderr).toBe(0);
      const positions = (goal: string): number[] => [...result.stdout.matchAll(new RegExp(`^\\[planner\\] ${goal}: at (\\d+) mm$`, "gm"))].map((m) => Number(m[1]));
      expect(positions("to 100")).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
      expect(result.stdout).toContain("[planner] to 100: succeeded at 100 mm");
      expect(result.stdout).toContain("[planner] to 90: cancel requested, accepted: true");
      // The arm stops where the cancel finds it: at 30 mm, or one step further.
      const canceled = /^\[planner\] to 90: canceled at (\d+) mm$/m.exec(result.stdout);
      expect(canceled, result.stdout).not.toBeNull();
      expect(Number(canceled![1])).toBeGreaterThanOrEqual(30);
      expect(Number(canceled![1])).toBeLessThan(90);
      expect(result.stdout).toMatch(/^\[planner\] to 500: rejected \(node 'planner' goal [0-9a-f-]{36} sent on output 'goal' was rejected by the server\)$/m);
    },
  },
  streaming: {
    title: "a token stream interrupted by a flush: the queued tokens are dropped, the second answer is said in full",
    check(result) {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain("[llm] interrupted after 21 tokens sent; answered in segment 1");
      expect(result.stdout).toContain("[speaker] barge-in: stop talking (segment 0 flushed)");
      expect(result.stdout).toContain("[speaker] segment 1: said 3 tokens: Sure, stopping here.");
      expect(result.stdout).toContain("[speaker] end of the answer");
      const said = Number(/^\[speaker\] segment 0: said (\d+) tokens/m.exec(result.stdout)?.[1]);
      const dropped = Number(/^\[speaker\] dropped (\d+) queued tokens at the barge-in$/m.exec(result.stdout)?.[1]);
      // The listener interrupts after three words: the rest of the long answer is never said.
      expect(said).toBeGreaterThanOrEqual(3);
      expect(said).toBeLessThan(21);
      expect(said + dropped).toBe(21);
      expect(result.stdout).toContain(`[listener] heard ${said + 3} words`);
    },
  },
};
