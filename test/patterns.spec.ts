import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { copyDataflow } from "./helpers/scratch.js";

// The communication patterns through the real CLI and daemon. The examples (service, action,
// streaming) run here and over every transport in test/examples.spec.ts and
// test/transport-matrix.spec.ts; this file holds what an example cannot show: a server killed
// mid-goal, which makes the run fail.

describe("patterns: a server killed mid-goal", () => {
  for (const transport of ["unix", "shm", "zeromq"]) {
    it(`over ${transport}: the pending goal ends aborted and the pending request rejects at once, naming the node, not after their 60 s timeouts`, async () => {
      const file = copyDataflow("test/fixtures/dataflows/server-dies");
      writeFileSync(file, `transport: ${transport}\n${readFileSync(file, "utf8")}`);
      const started = Date.now();
      const result = await runCli(["run", file]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("rivulet: failed: node 'arm' killed by SIGKILL");
      // The arm dies right after its third feedback was handed over; a zeromq sender's I/O thread
      // may still hold the last ones when SIGKILL comes, so only the first is certain everywhere.
      expect(result.stdout).toContain("[planner] feedback 1");
      expect(result.stdout).toMatch(
        /^\[planner\] goal aborted \d+ ms after the last feedback: ActionServerFailedError: node 'planner' goal [0-9a-f-]{36}: action server 'arm' feeding input 'status' failed \(killed by SIGKILL\); the goal is aborted$/m,
      );
      expect(result.stdout).toMatch(/^\[planner\] request: ServerFailedError: node 'planner' request [0-9a-f-]{36}: server 'arm' feeding input 'answer' failed \(killed by SIGKILL\); no reply will come$/m);
      // "At once": the whole run, start-up included, takes a fraction of the 60 s the client would wait.
      expect(Date.now() - started).toBeLessThan(30_000);
    });
  }
});
