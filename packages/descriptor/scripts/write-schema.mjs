// Writes schema/dataflow.schema.json from the zod schema (run by `npm run schema`).
import { writeFileSync } from "node:fs";
import { dataflowJsonSchema } from "../dist/index.js";

const target = new URL("../schema/dataflow.schema.json", import.meta.url);
writeFileSync(target, JSON.stringify(dataflowJsonSchema(), null, 2) + "\n");
console.log(`wrote ${target.pathname}`);
