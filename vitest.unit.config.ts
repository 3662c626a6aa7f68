// The suite without the specs that drive whole runs with real node processes (for
// stryker.unit.config.mjs: those cost ~30 s a pass, which turns a mutation run into hours).
import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.ts";

export default mergeConfig(base, defineConfig({ test: { exclude: ["**/node_modules/**", "**/dataflow-run*.spec.ts"] } }));
