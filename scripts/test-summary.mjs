// Prints the plain "N passed, N failed" line CI reads, from vitest's JSON report, plus any
// extra checks CI ran (each given as name=exit-status, e.g. bench=0).
import { existsSync, readFileSync } from "node:fs";

const [file = "test-results.json", ...extras] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(file)) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTests ?? 0) + (report.success === false && !report.numFailedTests ? 1 : 0);
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} else {
  failed = 1;
  console.error(`no test report at ${file}: the test run did not finish`);
}
for (const extra of extras) {
  const [name, status] = extra.split("=");
  if (status === "0") passed++;
  else {
    failed++;
    console.error(`${name} failed (exit ${status})`);
  }
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
