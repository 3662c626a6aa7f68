import { join } from "node:path";
import { expect } from "vitest";
import type { CliResult } from "./cli.js";
import { ROOT } from "./paths.js";

/** The dataflow.yml of an example. */
export const example = (name: string): string => join(ROOT, "examples", name, "dataflow.yml");

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
};
