// Prints the plain "N passed, N failed" line CI reads and exits 1 when anything failed.
//
//   node scripts/test-summary.mjs [--runner-exit N] [report.json] [name=exit-status ...]
//
// Counted as failed: each failed test; each test file that failed outside its tests (an
// import error, a throwing hook); each unhandled error (numUnhandledErrors, written by
// scripts/json-reporter.mjs); a missing report (the run did not finish); a non-zero
// --runner-exit that none of the above explains (a crash, an unhandled error the report did
// not record); and each extra check that exited non-zero (e.g. bench-quick=1).
import { existsSync, readFileSync } from "node:fs";

const args = process.argv.slice(2);
let runnerExit;
const positional = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === "--runner-exit") runnerExit = Number(args[++i]);
  else if (arg.startsWith("--runner-exit=")) runnerExit = Number(arg.slice("--runner-exit=".length));
  else positional.push(arg);
}
const file = positional[0] && !positional[0].includes("=") ? positional.shift() : "test-results.json";
const extras = positional;

let passed = 0;
let failed = 0;
let skipped = 0;
const why = [];
if (existsSync(file)) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed = report.numPassedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  const failedTests = report.numFailedTests ?? 0;
  failed += failedTests;
  if (failedTests > 0) why.push(`${failedTests} failed test${failedTests === 1 ? "" : "s"}`);
  // A file whose status is failed but none of whose tests failed broke outside any test.
  const brokenFiles = (report.testResults ?? []).filter((f) => f.status === "failed" && !(f.assertionResults ?? []).some((t) => t.status === "failed"));
  failed += brokenFiles.length;
  for (const f of brokenFiles) why.push(`test file failed outside its tests: ${f.name}${f.message ? ` (${f.message})` : ""}`);
  const unhandled = report.numUnhandledErrors ?? 0;
  failed += unhandled;
  for (const message of report.unhandledErrors ?? []) why.push(`unhandled error: ${message}`);
  if (report.runEndReason === "interrupted") {
    failed++;
    why.push("the test run was interrupted");
  }
} else {
  failed++;
  why.push(`no test report at ${file}: the test run did not finish`);
}
if (runnerExit !== undefined && runnerExit !== 0 && failed === 0) {
  failed++;
  why.push(`the test runner exited with status ${runnerExit} although the report shows no failure`);
}
for (const extra of extras) {
  const [name, status] = extra.split("=");
  if (status === "0") passed++;
  else {
    failed++;
    why.push(`${name} failed (exit ${status})`);
  }
}
for (const line of why) console.error(`failure: ${line}`);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
