// stryker.config.mjs with the unit specs only (vitest.unit.config.ts): e.g.
// STRYKER_PACKAGE=packages/daemon npx stryker run stryker.unit.config.mjs --mutate packages/daemon/src/start-barrier.ts
// Leaving specs out can only lower a score; bench/MUTATION.md says which rows were measured this way.
import base from "./stryker.config.mjs";

export default { ...base, vitest: { ...base.vitest, configFile: "vitest.unit.config.ts" }, jsonReporter: { fileName: "out/mutation/unit.json" } };
