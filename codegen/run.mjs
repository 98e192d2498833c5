#!/usr/bin/env node
// One command turns spec/postgres.openapi.yaml into src/generated/.
//   node codegen/run.mjs          write the generated files
//   node codegen/run.mjs --check  regenerate in memory and fail on any difference
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { renderTypes } from "./types.mjs";
import { renderZod } from "./zod.mjs";
import { renderOperations } from "./operations.mjs";
import { renderModels } from "./models.mjs";
import { renderFunctions, renderNamespaces } from "./functions.mjs";
import { renderNames } from "./names.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const specPath = join(root, "spec", "postgres.openapi.yaml");
const outDir = join(root, "src", "generated");
const check = process.argv.includes("--check");

const spec = parseYaml(readFileSync(specPath, "utf8"));

const outputs = {
  "openapi.ts": await renderTypes(spec),
  "models.ts": renderModels(spec),
  "schemas.ts": renderZod(spec),
  "operations.ts": renderOperations(spec),
  "names.ts": renderNames(spec),
  "functions.ts": renderFunctions(spec),
  "namespaces.ts": renderNamespaces(spec),
};

let stale = [];
for (const [file, content] of Object.entries(outputs)) {
  const target = join(outDir, file);
  if (check) {
    const current = existsSync(target) ? readFileSync(target, "utf8") : "";
    if (current !== content) stale.push(relative(root, target));
  } else {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(target, content);
  }
}

if (check) {
  if (stale.length > 0) {
    console.error(`codegen:check failed: these files differ from what the spec generates:\n  ${stale.join("\n  ")}\nRun \`npm run codegen\` and commit the result.`);
    process.exit(1);
  }
  console.log(`codegen:check ok (${Object.keys(outputs).length} files match the spec)`);
} else {
  console.log(`codegen wrote ${Object.keys(outputs).map((f) => `src/generated/${f}`).join(", ")}`);
}
