// Mutation testing (`npm run mutate [package...]`, not part of `npm test`): Stryker mutates one
// package's src/ at a time and runs that package's own vitest specs against each mutant.
// scripts/mutate.mjs sets STRYKER_PACKAGE and collects the scores into bench/MUTATION.md.
// End-to-end specs are left out on purpose: they run the compiled dist/ through child
// processes, which never see a mutant.
const pkg = process.env.STRYKER_PACKAGE ?? "packages/core";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "vitest.config.ts", dir: pkg },
  mutate: [`${pkg}/src/**/*.ts`, `!${pkg}/src/index.ts`, `!${pkg}/src/**/*-main.ts`],
  coverageAnalysis: "perTest",
  // The machine is shared: one mutant at a time unless asked otherwise.
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 1),
  timeoutMS: 20_000,
  timeoutFactor: 3,
  reporters: ["clear-text", "json", "progress-append-only"],
  jsonReporter: { fileName: `out/mutation/${pkg.replace("/", "-")}.json` },
  tempDirName: ".stryker-tmp",
  // dist/ is copied (unmutated): a few specs run the compiled code in a child process.
  ignorePatterns: ["bench/tmp", "out", "test-results.json", "**/*.tsbuildinfo"],
  cleanTempDir: "always",
};
