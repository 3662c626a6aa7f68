import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.spec.ts", "transports/*/test/**/*.spec.ts", "test/**/*.spec.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    // The JSON report plus unhandled errors, which the stock one leaves out (see the script).
    reporters: ["default", "./scripts/json-reporter.mjs"],
    outputFile: { json: "test-results.json" },
  },
});
